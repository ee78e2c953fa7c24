"""The run tree: branching keeps every step of the parent bit for bit, a branch trains as the
textbook rules say from where it branched, session files hold every run, and nothing moves a
frozen parameter or shuffles a whole-set batch."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz.core import session_file
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.runs import MAX_EVAL_POINTS, RunTree
from nnviz.core.runs_file import replay_runs, session_data
from nnviz.core.session_file import Edit
from nnviz.core.spec import OptimizerSpec


def _tree(name: str = "xor", **changes) -> RunTree:
    spec, base = load(name)
    if changes:
        spec = spec.with_changes(**changes)
    return RunTree(spec, base)


def test_an_edit_branch_keeps_the_parent_and_equals_an_edited_single_run():
    tree = _tree()
    root = tree.current
    root.train(40)
    losses = root.history.losses().copy()
    w30 = root.history.trace(30).layers[0].weights_after.copy()
    child = tree.branch_edit(root, 10, Edit(10, 0, 1, 0, 0.75))
    child.train(20)
    np.testing.assert_array_equal(root.history.losses(), losses)  # parent untouched
    np.testing.assert_array_equal(root.history.trace(30).layers[0].weights_after, w30)
    np.testing.assert_array_equal(child.history.losses()[:10], losses[:10])
    # an independent single engine: 10 steps, the value typed, 20 more steps
    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    engine.run(10)
    engine.set_parameter(0, 1, 0, 0.75)
    np.testing.assert_array_equal(child.history.losses()[10:], engine.run(20))
    assert child.history.trace(11).layers[0].weights_before[1, 0] == 0.75
    assert child.history.trace(5) is root.history.trace(5)  # the parent's own step


def test_a_momentum_branch_with_a_new_rate_keeps_its_velocity():
    opt = OptimizerSpec("sgd", 0.5, momentum=0.9)
    tree = _tree(optimizer=opt)
    root = tree.current
    root.train(7)
    root.traced_step()  # step 8, traced: its update gives the velocity after step 8
    lay8 = root.history.trace(8).layers[0]
    velocity = -lay8.weight_update / 0.5  # w ← w − η·v  ⇒  v = −Δw/η
    spec = root.spec.with_changes(optimizer=OptimizerSpec("sgd", 0.05, momentum=0.9))
    child = tree.branch_settings(root, 8, spec)
    assert child.note == "η 0.5 → 0.05"
    child.traced_step()
    lay = child.history.trace(9).layers[0]
    expected = lay.weights_before - 0.05 * (0.9 * velocity + lay.weight_grad)  # torch's rule
    np.testing.assert_allclose(lay.weights_after, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(lay.weights_before, lay8.weights_after)
    assert root.n_steps == 8


def test_a_restart_and_another_optimizer_start_clean():
    tree = _tree()
    root = tree.current
    root.train(5)
    w0 = root.history.parameters_after(0)[0][0]
    spec = root.spec.with_changes(optimizer=OptimizerSpec("adam", 0.01))
    restart = tree.branch_settings(root, 5, spec, restart=True)
    assert restart.how == "restart" and restart.n_steps == 0
    restart.traced_step()
    lay = restart.history.trace(1).layers[0]
    np.testing.assert_array_equal(lay.weights_before, w0)
    # Adam's first step from fresh moments: m̂ = g, v̂ = g², so each weight moves by
    # η·g/(|g| + ε) against its gradient
    g = lay.weight_grad
    expected = lay.weights_before - 0.01 * g / (np.abs(g) + 1e-8)
    np.testing.assert_allclose(lay.weights_after, expected, rtol=1e-10, atol=1e-15)


def test_a_reshape_counts_from_zero_with_the_weights_given():
    from nnviz.core import restructure as rs

    tree = _tree()
    root = tree.current
    root.train(12)
    spec = rs.add_neuron(root.spec, root.history.parameters_after(12), 1)
    run = tree.branch_reshape(root, 12, spec, "a neuron added")
    assert run.n_steps == 0 and run.spec.layers == (2, 4, 1) and run.parent is root
    np.testing.assert_array_equal(
        run.history.parameters_after(0)[0][0][:3], root.history.parameters_after(12)[0][0]
    )


def test_remove_and_rename():
    tree = _tree()
    root = tree.current
    root.train(3)
    a = tree.branch_edit(root, 1, Edit(1, 0, 0, 0, 1.0))
    b = tree.branch_edit(a, 1, Edit(1, 0, 0, 1, 2.0))
    tree.current = b
    assert [r.id for _, r in tree.ordered()] == [root.id, a.id, b.id]
    assert tree.remove(a) == [a, b] and tree.current is root
    with pytest.raises(ValueError):
        tree.remove(root)
    tree.rename(root, "  base\x1b[2J line ")
    assert root.name == "base[2J line"


def test_evaluations_are_recorded_per_epoch_and_thinned():
    tree = _tree("spiral")
    run = tree.current
    per = run.engine.batches_per_epoch
    run.train(3 * per + 2)
    assert [e.step for e in run.evals] == [per, 2 * per, 3 * per]
    run.eval_every = 1
    run.evals = []
    run.train(MAX_EVAL_POINTS + 1)
    assert len(run.evals) <= MAX_EVAL_POINTS and run.eval_every == 2


def _three_runs(tmp_path):
    spec, base = load("two-two-two")
    tree = RunTree(spec, base)
    root = tree.current
    root.train(6)
    edit = tree.branch_edit(root, 2, Edit(2, 1, 0, 1, 0.9))
    edit.train(3)
    momentum = tree.branch_settings(
        root, 4, spec.with_changes(optimizer=OptimizerSpec("sgd", 0.5, 0.9))
    )
    momentum.train(5)
    tree.current = edit
    return tree


def test_a_session_with_three_runs_reopens_identically(tmp_path):
    tree = _three_runs(tmp_path)
    data = session_data(tree, step=4, phase=2, view={"digits": 4})
    path = tmp_path / "elsewhere" / "three.nnviz"
    path.parent.mkdir()
    session_file.save(data, path)
    again = session_file.load(path)
    reopened = replay_runs(again, load("two-two-two")[1])
    assert [r.id for _, r in reopened.ordered()] == [r.id for _, r in tree.ordered()]
    for (_, a), (_, b) in zip(tree.ordered(), reopened.ordered(), strict=True):
        assert (a.how, a.branch_step, a.note, a.name) == (b.how, b.branch_step, b.note, b.name)
        np.testing.assert_array_equal(a.history.losses(), b.history.losses())
        np.testing.assert_array_equal(
            a.history.parameters_after(a.n_steps)[0][0], b.history.parameters_after(b.n_steps)[0][0]
        )
    assert reopened.current.id == tree.current.id and (again.step, again.phase) == (4, 2)


def test_a_format_1_session_still_opens(tmp_path):
    spec, base = load("two-two-two")
    doc = {
        "nnviz_session": 1,
        "network": json.loads(json.dumps(spec.to_json())),
        "steps": 5,
        "position": {"step": 5, "phase": 0},
        "edits": [{"after_step": 2, "layer": 0, "row": 0, "col": 1, "value": 0.3}],
    }
    data = session_file.from_json(doc)
    tree = replay_runs(data, base)
    run = tree.current
    assert run.how == "edit" and run.n_steps == 5 and run.parent.n_steps == 5
    engine = Engine(spec, base_dir=base)  # what format 1 meant: one run, edited after step 2
    engine.run(2)
    engine.set_parameter(0, 0, 1, 0.3)
    np.testing.assert_array_equal(run.history.losses()[2:], engine.run(3))


@pytest.mark.parametrize(
    "bad",
    [
        {"runs": []},
        {"runs": [{"id": 1, "how": "edit", "parent": None}]},
        {"runs": [{"id": 2, "how": "settings", "parent": 1, "at": 0, "steps": 0}]},
        {"runs": [{"id": 1, "how": "start", "parent": None, "steps": 10**8}]},
    ],
)
def test_bad_format_2_files_are_refused(bad):
    spec, _ = load("xor")
    for r in bad["runs"]:
        r.setdefault("network", spec.to_json())
    with pytest.raises(session_file.SpecError):
        session_file.from_json({"nnviz_session": 2, "current": 1, **bad})


def test_a_whole_set_batch_keeps_the_file_order():
    spec, base = load("xor")
    engine = Engine(spec.with_changes(batch_size=4, shuffle=True), base_dir=base)
    for _ in range(3):
        np.testing.assert_array_equal(engine.step().sample_indices, np.arange(4))
    engine = Engine(spec.with_changes(batch_size=2, shuffle=True), base_dir=base)
    orders = {tuple(engine.step().sample_indices) for _ in range(8)}
    assert len(orders) > 2  # smaller batches are still drawn in a shuffled order


@pytest.mark.parametrize(
    "opt", [OptimizerSpec("adam", 0.05, eps=0.0), OptimizerSpec("sgd", 0.5, 0.9)]
)
def test_frozen_parameters_never_move(opt):
    spec, base = load("two-two-two")  # frozen shared biases
    engine = Engine(spec.with_changes(optimizer=opt), base_dir=base)
    b0 = [b.copy() for b in engine.parameters()[1]]
    engine.step()
    engine.run(20)
    for before, after in zip(b0, engine.parameters()[1], strict=True):
        np.testing.assert_array_equal(before, after)
    assert np.isfinite(engine.parameters()[0][0]).all()
