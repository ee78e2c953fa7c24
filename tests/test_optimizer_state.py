"""The optimizer that runs is the one taught: the trace's optimizer state against torch.optim on
an independently built nn.Linear model, the new weight recomputed from the shown state by the
textbook rule, the state in the trace JSON, and the rule named in captions and formulas."""

import json

import numpy as np
import pytest
import torch

from nnviz.core.engine import Engine
from nnviz.core.explain import edge_formulas, neuron_formulas, phase_caption
from nnviz.core.numfmt import fmt
from nnviz.core.spec import from_dict

OPTIMIZERS = {
    "sgd": {"name": "sgd", "lr": 0.3},
    "momentum": {"name": "sgd", "lr": 0.2, "momentum": 0.9},
    "adam": {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6},
}


def _doc(opt: dict, bias: dict | None = None) -> dict:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 3))
    return {
        "layers": [3, 4, 2],
        "activations": ["tanh", "sigmoid"],
        "loss": "half_sse",
        "optimizer": opt,
        "bias": bias or {},
        "init": {"scheme": "uniform", "seed": 5},
        "data": {"inputs": x.tolist(), "targets": rng.uniform(0, 1, size=(7, 2)).tolist()},
        "batch_size": 3,
        "seed": 2,
    }


def _reference(doc: dict, eng: Engine):
    """nn.Linear layers and torch.optim, built here from the engine's initial parameters; a
    shared bias is one scalar parameter added to every neuron."""
    weights, biases = eng.parameters()
    shared = doc["bias"].get("shared", False)
    layers = []
    for w, b in zip(weights, biases, strict=True):
        lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=not shared, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w))
            if not shared:
                lin.bias.copy_(torch.tensor(b))
        if shared:
            lin.shared = torch.nn.Parameter(torch.tensor([b[0]], dtype=torch.float64))
        layers.append(lin)
    opt = doc["optimizer"]
    params = [p for lin in layers for p in lin.parameters()]
    if opt["name"] == "adam":
        optim = torch.optim.Adam(params, lr=opt["lr"], betas=tuple(opt["betas"]), eps=opt["eps"])
    else:
        optim = torch.optim.SGD(params, lr=opt["lr"], momentum=opt.get("momentum", 0.0))
    return layers, optim


def _bias(lin):
    return lin.shared if hasattr(lin, "shared") else lin.bias


def _ref_step(layers, optim, x, t):
    h = torch.tensor(x)
    for lin, act in zip(layers, (torch.tanh, torch.sigmoid), strict=True):
        z = lin(h)
        h = act(z + lin.shared if hasattr(lin, "shared") else z)
    loss = (0.5 * ((h - torch.tensor(t)) ** 2).sum(1)).mean()
    optim.zero_grad()
    loss.backward()
    optim.step()


