"""Lecture mode's "go to step N" past the last recorded step: the session trains ahead in
short timer slices (the view repaints and shows its progress between them, and Esc stops it),
within the step, memory and time limits of nnviz.core.limits."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from nnviz.core.limits import check_train_ahead, step_seconds
from nnviz.gui.session import Session

SLICE_SECONDS = 0.03  # training per timer tick: the view stays responsive to Esc


class TrainAhead(QObject):
    """Train ``session`` up to ``target`` (refused by :func:`check` beforehand when it would
    exceed a limit). ``progress`` carries the steps trained so far and the steps to train;
    ``finished`` is True when the target step is shown, False when stopped or diverged."""

    progress = Signal(int, int)
    finished = Signal(bool)

    def __init__(self, session: Session, target: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.target = session, target
        self.start_step = session.n_steps
        spec = session.spec
        self._batch = max(min(spec.batch_size, session.engine.dataset.n_train), 1)
        self._chunk = max(int(SLICE_SECONDS / step_seconds(spec.layers, self._batch)), 1)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)

    @staticmethod
    def check(session: Session, target: int) -> float:
        """Estimated seconds; raises BudgetError beyond the limits."""
        spec = session.spec
        batch = max(min(spec.batch_size, session.engine.dataset.n_train), 1)
        return check_train_ahead(
            spec.layers, batch, session.n_steps, target, session.engine.needed_bytes()
        )

    @property
    def total(self) -> int:
        return self.target - self.start_step

    @property
    def done(self) -> int:
        return self.session.n_steps - self.start_step

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self.session.pause()
        self._timer.start()

    def stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.finished.emit(False)

    def _tick(self) -> None:
        s = self.session
        begin = time.perf_counter()
        remaining = self.target - 1 - s.n_steps  # the last step is traced, to be shown
        if remaining > 0:
            n = min(self._chunk, remaining)
            if not s.train_steps(n):
                self._timer.stop()
                self.finished.emit(False)
                return
            spent = time.perf_counter() - begin
            if spent > 0:  # the next slice as long as SLICE_SECONDS, as measured
                self._chunk = max(int(n * SLICE_SECONDS / spent), 1)
            self.progress.emit(self.done, self.total)
            return
        self._timer.stop()
        s.train_to(self.target, 0)
        self.progress.emit(self.done, self.total)
        self.finished.emit(s.step == self.target)
