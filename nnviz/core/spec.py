"""The network description: what a network file holds, validated before anything is built."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.errors import SpecError, printable
from nnviz.core.limits import MAX_BATCH, MAX_PARAMETERS, MAX_WEIGHT_LAYERS, MAX_WIDTH
from nnviz.core.losses import LOSSES, needs_output

FORMAT_VERSION = 1
INIT_SCHEMES = ("uniform", "xavier", "he", "normal")
OPTIMIZERS = ("sgd", "adam")
DEVICES = ("cpu", "cuda", "auto")
DTYPES = ("float64", "float32")
_KEYS = {
    "nnviz",
    "name",
    "description",
    "layers",
    "activations",
    "loss",
    "optimizer",
    "weights",
    "biases",
    "init",
    "bias",
    "data",
    "batch_size",
    "dtype",
    "device",
    "seed",
    "shuffle",
}


@dataclass(frozen=True)
class OptimizerSpec:
    """Optimizer name and its settings."""

    name: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def to_json(self) -> dict:
        if self.name == "sgd":
            out: dict[str, Any] = {"name": "sgd", "lr": self.lr}
            if self.momentum:
                out["momentum"] = self.momentum
            return out
        return {"name": "adam", "lr": self.lr, "betas": [self.beta1, self.beta2], "eps": self.eps}


@dataclass(frozen=True)
class NetworkSpec:
    """A validated network: sizes, activations, loss, optimizer, parameters or init, data."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str = "half_sse"
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    weights: tuple[np.ndarray, ...] | None = None
    biases: tuple[np.ndarray, ...] | None = None
    init_scheme: str = "xavier"
    init_seed: int = 0
    bias_trainable: bool = True
    bias_shared: bool = False
    data: dict = field(default_factory=lambda: {"dataset": "xor"})
    batch_size: int = 4
    dtype: str = "float64"
    device: str = "cpu"
    seed: int = 0
    shuffle: bool = True
    name: str = ""
    description: str = ""

    @property
    def n_weight_layers(self) -> int:
        return len(self.layers) - 1

    @property
    def n_parameters(self) -> int:
        return sum(m * n + n for m, n in zip(self.layers[:-1], self.layers[1:], strict=True))

    def with_changes(self, **changes: Any) -> NetworkSpec:
        """A copy with fields replaced, validated again."""
        return from_dict(to_dict(replace(self, **changes)))

    def to_json(self) -> dict:
        return to_dict(self)


def to_dict(spec: NetworkSpec) -> dict:
    """The network file's JSON object for a spec."""
    out: dict[str, Any] = {"nnviz": FORMAT_VERSION}
    if spec.name:
        out["name"] = spec.name
    if spec.description:
        out["description"] = spec.description
    out.update(
        layers=list(spec.layers),
        activations=list(spec.activations),
        loss=spec.loss,
        optimizer=spec.optimizer.to_json(),
    )
    if spec.weights is not None:
        out["weights"] = [w.tolist() for w in spec.weights]
    if spec.biases is not None:
        out["biases"] = [b.tolist() for b in spec.biases]
    if spec.weights is None or spec.biases is None:
        out["init"] = {"scheme": spec.init_scheme, "seed": spec.init_seed}
    out.update(
        bias={"trainable": spec.bias_trainable, "shared": spec.bias_shared},
        data=spec.data,
        batch_size=spec.batch_size,
        dtype=spec.dtype,
        device=spec.device,
        seed=spec.seed,
        shuffle=spec.shuffle,
    )
    return out


