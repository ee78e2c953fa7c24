"""The session model: one network, its history, and what is on screen (step, phase, selection).

Views hold a Session, connect to its signals and call its methods; it never draws anything.
Training for "play" runs in short timer slices on the GUI thread, each bounded in time, so the
window never freezes; frames (redraw notifications) are paced by ``nnviz.gui.pacing``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from nnviz.core.engine import Engine
from nnviz.core.explain import header, phase_caption
from nnviz.core.history import History
from nnviz.core.phases import phase_names
from nnviz.core.session_file import Edit, SessionData
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace
from nnviz.gui.pacing import PLAY_SLICE_S, Pacer
from nnviz.gui.replay import ReplayMixin, ReplayState
from nnviz.gui.threads import view_threads

SPEEDS = {"1 step/s": 1, "10 steps/s": 10, "100 steps/s": 100, "as fast as possible": 0}


@dataclass(frozen=True)
class Selection:
    """A selected neuron (``kind='neuron'``, layer indexes the sizes, 0 = input) or an edge
    (``kind='edge'``, weight layer ``layer`` from 0, ``row`` = neuron, ``col`` = input)."""

    kind: str
    layer: int
    row: int
    col: int | None = None

    def as_tuple(self) -> tuple:
        if self.kind == "neuron":
            return ("neuron", self.layer, self.row)
        return ("edge", self.layer, self.row, self.col)


class Session(QObject, ReplayMixin):
    """What the window shows. ``step`` is the shown step (0 = none yet), ``phase`` its phase."""

    changed = Signal()  # anything on screen changed (step, phase, selection, values)
    network_changed = Signal()  # a new spec or a rebuilt engine
    history_grew = Signal(int)  # number of recorded steps
    playing_changed = Signal(bool)
    diverged = Signal(int)  # step at which NaN/Inf appeared
    message = Signal(str)  # a line for the status bar
    replay_progress = Signal(int, int)  # steps replayed, steps to replay
    replay_finished = Signal(bool)  # True: the whole session replayed; False: cancelled

    def __init__(
        self,
        spec: NetworkSpec,
        base_dir: Path | None = None,
        source: str = "",
        allow_outside_data: bool = False,
    ) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._play_tick)
        self._replay_timer = QTimer(self)
        self._replay_timer.timeout.connect(self._replay_tick)
        self._replay: ReplayState | None = None
        self.allow_outside_data = allow_outside_data
        self._pacer = Pacer()
        self._steps_per_second = 0
        self._credit = 0.0
        self._last_tick = 0.0
        self.selection: Selection | None = None
        self.sample = 0
        self.edits: list[Edit] = []
        self.load(spec, base_dir, source)

    # ----- network --------------------------------------------------------------------------
    def load(
        self,
        spec: NetworkSpec,
        base_dir: Path | None = None,
        source: str = "",
        allow_outside_data: bool | None = None,
    ) -> None:
        """Open a network: a new engine and an empty history, showing the initial weights.

        ``allow_outside_data`` lets its CSV file lie outside ``base_dir`` (the user confirmed
        it); None keeps the session's choice."""
        allow = self.allow_outside_data if allow_outside_data is None else allow_outside_data
        engine = Engine(spec, base_dir=base_dir, allow_outside_data=allow)
        self._install(engine, spec, base_dir, source, allow)

    def _install(
        self, engine: Engine, spec: NetworkSpec, base_dir: Path | None, source: str, allow: bool
    ) -> None:
        """Show a new engine (built and checked beforehand, so a failure changes nothing)."""
        self.pause()
        if self._replay is not None:  # another file opened while a session was replaying
            self._stop_replay()
            self.replay_finished.emit(False)
        self.allow_outside_data = allow
        self.spec = spec
        self.base_dir = base_dir
        self.source = source
        self.engine = engine
        self.history = History(self.engine)
        self.edits = []
        self.eval_points = []
        self._evals = {}
        self.step = 0
        self.phase = -1
        self.selection = None
        self.sample = 0
        self.network_changed.emit()
        self.history_grew.emit(0)
        self.changed.emit()
        for note in self.engine.notes:
            self.message.emit(note)

    def reset(self) -> None:
        """Back to the initial weights; the history is cleared."""
        self.load(self.spec, self.base_dir, self.source)

    @property
    def n_layers(self) -> int:
        return len(self.spec.layers) - 1

    @property
    def phases(self) -> list[str]:
        return phase_names(self.n_layers)

    @property
    def n_steps(self) -> int:
        return self.history.n_steps

    def trace(self) -> StepTrace | None:
        """The shown step's trace (None before the first step)."""
        return self.history.trace(self.step) if self.step else None

    def phase_name(self) -> str:
        return self.phases[self.phase] if self.phase >= 0 else "start"

    def caption(self) -> str:
        return phase_caption(self.spec.activations, self.spec.loss, self.phase_name())

    def header(self) -> str:
        return header(self.spec.name, self.trace(), self.phase_name(), len(self.phases))

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

    def _goto(self, step: int, phase: int) -> None:
        if step > self.n_steps:
            self._train_to(step)
        self.step = min(step, self.n_steps)
        self.phase = phase if self.step else -1
        self.changed.emit()

    def _train_to(self, step: int) -> None:
        missing = step - self.n_steps
        if missing > 1:
            self.history.run(missing - 1)
        if missing >= 1:
            self.history.step()
        self.history_grew.emit(self.n_steps)
        self._check_finite()

    def _check_finite(self) -> bool:
        """After training: at a non-finite loss, stop at the first step that had one (steps
        trained past it in the same slice are dropped) and say so."""
        losses = self.history.losses()
        if len(losses) and not _finite(losses[-1]):
            bad = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
            self.pause()
            if bad < self.n_steps:
                self._rewind(bad)
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

    # ----- play ---------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self, steps_per_second: int = 0) -> None:
        """Train continuously; 0 steps/s means as fast as the slices allow."""
        self._steps_per_second = steps_per_second
        self._credit = 0.0
        self._last_tick = time.perf_counter()
        if not self._timer.isActive():
            self._pacer.start()
            self._timer.start(0 if steps_per_second == 0 else 5)
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            if self._pacer.stale:  # steps trained since the last frame: show where play stopped
                self._pacer.stale = False
                self.history_grew.emit(self.n_steps)
                self.changed.emit()
            self.playing_changed.emit(False)

    def toggle_play(self, steps_per_second: int = 0) -> None:
        if self.playing:
            self.pause()
        else:
            self.play(steps_per_second)

    def _play_tick(self) -> None:
        """One timer slice of play: train for a bounded time; when a frame is due, end on a
        traced step (the views draw it without a replay) and tell the views."""
        now = time.perf_counter()
        pacer = self._pacer
        pacer.begin_tick(now)
        if self._steps_per_second:
            self._credit += (now - self._last_tick) * self._steps_per_second
            self._last_tick = now
            budget = int(self._credit)
            if budget <= 0:
                return
            self._credit -= budget
        else:
            budget = 1 << 30
        if self.step < self.n_steps:  # playing from an earlier step: continue from there
            self._rewind(self.step)
        paced = bool(self._steps_per_second)  # a set number of steps per second
        end = now + PLAY_SLICE_S if paced else pacer.slice_end(now)
        pacer.train(self.history.run, budget - 1, end)
        t = time.perf_counter()
        frame = pacer.interval_passed(t) if paced else pacer.frame_due(t)
        if frame:  # the last step: traced when the views are about to draw it
            self.history.step()
            pacer.traced(time.perf_counter() - t)
        else:
            self.history.run(1)
        self.step = self.n_steps
        self.phase = len(self.phases) - 1
        pacer.stale = True
        if self._check_finite() and frame:  # (a diverged run pauses, which shows the step)
            pacer.drawn(time.perf_counter())
            self.history_grew.emit(self.n_steps)
            self.changed.emit()

    # ----- selection and options ------------------------------------------------------------
    def select(self, selection: Selection | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.changed.emit()

    def set_sample(self, sample: int) -> None:
        tr = self.trace()
        limit = tr.batch_size - 1 if tr else 0
        self.sample = max(0, min(sample, limit))
        self.changed.emit()

    # ----- editing ------------------------------------------------------------------------
    def parameters(self) -> tuple[list, list]:
        """The weights and biases after the shown step (the initial ones at step 0)."""
        return self.history.parameters_after(self.step)

    def parameter_before(self, layer: int, row: int, col: int | None) -> float:
        """A weight's (or bias's) value going into the shown step."""
        ws, bs = self.history.parameters_after(max(self.step - 1, 0))
        return float(bs[layer][row] if col is None else ws[layer][row, col])

    def set_parameter(self, layer: int, row: int, col: int | None, value: float) -> float:
        """Give one weight (or bias, ``col`` None) a new value going into the shown step, and
        recompute that step. Later recorded steps are discarded. Returns the old value."""
        self.pause()
        old = self.parameter_before(layer, row, col)
        shown = self.step
        self._rewind(max(shown - 1, 0))
        self._apply_edit(Edit(max(shown - 1, 0), layer, row, col, float(value)))
        if shown:
            self.history.step()
        self.history_grew.emit(self.n_steps)
        self._check_finite()
        self.changed.emit()
        return old

    def _rewind(self, step: int) -> None:
        self.history.rewind(step)
        self.edits = [e for e in self.edits if e.after_step <= step]
        self.eval_points = [p for p in self.eval_points if p.step <= step]
        self._evals.clear()

    # ----- evaluation -----------------------------------------------------------------------
    def evaluation(self):
        """Losses and metrics of the whole training and test sets after the shown step."""
        from nnviz.core.analysis import evaluate

        cached = self._evals.get(self.step)
        if cached is not None:
            return cached
        engine = self.engine if self.step == self.n_steps else self.history.engine_after(self.step)
        ds = engine.dataset
        with view_threads(ds.n_train + ds.n_test, self.spec.n_parameters):
            ev = evaluate(engine, self.step)
        if len(self._evals) > 256:
            self._evals.clear()
        self._evals[self.step] = ev
        if self.step == self.n_steps and (
            not self.eval_points or self.eval_points[-1].step < ev.step
        ):
            self.eval_points.append(ev)
        return ev

    def engine_after_shown(self):
        """An engine holding the parameters after the shown step (for the output grid)."""
        return self.engine if self.step == self.n_steps else self.history.engine_after(self.step)

    def _apply_edit(self, edit: Edit) -> None:
        self.engine.set_parameter(edit.layer, edit.row, edit.col, edit.value)
        self.history.amend()
        self.edits.append(edit)

    # ----- session files --------------------------------------------------------------------
    def to_session_data(self, view: dict | None = None, folder: Path | None = None) -> SessionData:
        """What a session file holds: the network with its initial weights, edits, position.

        ``folder`` is where the file will be: a CSV path is rewritten to be found from there."""
        from nnviz.core.csv_data import rebase_data

        ws, bs = self.history.parameters_after(0)
        data = (
            self.spec.data if folder is None else rebase_data(self.spec.data, self.base_dir, folder)
        )
        spec = self.spec.with_changes(weights=tuple(ws), biases=tuple(bs), data=data)
        return SessionData(spec, self.n_steps, self.step, self.phase, list(self.edits), view or {})


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")
