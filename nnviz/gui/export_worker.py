"""The window's export, run on a worker thread by the command line's own job
(nnviz.render.export_job.run_export_job): steps are traced, rendered and written there while
the window keeps painting; progress comes back as queued signals; Cancel stops between two
frames and removes every file the export created. The HTML deck is built by the command's
own function too (nnviz.deck_cli.write_deck): one file, written only at the end, so Cancel
leaves nothing (and a file that was there stays)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from nnviz.core.errors import NnvizError
from nnviz.gui.session import Session
from nnviz.render.export_job import ExportCancelled, ExportSettings, run_export_job
from nnviz.render.view import ViewState

GUI_REDUCE = 'export fewer "Steps from the shown one" (or "Only the update phase")'
"""What reduces a deck over its limit, in the dialog's words."""


@dataclass
class ExportChoices:
    """What to export and where: the same choices as ``nnviz export``."""

    out: Path
    fmt: str = "png"
    steps: int = 1
    size: tuple[int, int] = (1920, 1080)
    view: ViewState = field(default_factory=ViewState)
    only_update: bool = False
    neuron: tuple[int, int] | None = None
    grid: tuple[int, int] = (1, 1)
    page: str = "a4"
    orientation: str = "auto"
    frame_ms: int = 800
    transparent: bool = False
    png_quality: int | None = None
    trace_json: bool = True

    def settings(self) -> ExportSettings:
        return ExportSettings(
            fmt=self.fmt,
            steps=self.steps,
            size=self.size,
            view=self.view,
            only_update=self.only_update,
            neuron=self.neuron,
            grid=self.grid,
            page=self.page,
            orientation=self.orientation,
            frame_ms=self.frame_ms,
            transparent=self.transparent,
            png_quality=self.png_quality,
            trace_json=self.trace_json,
        )


class _Worker(QThread):
    """Runs the job; its signals are emitted on the worker thread and, as this object lives
    on the GUI thread, reach the job's slots queued, on the GUI thread."""

    progressed = Signal(int, int)
    ended = Signal(bool, str)

    def __init__(self, engine, out: Path, settings: ExportSettings, head: dict) -> None:
        super().__init__()
        self.engine, self.out, self.settings, self.head = engine, out, settings, head
        self.stop = threading.Event()
        self.written: list[Path] = []

    def run(self) -> None:  # noqa: D102 - QThread's entry point, on the worker thread
        from nnviz.render.export import release_thread_caches

        deck = self.settings.fmt == "html"
        try:
            if deck:
                self.ended.emit(True, self._write_deck())
            else:
                self.written = run_export_job(
                    self.engine,
                    self.out,
                    self.settings,
                    head=self.head,
                    progress=self.progressed.emit,
                    cancelled=self.stop.is_set,
                )
                self.ended.emit(True, f"Exported {len(self.written)} files to {self.out}")
        except ExportCancelled:
            gone = "nothing was written" if deck else "its files were removed"
            self.ended.emit(False, f"Export cancelled; {gone}")
        except (OSError, NnvizError, ValueError) as exc:
            self.ended.emit(False, f"Export failed: {exc}")
        finally:
            release_thread_caches()

    def _write_deck(self) -> str:
        from nnviz.deck_cli import _mb, write_deck

        s = self.settings
        frames, size = write_deck(self.engine, self.out, s.view, s.size, s.steps,
                                  only_update=s.only_update, neuron=s.neuron, reduce=GUI_REDUCE,
                                  progress=self.progressed.emit, cancelled=self.stop.is_set)  # fmt: skip
        self.written = [self.out]
        return f"Exported an HTML deck of {frames} frames ({_mb(size)} MB) to {self.out}"


class ExportJob(QObject):
    """Exports ``steps`` steps from the shown step on, on a worker thread."""

    progress = Signal(int, int)  # frames done, frames in all
    finished = Signal(bool, str)  # completed (not cancelled, not failed), message

    def __init__(self, session: Session, choices: ExportChoices) -> None:
        super().__init__()
        from nnviz import __version__
        from nnviz.core.phases import phase_names
        from nnviz.core.spec import to_dict

        self.session, self.choices = session, choices
        settings = choices.settings()
        _check_size(session, settings)  # before any step is traced or frame drawn
        first = max(session.step, 1)
        engine = session.engine.clone()
        engine.set_state(
            session.history.state_before(first)
            if session.n_steps >= first
            else session.engine.get_state()
        )
        head = {
            "nnviz": __version__,
            "network": to_dict(session.spec),
            "device": str(engine.device),
            "dtype": engine.dtype_name,
            "phases": phase_names(len(session.spec.layers) - 1),
        }
        self.total = settings.frames(len(session.spec.layers))
        self.done = 0
        self.cancelled = False
        self.running = False
        self._worker = _Worker(engine, choices.out, settings, head)
        self._worker.progressed.connect(self._progressed)
        self._worker.ended.connect(self._ended)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_and_wait)

    @property
    def written(self) -> list[Path]:
        return self._worker.written

    def start(self) -> None:
        if self.choices.fmt != "html":  # the deck is one file in an existing folder
            self.choices.out.mkdir(parents=True, exist_ok=True)
        self.running = True
        self._worker.start()

    def cancel(self) -> None:
        """Stop after the frame being written; its files are removed (a deck is not written),
        then ``finished``."""
        self.cancelled = True
        self._worker.stop.set()

    def stop_and_wait(self) -> None:
        """Cancel and wait for the thread (the application is quitting)."""
        self.cancel()
        self._worker.wait()

    def _progressed(self, done: int, total: int) -> None:
        self.done = done
        self.progress.emit(done, total)

    def _ended(self, ok: bool, message: str) -> None:
        self._worker.wait()  # the thread has returned from run(): joined at once
        self.running = False
        self.finished.emit(ok, message)


def _check_size(session: Session, settings: ExportSettings) -> None:
    """Refuse an export beyond the memory budget, with the figure and the limit."""
    from nnviz.core.limits import check_memory, export_bytes

    layers = session.spec.layers
    batch = min(session.spec.batch_size, max(session.engine.dataset.n_train, 1))
    frames = settings.frames(len(layers))
    w, h = settings.size
    need = session.engine.needed_bytes() + export_bytes(
        layers, batch, settings.steps, frames, w, h, settings.fmt
    )
    check_memory(need, f"exporting {frames:,} {settings.fmt.upper()} frames of {w}x{h}")
    if settings.fmt == "mp4":
        from nnviz.render.video import require

        require()
