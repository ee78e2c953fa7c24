"""The fused training kernel against torch.optim on independently built models.

The kernel moves every step's parameters (traced or not), so these tests hold it to PyTorch's
own optimizers and autograd: random architectures, activations, losses, optimizers and bias
modes; several epochs with a smaller last batch; TorchScript and plain Python agreeing bit for
bit.
"""

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core import kernel
from nnviz.core.activations import LEAKY_SLOPE
from nnviz.core.data import batch_order
from nnviz.core.engine import Engine
from nnviz.core.history import History
from nnviz.core.spec import from_dict

ACTS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]


def _act(name):
    return {
        "identity": torch.nn.Identity(),
        "sigmoid": torch.nn.Sigmoid(),
        "tanh": torch.nn.Tanh(),
        "relu": torch.nn.ReLU(),
        "leaky_relu": torch.nn.LeakyReLU(LEAKY_SLOPE),
        "softmax": torch.nn.Softmax(dim=1),
    }[name]


def _loss(name, y, t):
    """The batch loss written from the formulas, on outputs y."""
    if name == "half_sse":
        return (0.5 * ((y - t) ** 2).sum(1)).mean()
    if name == "sse":
        return ((y - t) ** 2).sum(1).mean()
    if name == "mse":
        return ((y - t) ** 2).mean(1).mean()
    if name == "bce":
        return -(t * torch.log(y) + (1 - t) * torch.log(1 - y)).sum(1).mean()
    return -(t * torch.log(y)).sum(1).mean()


@st.composite
def problems(draw):
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=5))
    n = len(sizes) - 1
    loss = draw(st.sampled_from(["half_sse", "sse", "mse", "bce", "cross_entropy"]))
    acts = [draw(st.sampled_from(ACTS[:-1])) for _ in range(n - 1)]
    acts.append(draw(st.sampled_from(ACTS)))
    if loss == "bce":
        acts[-1] = "sigmoid"
    if loss == "cross_entropy":
        acts[-1] = "softmax"
        sizes[-1] = max(sizes[-1], 2)
    opt = draw(
        st.sampled_from(
            [
                {"name": "sgd", "lr": 0.1},
                {"name": "sgd", "lr": 0.05, "momentum": 0.9},
                {"name": "adam", "lr": 0.01},
            ]
        )
    )
    bias = draw(st.sampled_from([{}, {"trainable": False}, {"shared": True}]))
    n_rows = draw(st.integers(1, 13))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_rows, sizes[0]))
    if loss == "cross_entropy":
        t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n_rows)]
    elif loss == "bce":
        t = rng.uniform(0.05, 0.95, size=(n_rows, sizes[-1]))
    else:
        t = rng.normal(size=(n_rows, sizes[-1]))
    doc = {
        "layers": sizes,
        "activations": acts,
        "loss": loss,
        "optimizer": opt,
        "bias": bias,
        "init": {"scheme": "uniform", "seed": seed},
        "data": {"inputs": x.tolist(), "targets": t.tolist()},
        "batch_size": draw(st.integers(1, 5)),
        "seed": seed,
    }
    return doc, x, t


def _reference_run(doc, eng, x, t, n_steps):
    """The same training with nn.Linear layers, autograd and torch.optim, built here."""
    sizes, acts = doc["layers"], doc["activations"]
    shared = doc["bias"].get("shared", False)
    weights, biases = eng.parameters()
    linears, params, bias_params = [], [], []
    for i in range(len(sizes) - 1):
        w = torch.nn.Parameter(torch.tensor(weights[i]))
        b = torch.nn.Parameter(torch.tensor(biases[i][:1] if shared else biases[i]))
        linears.append((w, b))
        params.append(w)
        bias_params.append(b)
    if doc["bias"].get("trainable", True):
        params += bias_params
    opt = doc["optimizer"]
    if opt["name"] == "adam":
        optimizer = torch.optim.Adam(params, lr=opt["lr"])
    else:
        optimizer = torch.optim.SGD(params, lr=opt["lr"], momentum=opt.get("momentum", 0.0))
    xt, tt = torch.tensor(x), torch.tensor(t)
    batch = min(doc["batch_size"], len(x))
    epoch, order = 1, batch_order(len(x), batch, doc["seed"], 1)
    pos = 0
    for _ in range(n_steps):
        if pos == len(order):
            epoch, pos = epoch + 1, 0
            order = batch_order(len(x), batch, doc["seed"], epoch)
        idx = torch.as_tensor(order[pos])
        pos += 1
        h = xt[idx]
        for (w, b), name in zip(linears, acts, strict=True):
            h = _act(name)(h @ w.T + b.expand(w.shape[0]))
        loss = _loss(doc["loss"], h, tt[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return [w.detach().numpy() for w, _ in linears], [
        b.detach().expand(w.shape[0]).numpy() for w, b in linears
    ]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(1, 12))
def test_kernel_trains_like_torch_optim(problem, n_steps):
    doc, x, t = problem
    eng = Engine(from_dict(doc))
    want_w, want_b = _reference_run(doc, eng, x, t, n_steps)
    eng.run(n_steps)
    got_w, got_b = eng.parameters()
    # Adam divides by √v + ε: where v is tiny, a rounding difference in a gradient grows
    # relative to the update (a case measured 1.65e-8), so Adam gets a wider tolerance
    rtol = 1e-7 if doc["optimizer"]["name"] == "adam" else 1e-8
    for a, b in zip(got_w + got_b, want_w + want_b, strict=True):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.lists(st.integers(1, 9), min_size=1, max_size=5))