def from_dict(obj: Any, where: str = "network") -> NetworkSpec:
    """Validate a network file's parsed JSON and return the spec; SpecError names what is wrong."""
    if not isinstance(obj, dict):
        raise SpecError(f"expected a JSON object, found {_kind(obj)}", where)
    unknown = sorted(set(obj) - _KEYS)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}", where)
    version = obj.get("nnviz", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise SpecError(f'"nnviz" must be {FORMAT_VERSION}, found {version!r}', where)
    layers = _layers(obj.get("layers"), where)
    n = len(layers) - 1
    acts = obj.get("activations")
    if acts is None:
        raise SpecError('missing "activations"', where)
    if isinstance(acts, str):
        acts = [acts] * n
    if not isinstance(acts, list) or len(acts) != n:
        raise SpecError(f'"activations" must list {n} names, one per weight layer', where)
    for i, a in enumerate(acts):
        if a not in ACTIVATIONS:
            raise SpecError(
                f"unknown activation {a!r} at activations[{i}]; choose from {', '.join(ACTIVATIONS)}",
                where,
            )
        if a == "softmax" and i != n - 1:
            raise SpecError(f"softmax is for the output layer only (activations[{i}])", where)
    loss = obj.get("loss", "half_sse")
    if loss not in LOSSES:
        raise SpecError(f"unknown loss {loss!r}; choose from {', '.join(LOSSES)}", where)
    required = needs_output(loss)
    if required and acts[-1] != required:
        raise SpecError(f"loss {loss} needs a {required} output layer, found {acts[-1]}", where)
    if acts[-1] == "softmax" and loss not in ("cross_entropy", "half_sse", "sse", "mse"):
        raise SpecError(f"a softmax output does not go with loss {loss}", where)
    optimizer = _optimizer(obj.get("optimizer", {"name": "sgd", "lr": 0.1}), where)
    weights = _weights(obj.get("weights"), layers, where)
    biases = _biases(obj.get("biases"), layers, where)
    scheme, init_seed = _init(obj.get("init", {}), where)
    bias = obj.get("bias", {})
    if not isinstance(bias, dict) or set(bias) - {"trainable", "shared"}:
        raise SpecError(
            '"bias" must be an object with "trainable" and "shared" (true/false)', where
        )
    trainable = _bool(bias.get("trainable", True), "bias.trainable", where)
    shared = _bool(bias.get("shared", False), "bias.shared", where)
    if shared and biases is not None:
        for i, b in enumerate(biases):
            if b.size and not np.all(b == b[0]):
                raise SpecError(f"biases[{i}] must be equal values when bias.shared is true", where)
    data = obj.get("data", {"dataset": "xor"})
    if not isinstance(data, dict):
        raise SpecError(f'"data" must be an object, found {_kind(data)}', where)
    batch_size = _int(obj.get("batch_size", 4), "batch_size", 1, MAX_BATCH, where)
    dtype = _choice(obj.get("dtype", "float64"), DTYPES, "dtype", where)
    device = _choice(obj.get("device", "cpu"), DEVICES, "device", where)
    seed = _int(obj.get("seed", 0), "seed", 0, 2**32 - 1, where)
    shuffle = _bool(obj.get("shuffle", True), "shuffle", where)
    name = obj.get("name", "")
    description = obj.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise SpecError('"name" and "description" must be text', where)
    return NetworkSpec(
        layers=tuple(layers),
        activations=tuple(acts),
        loss=loss,
        optimizer=optimizer,
        weights=weights,
        biases=biases,
        init_scheme=scheme,
        init_seed=init_seed,
        bias_trainable=trainable,
        bias_shared=shared,
        data=data,
        batch_size=batch_size,
        dtype=dtype,
        device=device,
        seed=seed,
        shuffle=shuffle,
        name=name,
        description=description,
    )


def _kind(x: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(x), "a number" if isinstance(x, (int, float)) else "null" if x is None else "a value"
    )


def _int(x: Any, key: str, lo: int, hi: int, where: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        if isinstance(x, float) and x.is_integer():
            x = int(x)
        else:
            raise SpecError(f'"{key}" must be a whole number, found {x!r}', where)
    if not lo <= x <= hi:
        raise SpecError(f'"{key}" must be between {lo} and {hi}, found {x}', where)
    return x


def _float(x: Any, key: str, lo: float, hi: float, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise SpecError(f'"{key}" must be a finite number, found {x!r}', where)
    if not lo <= x <= hi:
        raise SpecError(f'"{key}" must be between {lo} and {hi}, found {x}', where)
    return float(x)


def _bool(x: Any, key: str, where: str) -> bool:
    if not isinstance(x, bool):
        raise SpecError(f'"{key}" must be true or false, found {x!r}', where)
    return x


def _choice(x: Any, options: tuple[str, ...], key: str, where: str) -> str:
    if x not in options:
        raise SpecError(f'"{key}" must be one of {", ".join(options)}, found {x!r}', where)
    return x


def _layers(x: Any, where: str) -> list[int]:
    if not isinstance(x, list) or not 2 <= len(x) <= MAX_WEIGHT_LAYERS + 1:
        raise SpecError(
            f'"layers" must list 2 to {MAX_WEIGHT_LAYERS + 1} sizes, input first', where
        )
    sizes = [_int(v, f"layers[{i}]", 1, MAX_WIDTH, where) for i, v in enumerate(x)]
    total = sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:], strict=True))
    if total > MAX_PARAMETERS:
        raise SpecError(f"{total:,} parameters is more than the limit of {MAX_PARAMETERS:,}", where)
    return sizes


