"""What each part of the picture shows at a phase: the numbers, their colour scales and the edge
quantities, worked out with numpy once per paint. No Qt.

Neuron colour scales are fixed for a whole step (over every layer and every sample of the batch):
a fill or a δ ring means the same number in every phase, layer and sample, so stepping through
the phases only adds information and vanishing errors fade layer by layer. Edges are scaled per
weight layer (to the layer's 98th percentile of |value|), so the layer a phase works on always
shows which of its weights matter most, however small its gradients are next to other layers'.
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from nnviz.render.colormap import scale_of_abs
from nnviz.render.scene import QUANTITY_TEXT, SceneState


@dataclass(frozen=True)
class Stats:
    """Summary of one array: its colour scale, mean and mean |v| over the finite values."""

    scale: float
    mean: float
    mean_abs: float


_STATS: OrderedDict[int, tuple[weakref.ref, Stats]] = OrderedDict()
_STATS_MAX = 256


def stats_of(arr: np.ndarray, cache: bool = True) -> Stats:
    """The array's Stats, cached by identity unless ``cache`` is False (trace arrays never
    change; a weak reference tells a reused id from the same array)."""
    hit = _STATS.get(id(arr)) if cache else None
    if hit is not None and hit[0]() is arr:
        _STATS.move_to_end(id(arr))
        return hit[1]
    v = np.ravel(arr)
    if v.dtype.kind != "f":
        v = v.astype(np.float64)
    finite = np.isfinite(v)
    if not finite.all():
        v = v[finite]
    mags = np.abs(v)
    st = Stats(
        scale=scale_of_abs(mags),
        mean=float(v.mean(dtype=np.float64)) if v.size else 0.0,
        mean_abs=float(mags.mean(dtype=np.float64)) if v.size else 0.0,
    )
    if cache:
        _STATS[id(arr)] = (weakref.ref(arr), st)
        while len(_STATS) > _STATS_MAX:
            _STATS.popitem(last=False)
    return st


def content_key(arr: np.ndarray) -> bytes:
    """A digest of an array's contents (for arrays that may be edited in place)."""
    a = np.ascontiguousarray(arr)
    return hashlib.blake2b(a.view(np.uint8), digest_size=16).digest() + str(a.shape).encode()


@dataclass
class EdgeData:
    """One weight layer's edges: the full matrix shown [N, M], what it is, and its emphasis."""

    values: np.ndarray
    quantity: str  # "w", "grad" or "dw"
    active: bool  # the layer the phase works on (drawn strong, with flow marks)
    stats: Stats
    key: object  # what identifies the values for caching: the array itself, or its contents

    @property
    def what(self) -> str:
        return QUANTITY_TEXT[self.quantity]


@dataclass
class Display:
    """Per-layer values at the scene's phase. Lists are indexed like ``sizes`` (0 = input);
    an entry is None where the value is not known yet."""

    kind: str
    k: int | None
    sample: int
    acts: list[np.ndarray | None]
    deltas: list[np.ndarray | None]
    act_scale: float
    input_scale: float
    delta_scale: float
    edges: list[EdgeData]
    hidden_layer: int | None = None
    """Predict mode: the layer whose new numbers (z, a, σ′ forward; δ backward) are "?"."""
    hidden_edges: dict[int, str] = field(default_factory=dict)
    """Predict mode: weight layer → the quantity its "?" stands for (drawn with the previous
    phase's values, so neither colour nor width gives it away)."""
    hidden_loss: bool = False

    def edge_legend(self) -> tuple[str, str, float | None]:
        """What the legend says about the edges (long and short) and their range: the phase's
        own layer's, or None where each layer has its own (no single layer is the subject)."""
        active = [(wl, e) for wl, e in enumerate(self.edges) if e.active]
        if len(active) == 1:
            wl, e = active[0]
            symbol = e.what.split()[-1]
            return f"edges W{wl + 1}: {e.what}", f"W{wl + 1}: {symbol}", e.stats.scale
        qs = [e.quantity for e in self.edges]
        q = max(qs, key=("w", "grad", "dw").index) if qs else "w"
        symbol = QUANTITY_TEXT[q].split()[-1]
        return f"edges: {QUANTITY_TEXT[q]}, each layer to its own range", f"edges: {symbol}", None


def compute_display(st: SceneState) -> Display:
    """Everything the renderer needs to colour neurons and edges at the scene's phase."""
    kind, k = st.phase_kind()
    tr = st.trace
    n_layers = st.n_layers
    sample = min(max(st.sample, 0), tr.batch_size - 1) if tr is not None else 0
    acts: list[np.ndarray | None] = [None] * (n_layers + 1)
    deltas: list[np.ndarray | None] = [None] * (n_layers + 1)
    act_scale = input_scale = delta_scale = 1.0
    if tr is not None:
        acts[0] = tr.inputs[sample]
        for li in range(1, n_layers + 1):
            if st.values_known(li):
                acts[li] = tr.layers[li - 1].activation[sample]
            if st.delta_known(li):
                deltas[li] = tr.layers[li - 1].delta[sample]
        act_scale = max(1.0, max(stats_of(lay.activation).scale for lay in tr.layers))
        input_scale = max(1.0, stats_of(tr.inputs).scale)
        delta_scale = max(stats_of(lay.delta).scale for lay in tr.layers)
    hidden = _hidden_parts(st, kind, k) if st.hidden and tr is not None else (None, {}, False)
    if hidden[0] is not None and kind == "forward":
        acts[hidden[0]] = None  # drawn as not computed yet
    elif hidden[0] is not None:
        deltas[hidden[0]] = None
    edges = []
    for wl in range(n_layers):
        q = st.edge_quantity(wl)
        if wl in hidden[1]:  # the quantity shown before this phase
            q = "grad" if kind == "update" else "w"
        values = st.edge_array(wl, q)
        active = kind in ("start", "update") or (kind in ("forward", "backward") and k == wl + 1)
        if tr is not None:  # trace arrays: by identity
            edges.append(EdgeData(values, q, active, stats_of(values), values))
        else:  # the scene's own weights may be edited in place: by contents
            edges.append(EdgeData(values, q, active, stats_of(values, False), content_key(values)))
    return Display(
        kind=kind,
        k=k,
        sample=sample,
        acts=acts,
        deltas=deltas,
        act_scale=act_scale,
        input_scale=input_scale,
        delta_scale=delta_scale,
        edges=edges,
        hidden_layer=hidden[0],
        hidden_edges=hidden[1],
        hidden_loss=hidden[2],
    )


def _hidden_parts(st: SceneState, kind: str, k: int | None) -> tuple[int | None, dict, bool]:
    """What predict mode hides at this phase: (layer, {weight layer: quantity}, the loss)."""
    if kind == "forward":
        return k, {}, False
    if kind == "backward" and k is not None:
        return k, {k - 1: "grad"}, False
    if kind == "update":
        return None, {wl: "dw" for wl in range(st.n_layers)}, False
    return None, {}, kind == "loss"
