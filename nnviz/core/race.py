"""Races: two to four runs from one initialisation with different settings, trained together
(SGD vs momentum vs Adam, three learning rates, three hidden activations), so a learner sees
what a setting changes at the same step. Each lane is an ordinary run of the session's run
tree, made from the first run's initial weights. No Qt."""

from __future__ import annotations

from dataclasses import replace

from nnviz.core.errors import NnvizError
from nnviz.core.runs import Run, RunTree
from nnviz.core.spec import NetworkSpec, OptimizerSpec

COMPARISONS = ("optimizers", "rates", "activations")
MIN_LANES, MAX_LANES = 2, 4


def variants(spec: NetworkSpec, compare: str) -> list[tuple[str, NetworkSpec]]:
    """The lanes of a standard comparison, made from ``spec``: (name, settings) each."""
    lr = spec.optimizer.lr
    if compare == "optimizers":
        base = spec.optimizer
        sgd_lr = lr if base.name == "sgd" else 0.1
        adam_lr = lr if base.name == "adam" else 0.01
        return [
            ("SGD", spec.with_changes(optimizer=OptimizerSpec("sgd", sgd_lr))),
            ("momentum", spec.with_changes(optimizer=OptimizerSpec("sgd", sgd_lr, momentum=0.9))),
            ("Adam", spec.with_changes(optimizer=OptimizerSpec("adam", adam_lr))),
        ]
    if compare == "rates":
        return [
            (f"η {k * lr:g}", spec.with_changes(optimizer=replace(spec.optimizer, lr=k * lr)))
            for k in (0.1, 1.0, 10.0)
        ]
    if compare == "activations":
        if len(spec.activations) < 2:
            raise NnvizError("a network without hidden layers has no hidden activation to compare")
        out = []
        for act in ("sigmoid", "tanh", "relu"):
            acts = tuple([act] * (len(spec.activations) - 1)) + (spec.activations[-1],)
            out.append((act, spec.with_changes(activations=acts)))
        return out
    raise NnvizError(f"unknown comparison {compare!r}; choose one of {', '.join(COMPARISONS)}")


def start_race(tree: RunTree, lanes: list[tuple[str, NetworkSpec]]) -> list[Run]:
    """One run per lane, each from the first run's initial weights, named after its lane."""
    if not MIN_LANES <= len(lanes) <= MAX_LANES:
        raise NnvizError(f"a race has {MIN_LANES} to {MAX_LANES} lanes, found {len(lanes)}")
    root = tree.current.lineage()[-1]
    runs = []
    for name, spec in lanes:
        run = tree.branch_settings(root, 0, spec, restart=True)
        if run.how != "restart":
            raise NnvizError(f"lane {name!r} changes the network's shape; a race keeps it")
        tree.rename(run, name)
        runs.append(run)
    return runs


def train_race(runs: list[Run], n: int) -> None:
    """``n`` more steps for every lane (they stay at the same step)."""
    target = max(r.n_steps for r in runs) + n
    for run in runs:
        if target > run.n_steps:
            run.train(target - run.n_steps)
