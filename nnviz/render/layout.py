"""Where neurons go: layers as columns (input left), long layers folded. Plain floats, no Qt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class LayerLayout:
    """One column: its x, the indices of the neurons drawn, their y, and the folded ones."""

    x: float
    visible: np.ndarray
    ys: np.ndarray
    folded_count: int = 0
    fold_y: float | None = None


@dataclass
class Layout:
    """Positions of every drawn neuron; hit-testing for neurons and edges."""

    layers: list[LayerLayout]
    radius: float

    def neuron_pos(self, layer: int, i: int) -> tuple[float, float] | None:
        lay = self.layers[layer]
        hits = np.nonzero(lay.visible == i)[0]
        if hits.size == 0:
            return None
        return float(lay.x), float(lay.ys[hits[0]])

    def neuron_at(self, x: float, y: float) -> tuple[int, int] | None:
        reach = self.radius * 1.2
        for li, lay in enumerate(self.layers):
            if abs(x - lay.x) > reach or lay.visible.size == 0:
                continue
            d = np.abs(lay.ys - y)
            j = int(np.argmin(d))
            if np.hypot(x - lay.x, lay.ys[j] - y) <= reach:
                return li, int(lay.visible[j])
        return None

    def edge_at(self, x: float, y: float, tol: float) -> tuple[int, int, int] | None:
        """The nearest drawn edge (weight layer, row, col) within ``tol`` of a point."""
        for wl in range(len(self.layers) - 1):
            a, b = self.layers[wl], self.layers[wl + 1]
            x0, x1 = a.x + self.radius, b.x - self.radius
            if not x0 <= x <= x1 or a.visible.size == 0 or b.visible.size == 0:
                continue
            t = (x - x0) / (x1 - x0)
            ys = a.ys[None, :] + (b.ys[:, None] - a.ys[None, :]) * t  # [rows, cols]
            slope = (b.ys[:, None] - a.ys[None, :]) / (x1 - x0)
            dist = np.abs(ys - y) / np.sqrt(1 + slope**2)
            r, c = np.unravel_index(int(np.argmin(dist)), dist.shape)
            if dist[r, c] <= tol:
                return wl, int(b.visible[r]), int(a.visible[c])
        return None


def visible_indices(n: int, max_visible: int) -> tuple[np.ndarray, int]:
    """The neurons drawn for a layer of ``n`` (first and last halves when folded), and how many
    are folded away."""
    if n <= max_visible:
        return np.arange(n), 0
    k = max(max_visible // 2, 1)
    return np.concatenate([np.arange(k), np.arange(n - k, n)]), n - 2 * k


def compute_layout(
    sizes: Sequence[int],
    left: float,
    top: float,
    width: float,
    height: float,
    *,
    max_visible: int = 24,
    zoom: float = 1.0,
    pan: tuple[float, float] = (0.0, 0.0),
    max_radius: float = 40.0,
) -> Layout:
    """Columns spread over the box, neurons centred in each; zoom and pan about the box centre."""
    n_cols = len(sizes)
    cols = []
    for n in sizes:
        vis, folded = visible_indices(int(n), max_visible)
        cols.append((vis, folded))
    slots = max(len(v) + (1 if f else 0) for v, f in cols)
    gap_x = width / max(n_cols, 1)
    spacing = height / max(slots, 1)
    radius = min(spacing * 0.36, gap_x * 0.16, max_radius)
    cx, cy = left + width / 2, top + height / 2
    layers = []
    for ci, (vis, folded) in enumerate(cols):
        x = left + gap_x * (ci + 0.5)
        n_slots = len(vis) + (1 if folded else 0)
        y0 = cy - spacing * (n_slots - 1) / 2
        pos = y0 + spacing * np.arange(n_slots)
        fold_y = None
        if folded:
            half = len(vis) // 2
            fold_y = float(pos[half])
            pos = np.concatenate([pos[:half], pos[half + 1 :]])
        layers.append(LayerLayout(x=x, visible=vis, ys=pos, folded_count=folded, fold_y=fold_y))
    for lay in layers:  # zoom about the centre, then pan
        lay.x = cx + (lay.x - cx) * zoom + pan[0]
        lay.ys = cy + (lay.ys - cy) * zoom + pan[1]
        if lay.fold_y is not None:
            lay.fold_y = cy + (lay.fold_y - cy) * zoom + pan[1]
    return Layout(layers=layers, radius=radius * zoom)
