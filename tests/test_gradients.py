"""The engine's numbers against independent computations, on random architectures.

Checks: the forward pass against numpy; δ against the textbook formulas; ∂L/∂W against
the mean over the batch of δ xᵀ, against finite differences of an independent numpy loss, and
against torch autograd on an independently built ``nn.Sequential``.
"""

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core.engine import Engine
from nnviz.core.spec import from_dict
from tests import reference as ref

SMOOTH = ["identity", "sigmoid", "tanh", "leaky_relu", "relu"]


@st.composite
def problems(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    n = len(sizes) - 1
    loss = draw(st.sampled_from(["half_sse", "sse", "mse", "bce", "cross_entropy"]))
    acts = [draw(st.sampled_from(SMOOTH)) for _ in range(n)]
    if loss == "bce":
        acts[-1] = "sigmoid"
    if loss == "cross_entropy":
        acts[-1] = "softmax"
        sizes[-1] = max(sizes[-1], 2)
    batch = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, sizes[0]))
    if loss == "cross_entropy":
        t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    elif loss == "bce":
        t = rng.uniform(0.05, 0.95, size=(batch, sizes[-1]))
    else:
        t = rng.normal(size=(batch, sizes[-1]))
    doc = {
        "layers": sizes,
        "activations": acts,
        "loss": loss,
        "optimizer": {"name": "sgd", "lr": 0.1},
        "init": {"scheme": draw(st.sampled_from(["xavier", "he", "uniform"])), "seed": seed},
        "data": {"inputs": x.tolist(), "targets": t.tolist()},
        "batch_size": batch,
        "shuffle": False,
    }
    return doc, x, t


