"""The torch network built from a spec: dense layers whose z and a the engine can record."""

from __future__ import annotations

import math

import numpy as np
import torch

from nnviz.core import activations
from nnviz.core.spec import NetworkSpec

TORCH_DTYPES = {"float64": torch.float64, "float32": torch.float32}


class DenseLayer(torch.nn.Module):
    """z = x·Wᵀ + b, a = σ(z). The bias is one value per neuron, or one shared by the layer."""

    def __init__(self, n_in: int, n_out: int, activation: str, shared_bias: bool = False) -> None:
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.activation = activation
        self.shared_bias = shared_bias
        self.weight = torch.nn.Parameter(torch.zeros(n_out, n_in, dtype=torch.float64))
        self.bias = torch.nn.Parameter(
            torch.zeros(1 if shared_bias else n_out, dtype=torch.float64)
        )

    def bias_vector(self) -> torch.Tensor:
        """The bias of each neuron [N] (a shared bias repeated)."""
        return self.bias.expand(self.n_out)

    def pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        return torch.addmm(self.bias_vector(), x, self.weight.t())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return activations.apply(self.activation, self.pre_activation(x))

    def extra_repr(self) -> str:
        shared = ", shared bias" if self.shared_bias else ""
        return f"{self.n_in} → {self.n_out}, {self.activation}{shared}"


class Network(torch.nn.Module):
    """A multi-layer perceptron as a list of dense layers."""

    def __init__(self, spec: NetworkSpec) -> None:
        super().__init__()
        sizes = spec.layers
        self.layers = torch.nn.ModuleList(
            DenseLayer(m, n, act, spec.bias_shared)
            for m, n, act in zip(sizes[:-1], sizes[1:], spec.activations, strict=True)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def get_numpy(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the weights [N, M] and per-neuron biases [N] as float64 numpy arrays."""
        ws = [_np(layer.weight) for layer in self.layers]
        bs = [_np(layer.bias_vector()) for layer in self.layers]
        return ws, bs

    def set_numpy(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Overwrite every weight and bias (a shared bias takes the first value of its list)."""
        with torch.no_grad():
            for layer, w, b in zip(self.layers, weights, biases, strict=True):
                layer.weight.copy_(torch.as_tensor(np.asarray(w), dtype=layer.weight.dtype))
                b = np.asarray(b, dtype=np.float64).reshape(-1)
                if layer.shared_bias:
                    b = b[:1]
                layer.bias.copy_(torch.as_tensor(b, dtype=layer.bias.dtype))


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().to("cpu", torch.float64).numpy().copy()


def initial_parameters(spec: NetworkSpec) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The spec's explicit weights and biases, or seeded random ones (same seed, same numbers).

    Schemes: ``uniform`` U(±1/√M) for weights and biases (PyTorch's nn.Linear default);
    ``xavier`` U(±√(6/(M+N))); ``he`` N(0, 2/M); ``normal`` N(0, 0.1²); biases start at zero
    except with ``uniform``. Drawn in float64 on the CPU, so every device starts the same.
    """
    gen = torch.Generator().manual_seed(spec.init_seed)
    weights, biases = [], []
    for m, n in zip(spec.layers[:-1], spec.layers[1:], strict=True):
        bias = torch.zeros(n, dtype=torch.float64)
        if spec.init_scheme == "uniform":
            bound = 1 / math.sqrt(m)
            w = (torch.rand(n, m, generator=gen, dtype=torch.float64) * 2 - 1) * bound
            bias = (torch.rand(n, generator=gen, dtype=torch.float64) * 2 - 1) * bound
        elif spec.init_scheme == "xavier":
            bound = math.sqrt(6 / (m + n))
            w = (torch.rand(n, m, generator=gen, dtype=torch.float64) * 2 - 1) * bound
        elif spec.init_scheme == "he":
            w = torch.randn(n, m, generator=gen, dtype=torch.float64) * math.sqrt(2 / m)
        else:
            w = torch.randn(n, m, generator=gen, dtype=torch.float64) * 0.1
        if spec.bias_shared:
            bias = bias[:1].expand(n).clone()
        weights.append(w.numpy())
        biases.append(bias.numpy())
    if spec.weights is not None:
        weights = [w.copy() for w in spec.weights]
    if spec.biases is not None:
        biases = [b.copy() for b in spec.biases]
    return weights, biases


def build(spec: NetworkSpec, device: torch.device, dtype: torch.dtype) -> Network:
    """A network on the device, in the dtype, holding the spec's initial parameters."""
    net = Network(spec)
    net.set_numpy(*initial_parameters(spec))
    return net.to(device=device, dtype=dtype)