def test_traced_and_untraced_steps_follow_one_trajectory(problem, chunks):
    doc, _, _ = problem
    a, b = Engine(from_dict(doc)), Engine(from_dict(doc))
    traced = [a.step() for _ in range(sum(chunks))]
    run = np.concatenate([b.run(k) for k in chunks])
    # the weights are bit for bit the same; the recorded batch loss is averaged by a different
    # reduction (one batch vs a stack of them) and may differ in the last bit
    np.testing.assert_array_max_ulp(np.array([tr.loss for tr in traced]), run, maxulp=2)
    pa, pb = a.parameters(), b.parameters()
    for p, q in zip(pa[0] + pa[1], pb[0] + pb[1], strict=True):
        np.testing.assert_array_equal(p, q)
    assert (a.epoch, a.batch_in_epoch, a.step_count) == (b.epoch, b.batch_in_epoch, b.step_count)
    norms = np.array([[np.linalg.norm(la.weight_grad) for la in tr.layers] for tr in traced])
    again = Engine(from_dict(doc))
    again.run(1)
    np.testing.assert_allclose(again.last_grad_norms[0], norms[0], rtol=1e-9, atol=1e-12)


def test_frozen_biases_stay_and_shared_biases_stay_shared():
    base = {
        "layers": [2, 3, 2],
        "activations": ["tanh", "sigmoid"],
        "loss": "half_sse",
        "data": {"dataset": "xor"},
        "batch_size": 2,
        "optimizer": {"name": "adam", "lr": 0.05},
    }
    frozen = Engine(from_dict({**base, "bias": {"trainable": False}}))
    _, before = frozen.parameters()
    frozen.run(30)
    for b0, b1 in zip(before, frozen.parameters()[1], strict=True):
        np.testing.assert_array_equal(b0, b1)
    shared = Engine(from_dict({**base, "bias": {"shared": True}}))
    shared.run(30)
    for b in shared.parameters()[1]:
        assert np.all(b == b[0]) and b[0] != 0


def test_torchscript_and_python_kernels_agree_bit_for_bit(monkeypatch):
    doc = {
        "layers": [2, 8, 8, 8, 1],
        "activations": ["tanh", "relu", "leaky_relu", "sigmoid"],
        "loss": "bce",
        "data": {"dataset": "spiral", "n": 103},
        "batch_size": 10,
        "optimizer": {"name": "adam", "lr": 0.01},
    }
    scripted = Engine(from_dict(doc))
    losses_script = scripted.run(40)
    if kernel.KERNEL_KIND != "torchscript":
        pytest.skip("TorchScript is not available with this PyTorch")
    monkeypatch.setattr(kernel, "_KERNEL", kernel.train_steps)
    plain = Engine(from_dict(doc))
    np.testing.assert_array_equal(plain.run(40), losses_script)
    for p, q in zip(plain.parameters()[0], scripted.parameters()[0], strict=True):
        np.testing.assert_array_equal(p, q)


def test_edits_between_runs_reach_the_kernel():
    eng = Engine(
        from_dict(
            {
                "layers": [2, 2, 1],
                "activations": "tanh",
                "loss": "half_sse",
                "data": {"dataset": "xor"},
                "batch_size": 4,
            }
        )
    )
    eng.run(3)
    eng.set_parameter(0, 1, 0, 0.25)
    twin = eng.clone()
    assert twin.parameters()[0][0][1, 0] == 0.25
    np.testing.assert_array_equal(eng.run(5), twin.run(5))


def test_history_replays_kernel_runs_exactly():
    doc = {
        "layers": [2, 8, 8, 1],
        "activations": "tanh",
        "loss": "half_sse",
        "data": {"dataset": "moons", "n": 95},
        "batch_size": 10,
    }
    hist = History(Engine(from_dict(doc)), keyframe_every=8, cache_size=1)
    losses = hist.run(300)
    for s in (1, 9, 10, 57, 300, 123):
        tr = hist.trace(s)
        assert tr.loss == losses[s - 1]
        if s < 300:
            after = hist.trace(s + 1)
            for la, lb in zip(tr.layers, after.layers, strict=True):
                np.testing.assert_array_equal(la.weights_after, lb.weights_before)
