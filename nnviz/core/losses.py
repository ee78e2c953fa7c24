"""Loss functions by name: each returns one loss per sample; a batch's loss is their mean."""

from __future__ import annotations

import torch

LOSSES = ("half_sse", "sse", "mse", "bce", "cross_entropy")

FORMULAS = {
    "half_sse": "L = ½ Σ_k (y_k − t_k)²",
    "sse": "L = Σ_k (y_k − t_k)²",
    "mse": "L = (1/K) Σ_k (y_k − t_k)²",
    "bce": "L = −Σ_k [t_k ln y_k + (1 − t_k) ln(1 − y_k)]",
    "cross_entropy": "L = −Σ_k t_k ln y_k",
}
_EPS = 1e-12


def per_sample(
    name: str, y: torch.Tensor, t: torch.Tensor, z: torch.Tensor | None = None
) -> torch.Tensor:
    """Each sample's loss [B] from outputs y, targets t (both [B, K]) and output pre-activations z.

    ``bce`` and ``cross_entropy`` are computed from z (log-sigmoid, log-softmax) when the output
    layer is sigmoid or softmax, which keeps them finite for saturated outputs; the values equal the
    formulas on y.
    """
    diff = y - t
    if name == "half_sse":
        return 0.5 * (diff**2).sum(dim=1)
    if name == "sse":
        return (diff**2).sum(dim=1)
    if name == "mse":
        return (diff**2).mean(dim=1)
    if name in ("bce", "cross_entropy") and z is None:
        log_y = torch.log(y.clamp_min(_EPS))
        if name == "cross_entropy":
            return -(t * log_y).sum(dim=1)
        return -(t * log_y + (1 - t) * torch.log((1 - y).clamp_min(_EPS))).sum(dim=1)
    if name == "bce":
        log_y = torch.nn.functional.logsigmoid(z)
        log_1my = torch.nn.functional.logsigmoid(-z)
        return -(t * log_y + (1 - t) * log_1my).sum(dim=1)
    if name == "cross_entropy":
        return -(t * torch.log_softmax(z, dim=1)).sum(dim=1)
    raise ValueError(f"unknown loss {name!r}")


def output_grad(name: str, y: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """∂L_sample/∂y [B, K] for each sample, by autograd on the loss written in terms of y."""
    yy = y.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(per_sample(name, yy, t.detach()).sum(), yy)
    return g


def needs_output(name: str) -> str | None:
    """The output activation a loss requires, or None when any will do."""
    return {"bce": "sigmoid", "cross_entropy": "softmax"}.get(name)
