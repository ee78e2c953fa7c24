"""History: any earlier step's trace comes back exactly as it was, and memory stays bounded."""

import numpy as np

from nnviz.core.engine import Engine
from nnviz.core.history import History
from nnviz.core.netfile import load


def _engine(name="spiral"):
    spec, base = load(name)
    return Engine(spec, base_dir=base)


def _same(a, b):
    assert a.step == b.step and a.epoch == b.epoch and a.loss == b.loss
    np.testing.assert_array_equal(a.sample_indices, b.sample_indices)
    for la, lb in zip(a.layers, b.layers, strict=False):
        for name in ("pre_activation", "activation", "delta", "weight_grad", "weights_after"):
            np.testing.assert_array_equal(getattr(la, name), getattr(lb, name))


def test_recomputed_traces_equal_the_originals():
    hist = History(_engine(), cache_size=2, keyframe_every=8)
    originals = [hist.step() for _ in range(40)]
    for s in (1, 7, 8, 9, 23, 40, 3):
        _same(hist.trace(s), originals[s - 1])


def test_untraced_run_matches_traced_steps():
    a, b = _engine(), _engine()
    traced = [a.step().loss for _ in range(30)]
    fast = b.run(30)
    np.testing.assert_array_equal(traced, fast)
    wa, _ = a.parameters()
    wb, _ = b.parameters()
    for x, y in zip(wa, wb, strict=False):
        np.testing.assert_array_equal(x, y)


def test_mixed_run_and_steps_record_losses():
    hist = History(_engine(), keyframe_every=4)
    hist.run(10)
    t11 = hist.step()
    hist.run(5)
    assert hist.n_steps == 16
    assert hist.losses()[10] == t11.loss
    _same(hist.trace(11), t11)
    assert hist.trace(3).step == 3


def test_epochs_and_positions():
    eng = _engine("xor")  # 4 points, batch 4: one step per epoch
    hist = History(eng)
    hist.run(3)
    assert list(hist.epochs()) == [1, 2, 3]
    assert hist.trace(2).epoch == 2


def test_keyframes_are_thinned_to_the_budget():
    eng = _engine()
    state_bytes = eng.get_state().nbytes()
    hist = History(eng, keyframe_budget=10 * state_bytes, keyframe_every=4)
    hist.run(2000)
    assert hist.keyframe_bytes <= 10 * state_bytes
    assert hist.n_keyframes <= 10
    originals_fast = hist.losses().copy()
    t = hist.trace(1777)
    assert t.loss == originals_fast[1776]


def test_rewind_continues_identically():
    hist = History(_engine(), keyframe_every=8)
    hist.run(20)
    later = hist.losses().copy()
    hist.rewind(12)
    assert hist.n_steps == 12
    again = hist.run(8)
    np.testing.assert_array_equal(again, later[12:])


def test_amend_after_edit():
    hist = History(_engine("two-two-two"))
    hist.step()
    hist.engine.set_parameter(1, 0, 0, 1.5)
    hist.amend()
    t2 = hist.step()
    assert t2.layers[1].weights_before[0, 0] == 1.5
    _same(hist.trace(2), t2)
    assert hist.trace(1).layers[1].weights_before[0, 0] == 0.40


def test_edit_is_seen_after_replaying_from_an_earlier_keyframe():
    hist = History(_engine(), keyframe_every=16)
    hist.run(4)
    hist.engine.set_parameter(0, 1, 0, 0.25)
    hist.amend()
    hist.run(4)
    hist.trace(4)  # the replayer runs from keyframe 0 to step 4 (before the edit)
    assert hist.trace(5).layers[0].weights_before[1, 0] == 0.25


def test_gradient_norms_recorded_for_traced_and_untraced_steps():
    hist = History(_engine("deep-sigmoid"))
    first = hist.step()
    hist.run(20)
    norms = hist.grad_norms()
    assert norms.shape == (21, 8)
    expected = [np.linalg.norm(la.weight_grad) for la in first.layers]
    np.testing.assert_allclose(norms[0], expected, rtol=1e-6)
    np.testing.assert_allclose(
        norms[5], [np.linalg.norm(la.weight_grad) for la in hist.trace(6).layers], rtol=1e-6
    )
    # a deep sigmoid net starves its first layers: the gradient shrinks towards the input
    assert norms[:, 0].mean() < norms[:, -1].mean() / 10


def test_keyframe_count_is_bounded():
    from nnviz.core.history import MAX_KEYFRAMES

    hist = History(_engine("xor"), keyframe_every=1)
    hist.run(3 * MAX_KEYFRAMES)
    assert hist.n_keyframes <= MAX_KEYFRAMES
    assert hist.trace(2 * MAX_KEYFRAMES + 7).step == 2 * MAX_KEYFRAMES + 7
