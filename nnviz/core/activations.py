"""Activation functions by name, with their derivative σ'(z) evaluated by autograd."""

from __future__ import annotations

import torch

ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "step")
LEAKY_SLOPE = 0.01

FORMULAS = {
    "identity": "σ(z) = z",
    "sigmoid": "σ(z) = 1 / (1 + e^−z)",
    "tanh": "σ(z) = tanh(z)",
    "relu": "σ(z) = max(0, z)",
    "leaky_relu": f"σ(z) = z if z > 0 else {LEAKY_SLOPE}·z",
    "softmax": "σ(z)_i = e^z_i / Σ_j e^z_j",
    "step": "σ(z) = 1 if z ≥ 0 else 0",
}
DERIVATIVE_FORMULAS = {
    "identity": "σ'(z) = 1",
    "sigmoid": "σ'(z) = σ(z)·(1 − σ(z))",
    "tanh": "σ'(z) = 1 − tanh²(z)",
    "relu": "σ'(z) = 1 if z > 0 else 0",
    "leaky_relu": f"σ'(z) = 1 if z > 0 else {LEAKY_SLOPE}",
    "softmax": "∂σ_i/∂z_i = σ_i·(1 − σ_i)",
    "step": "σ'(z) = 0 (no gradient flows)",
}


class _Step(torch.autograd.Function):
    """Heaviside step: forward 1 for z ≥ 0, backward passes a zero gradient."""

    @staticmethod
    def forward(ctx, z: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return (z >= 0).to(z.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return torch.zeros_like(grad)


def apply(name: str, z: torch.Tensor) -> torch.Tensor:
    """σ(z) for a batch of pre-activations z [B, N]."""
    if name == "identity":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(z, LEAKY_SLOPE)
    if name == "softmax":
        return torch.softmax(z, dim=-1)
    if name == "step":
        return _Step.apply(z)
    raise ValueError(f"unknown activation {name!r}")


def derivative(name: str, z: torch.Tensor) -> torch.Tensor:
    """σ'(z) [B, N], computed by autograd on a detached copy of z.

    Element-wise activations give their derivative; softmax gives the diagonal of its Jacobian,
    ∂σ_i/∂z_i. The step function's derivative is zero.
    """
    zz = z.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        a = apply(name, zz)
        if name == "softmax":
            n = a.shape[-1]
            diag = torch.empty_like(a)
            for i in range(n):
                (g,) = torch.autograd.grad(a[:, i].sum(), zz, retain_graph=i < n - 1)
                diag[:, i] = g[:, i]
            return diag.detach()
        (g,) = torch.autograd.grad(a.sum(), zz)
    return g.detach()


def curve(name: str, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """σ(z) and σ'(z) along a line of z values (softmax: as a single-output sigmoid-like slice,
    e^z / (e^z + 1), the shape one output takes when the others stay at 0)."""
    zz = z.reshape(-1, 1)
    if name == "softmax":
        both = torch.cat([zz, torch.zeros_like(zz)], dim=1)
        return apply(name, both)[:, 0], derivative(name, both)[:, 0]
    return apply(name, zz)[:, 0], derivative(name, zz)[:, 0]
