"""What each part of the picture shows at a phase: the numbers, their colour scales and the edge
quantities, worked out with numpy once per paint. No Qt.

Scales are fixed for a whole step (over every layer and every sample of the batch), so a colour or
an edge width means the same number in every phase, layer and sample: stepping through the
phases only adds information, and small gradients in early layers look small.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from nnviz.render.colormap import robust_scale
from nnviz.render.scene import QUANTITY_TEXT, SceneState


@dataclass(frozen=True)
class Stats:
    """Summary of one array: its colour scale, mean and mean |v| over the finite values."""

    scale: float
    mean: float
    mean_abs: float


_STATS: OrderedDict[int, tuple[np.ndarray, Stats]] = OrderedDict()
_STATS_MAX = 96


def stats_of(arr: np.ndarray) -> Stats:
    """The array's Stats, cached by identity (traces never change; the cache keeps the array alive
    so its id is not reused)."""
    hit = _STATS.get(id(arr))
    if hit is not None and hit[0] is arr:
        _STATS.move_to_end(id(arr))
        return hit[1]
    v = np.asarray(arr, dtype=np.float64)
    finite = v[np.isfinite(v)]
    st = Stats(
        scale=robust_scale(finite),
        mean=float(finite.mean()) if finite.size else 0.0,
        mean_abs=float(np.abs(finite).mean()) if finite.size else 0.0,
    )
    _STATS[id(arr)] = (arr, st)
    while len(_STATS) > _STATS_MAX:
        _STATS.popitem(last=False)
    return st


@dataclass
class EdgeData:
    """One weight layer's edges: the full matrix shown [N, M], what it is, and its emphasis."""

    values: np.ndarray
    quantity: str  # "w", "grad" or "dw"
    active: bool  # the layer the phase works on (drawn strong, with flow marks)
    stats: Stats

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
    edge_scales: dict[str, float]

    @property
    def primary_quantity(self) -> str:
        """The edge quantity the phase is about (for the legend)."""
        qs = [e.quantity for e in self.edges if e.active] or [e.quantity for e in self.edges]
        return max(qs, key=("w", "grad", "dw").index) if qs else "w"


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
    edges = []
    for wl in range(n_layers):
        q = st.edge_quantity(wl)
        values = st.edge_array(wl, q)
        active = kind in ("start", "update") or (kind in ("forward", "backward") and k == wl + 1)
        edges.append(EdgeData(values, q, active, stats_of(values)))
    edge_scales = {}
    for q in {e.quantity for e in edges}:
        edge_scales[q] = max(stats_of(st.edge_array(wl, q)).scale for wl in range(n_layers))
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
        edge_scales=edge_scales,
    )
