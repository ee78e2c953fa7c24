"""An independent numpy implementation of the forward pass and losses, for checking the engine."""

import numpy as np


def act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "identity":
        return z
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if name == "step":
        return (z >= 0).astype(float)
    raise ValueError(name)


def dact(name: str, z: np.ndarray) -> np.ndarray:
    """Textbook derivatives (softmax: the Jacobian's diagonal)."""
    if name == "identity":
        return np.ones_like(z)
    if name in ("sigmoid", "softmax"):
        s = act(name, z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    if name == "step":
        return np.zeros_like(z)
    raise ValueError(name)


def forward(weights, biases, acts, x):
    zs, as_ = [], []
    h = x
    for w, b, name in zip(weights, biases, acts, strict=False):
        z = h @ w.T + b
        h = act(name, z)
        zs.append(z)
        as_.append(h)
    return zs, as_


def sample_losses(loss: str, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    if loss == "half_sse":
        return 0.5 * ((y - t) ** 2).sum(axis=1)
    if loss == "sse":
        return ((y - t) ** 2).sum(axis=1)
    if loss == "mse":
        return ((y - t) ** 2).mean(axis=1)
    if loss == "bce":
        return -(t * np.log(y) + (1 - t) * np.log(1 - y)).sum(axis=1)
    if loss == "cross_entropy":
        return -(t * np.log(y)).sum(axis=1)
    raise ValueError(loss)


def dloss_dy(loss: str, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂L_sample/∂y by the textbook formulas."""
    k = y.shape[1]
    if loss == "half_sse":
        return y - t
    if loss == "sse":
        return 2 * (y - t)
    if loss == "mse":
        return 2 * (y - t) / k
    if loss == "bce":
        return (y - t) / (y * (1 - y))
    if loss == "cross_entropy":
        return -t / y
    raise ValueError(loss)


def batch_loss(weights, biases, acts, loss, x, t) -> float:
    _, as_ = forward(weights, biases, acts, x)
    return float(sample_losses(loss, as_[-1], t).mean())