def _optimizer(x: Any, where: str) -> OptimizerSpec:
    if isinstance(x, str):
        x = {"name": x}
    if not isinstance(x, dict):
        raise SpecError('"optimizer" must be an object like {"name": "sgd", "lr": 0.1}', where)
    unknown = set(x) - {"name", "lr", "momentum", "betas", "eps"}
    if unknown:
        raise SpecError(f"unknown optimizer key {sorted(unknown)[0]!r}", where)
    name = _choice(x.get("name", "sgd"), OPTIMIZERS, "optimizer.name", where)
    lr = _float(x.get("lr", 0.1 if name == "sgd" else 0.001), "optimizer.lr", 0.0, 1e6, where)
    momentum = _float(x.get("momentum", 0.0), "optimizer.momentum", 0.0, 0.9999, where)
    if name == "adam" and "momentum" in x:
        raise SpecError('adam takes "betas", not "momentum"', where)
    betas = x.get("betas", [0.9, 0.999])
    if not isinstance(betas, list) or len(betas) != 2:
        raise SpecError('"optimizer.betas" must be two numbers', where)
    b1 = _float(betas[0], "optimizer.betas[0]", 0.0, 0.9999999, where)
    b2 = _float(betas[1], "optimizer.betas[1]", 0.0, 0.9999999, where)
    eps = _float(x.get("eps", 1e-8), "optimizer.eps", 0.0, 1.0, where)
    return OptimizerSpec(name=name, lr=lr, momentum=momentum, beta1=b1, beta2=b2, eps=eps)


def _matrix(x: Any, rows: int, cols: int, key: str, where: str) -> np.ndarray:
    if not isinstance(x, list) or len(x) != rows:
        got = len(x) if isinstance(x, list) else _kind(x)
        raise SpecError(f"{key} must have {rows} rows (one per neuron), found {got}", where)
    for r, row in enumerate(x):
        if not isinstance(row, list) or len(row) != cols:
            got = len(row) if isinstance(row, list) else _kind(row)
            raise SpecError(
                f"{key}[{r}] must have {cols} values (one per input), found {got}", where
            )
    return _numbers(x, key, where, matrix=True)


def _numbers(x: Any, key: str, where: str, *, matrix: bool = False) -> np.ndarray:
    """A list of numbers (``matrix``: a list of equal rows of numbers, checked by the caller)
    as float64; anything else, e.g. a bias written as a nested column, is refused."""
    flat = [v for row in x for v in row] if matrix else x
    for v in flat:
        if isinstance(v, list):
            raise SpecError(f"{key} holds a list where a number belongs", where)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise SpecError(f"{key} holds {printable(repr(v))}, which is not a number", where)
        if not math.isfinite(v):
            raise SpecError(f"{key} holds {v}, weights must be finite", where)
    return np.asarray(x, dtype=np.float64)


def _weights(x: Any, layers: list[int], where: str) -> tuple[np.ndarray, ...] | None:
    if x is None:
        return None
    n = len(layers) - 1
    if not isinstance(x, list) or len(x) != n:
        raise SpecError(f'"weights" must hold {n} matrices, one per weight layer', where)
    return tuple(
        _matrix(w, layers[i + 1], layers[i], f"weights[{i}]", where) for i, w in enumerate(x)
    )


def _biases(x: Any, layers: list[int], where: str) -> tuple[np.ndarray, ...] | None:
    if x is None:
        return None
    n = len(layers) - 1
    if not isinstance(x, list) or len(x) != n:
        raise SpecError(f'"biases" must hold {n} lists, one per weight layer', where)
    out = []
    for i, b in enumerate(x):
        size = layers[i + 1]
        if isinstance(b, (int, float)) and not isinstance(b, bool):
            b = [b] * size
        if not isinstance(b, list) or len(b) != size:
            got = len(b) if isinstance(b, list) else _kind(b)
            raise SpecError(f"biases[{i}] must have {size} values, found {got}", where)
        out.append(_numbers(b, f"biases[{i}]", where))
    return tuple(out)


def _init(x: Any, where: str) -> tuple[str, int]:
    if not isinstance(x, dict) or set(x) - {"scheme", "seed"}:
        raise SpecError('"init" must be an object like {"scheme": "xavier", "seed": 0}', where)
    scheme = _choice(x.get("scheme", "xavier"), INIT_SCHEMES, "init.scheme", where)
    return scheme, _int(x.get("seed", 0), "init.seed", 0, 2**32 - 1, where)
