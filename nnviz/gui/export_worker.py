"""The window's export, run by the command line's own job
(nnviz.render.export_job.run_export_job, or nnviz.deck_cli.write_deck for the HTML deck) in a
process of its own (nnviz.gui.export_process): steps are traced, rendered and written there
while the window keeps painting; progress comes back on a queue the window reads with a timer;
Cancel stops between two frames and removes every file the export created (a deck is one file,
written only at the end, so Cancel leaves nothing and a file that was there stays)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from nnviz.gui.session import Session
from nnviz.render.export_job import ExportSettings, trace_head

GUI_REDUCE = 'export fewer "Steps from the shown one" (or "Only the update phase")'
"""What reduces a deck over its limit, in the dialog's words."""


@dataclass(frozen=True, kw_only=True)
class ExportChoices(ExportSettings):
    """What to export and where: the options of ``nnviz export`` and the destination."""

    out: Path

    def settings(self) -> ExportSettings:
        """The options alone, as the command line's job takes them."""
        return ExportSettings(**{f.name: getattr(self, f.name) for f in fields(ExportSettings)})


class ExportJob(QObject):
    """Exports ``steps`` steps from the shown step on, in a process of its own."""

    progress = Signal(int, int)  # frames done, frames in all
    finished = Signal(bool, str)  # completed (not cancelled, not failed), message

    def __init__(self, session: Session, choices: ExportChoices) -> None:
        super().__init__()

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
        head = trace_head(engine)
        self.total = settings.frames(len(session.spec.layers))
        self.done = 0
        self.cancelled = False
        self.running = False
        self.written: list[Path] = []
        self._launch = (engine, choices.out, replace(settings, view=settings.view.copy()), head)
        self._proc = self._queue = self._stop = None
        self._poll = QTimer(self)
        self._poll.setInterval(40)
        self._poll.timeout.connect(self._read)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_and_wait)

    def start(self) -> None:
        from nnviz.gui import export_process

        if self.choices.fmt != "html":  # the deck is one file in an existing folder
            self.choices.out.mkdir(parents=True, exist_ok=True)
        self.running = True
        self._proc, self._queue, self._stop = export_process.start(*self._launch, GUI_REDUCE)
        self._poll.start()

    def cancel(self) -> None:
        """Stop after the frame being written; its files are removed (a deck is not written),
        then ``finished``."""
        self.cancelled = True
        if self._stop is not None:
            self._stop.set()

    def stop_and_wait(self, timeout: float = 30.0) -> None:
        """Cancel and wait for the export to end (the application is quitting)."""
        self.cancel()
        if self._proc is not None and self._proc.is_alive():
            self._proc.join(timeout)
            if self._proc.is_alive():
                self._proc.terminate()
        self._read()

    def _read(self) -> None:
        """Take what the export reported since the last look (on the GUI thread)."""
        import queue as queues

        if self._queue is None or not self.running:
            return
        while True:
            try:
                msg = self._queue.get_nowait()
            except (queues.Empty, OSError, ValueError):
                break
            if msg[0] == "progress":
                self.done = msg[1]
                self.progress.emit(msg[1], msg[2])
            else:
                self.written = [Path(p) for p in msg[3]]
                self._end(msg[1], msg[2])
                return
        if self._proc is not None and not self._proc.is_alive() and self._queue.empty():
            code = self._proc.exitcode
            self._end(False, f"Export failed: the export process ended (exit status {code})")

    def _end(self, ok: bool, message: str) -> None:
        self._poll.stop()
        self.running = False
        if self._proc is not None:
            self._proc.join(5)
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
