"""`nnviz export … --format html --out deck.html`: the whole export as one self-contained web
page (see nnviz.render.html_deck). ``--out`` names the file, not a folder."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from nnviz.core.errors import NnvizError
from nnviz.core.phases import phase_names

UNIT = 1_000_000


def check_out_file(out: str, force: bool) -> None:
    """Refuse an output the deck cannot replace before any work: a folder, a path under a
    file, a folder that is missing or read-only, or an existing file without ``--force``."""
    if out == "-":
        return
    path = Path(out)
    if path.is_dir():
        raise NnvizError("is a folder; the HTML deck is one file: give its name", out)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise NnvizError(f"{folder} is not an existing folder", out)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NnvizError(f"{folder} is read-only", out)
    if (path.exists() or path.is_symlink()) and not force:
        raise NnvizError("exists; add --force to replace it", out)


CLI_REDUCE = "export fewer --steps (or only --phases update)"
"""How the command line says what reduces a deck over its limit (the window names its own)."""


def run_deck(ns: argparse.Namespace, width: int, height: int) -> int:
    """Check the output and the mistake before any work, then build and write the deck
    (:func:`write_deck`)."""
    from nnviz.core.mistakes import why_not
    from nnviz.core.netfile import load
    from nnviz.export_cli import _check_export_size, _neuron

    check_out_file(ns.out, ns.force)
    spec, base = load(ns.network)
    neuron = _neuron(ns.neuron, spec.layers)
    if ns.mistake and (why := why_not(ns.mistake, spec.activations)):
        raise NnvizError(f"--mistake {ns.mistake}: {why}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.cli import headless_engine
    from nnviz.render.view import ViewState

    engine = headless_engine(spec, base, ns)
    _check_export_size(engine, ns, width, height, str(ns.network))
    view = ViewState(label_mode=ns.labels, digits=ns.digits, theme=ns.theme,
                     mistake=ns.mistake or "")  # fmt: skip
    frames, size = write_deck(engine, ns.out, view, (width, height), ns.steps,
                              only_update=ns.phases == "update", neuron=neuron)  # fmt: skip
    where = "standard output" if ns.out == "-" else ns.out
    print(
        f"wrote an HTML deck of {frames} frames ({_mb(size)} MB) to {where}",
        file=sys.stderr if ns.out == "-" else sys.stdout,
    )
    return 0


def write_deck(
    engine,
    out: str | os.PathLike[str],
    view,
    size: tuple[int, int],
    steps: int,
    *,
    only_update: bool = False,
    neuron: tuple[int, int] | None = None,
    reduce: str = CLI_REDUCE,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[int, int]:
    """Draw ``steps`` steps of ``engine`` (trained as it goes) into one deck, refuse it over
    html_deck.MAX_BYTES (estimated from the first step, before the others are drawn; ``reduce``
    says what to change) and write it atomically (nnviz.core.output): returns its frames and
    bytes. The one deck builder of ``nnviz export --format html`` and the window's export:
    ``progress(done, total)`` after each frame; when ``cancelled()`` turns true,
    ExportCancelled is raised and nothing is written (a file that was there stays)."""
    from nnviz.core.output import write_bytes
    from nnviz.gui.keymap import browser_keymap
    from nnviz.render import html_deck
    from nnviz.render.export_job import ExportCancelled

    deck = html_deck.DeckBuilder(
        engine.spec,
        engine.dataset,
        view,
        size[0],
        size[1],
        only_update=only_update,
        selected=neuron,
        keymap=browser_keymap(),  # lecture mode's keys, from its one key map
    )
    per_step = 1 if only_update else len(phase_names(len(engine.spec.layers) - 1))
    total, done = steps * per_step, 0

    def stop_if_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled(f"HTML deck cancelled after {done} of {total} frames")

    def frame_drawn() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)
        stop_if_cancelled()

    deck.after_frame = frame_drawn
    for k in range(steps):
        stop_if_cancelled()
        deck.add_step(engine.step())
        if k == 0:
            _check_size(deck.estimate(steps), reduce)
    page = deck.page().encode("utf-8")
    _check_size(len(page), reduce)
    stop_if_cancelled()
    write_bytes(out, page, follow_links=False)
    return len(deck.frames), len(page)


def _mb(n: int) -> str:
    return f"{n / UNIT:.{0 if n >= 10 * UNIT else 1}f}"


def _check_size(estimate: int, reduce: str = CLI_REDUCE) -> None:
    from nnviz.render.html_deck import MAX_BYTES

    if estimate > MAX_BYTES:
        raise NnvizError(
            f"the HTML deck would be about {_mb(estimate)} MB, over its limit of "
            f"{_mb(MAX_BYTES)} MB: {reduce}"
        )
