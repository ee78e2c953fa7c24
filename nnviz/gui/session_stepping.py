"""Moving through the steps: a phase or a step forward and back, an epoch on, time travel to a
recorded step, training the steps missing up to one asked for (the last one traced), and
stopping at the first step whose loss is NaN or Inf.

``SteppingMixin`` is part of :class:`nnviz.gui.session.Session`, which provides the run shown
(``run``, ``history``, ``engine``), the position (``step``, ``phase``, ``phases``), ``pause``,
``dirty`` and the signals."""

from __future__ import annotations

import numpy as np

from nnviz.core.trace import StepTrace


class SteppingMixin:
    """Session methods about the shown step and phase, and training up to them."""

    # ----- stepping ---------------------------------------------------------------------------
    def next_phase(self) -> None:
        """One phase forward; past a step's update, the next step (trained if not recorded)."""
        if self.step and self.phase < len(self.phases) - 1:
            self.phase += 1
            self.changed.emit()
            return
        self._goto(self.step + 1, 0)

    def prev_phase(self) -> None:
        """One phase back; before a step's first phase, the previous step's update."""
        if self.phase > 0:
            self.phase -= 1
        elif self.step > 1:
            self.step -= 1
            self.phase = len(self.phases) - 1
        elif self.step == 1:
            self.step, self.phase = 0, -1
        self.changed.emit()

    def first_phase(self) -> None:
        if self.step:
            self.phase = 0
            self.changed.emit()

    def last_phase(self) -> None:
        if self.step:
            self.phase = len(self.phases) - 1
            self.changed.emit()

    def next_step(self) -> None:
        """The next step (batch), shown at its update."""
        self._goto(self.step + 1, len(self.phases) - 1)

    def prev_step(self) -> None:
        if self.step > 1:
            self.step -= 1
            self.phase = max(self.phase, 0)
            self.changed.emit()
        elif self.step == 1:
            self.step, self.phase = 0, -1
            self.changed.emit()

    def next_epoch(self) -> None:
        """Train to the end of the current epoch (untraced), then show its last step."""
        per = self.engine.batches_per_epoch
        if self.step < self.n_steps:
            target = min(self.n_steps, (self.step // per + 1) * per)
        else:
            target = self.n_steps + (per - (self.engine.batch_in_epoch - 1))
        self._goto(target, len(self.phases) - 1)

    def goto_step(self, step: int, phase: int | None = None) -> None:
        """Show a recorded step (time travel); ``phase`` defaults to the current one."""
        step = max(0, min(step, self.n_steps))
        if phase is None:
            phase = self.phase if self.phase >= 0 else len(self.phases) - 1
        self.step = step
        self.phase = -1 if step == 0 else phase
        self.changed.emit()

    def train_steps(self, n: int) -> bool:
        """Train ``n`` untraced steps after the last recorded one (the shown step stays), as
        one slice of a longer training ahead; False when the loss became NaN or Inf (the
        session then shows that step and says so)."""
        if n <= 0:
            return True
        self._run(n)
        self.history_grew.emit(self.n_steps)
        return self._check_finite()

    def train_to(self, step: int, phase: int = 0) -> None:
        """Train the steps missing up to ``step`` (the last one traced) and show it."""
        self._goto(step, phase)

    def _goto(self, step: int, phase: int) -> None:
        if step > self.n_steps:
            self._train_to(step)
        self.step = min(step, self.n_steps)
        self.phase = phase if self.step else -1
        self.changed.emit()

    def _train_to(self, step: int) -> None:
        missing = step - self.n_steps
        if missing > 1:
            self._run(missing - 1)
        if missing >= 1:
            self._traced_step()
        self.history_grew.emit(self.n_steps)
        self._check_finite()

    # ----- training and recording -----------------------------------------------------------
    def _run(self, n: int) -> None:
        """Train ``n`` untraced steps on the shown run (recorded as it trains)."""
        self.run.train(n)
        self.dirty = True

    def _traced_step(self) -> StepTrace:
        self.dirty = True
        return self.run.traced_step()

    def _check_finite(self) -> bool:
        """After training: at a non-finite loss, stop at the first step that had one (steps
        trained past it in the same slice are dropped) and say so."""
        losses = self.history.losses()
        if len(losses) and not _finite(losses[-1]):
            bad = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
            self.pause()
            if self.history.first < bad < self.n_steps:  # steps trained past it: dropped
                self.history.rewind(bad)
                self.run.evals = [e for e in self.run.evals if e.step <= bad]
            self.step, self.phase = bad, len(self.phases) - 1
            self.history_grew.emit(self.n_steps)
            self.changed.emit()
            self.diverged.emit(bad)
            self.message.emit(
                f"The loss became NaN or Inf at step {bad}: step back to step {bad - 1}, lower "
                "the learning rate and Apply to continue from that step's weights."
            )
            return False
        return True


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")
