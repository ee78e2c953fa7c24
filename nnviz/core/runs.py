"""Runs as first-class objects: a tree of training runs that never loses a step.

A session holds runs. The first starts from the network's initial weights; every other starts
from a point of another run: step S of its parent, with a weight edited, other settings
(learning rate, optimizer, batch size, activations, loss…), or a changed shape. Making a run
never changes its parent, so every recorded step of every run stays, and going back to the
parent is all an undo needs.

A run whose network has the parent's shape *continues* it: its steps 1..S are the parent's
(shown from the parent's history) and its own steps follow from S, with the parent's optimizer
state where the optimizer is the same and its place in the epoch where the batches are the same.
A run with another shape (neurons or layers added or removed) is a new network whose initial
weights are the parent's weights at S, counted from step 0. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnviz.core.analysis import evaluate
from nnviz.core.engine import Engine
from nnviz.core.errors import NnvizError
from nnviz.core.history import History
from nnviz.core.numfmt import fmt
from nnviz.core.session_file import Edit
from nnviz.core.spec import NetworkSpec
from nnviz.core.threads import view_threads
from nnviz.core.trace import StepTrace

MAX_RUNS = 64
MAX_EVAL_POINTS = 2048
"""Whole-set evaluations kept per run; past that the cadence doubles and every other goes."""


@dataclass(eq=False)
class Run:
    """One training run: its settings (``spec``), engine and history, and where it came from.

    ``how`` is "start" (the first run), "edit" (a weight or bias typed at step ``branch_step``),
    "settings" (other training settings from ``branch_step`` on), "restart" (other settings
    from the initial weights) or "reshape" (another shape, from the weights at ``branch_step``).
    ``edits`` are the values typed at the branch point; ``note`` says what changed, in words.
    """

    id: int
    name: str
    spec: NetworkSpec
    engine: Engine
    history: History
    parent: Run | None = None
    branch_step: int = 0
    how: str = "start"
    edits: list[Edit] = field(default_factory=list)
    note: str = ""
    evals: list = field(default_factory=list)
    """Evaluations of the whole training and test sets, every ``eval_every`` steps."""
    eval_every: int = 0

    def __post_init__(self) -> None:
        if not self.eval_every:
            self.eval_every = max(self.engine.batches_per_epoch, 1)
        if self.parent is not None and self.continues_parent:
            self.eval_every = max(self.eval_every, self.parent.eval_every)
            self.evals = [e for e in self.parent.evals if e.step <= self.branch_step]

    def steps_to_next_eval(self) -> int:
        """Steps until the next evaluation is due (1..eval_every)."""
        return self.eval_every - self.n_steps % self.eval_every

    def eval_due(self) -> bool:
        return (
            self.n_steps > 0
            and self.n_steps % self.eval_every == 0
            and (not self.evals or self.evals[-1].step < self.n_steps)
        )

    def train(self, n: int) -> None:
        """Train ``n`` untraced steps, evaluating the whole sets whenever an evaluation is due
        (so what is recorded never depends on what a window shows)."""
        while n > 0:
            k = min(n, self.steps_to_next_eval())
            self.history.run(k)
            n -= k
            self.record()

    def traced_step(self) -> StepTrace:
        """Train one traced step (recorded like any other)."""
        trace = self.history.step()
        self.record()
        return trace

    def record(self) -> None:
        """Evaluate the whole training and test sets now if an evaluation is due."""
        if self.eval_due() and np.isfinite(self.history.losses()[-1]):
            ds = self.engine.dataset
            with view_threads(ds.n_train + ds.n_test, self.spec.n_parameters):
                self.add_eval(evaluate(self.engine, self.n_steps))

    def add_eval(self, evaluation) -> None:
        """Keep an evaluation of the latest step; thin the points when there are too many."""
        self.evals.append(evaluation)
        if len(self.evals) > MAX_EVAL_POINTS:
            self.eval_every *= 2
            self.evals = [e for e in self.evals if e.step % self.eval_every == 0]

    @property
    def n_steps(self) -> int:
        return self.history.n_steps

    @property
    def continues_parent(self) -> bool:
        """Whether steps 1..branch_step are the parent's (same shape), not a new count."""
        return self.history.parent is not None

    def last_loss(self) -> float | None:
        losses = self.history.losses()
        return float(losses[-1]) if len(losses) else None

    def lineage(self) -> list[Run]:
        """This run and its ancestors, the first run last."""
        out, run = [], self
        while run is not None:
            out.append(run)
            run = run.parent
        return out

    def __repr__(self) -> str:
        parent = self.parent.id if self.parent else None
        return f"Run(id={self.id}, name={self.name!r}, how={self.how}, parent={parent}, at={self.branch_step}, steps={self.n_steps})"


