"""Runs and session files: what a session file holds of a run tree (``session_data``: every run,
a run's CSV named from the session file's folder or its data embedded) and how a session file's
runs are made again (``RunReplay``, a slice at a time, or ``replay_runs`` at once). No Qt."""

from __future__ import annotations

from pathlib import Path

from nnviz.core.csv_data import rebase_data
from nnviz.core.runs import Run, RunTree
from nnviz.core.session_file import RunData, SessionData
from nnviz.core.spec import NetworkSpec


class RunReplay:
    """Replaying a session file's runs a slice at a time (training is deterministic, so every
    step comes out as it was): ``advance(k)`` trains at most ``k`` more steps, making each run
    once its parent has the steps it branched from; ``tree`` holds the runs made so far, the
    one that was shown current."""

    def __init__(
        self, data: SessionData, base_dir: Path | None = None, allow_outside_data: bool = False
    ) -> None:
        self.plan = data.all_runs()
        self.shown = data.current_run()
        self.tree = RunTree(self.plan[0].spec, base_dir, allow_outside_data)
        self.total = sum(own_steps(rd) for rd in self.plan)
        self.done = 0
        self._made: dict[int, Run] = {}
        self._next = 0

    @property
    def finished(self) -> bool:
        return self._next >= len(self.plan)

    def advance(self, max_steps: int) -> int:
        """Train up to ``max_steps`` steps of the runs still to replay; returns how many."""
        trained = 0
        while not self.finished and trained < max_steps:
            rd = self.plan[self._next]
            run = self._made.get(rd.id) or self._make(rd)
            k = min(rd.n_steps - run.n_steps, max_steps - trained)
            if k > 0:
                run.train(k)
                trained += k
            if run.n_steps >= rd.n_steps:
                self._next += 1
        self.done += trained
        if self.finished or self.shown in self._made:
            self.tree.current = self._made.get(self.shown, self.tree.current)
        return trained

    def run_ids(self) -> dict[int, int]:
        """Each replayed run's id in the file → its id now (ids are given out again)."""
        return {saved: run.id for saved, run in self._made.items()}

    def _make(self, rd) -> Run:
        tree = self.tree
        if rd.parent is None:
            run = tree.current if not self._made else tree.add_start(rd.spec)
        else:
            parent = self._made[rd.parent]
            if rd.how == "edit":
                run = tree.branch_edit(parent, rd.at, rd.edits[0])
                for edit in rd.edits[1:]:
                    tree.amend_edit(run, edit)
            elif rd.how == "reshape":
                run = tree.branch_reshape(parent, rd.at, rd.spec, rd.note)
            else:
                run = tree.branch_settings(parent, rd.at, rd.spec, restart=rd.how == "restart")
        run.name, run.note = rd.name or run.name, rd.note or run.note
        self._made[rd.id] = run
        return run


def own_steps(rd) -> int:
    """The steps a run of a session file trains itself (not those it shows of its parent)."""
    return rd.n_steps - (rd.at if rd.how not in ("start", "reshape") else 0)


def replay_runs(
    data: SessionData, base_dir: Path | None = None, allow_outside_data: bool = False
) -> RunTree:
    """The runs a session file describes, each trained again to its step count; the run shown
    then is current."""
    replay = RunReplay(data, base_dir, allow_outside_data)
    while not replay.finished:
        replay.advance(1 << 30)
    return replay.tree


def session_data(
    tree: RunTree,
    step: int,
    phase: int,
    view: dict,
    *,
    folder: Path | None = None,
    embed: bool | None = None,
) -> SessionData:
    """What a session file holds: every run (a first run and another shape with their initial
    weights), the run shown and its position, the view. A CSV file a run reads is named
    relative to ``folder`` (where the session file goes) when it lies in that folder or below,
    else (or with ``embed``) its data is written into the file, so the session opens anywhere,
    on a classmate's machine too; ``embed=False`` keeps a path in every case."""
    runs = []
    for _, run in tree.ordered():
        spec = _portable(run, tree.base_dir, folder, embed)
        if run.how in ("start", "reshape"):
            ws, bs = run.history.parameters_after(0)
            spec = spec.with_changes(weights=tuple(ws), biases=tuple(bs))
        parent = run.parent.id if run.parent else None
        runs.append(
            RunData(
                run.id,
                run.name,
                spec,
                run.how,
                parent,
                run.branch_step,
                list(run.edits),
                run.n_steps,
                run.note,
            )  # fmt: skip
        )
    first = runs[0]
    return SessionData(first.spec, first.n_steps, step, phase, [], view, runs, tree.current.id)


def _portable(
    run: Run, base_dir: Path | None, folder: Path | None, embed: bool | None
) -> NetworkSpec:
    """The run's settings with its CSV data named from ``folder`` (relative when it lies in
    that folder, see csv_data.rebase_data), or embedded."""
    data = run.spec.data
    if "csv" not in data or folder is None and not embed:
        return run.spec
    if not embed and folder is not None:
        rebased = rebase_data(data, base_dir, folder)
        if embed is False or not Path(rebased["csv"]).is_absolute():
            return run.spec.with_changes(data=rebased)
    return run.spec.with_changes(data=inline_data(run.engine.dataset))


def inline_data(ds) -> dict:
    """A data set as a network file's inline data: the numbers the network sees (standardised
    where the CSV was), the training and test rows as split, the names."""
    out: dict = {
        "inputs": ds.x_train.tolist(),
        "targets": ds.t_train.tolist(),
        "input_names": list(ds.input_names),
    }
    if len(ds.target_names) == ds.n_outputs:  # one name per output column (not class names)
        out["target_names"] = list(ds.target_names)
    if ds.n_test:
        out["test"] = {"inputs": ds.x_test.tolist(), "targets": ds.t_test.tolist()}
    return out
