"""The classic mistakes (nnviz.core.mistakes) against independent computations: the worked 2-2-2
example's famous numbers, torch autograd on independently built models with the mistake made
explicitly, and the right numbers left untouched."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from nnviz.core import mistakes
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.spec import OptimizerSpec


def _engine(name: str, **changes) -> Engine:
    spec, base = load(name)
    if changes:
        spec = spec.with_changes(**changes)
    return Engine(spec, base_dir=base, device="cpu", dtype="float64")


def _first_step(name: str, **changes):
    eng = _engine(name, **changes)
    ws, bs = eng.parameters()
    return eng, [w.copy() for w in ws], [b.copy() for b in bs], eng.step()


def _outcome(eng: Engine, tr, key: str) -> mistakes.Outcome:
    spec = eng.spec
    return mistakes.compute(
        key, tr, bias_trainable=spec.bias_trainable, bias_shared=spec.bias_shared
    )


def _torch_net(ws, bs, acts, x, straight_through=False):
    """An independent torch forward pass; returns (pre-activations, output). With
    ``straight_through`` every activation passes its gradient unchanged (σ′ forgotten)."""
    params = [
        (
            torch.tensor(w, dtype=torch.float64, requires_grad=True),
            torch.tensor(b, dtype=torch.float64, requires_grad=True),
        )
        for w, b in zip(ws, bs, strict=True)
    ]
    h = torch.tensor(x, dtype=torch.float64)
    zs = []
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "softmax": None}
    for (w, b), act in zip(params, acts, strict=True):
        z = h @ w.T + b
        z.retain_grad()
        zs.append(z)
        a = torch.softmax(z, dim=1) if act == "softmax" else fns[act](z)
        h = z + (a - z).detach() if straight_through else a
    return params, zs, h


# ----- hidden δ with already-updated weights: the 2-2-2 tutorial's numbers -------------------
def test_two_two_two_total_error_after_the_first_update():
    eng, _, _, tr = _first_step("two-two-two")
    out = _outcome(eng, tr, "updated-weights")
    right_next = eng.step().loss  # the engine's own loss of step 2: after the right update
    assert f"{right_next:.9f}" == "0.291027774"
    assert f"{out.right_loss_after:.9f}" == "0.291027774"
    assert f"{out.loss_after:.9f}" == "0.291027924"
    assert mistakes.parting_digit(out.right_loss_after, out.loss_after) == 7


def test_updated_weights_hidden_delta_by_hand():
    eng, ws, bs, tr = _first_step("two-two-two")
    out = _outcome(eng, tr, "updated-weights")
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    h = s(ws[0] @ x + bs[0])
    o = s(ws[1] @ h + bs[1])
    d_out = (o - t) * o * (1 - o)
    w2_new = ws[1] - 0.5 * np.outer(d_out, h)
    d_hidden = (w2_new.T @ d_out) * h * (1 - h)
    np.testing.assert_allclose(out.layers[1].delta[0], d_out, rtol=1e-12)
    np.testing.assert_allclose(out.layers[0].delta[0], d_hidden, rtol=1e-12)
    np.testing.assert_allclose(
        out.layers[0].weights_after, ws[0] - 0.5 * np.outer(d_hidden, x), rtol=1e-12
    )
    # the right hidden δ is the one the trace holds, and it differs from the mistaken one
    right = (ws[1].T @ d_out) * h * (1 - h)
    np.testing.assert_allclose(tr.layers[0].delta[0], right, rtol=1e-12)
    assert not np.allclose(right, d_hidden, rtol=1e-6)
    # the frozen shared bias never moves
    assert (out.layers[0].bias_update == 0).all()


# ----- forgetting σ′ --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["xor", "gaussians3"])
def test_forgetting_sigma_prime_matches_straight_through_autograd(name):
    eng, ws, bs, tr = _first_step(name)
    out = _outcome(eng, tr, "no-sigma-prime")
    params, zs, y = _torch_net(ws, bs, eng.spec.activations, tr.inputs, straight_through=True)
    t = torch.tensor(tr.targets)
    if eng.spec.loss == "cross_entropy":
        per = -(t * torch.log(y)).sum(dim=1)
    else:
        per = 0.5 * ((y - t) ** 2).sum(dim=1)
    per.mean().backward()
    b = tr.batch_size
    lr = eng.spec.optimizer.lr
    for i, (w, bias) in enumerate(params):
        np.testing.assert_allclose(out.layers[i].delta, zs[i].grad.numpy() * b, atol=1e-12)
        np.testing.assert_allclose(out.layers[i].weight_grad, w.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(out.layers[i].bias_grad, bias.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(
            out.layers[i].weights_after, ws[i] - lr * w.grad.numpy(), atol=1e-12
        )
    # what it does not change stays the right number
    np.testing.assert_array_equal(out.outputs, tr.outputs)
    assert out.loss == pytest.approx(tr.loss, rel=1e-12)
    assert not np.allclose(out.layers[-1].delta, tr.layers[-1].delta)


# ----- the wrong sign -------------------------------------------------------------------------
def test_wrong_sign_climbs_the_gradient():
    eng, ws, bs, tr = _first_step("xor")
    out = _outcome(eng, tr, "wrong-sign")
    params, _, y = _torch_net(ws, bs, eng.spec.activations, tr.inputs)
    (0.5 * ((y - torch.tensor(tr.targets)) ** 2).sum(dim=1)).mean().backward()
    lr = eng.spec.optimizer.lr
    for i, (w, b) in enumerate(params):
        np.testing.assert_allclose(out.layers[i].weights_after, ws[i] + lr * w.grad.numpy())
        np.testing.assert_allclose(out.layers[i].biases_after, bs[i] + lr * b.grad.numpy())
        # δ and the gradient are the right ones (the trace's)
        np.testing.assert_array_equal(out.layers[i].delta, tr.layers[i].delta)
        np.testing.assert_array_equal(out.layers[i].weight_grad, tr.layers[i].weight_grad)
    assert out.loss_after > tr.loss > out.right_loss_after


@pytest.mark.parametrize(
    "opt",
    [OptimizerSpec("sgd", lr=0.5, momentum=0.9), OptimizerSpec("adam", lr=0.05)],
    ids=["momentum", "adam"],
)
def test_wrong_sign_with_momentum_and_adam_reverses_the_optimizer_step(opt):
    eng = _engine("xor", optimizer=opt)
    eng.step()
    tr = eng.step()  # the second step: the optimizer's state is not zero any more
    out = _outcome(eng, tr, "wrong-sign")
    for lay, got in zip(tr.layers, out.layers, strict=True):
        np.testing.assert_allclose(got.weight_update, -lay.weight_update, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(got.bias_update, -lay.bias_update, rtol=1e-9, atol=1e-15)


# ----- summing instead of averaging ---------------------------------------------------------
def test_summing_over_the_batch_matches_autograd_of_the_summed_loss():
    eng, ws, bs, tr = _first_step("xor")
    assert tr.batch_size == 4
    out = _outcome(eng, tr, "sum-batch")
    params, _, y = _torch_net(ws, bs, eng.spec.activations, tr.inputs)
    (0.5 * ((y - torch.tensor(tr.targets)) ** 2).sum(dim=1)).sum().backward()  # the mistake
    lr = eng.spec.optimizer.lr
    for i, (w, b) in enumerate(params):
        np.testing.assert_allclose(out.layers[i].weight_grad, w.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(out.layers[i].bias_grad, b.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(out.layers[i].weights_after, ws[i] - lr * w.grad.numpy())
        np.testing.assert_array_equal(out.layers[i].delta, tr.layers[i].delta)


def test_summing_a_batch_of_one_changes_nothing():
    eng, _, _, tr = _first_step("two-two-two")
    out = _outcome(eng, tr, "sum-batch")
    for lay, got in zip(tr.layers, out.layers, strict=True):
        np.testing.assert_allclose(got.weights_after, lay.weights_after, rtol=1e-12)
    assert mistakes.parting_digit(out.right_loss_after, out.loss_after) is None


# ----- softmax twice --------------------------------------------------------------------------
def test_softmax_twice_matches_autograd_of_a_double_softmax():
    eng, ws, bs, tr = _first_step("gaussians3")
    out = _outcome(eng, tr, "softmax-twice")
    params, zs, y = _torch_net(ws, bs, eng.spec.activations, tr.inputs)
    y2 = torch.softmax(y, dim=1)  # the mistake: softmax of probabilities
    t = torch.tensor(tr.targets)
    per = -(t * torch.log(y2)).sum(dim=1)
    per.mean().backward()
    b, lr = tr.batch_size, eng.spec.optimizer.lr
    np.testing.assert_allclose(out.outputs, y2.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(out.sample_losses, per.detach().numpy(), rtol=1e-12)
    for i, (w, bias) in enumerate(params):
        np.testing.assert_allclose(out.layers[i].delta, zs[i].grad.numpy() * b, atol=1e-12)
        np.testing.assert_allclose(out.layers[i].weight_grad, w.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(out.layers[i].biases_after, bs[i] - lr * bias.grad.numpy())
    # squashed towards 1/K: every output closer to a third than the right one
    assert (np.abs(out.outputs - 1 / 3) <= np.abs(tr.outputs - 1 / 3) + 1e-15).all()
    # probabilities in [0, 1] give softmax outputs in [1/(1+2e), e/(e+2)]: the loss can never
    # fall below −ln(e/(e+2)) however well the network learns
    assert (out.sample_losses >= -np.log(np.e / (np.e + 2)) - 1e-12).all()


def test_softmax_twice_needs_a_softmax_output():
    _, _, _, tr = _first_step("xor")
    assert "softmax" in (mistakes.applies("softmax-twice", tr) or "")
    with pytest.raises(ValueError, match="softmax"):
        mistakes.compute("softmax-twice", tr)


# ----- the right numbers stay right ------------------------------------------------------------
@pytest.mark.parametrize("key", list(mistakes.MISTAKES))
def test_the_trace_is_never_changed(key):
    name = "gaussians3" if key == "softmax-twice" else "xor"
    eng, _, _, tr = _first_step(name)
    before = copy.deepcopy(tr)
    out = _outcome(eng, tr, key)
    for a, b in zip(before.layers, tr.layers, strict=True):
        for field in ("delta", "weight_grad", "weight_update", "weights_after", "activation"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert before.loss == tr.loss
    # and the loss after the right update is the engine's next loss on the same batch
    assert out.right_loss_after == pytest.approx(eng.batch_loss(tr.sample_indices), rel=1e-12)
    changed = set(out.mistake.changes)
    assert changed <= set(mistakes.QUANTITIES)
    if "delta" not in changed:
        for lay, got in zip(tr.layers, out.layers, strict=True):
            np.testing.assert_allclose(got.delta, lay.delta, atol=1e-12)


def test_parting_digit_and_the_drawn_text():
    assert mistakes.parting_digit(0.291027774, 0.291027924) == 7
    assert mistakes.parting_digit(0.5, 0.5) is None
    assert mistakes.parting_digit(0.00877, 0.00729) == 1
    assert mistakes.wrong_text(0.291027774, 0.291027924, 3) == "✗ 0.2910279 (digit 7)"
    assert mistakes.wrong_text(0.00877135, 0.00729446, 3) == "✗ 0.00729"
    assert mistakes.wrong_text(1.0, 1.0, 3) is None


def test_a_trainable_shared_bias_moves_by_its_neurons_summed_shares():
    eng, ws, bs, tr = _first_step("two-two-two", bias_trainable=True)
    out = _outcome(eng, tr, "wrong-sign")
    for lay, got in zip(tr.layers, out.layers, strict=True):
        np.testing.assert_allclose(got.bias_update, -lay.bias_update, rtol=1e-12)
        assert got.bias_update[0] == got.bias_update[1] != 0  # one shared parameter
    # by hand: the shared bias's gradient is the sum of the layer's δ (a batch of one)
    np.testing.assert_allclose(
        out.layers[1].bias_update, np.full(2, 0.5 * tr.layers[1].delta[0].sum()), rtol=1e-12
    )