class RunTree:
    """The runs of a session; ``current`` is the one shown."""

    def __init__(
        self, spec: NetworkSpec, base_dir: Path | None = None, allow_outside_data: bool = False
    ) -> None:
        """``allow_outside_data``: the user let the network's CSV file lie outside ``base_dir``."""
        self.base_dir = base_dir
        self.allow_outside_data = allow_outside_data
        self.runs: dict[int, Run] = {}
        self._next_id = 1
        engine = self.engine(spec)
        self.current = self._add(spec, engine, History(engine), None, 0, "start", [], "")

    def engine(self, spec: NetworkSpec) -> Engine:
        """A new engine for ``spec``, reading its data as the session's first network does."""
        return Engine(spec, base_dir=self.base_dir, allow_outside_data=self.allow_outside_data)

    # ----- making runs ----------------------------------------------------------------------
    def _add(
        self,
        spec: NetworkSpec,
        engine: Engine,
        history: History,
        parent: Run | None,
        at: int,
        how: str,
        edits: list[Edit],
        note: str,
    ) -> Run:
        if len(self.runs) >= MAX_RUNS:
            raise NnvizError(
                f"a session holds at most {MAX_RUNS} runs; delete some in the Runs panel first"
            )
        run = Run(
            self._next_id, f"run {self._next_id}", spec, engine, history, parent, at, how,
            list(edits), note,
        )  # fmt: skip
        self.runs[run.id] = run
        self._next_id += 1
        return run

    def _engine_at(self, parent: Run, spec: NetworkSpec, step: int) -> Engine:
        """A new engine with ``spec``'s settings, continuing ``parent`` after ``step`` steps."""
        state = parent.history.engine_after(step).get_state()
        engine = self.engine(spec)
        old = parent.spec
        same_opt = spec.optimizer.name == old.optimizer.name and (
            spec.optimizer.name != "sgd"
            or bool(spec.optimizer.momentum) == bool(old.optimizer.momentum)
        )
        same_batches = (spec.batch_size, spec.data, spec.seed, spec.shuffle) == (
            old.batch_size, old.data, old.seed, old.shuffle,
        )  # fmt: skip
        engine.continue_from(state, keep_optimizer=same_opt, keep_position=same_batches)
        return engine

    def branch_edit(self, parent: Run, step: int, edit: Edit) -> Run:
        """A run that continues ``parent`` after ``step`` steps with one value typed."""
        engine = self._engine_at(parent, parent.spec, step)
        engine.set_parameter(edit.layer, edit.row, edit.col, edit.value)
        history = History(engine, parent=parent.history)
        return self._add(
            parent.spec, engine, history, parent, step, "edit", [edit], _edit_note(edit)
        )

    def amend_edit(self, run: Run, edit: Edit) -> None:
        """Add another typed value at a fresh edit run's own branch point (its few own steps,
        recomputed from the edit, are dropped: they follow from the values typed)."""
        if run.how != "edit" or run.parent is None:
            raise ValueError("only an edit run's branch point can take more edits")
        run.history.rewind(run.branch_step)
        run.engine.set_parameter(edit.layer, edit.row, edit.col, edit.value)
        run.history.amend()
        run.evals = [e for e in run.evals if e.step <= run.branch_step]
        run.edits.append(edit)
        run.note = "; ".join(_edit_note(e) for e in run.edits)

    def branch_settings(
        self, parent: Run, step: int, spec: NetworkSpec, *, restart: bool = False
    ) -> Run:
        """A run with other training settings: continuing ``parent`` after ``step`` steps, or
        (``restart``) from the first run's initial weights. Another shape is a new network
        counted from step 0, with ``spec``'s weights (made from the parent's by a change of
        shape) or its initialisation."""
        note = settings_note(parent.spec, spec)
        if restart:
            root = parent.lineage()[-1]
            if _same_shape(root.spec, spec):
                engine = self._engine_at(root, spec, 0)
                history = History(engine, parent=root.history)
                return self._add(spec, engine, history, root, 0, "restart", [], note)
            parent, step = root, 0
        if not _same_shape(parent.spec, spec):  # its own initial weights: spec's, or its init
            return self.branch_reshape(parent, step, spec, note)
        engine = self._engine_at(parent, spec, step)
        history = History(engine, parent=parent.history)
        return self._add(spec, engine, history, parent, step, "settings", [], note)

    def branch_reshape(self, parent: Run, step: int, spec: NetworkSpec, note: str) -> Run:
        """A new network (another shape) whose initial weights are ``spec``'s, made from the
        parent's weights at ``step``; its steps count from 0."""
        engine = self.engine(spec)
        return self._add(spec, engine, History(engine), parent, step, "reshape", [], note)

    def add_start(self, spec: NetworkSpec) -> Run:
        """Another first run (a network of its own, from its initial weights)."""
        engine = self.engine(spec)
        return self._add(spec, engine, History(engine), None, 0, "start", [], "")

    # ----- managing runs --------------------------------------------------------------------
    def children(self, run: Run) -> list[Run]:
        return [r for r in self.runs.values() if r.parent is run]

    def subtree(self, run: Run) -> list[Run]:
        """The run and every run made from it, directly or not."""
        out = [run]
        for child in self.children(run):
            out += self.subtree(child)
        return out

    def remove(self, run: Run) -> list[Run]:
        """Delete a run and the runs made from it; the first run stays. The current run moves
        to the deleted run's parent when it was among them. Returns what was deleted."""
        if run.parent is None:
            raise NnvizError("the first run cannot be deleted")
        gone = self.subtree(run)
        for r in gone:
            del self.runs[r.id]
        if self.current in gone:
            self.current = run.parent
        return gone

    def rename(self, run: Run, name: str) -> None:
        clean = "".join(ch for ch in name.strip() if ch.isprintable())[:60]
        if not clean:
            raise NnvizError("a run needs a name")
        run.name = clean

    def ordered(self) -> list[tuple[int, Run]]:
        """Every run with its depth in the tree, parents before their children."""
        out: list[tuple[int, Run]] = []

        def walk(run: Run, depth: int) -> None:
            out.append((depth, run))
            for child in sorted(self.children(run), key=lambda r: r.id):
                walk(child, depth + 1)

        for root in sorted((r for r in self.runs.values() if r.parent is None), key=lambda r: r.id):
            walk(root, 0)
        return out


