"""The window's export in a process of its own, running the command line's own job.

Rendering needs Qt (text layout, painting), and Qt called from a second Python thread can
deadlock against the GUI thread: PySide keeps the GIL through most Qt calls, while the GUI
thread, deleting a widget, holds one of Qt's signal locks and waits for the GIL to ask Python
about overrides. A child process shares neither the GIL nor Qt's locks, so the window keeps
painting whatever it does, and a crash in the export cannot take the window down.

The child gets the engine (pickled at the shown step), the settings and the output path;
it reports each frame on a queue and stops between two frames when the parent sets ``stop``.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

CONTEXT = multiprocessing.get_context("spawn")  # no fork of a process with Qt threads in it


def child_main(
    engine, out: Path, settings, head: dict, reduce: str, deck_limit: int, queue, stop
) -> None:
    """The child's whole life: export, report, end. Every failure is a message, never a
    traceback on the window's terminal. ``deck_limit``: the HTML deck's size bound, as the
    window has it (a fresh process would read the module's default)."""
    import os

    from nnviz.render import html_deck

    html_deck.MAX_BYTES = deck_limit

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.core.errors import NnvizError
    from nnviz.render.export import ensure_gui_app
    from nnviz.render.export_job import ExportCancelled, run_export_job

    ensure_gui_app()
    deck = settings.fmt == "html"

    def progress(done: int, total: int) -> None:
        queue.put(("progress", done, total))

    try:
        if deck:
            from nnviz.deck_cli import _mb, write_deck

            frames, size = write_deck(engine, out, settings.view, settings.size, settings.steps,
                                      only_update=settings.only_update, neuron=settings.neuron,
                                      reduce=reduce, progress=progress,
                                      cancelled=stop.is_set)  # fmt: skip
            message = f"Exported an HTML deck of {frames} frames ({_mb(size)} MB) to {out}"
            queue.put(("ended", True, message, [str(out)]))
        else:
            written = run_export_job(
                engine, out, settings, head=head, progress=progress, cancelled=stop.is_set
            )
            message = f"Exported {len(written)} files to {out}"
            queue.put(("ended", True, message, [str(p) for p in written]))
    except ExportCancelled:
        gone = "nothing was written" if deck else "its files were removed"
        queue.put(("ended", False, f"Export cancelled; {gone}", []))
    except (OSError, NnvizError, ValueError) as exc:
        queue.put(("ended", False, f"Export failed: {exc}", []))
    except Exception as exc:  # noqa: BLE001 - a bug must still end the job with a message
        queue.put(("ended", False, f"Export failed: {type(exc).__name__}: {exc}", []))


def start(engine, out: Path, settings, head: dict, reduce: str) -> tuple[Any, Any, Any]:
    """Start the child; returns (process, queue, stop event)."""
    from nnviz.render import html_deck

    queue = CONTEXT.Queue()
    stop = CONTEXT.Event()
    proc = CONTEXT.Process(
        target=child_main,
        args=(engine, out, settings, head, reduce, html_deck.MAX_BYTES, queue, stop),
        name="nnviz-export",
        daemon=True,  # never outlives the window
    )
    proc.start()
    return proc, queue, stop