def _engine_step(doc):
    eng = Engine(from_dict(doc))
    return eng, eng.step()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_forward_and_textbook_backward(problem):
    doc, x, t = problem
    _, tr = _engine_step(doc)
    ws = [lay.weights_before for lay in tr.layers]
    bs = [lay.biases_before for lay in tr.layers]
    acts = doc["activations"]
    zs, as_ = ref.forward(ws, bs, acts, x)
    for lay, z, a in zip(tr.layers, zs, as_, strict=False):
        np.testing.assert_allclose(lay.pre_activation, z, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lay.activation, a, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(
            lay.activation_grad, ref.dact(lay.activation_name, z), atol=1e-12
        )
    np.testing.assert_allclose(
        tr.sample_losses, ref.sample_losses(doc["loss"], as_[-1], t), rtol=1e-9
    )
    # output delta: textbook form
    y = as_[-1]
    if (
        acts[-1] == "softmax"
        and doc["loss"] == "cross_entropy"
        or acts[-1] == "sigmoid"
        and doc["loss"] == "bce"
    ):
        expected = y - t
    else:
        expected = ref.dloss_dy(doc["loss"], y, t) * ref.dact(acts[-1], zs[-1])
        if acts[-1] == "softmax":  # full Jacobian for softmax with a squared error
            g = ref.dloss_dy(doc["loss"], y, t)
            expected = y * (g - (g * y).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(tr.layers[-1].delta, expected, rtol=1e-8, atol=1e-11)
    # hidden deltas: δ_l = σ'(z_l) ⊙ (δ_{l+1} W_{l+1})
    for lo, hi in zip(tr.layers[:-1], tr.layers[1:], strict=False):
        np.testing.assert_allclose(
            lo.delta, lo.activation_grad * (hi.delta @ hi.weights_before), rtol=1e-8, atol=1e-11
        )
    # ∂L/∂W = mean over the batch of δ xᵀ; ∂L/∂b = mean of δ
    b = x.shape[0]
    for lay in tr.layers:
        np.testing.assert_allclose(
            lay.weight_grad, lay.delta.T @ lay.inputs / b, rtol=1e-8, atol=1e-12
        )
        np.testing.assert_allclose(lay.bias_grad, lay.delta.mean(axis=0), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(
            lay.weights_after, lay.weights_before - 0.1 * lay.weight_grad, atol=1e-13
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_finite_differences(problem):
    doc, x, t = problem
    doc["activations"] = [
        a if a not in ("relu", "leaky_relu") else "tanh" for a in doc["activations"]
    ]
    _, tr = _engine_step(doc)
    ws = [lay.weights_before.copy() for lay in tr.layers]
    bs = [lay.biases_before.copy() for lay in tr.layers]
    eps = 1e-6
    for li, lay in enumerate(tr.layers):
        for (r, c), g in np.ndenumerate(lay.weight_grad):
            ws[li][r, c] += eps
            plus = ref.batch_loss(ws, bs, doc["activations"], doc["loss"], x, t)
            ws[li][r, c] -= 2 * eps
            minus = ref.batch_loss(ws, bs, doc["activations"], doc["loss"], x, t)
            ws[li][r, c] += eps
            assert abs((plus - minus) / (2 * eps) - g) <= 1e-6 * (1 + abs(g))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_against_independent_torch_model(problem):
    doc, x, t = problem
    _, tr = _engine_step(doc)
    mods = []
    for lay in tr.layers:
        lin = torch.nn.Linear(lay.n_inputs, lay.n_neurons).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(lay.weights_before))
            lin.bias.copy_(torch.from_numpy(lay.biases_before))
        mods.append(lin)
        mods.append(
            {
                "identity": torch.nn.Identity(),
                "sigmoid": torch.nn.Sigmoid(),
                "tanh": torch.nn.Tanh(),
                "relu": torch.nn.ReLU(),
                "leaky_relu": torch.nn.LeakyReLU(0.01),
                "softmax": torch.nn.Softmax(dim=1),
            }[lay.activation_name]
        )
    model = torch.nn.Sequential(*mods)
    y = model(torch.from_numpy(x))
    tt = torch.from_numpy(t)
    loss_name = doc["loss"]
    if loss_name == "half_sse":
        loss = 0.5 * ((y - tt) ** 2).sum(1).mean()
    elif loss_name == "sse":
        loss = ((y - tt) ** 2).sum(1).mean()
    elif loss_name == "mse":
        loss = torch.nn.functional.mse_loss(y, tt)
    elif loss_name == "bce":
        loss = torch.nn.functional.binary_cross_entropy(y, tt, reduction="none").sum(1).mean()
    else:
        loss = -(tt * torch.log(y)).sum(1).mean()
    loss.backward()
    assert abs(loss.item() - tr.loss) <= 1e-9 * (1 + abs(tr.loss))
    for lay, lin in zip(tr.layers, mods[::2], strict=False):
        np.testing.assert_allclose(lay.weight_grad, lin.weight.grad.numpy(), rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(lay.bias_grad, lin.bias.grad.numpy(), rtol=1e-7, atol=1e-10)


def test_step_activation_passes_zero_gradient():
    doc = {
        "layers": [2, 3, 1],
        "activations": ["step", "sigmoid"],
        "loss": "half_sse",
        "data": {"inputs": [[0.5, -1.0], [1.0, 2.0]], "targets": [[1.0], [0.0]]},
        "batch_size": 2,
    }
    _, tr = _engine_step(doc)
    hidden = tr.layers[0]
    assert set(np.unique(hidden.activation)) <= {0.0, 1.0}
    np.testing.assert_array_equal(hidden.activation_grad, 0.0)
    np.testing.assert_array_equal(hidden.delta, 0.0)
    np.testing.assert_array_equal(hidden.weight_update, 0.0)
    assert np.abs(tr.layers[1].weight_grad).sum() > 0


def test_engine_finite_difference_matches_autograd():
    doc = {
        "layers": [3, 4, 2],
        "activations": ["tanh", "sigmoid"],
        "loss": "half_sse",
        "init": {"scheme": "xavier", "seed": 3},
        "data": {"inputs": [[0.1, 0.2, 0.3], [1, -1, 0.5]], "targets": [[0, 1], [1, 0]]},
        "batch_size": 2,
        "shuffle": False,
    }
    eng = Engine(from_dict(doc))
    state = eng.get_state()
    tr = eng.step()
    eng.set_state(state)
    fd = eng.finite_difference(0, 1, 2, tr.sample_indices)
    assert abs(fd - tr.layers[0].weight_grad[1, 2]) < 1e-8
    fd_b = eng.finite_difference(1, 0, None, tr.sample_indices)
    assert abs(fd_b - tr.layers[1].bias_grad[0]) < 1e-8
