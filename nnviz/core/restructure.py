"""Changing a network's shape while keeping its weights: add or remove a neuron or a layer,
change a layer's activation. Each returns a new, validated spec holding the kept weights."""

from __future__ import annotations

import numpy as np

from nnviz.core.errors import SpecError
from nnviz.core.spec import MAX_WEIGHT_LAYERS, MAX_WIDTH, NetworkSpec

Params = tuple[list[np.ndarray], list[np.ndarray]]


def _fresh(n_out: int, n_in: int, seed: int) -> np.ndarray:
    """Small random weights for new connections (Xavier-uniform scale, seeded)."""
    bound = np.sqrt(6 / (n_in + n_out))
    return np.random.default_rng(seed).uniform(-bound, bound, (n_out, n_in))


def _spec(spec: NetworkSpec, sizes, acts, ws, bs) -> NetworkSpec:
    if spec.bias_shared:
        bs = [np.full(len(b), b[0] if len(b) else 0.0) for b in bs]
    return spec.with_changes(
        layers=tuple(int(n) for n in sizes),
        activations=tuple(acts),
        weights=tuple(np.asarray(w, dtype=np.float64) for w in ws),
        biases=tuple(np.asarray(b, dtype=np.float64) for b in bs),
    )


def add_neuron(spec: NetworkSpec, params: Params, layer: int, seed: int = 0) -> NetworkSpec:
    """One more neuron at the end of hidden layer ``layer`` (1 ≤ layer < output)."""
    sizes = list(spec.layers)
    if not 1 <= layer < len(sizes) - 1:
        raise SpecError("neurons can be added to hidden layers only")
    if sizes[layer] >= MAX_WIDTH:
        raise SpecError(f"a layer holds at most {MAX_WIDTH} neurons")
    ws, bs = [w.copy() for w in params[0]], [b.copy() for b in params[1]]
    ws[layer - 1] = np.vstack([ws[layer - 1], _fresh(1, sizes[layer - 1], seed)])
    bs[layer - 1] = np.append(bs[layer - 1], 0.0)
    ws[layer] = np.hstack([ws[layer], _fresh(sizes[layer + 1], 1, seed + 1)])
    sizes[layer] += 1
    return _spec(spec, sizes, spec.activations, ws, bs)


def remove_neuron(spec: NetworkSpec, params: Params, layer: int, index: int) -> NetworkSpec:
    """Remove neuron ``index`` of hidden layer ``layer`` and its connections."""
    sizes = list(spec.layers)
    if not 1 <= layer < len(sizes) - 1:
        raise SpecError("neurons can be removed from hidden layers only")
    if sizes[layer] <= 1:
        raise SpecError("a layer keeps at least one neuron; remove the layer instead")
    ws, bs = [w.copy() for w in params[0]], [b.copy() for b in params[1]]
    ws[layer - 1] = np.delete(ws[layer - 1], index, axis=0)
    bs[layer - 1] = np.delete(bs[layer - 1], index)
    ws[layer] = np.delete(ws[layer], index, axis=1)
    sizes[layer] -= 1
    return _spec(spec, sizes, spec.activations, ws, bs)


def add_layer(spec: NetworkSpec, params: Params, after: int, seed: int = 0) -> NetworkSpec:
    """A new hidden layer after layer ``after`` (0 = input), as wide as that layer, with the
    activation of the layer it feeds (never softmax). Its weights start near the identity so the
    network computes nearly what it did when the activation allows."""
    sizes = list(spec.layers)
    if not 0 <= after < len(sizes) - 1:
        raise SpecError("a layer can be added after the input or a hidden layer")
    if len(sizes) - 1 >= MAX_WEIGHT_LAYERS:
        raise SpecError(f"a network holds at most {MAX_WEIGHT_LAYERS} weight layers")
    width = sizes[after]
    act = spec.activations[after - 1] if after >= 1 else "tanh"
    act = "tanh" if act in ("softmax", "step") else act
    ws, bs = [w.copy() for w in params[0]], [b.copy() for b in params[1]]
    new_w = np.eye(width) + 0.1 * _fresh(width, width, seed)
    ws.insert(after, new_w)
    bs.insert(after, np.zeros(width))
    sizes.insert(after + 1, width)
    acts = list(spec.activations)
    acts.insert(after, act)
    return _spec(spec, sizes, acts, ws, bs)


def remove_layer(spec: NetworkSpec, params: Params, layer: int, seed: int = 0) -> NetworkSpec:
    """Remove hidden layer ``layer``; the next layer's weights are drawn afresh."""
    sizes = list(spec.layers)
    if not 1 <= layer < len(sizes) - 1:
        raise SpecError("only hidden layers can be removed")
    ws, bs = [w.copy() for w in params[0]], [b.copy() for b in params[1]]
    del ws[layer - 1], bs[layer - 1]
    ws[layer - 1] = _fresh(sizes[layer + 1], sizes[layer - 1], seed)
    del sizes[layer]
    acts = list(spec.activations)
    del acts[layer - 1]
    return _spec(spec, sizes, acts, ws, bs)


def set_activation(spec: NetworkSpec, params: Params, layer: int, name: str) -> NetworkSpec:
    """Layer ``layer`` (1 = first hidden) uses activation ``name``; weights are kept."""
    acts = list(spec.activations)
    if not 1 <= layer <= len(acts):
        raise SpecError(f"no layer {layer}")
    acts[layer - 1] = name
    return _spec(spec, spec.layers, acts, params[0], params[1])
