"""Opening a learner's own ``torch.nn.Sequential`` of Linear layers and activations."""

from __future__ import annotations

from typing import Any

import torch

from nnviz.core.errors import SpecError
from nnviz.core.spec import NetworkSpec, from_dict, to_dict

_ACTIVATION_MODULES: dict[type, str] = {
    torch.nn.Sigmoid: "sigmoid",
    torch.nn.Tanh: "tanh",
    torch.nn.ReLU: "relu",
    torch.nn.Identity: "identity",
}


def _activation_name(module: torch.nn.Module, position: int) -> str:
    if isinstance(module, torch.nn.LeakyReLU):
        if abs(module.negative_slope - 0.01) > 1e-12:
            raise SpecError(
                f"module {position} is LeakyReLU with slope {module.negative_slope}; nnviz uses 0.01"
            )
        return "leaky_relu"
    if isinstance(module, torch.nn.Softmax):
        if module.dim not in (-1, 1):
            raise SpecError(f"module {position} is Softmax over dim {module.dim}; use dim=1")
        return "softmax"
    name = _ACTIVATION_MODULES.get(type(module))
    if name is None:
        raise SpecError(
            f"module {position} ({type(module).__name__}) is not supported; nnviz opens "
            "Linear layers with Sigmoid, Tanh, ReLU, LeakyReLU, Softmax or Identity"
        )
    return name


def from_sequential(
    model: torch.nn.Sequential, *, loss: str = "half_sse", data: dict | None = None, **extra: Any
) -> NetworkSpec:
    """A network spec holding the model's architecture and weights (copied, in float64).

    Each Linear may be followed by at most one activation module; a Linear followed directly by
    another Linear (or by nothing) gets the identity activation. ``extra`` takes other keys of the
    network file (optimizer, batch_size, …).
    """
    if not isinstance(model, torch.nn.Sequential):
        raise SpecError(f"expected a torch.nn.Sequential, found {type(model).__name__}")
    mods = list(model)
    sizes: list[int] = []
    acts: list[str] = []
    weights, biases = [], []
    i = 0
    while i < len(mods):
        lin = mods[i]
        if not isinstance(lin, torch.nn.Linear):
            _activation_name(lin, i)  # raises for modules nnviz does not know
            raise SpecError(f"module {i} ({type(lin).__name__}) must be a Linear layer here")
        if lin.bias is None:
            raise SpecError(f"module {i} is a Linear layer without bias; nnviz needs biases")
        if sizes and sizes[-1] != lin.in_features:
            raise SpecError(f"module {i} takes {lin.in_features} inputs but gets {sizes[-1]}")
        if not sizes:
            sizes.append(lin.in_features)
        sizes.append(lin.out_features)
        weights.append(lin.weight.detach().to("cpu", torch.float64).tolist())
        biases.append(lin.bias.detach().to("cpu", torch.float64).tolist())
        act = "identity"
        if i + 1 < len(mods) and not isinstance(mods[i + 1], torch.nn.Linear):
            act = _activation_name(mods[i + 1], i + 1)
            i += 1
        acts.append(act)
        i += 1
    if not sizes:
        raise SpecError("the Sequential holds no Linear layer")
    doc = {"layers": sizes, "activations": acts, "loss": loss, "weights": weights, "biases": biases}
    if data is not None:
        doc["data"] = data
    doc.update(extra)
    return from_dict(doc, where="Sequential")


def to_sequential(spec: NetworkSpec, weights: list, biases: list) -> torch.nn.Sequential:
    """An ``nn.Sequential`` (float64) equal to a network's current state, for use outside nnviz.

    Shared biases become ordinary per-neuron biases; the step activation has no module here.
    """
    mods: list[torch.nn.Module] = []
    names = {v: k for k, v in _ACTIVATION_MODULES.items()}
    for w, b, act in zip(weights, biases, spec.activations, strict=True):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(w))
            lin.bias.copy_(torch.as_tensor(b))
        mods.append(lin)
        if act == "leaky_relu":
            mods.append(torch.nn.LeakyReLU(0.01))
        elif act == "softmax":
            mods.append(torch.nn.Softmax(dim=1))
        elif act == "step":
            raise SpecError("the step activation has no torch module")
        elif act != "identity":
            mods.append(names[act]())
    return torch.nn.Sequential(*mods)


__all__ = ["from_sequential", "to_sequential", "to_dict"]