def _same_shape(a: NetworkSpec, b: NetworkSpec) -> bool:
    return tuple(a.layers) == tuple(b.layers) and a.bias_shared == b.bias_shared


def _edit_note(edit: Edit) -> str:
    what = (
        f"w[{edit.row + 1},{edit.col + 1}] of layer {edit.layer + 1}"
        if edit.col is not None
        else f"b[{edit.row + 1}] of layer {edit.layer + 1}"
    )
    return f"{what} = {fmt(edit.value, 4)} after step {edit.after_step}"


def settings_note(old: NetworkSpec, new: NetworkSpec) -> str:
    """The settings that differ, in words: "η 0.5 → 0.1; Adam instead of SGD"."""
    out = []
    a, b = old.optimizer, new.optimizer
    if a.name != b.name:
        out.append(f"{_opt_name(b)} instead of {_opt_name(a)}")
    elif a.name == "sgd" and a.momentum != b.momentum:
        out.append(f"momentum {a.momentum:g} → {b.momentum:g}")
    if a.lr != b.lr:
        out.append(f"η {a.lr:g} → {b.lr:g}")
    if tuple(old.layers) != tuple(new.layers):
        out.append(
            "layers " + "-".join(map(str, old.layers)) + " → " + "-".join(map(str, new.layers))
        )
    if tuple(old.activations) != tuple(new.activations):
        out.append("activations " + ", ".join(new.activations))
    for label, key in (
        ("loss", "loss"),
        ("batch", "batch_size"),
        ("numbers", "dtype"),
        ("device", "device"),
    ):
        if getattr(old, key) != getattr(new, key):
            out.append(f"{label} {getattr(old, key)} → {getattr(new, key)}")
    if old.data != new.data:
        out.append("other data")
    if (old.bias_trainable, old.bias_shared) != (new.bias_trainable, new.bias_shared):
        out.append("other bias options")
    if old.seed != new.seed or old.shuffle != new.shuffle:
        out.append("other batch order")
    return "; ".join(out) or "same settings"


def _opt_name(opt) -> str:
    if opt.name == "adam":
        return "Adam"
    return "SGD with momentum" if opt.momentum else "SGD"
