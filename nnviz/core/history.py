"""History of a training run: every step's loss, and any step's full trace on demand.

Full traces are kept only for the most recent steps. Older ones are recomputed from keyframes
(snapshots of the training state) by replaying the steps in between on a private copy of the
engine, so memory stays bounded however long the run: keyframes are thinned (every other one
dropped) whenever they exceed their byte budget.

A branch's history (``parent=``) starts where its engine stands, at step S of the parent run:
steps 1..S are the parent's (their records are copied, their traces asked of the parent), and
its own steps follow from S, so the parent keeps every step it had.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from nnviz.core.engine import Engine, EngineState
from nnviz.core.limits import TRACE_CACHE_BYTES, trace_record_bytes
from nnviz.core.trace import StepTrace

DEFAULT_KEYFRAME_BUDGET = 256 * 2**20
DEFAULT_CACHE = 64
DEFAULT_CACHE_BYTES = 512 << 20
"""Recent full traces kept: at most DEFAULT_CACHE of them and this many bytes (a big network's
trace, with its optimizer state, takes tens of MB), but always the newest two."""
MAX_KEYFRAMES = 1024  # each keyframe also costs a few KiB of Python objects


def default_keyframe_spacing(engine: Engine) -> int:
    """Steps between keyframes: wide for small networks, whose steps replay in microseconds
    (256 steps of the 2-8×6-1 playground network replay in about 12 ms), narrow for big ones."""
    work = engine.spec.n_parameters * min(engine.spec.batch_size, max(engine.dataset.n_train, 1))
    if work <= 50_000:
        return 256
    return 64 if work <= 1_000_000 else 16


class History:
    """Records an engine's steps; ``trace(s)`` returns step ``s`` (from 1) exactly as it ran."""

    def __init__(
        self,
        engine: Engine,
        keyframe_budget: int = DEFAULT_KEYFRAME_BUDGET,
        cache_size: int = DEFAULT_CACHE,
        keyframe_every: int | None = None,
        parent: History | None = None,
    ) -> None:
        self.engine = engine
        self.parent = parent
        self.first = engine.step_count if parent is not None else 0
        """Steps up to ``first`` are the parent's; this history records the ones after."""
        batch = min(engine.spec.batch_size, max(engine.dataset.n_train, 1))
        per_trace = trace_record_bytes(engine.spec.layers, batch)
        self.cache_size = min(cache_size, max(2, TRACE_CACHE_BYTES // per_trace))
        self.cache_bytes = DEFAULT_CACHE_BYTES
        self._cached_bytes = 0
        self.keyframe_every = keyframe_every or default_keyframe_spacing(engine)
        self.keyframe_budget = keyframe_budget
        self._losses = np.empty(1024, dtype=np.float64)
        self._epochs = np.empty(1024, dtype=np.int32)
        self._norms = np.empty((1024, engine.n_layers), dtype=np.float32)
        self._count = 0
        self._keyframes: dict[int, EngineState] = {}
        self._keyframe_bytes = 0
        self._cache: OrderedDict[int, StepTrace] = OrderedDict()
        self._replayer: Engine | None = None
        self._replayer_base = -1
        if parent is not None:
            self._inherit(parent, self.first)
        self._add_keyframe(engine.get_state())

    def _inherit(self, parent: History, upto: int) -> None:
        """Copy the parent's per-step records of steps 1..upto (gradient norms only where the
        layers match)."""
        if not 0 <= upto <= parent.n_steps:
            raise IndexError(f"the parent run has no step {upto} (0..{parent.n_steps})")
        norms = parent.grad_norms()[:upto]
        if norms.shape[1] != self._norms.shape[1]:
            norms = np.full((upto, self._norms.shape[1]), np.nan, dtype=np.float32)
        self._append(parent.losses()[:upto].copy(), parent.epochs()[:upto].copy(), norms)

    # ----- recording ----------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """How many steps have been recorded."""
        return self._count

    def losses(self) -> np.ndarray:
        """Batch loss of every recorded step (index 0 is step 1); a read-only view."""
        view = self._losses[: self._count]
        view.flags.writeable = False
        return view

    def epochs(self) -> np.ndarray:
        """Epoch of every recorded step."""
        return self._epochs[: self._count]

    def grad_norms(self) -> np.ndarray:
        """‖∂L/∂W‖ of every layer at every recorded step [n_steps, L] (float32)."""
        return self._norms[: self._count]

    def step(self) -> StepTrace:
        """Train one traced step on the engine and record it."""
        self._maybe_keyframe()
        epoch = self.engine.epoch
        trace = self.engine.step()
        norms = np.array([[np.linalg.norm(la.weight_grad) for la in trace.layers]])
        self._append(np.array([trace.loss]), epoch, norms)
        self._remember(trace)
        return trace

    def run(self, n_steps: int) -> np.ndarray:
        """Train ``n_steps`` untraced steps in chunks that respect the keyframe spacing."""
        done: list[np.ndarray] = []
        remaining = n_steps
        while remaining > 0:
            self._maybe_keyframe()
            until_next = self.keyframe_every - (self.engine.step_count % self.keyframe_every)
            k = min(remaining, until_next)
            first_epoch = self.engine.epoch
            per_epoch = self.engine.batches_per_epoch
            pos = self.engine.batch_in_epoch
            out = self.engine.run(k)
            epochs = first_epoch + (pos - 1 + np.arange(k)) // per_epoch
            self._append(out, epochs, self.engine.last_grad_norms)
            done.append(out)
            remaining -= k
        return np.concatenate(done) if done else np.zeros(0)

    def _append(self, values: np.ndarray, epochs: np.ndarray | int, norms: np.ndarray) -> None:
        need = self._count + len(values)
        if need > len(self._losses):
            size = max(need, 2 * len(self._losses))
            self._losses = np.resize(self._losses, size)
            self._epochs = np.resize(self._epochs, size)
            grown = np.empty((size, self._norms.shape[1]), dtype=np.float32)
            grown[: self._count] = self._norms[: self._count]
            self._norms = grown
        self._losses[self._count : need] = values
        self._epochs[self._count : need] = epochs
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged norm is stored as inf
            self._norms[self._count : need] = norms
        self._count = need

    def _remember(self, trace: StepTrace) -> None:
        old = self._cache.pop(trace.step, None)
        if old is not None:
            self._cached_bytes -= old.nbytes()
        self._cache[trace.step] = trace
        self._cached_bytes += trace.nbytes()
        while len(self._cache) > self.cache_size or (
            self._cached_bytes > self.cache_bytes and len(self._cache) > 2
        ):
            self._cached_bytes -= self._cache.popitem(last=False)[1].nbytes()

    # ----- keyframes ----------------------------------------------------------------------
    def _maybe_keyframe(self) -> None:
        s = self.engine.step_count
        if s % self.keyframe_every == 0 and s not in self._keyframes:
            self._add_keyframe(self.engine.get_state())

    def _add_keyframe(self, state: EngineState) -> None:
        self._keyframes[state.step] = state
        self._keyframe_bytes += state.nbytes()
        while len(self._keyframes) > 2 and (
            self._keyframe_bytes > self.keyframe_budget or len(self._keyframes) > MAX_KEYFRAMES
        ):
            self._thin()

    def _thin(self) -> None:
        """Double the keyframe spacing, keeping step 0 and the keyframes on the new grid."""
        self.keyframe_every *= 2
        for s in list(self._keyframes):
            if s % self.keyframe_every and s != self.first:
                self._keyframe_bytes -= self._keyframes.pop(s).nbytes()

    @property
    def n_keyframes(self) -> int:
        return len(self._keyframes)

    @property
    def keyframe_bytes(self) -> int:
        return self._keyframe_bytes

    # ----- time travel --------------------------------------------------------------------
    def trace(self, step: int) -> StepTrace:
        """The trace of a recorded step (1 ≤ step ≤ n_steps), recomputed if needed."""
        if not 1 <= step <= self._count:
            raise IndexError(f"step {step} is not recorded (1..{self._count})")
        if step <= self.first and self.parent is not None:
            return self.parent.trace(step)
        cached = self._cache.get(step)
        if cached is not None:
            self._cache.move_to_end(step)
            return cached
        replay = self._replay_engine(step - 1)
        trace = replay.step()
        self._remember(trace)
        return trace

    def state_before(self, step: int) -> EngineState:
        """The training state just before a recorded step ran (step − 1 steps done)."""
        if step - 1 < self.first and self.parent is not None:
            return self.parent.state_before(step)
        return self._replay_engine(step - 1).get_state()

    def engine_after(self, step: int) -> Engine:
        """The private replay engine, holding the state after ``step`` steps (do not train it)."""
        if step < self.first and self.parent is not None:
            return self.parent.engine_after(step)
        return self._replay_engine(step)

    def parameters_after(self, step: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Weights and biases after ``step`` recorded steps (0: the initial ones)."""
        if step < self.first and self.parent is not None:
            return self.parent.parameters_after(step)
        if step > self.first:
            tr = self.trace(step)
            return [la.weights_after for la in tr.layers], [la.biases_after for la in tr.layers]
        return self._replay_engine(step).parameters()

    def _replay_engine(self, done: int) -> Engine:
        key = max(s for s in self._keyframes if s <= done)
        if self._replayer is None:
            self._replayer = self.engine.clone()
        rep = self._replayer
        # reuse the replayer only if it started from this very keyframe: a keyframe may hold an
        # edit that running through it from an earlier one would miss
        if self._replayer_base != key or not (key <= rep.step_count <= done):
            rep.set_state(self._keyframes[key])
            self._replayer_base = key
        if done > rep.step_count:
            rep.run(done - rep.step_count)
        return rep

    def rewind(self, step: int) -> None:
        """Make the engine continue from the state after ``step`` steps; later records are dropped."""
        if not self.first <= step <= self._count:
            raise IndexError(f"cannot rewind to step {step} ({self.first}..{self._count})")
        state = self._replay_engine(step).get_state()
        self.engine.set_state(state)
        self._count = step
        for s in [s for s in self._keyframes if s > step]:
            self._keyframe_bytes -= self._keyframes.pop(s).nbytes()
        for s in [s for s in self._cache if s > step]:
            self._cached_bytes -= self._cache.pop(s).nbytes()
        self._replayer = None

    def amend(self) -> None:
        """Take the engine's current state as the state after its last step (after an edit).

        Records after the engine's step are dropped; earlier steps keep their traces.
        """
        done = self.engine.step_count
        self._count = min(self._count, done)
        for s in [s for s in self._keyframes if s >= done]:
            self._keyframe_bytes -= self._keyframes.pop(s).nbytes()
        for s in [s for s in self._cache if s > done]:
            self._cached_bytes -= self._cache.pop(s).nbytes()
        self._add_keyframe(self.engine.get_state())
        self._replayer = None