@pytest.mark.parametrize("bias", [{}, {"shared": True}])
@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_recorded_and_shown_state_is_torch_optims(kind, bias):
    doc = _doc(OPTIMIZERS[kind], bias)
    eng = Engine(from_dict(doc))
    layers, optim = _reference(doc, eng)
    ds = eng.dataset
    names = [("velocity", "momentum_buffer")]
    if kind == "adam":
        names = [("m", "exp_avg"), ("v", "exp_avg_sq")]
    for _ in range(4):
        tr = eng.step()
        _ref_step(layers, optim, ds.x_train[tr.sample_indices], ds.t_train[tr.sample_indices])
        for lay, lin in zip(tr.layers, layers, strict=True):
            np.testing.assert_allclose(lay.weights_after, lin.weight.detach(), rtol=1e-12)
            for which, param in (("weight", lin.weight), ("bias", _bias(lin))):
                state = optim.state[param]
                if kind == "adam":
                    assert tr.optimizer_step == int(state["step"])
                for ours, theirs in names:
                    want = state[theirs].detach().numpy()
                    got = lay.optimizer_state[f"{which}_{ours}"]
                    np.testing.assert_allclose(got, np.broadcast_to(want, got.shape), rtol=1e-10)
        # the inspector of weight (2, 3) of the output layer shows torch's numbers
        text = "\n".join(edge_formulas(tr, 1, 1, 2, digits=6, phase="update"))
        state = optim.state[layers[1].weight]
        for _ours, theirs in names:
            assert fmt(float(state[theirs][1, 2]), 6) in text
        if kind == "adam":
            t = int(state["step"])
            m_hat = float(state["exp_avg"][1, 2]) / (1 - 0.8**t)
            v_hat = float(state["exp_avg_sq"][1, 2]) / (1 - 0.99**t)
            assert "m̂ = m/(1 − β₁ᵗ) = " in text and fmt(m_hat, 6) in text
            assert fmt(v_hat, 6) in text


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_shown_state_reproduces_the_new_weight(kind):
    doc = _doc(OPTIMIZERS[kind])
    eng = Engine(from_dict(doc))
    opt = doc["optimizer"]
    for _ in range(3):
        tr = eng.step()
    lay = tr.layers[1]
    g, w = lay.weight_grad, lay.weights_before
    st0, st = lay.optimizer_state_before, lay.optimizer_state
    if kind == "sgd":
        assert st == {}
        new = w - opt["lr"] * g
    elif kind == "momentum":  # torch.optim's form: v ← μv + g, w ← w − ηv
        v = opt["momentum"] * st0["weight_velocity"] + g
        np.testing.assert_allclose(st["weight_velocity"], v, rtol=1e-12)
        new = w - opt["lr"] * v
    else:
        (b1, b2), t = opt["betas"], tr.optimizer_step
        assert t == 3
        m = b1 * st0["weight_m"] + (1 - b1) * g
        v = b2 * st0["weight_v"] + (1 - b2) * g * g
        np.testing.assert_allclose(st["weight_m"], m, rtol=1e-12)
        np.testing.assert_allclose(st["weight_v"], v, rtol=1e-12)
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        new = w - opt["lr"] * m_hat / (np.sqrt(v_hat) + opt["eps"])
    np.testing.assert_allclose(lay.weights_after, new, rtol=1e-12)
    text = "\n".join(edge_formulas(tr, 1, 0, 2, digits=6))
    assert fmt(lay.weights_after[0, 2], 6) in text
    if kind == "momentum":
        assert "v ← μ·v + g" in text and fmt(st["weight_velocity"][0, 2], 6) in text
    if kind == "adam":
        for value in (m[0, 2], v[0, 2], m_hat[0, 2], v_hat[0, 2]):
            assert fmt(value, 6) in text
        assert "m̂" in text and "v̂" in text and "t = 3" in text


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("sgd", ["SGD (η = 0.3)", "W ← W − η·G"]),
        ("momentum", ["momentum", "μ = 0.9", "V ← μ·V + G", "W ← W − η·V"]),
        ("adam", ["Adam", "β₁ = 0.8", "β₂ = 0.99", "ε = 10⁻⁶", "M̂ = M/(1 − β₁ᵗ)", "√V̂ + ε"]),
    ],
)
def test_update_caption_names_the_rule(kind, words):
    spec = from_dict(_doc(OPTIMIZERS[kind]))
    text = phase_caption(spec.activations, spec.loss, "update", optimizer=spec.optimizer)
    for w in words:
        assert w in text, (w, str(text))
    assert "<i>W</i>" in text.html  # typeset: the symbols set as math


@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_trace_json_has_the_state(kind):
    eng = Engine(from_dict(_doc(OPTIMIZERS[kind])))
    eng.step()
    tr = eng.step()
    doc = json.loads(json.dumps(tr.to_json(), allow_nan=False))
    assert doc["optimizer"]["t"] == 2 and doc["optimizer"]["name"] == OPTIMIZERS[kind]["name"]
    state = doc["layers"][0]["optimizer_state"]
    names = ["velocity"] if kind == "momentum" else ["m", "v"]
    for name in names:
        np.testing.assert_array_equal(
            state[f"weight_{name}"], tr.layers[0].optimizer_state[f"weight_{name}"]
        )
        assert len(state[f"bias_{name}"]) == 4


def test_neuron_panel_shows_the_optimizer_state():
    tr = Engine(from_dict(_doc(OPTIMIZERS["momentum"]))).step()
    text = "\n".join(neuron_formulas(tr, 1, 0))
    assert "SGD with momentum" in text and "μ = 0.9" in text
    assert fmt(tr.layers[1].optimizer_state["weight_velocity"][0, 0], 4) in text


def test_trace_cache_is_bounded_in_bytes_and_replays_the_state():
    from nnviz.core.history import History

    hist = History(Engine(from_dict(_doc(OPTIMIZERS["adam"]))), keyframe_every=4)
    first = hist.step()
    hist.cache_bytes = first.nbytes() * 3 // 2  # room for one trace: the newest two stay
    for _ in range(5):
        hist.step()
    assert len(hist._cache) == 2 and hist._cached_bytes == sum(
        t.nbytes() for t in hist._cache.values()
    )
    again = hist.trace(1)  # evicted, recomputed from a keyframe
    assert again is not first
    for a, b in zip(again.layers, first.layers, strict=True):
        for name, value in b.optimizer_state.items():
            np.testing.assert_array_equal(a.optimizer_state[name], value)
            np.testing.assert_array_equal(a.optimizer_state_before[name], 0.0)
