"""The session model: one network, its history, and what is on screen (step, phase, selection).

Views hold a Session, connect to its signals and call its methods; it never draws anything.
Training for "play" runs in short timer slices on the GUI thread, each bounded in time, so the
window never freezes; frames (redraw notifications) are paced by ``nnviz.gui.pacing``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from nnviz.core.engine import Engine
from nnviz.core.explain import header, phase_caption
from nnviz.core.history import History
from nnviz.core.ink import InkBook
from nnviz.core.phases import phase_names
from nnviz.core.predict import Reveals
from nnviz.core.runs import Run, RunTree
from nnviz.core.runs_file import session_data
from nnviz.core.session_file import SessionData
from nnviz.core.spec import NetworkSpec
from nnviz.core.threads import view_threads
from nnviz.core.trace import StepTrace
from nnviz.gui.pacing import PLAY_SLICE_S, Pacer
from nnviz.gui.replay import ReplayMixin, ReplayState
from nnviz.gui.session_notes import NotesMixin
from nnviz.gui.session_runs import RunsMixin
from nnviz.gui.session_stepping import SteppingMixin

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


class Session(QObject, SteppingMixin, RunsMixin, ReplayMixin, NotesMixin):
    """What the window shows. ``step`` is the shown step (0 = none yet), ``phase`` its phase."""

    changed = Signal()  # anything on screen changed (step, phase, selection, values)
    network_changed = Signal()  # a new spec or a rebuilt engine (also: another run shown)
    runs_changed = Signal()  # a run was made, renamed, deleted or switched to
    opened = Signal()  # another network or session file: the runs before it are gone
    compare_changed = Signal()  # runs ticked (or unticked) for overlays
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
        self.dirty = False  # work (steps, runs, edits) not saved to a file yet
        self.compared: set[int] = set()  # ids of runs overlaid on the plots
        self.reveals = Reveals()  # predict mode and the phases revealed (gui/predict_panel.py)
        self.load(spec, base_dir, source)

    # ----- network and runs -----------------------------------------------------------------
    def load(
        self,
        spec: NetworkSpec,
        base_dir: Path | None = None,
        source: str = "",
        allow_outside_data: bool | None = None,
        *,
        tree: RunTree | None = None,
    ) -> None:
        """Open a network: one run, no steps yet, showing the initial weights.

        ``allow_outside_data`` lets its CSV file lie outside ``base_dir`` (the user confirmed
        it); None keeps the session's choice. ``tree``: the runs already built for ``spec``."""
        allow = self.allow_outside_data if allow_outside_data is None else allow_outside_data
        if tree is None:
            tree = RunTree(spec, base_dir, allow)  # fails before anything shown changes
        self._install(tree, base_dir, source, allow)

    def _install(self, tree: RunTree, base_dir: Path | None, source: str, allow: bool) -> None:
        """Show a new run tree (built and checked beforehand, so a failure changes nothing)."""
        self.pause()
        if self._replay is not None:  # another file opened while a session was replaying
            self._stop_replay()
            self.replay_finished.emit(False)
        self.allow_outside_data = allow
        self.runs = tree
        self.base_dir = base_dir
        self.source = source
        self._evals: dict = {}
        self.step = 0
        self.phase = -1
        self.selection = None
        self.sample = 0
        self.dirty = False
        self.compared = set()
        self.notes = {}
        self.ink = InkBook()  # lecture ink, by (run id, step, phase); kept in session files
        self._shown_run_changed()
        self.opened.emit()
        for note in self.engine.notes:
            self.message.emit(note)

    @property
    def run(self) -> Run:
        """The run shown."""
        return self.runs.current

    @property
    def spec(self) -> NetworkSpec:
        return self.runs.current.spec

    @property
    def engine(self) -> Engine:
        return self.runs.current.engine

    @property
    def history(self) -> History:
        return self.runs.current.history

    @property
    def eval_points(self) -> list:
        """The shown run's evaluations of the whole training and test sets, recorded as it
        trains whatever is on screen."""
        return self.runs.current.evals

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

    def loss_known(self) -> bool:
        """Whether the shown step's loss may be shown: from its loss phase on (no spoilers)."""
        from nnviz.core.explain import loss_shown

        return (
            self.step > 0
            and loss_shown(self.phase_name(), self.n_layers)
            and not (self.phase_name() == "loss" and self.phase_hidden())
        )

    def phase_hidden(self) -> bool:
        """Predict mode: whether the shown phase's own numbers are still hidden ("?")."""
        return self.reveals.hidden(self.run.id, self.step, self.phase)

    def caption(self) -> str:
        return phase_caption(
            self.spec.activations, self.spec.loss, self.phase_name(), optimizer=self.spec.optimizer
        )

    def header(self) -> str:
        return header(self.spec.name, self.trace(), self.phase_name(), len(self.phases))

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
        # playing from an earlier step goes on from the run's last step: training is
        # deterministic, so the steps in between are the ones already recorded
        paced = bool(self._steps_per_second)  # a set number of steps per second
        end = now + PLAY_SLICE_S if paced else pacer.slice_end(now)
        pacer.train(self._run, budget - 1, end)
        t = time.perf_counter()
        frame = pacer.interval_passed(t) if paced else pacer.frame_due(t)
        if frame:  # the last step: traced when the views are about to draw it
            self._traced_step()
            pacer.traced(time.perf_counter() - t)
        else:
            self._run(1)
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

    # ----- evaluation -----------------------------------------------------------------------
    def evaluation(self):
        """Losses and metrics of the whole training and test sets after the shown step (the
        recorded evaluation where there is one, else computed now and cached)."""
        from nnviz.core.analysis import evaluate

        cached = self._evals.get(self.step)
        if cached is not None:
            return cached
        points = self.eval_points
        if points and points[-1].step == self.step:
            return points[-1]
        engine = self.engine_after_shown()
        ds = engine.dataset
        with view_threads(ds.n_train + ds.n_test, self.spec.n_parameters):
            ev = evaluate(engine, self.step)
        if len(self._evals) > 256:
            self._evals.clear()
        self._evals[self.step] = ev
        return ev

    def engine_after_shown(self):
        """An engine holding the parameters after the shown step (for the output grid)."""
        return self.engine if self.step == self.n_steps else self.history.engine_after(self.step)

    # ----- session files --------------------------------------------------------------------
    def to_session_data(
        self, view: dict | None = None, folder: Path | None = None, embed: bool | None = None
    ) -> SessionData:
        """What a session file (going into ``folder``) holds: every run, the run and position
        shown, the view; CSV data named from that folder, or embedded (see runs.session_data)."""
        data = session_data(
            self.runs, self.step, self.phase, view or {}, folder=folder, embed=embed
        )
        data.notes = dict(self.notes)
        data.ink = self.ink
        return data
