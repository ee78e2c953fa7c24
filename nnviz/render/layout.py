"""Where neurons go: layers as columns (input left), long layers folded. Plain floats, no Qt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass
class LayerLayout:
    """One column: its x, the indices of the neurons drawn, their y, and the folded ones."""

    x: float
    visible: np.ndarray
    ys: np.ndarray
    folded_count: int = 0
    fold_y: float | None = None

    @cached_property
    def spacing(self) -> float:
        """Vertical distance between neighbouring drawn neurons (large when there is one)."""
        return float(np.min(np.diff(self.ys))) if self.ys.size > 1 else 1e9

    @cached_property
    def extent(self) -> tuple[float, float]:
        """The lowest and highest y of the drawn neurons (0, 0 when there are none)."""
        return (float(self.ys.min()), float(self.ys.max())) if self.ys.size else (0.0, 0.0)


@dataclass
class Layout:
    """Positions of every drawn neuron; hit-testing for neurons and edges.

    ``layer`` indexes the sizes list (0 = input); weight layer ``l`` joins layer l to l + 1, and
    its edge (row, col) goes from neuron ``col`` of layer l to neuron ``row`` of layer l + 1."""

    layers: list[LayerLayout]
    radius: float
    centre: tuple[float, float] = (0.0, 0.0)  # the point zoom and pan act about
    height: float = 1.0  # the network area's height before zoom
    zoom: float = 1.0
    pan: tuple[float, float] = (0.0, 0.0)

    @property
    def column_gap(self) -> float:
        """The least horizontal distance between neighbouring columns (large when there is one)."""
        if len(self.layers) < 2:
            return 1e9
        return min(abs(b.x - a.x) for a, b in zip(self.layers, self.layers[1:], strict=False))

    def neuron_pos(self, layer: int, i: int) -> tuple[float, float] | None:
        """The centre of neuron ``i`` of ``layer``, or None when it is folded away."""
        if not 0 <= layer < len(self.layers):
            return None
        lay = self.layers[layer]
        hits = np.nonzero(lay.visible == i)[0]
        if hits.size == 0:
            return None
        return float(lay.x), float(lay.ys[hits[0]])

    def to_network(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Target pixels → network coordinates (x in columns: 0 the input column, 1 the next,
        fractions between and beyond; y in network heights from the area's middle), which do
        not change with zoom, pan or type scale: lecture ink keeps to its neurons."""
        cols = np.array([c.x for c in self.layers], dtype=np.float64)
        idx = np.arange(cols.size, dtype=np.float64)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        u = np.interp(x, cols, idx)
        if cols.size > 1:
            lo, hi = x < cols[0], x > cols[-1]
            u[lo] = (x[lo] - cols[0]) / (cols[1] - cols[0])
            u[hi] = idx[-1] + (x[hi] - cols[-1]) / (cols[-1] - cols[-2])
        v = (y - (self.centre[1] + self.pan[1])) / max(self.height * self.zoom, 1e-9)
        return u, v

    def from_network(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Network coordinates → target pixels (the inverse of :meth:`to_network`)."""
        cols = np.array([c.x for c in self.layers], dtype=np.float64)
        idx = np.arange(cols.size, dtype=np.float64)
        u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
        x = np.interp(u, idx, cols)
        if cols.size > 1:
            lo, hi = u < 0, u > idx[-1]
            x[lo] = cols[0] + u[lo] * (cols[1] - cols[0])
            x[hi] = cols[-1] + (u[hi] - idx[-1]) * (cols[-1] - cols[-2])
        y = self.centre[1] + self.pan[1] + v * self.height * self.zoom
        return x, y

    def neuron_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (layer, neuron) drawn within 1.2 radii of a point."""
        reach = self.radius * 1.2
        for li, lay in enumerate(self.layers):
            if abs(x - lay.x) > reach or lay.visible.size == 0:
                continue
            j = int(np.argmin(np.abs(lay.ys - y)))
            if np.hypot(x - lay.x, lay.ys[j] - y) <= reach:
                return li, int(lay.visible[j])
        return None

    def edge_at(self, x: float, y: float, tol: float) -> tuple[int, int, int] | None:
        """The nearest drawn edge (weight layer, row, col) within ``tol`` of a point."""
        for wl in range(len(self.layers) - 1):
            a, b = self.layers[wl], self.layers[wl + 1]
            x0, x1 = a.x + self.radius, b.x - self.radius
            if x1 <= x0 or not x0 <= x <= x1 or a.visible.size == 0 or b.visible.size == 0:
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
    """The neurons drawn for a layer of ``n`` (its first k and last k when folded), and how many
    are folded away."""
    if n <= max_visible:
        return np.arange(n), 0
    k = max(max_visible // 2, 1)
    return np.concatenate([np.arange(k), np.arange(n - k, n)]), n - 2 * k


def compute_layout(
    sizes: Sequence[int],
    width: float,
    height: float,
    *,
    left: float = 0.0,
    top: float = 0.0,
    max_visible: int = 24,
    zoom: float = 1.0,
    pan: tuple[float, float] = (0.0, 0.0),
    max_radius: float = 40.0,
    min_radius: float = 1.5,
    snap: bool = True,
    wide: tuple[int, float] | None = None,
) -> Layout:
    """Columns spread over the box (left, top, width, height), neurons centred in each; a folded
    layer keeps a slot for its "… N more" marker. Zoom and pan act about the box's centre.
    ``snap`` puts centres on whole pixels so raster drawings are crisp and repeatable.
    ``wide`` = (column, gap) makes the gap right of that column ``gap`` wide (the others share
    the rest), so the numbers of the layer a phase works on have room beside it."""
    cols = [visible_indices(int(n), max_visible) for n in sizes]
    slots = max((len(v) + (1 if f else 0) for v, f in cols), default=1)
    n_cols = max(len(sizes), 1)
    gap_x = width / n_cols
    spacing = height / max(slots, 1)
    radius = max(min(spacing * 0.36, gap_x * 0.16, max_radius), min_radius)
    offsets = gap_x * (np.arange(n_cols) + 0.5)
    if wide is not None and 0 <= wide[0] < n_cols - 1 and wide[1] > gap_x:
        big = min(wide[1], width * 0.45)
        small = (width - big) / (n_cols - 1)
        steps = np.full(n_cols - 1, small)
        steps[wide[0]] = big
        offsets = small * 0.5 + np.concatenate([[0.0], np.cumsum(steps)])
        radius = max(min(radius, small * 0.3), min_radius)
    cx, cy = left + width / 2, top + height / 2

    def place(v: np.ndarray | float) -> np.ndarray | float:
        return np.round(v) if snap else v

    layers = []
    for ci, (vis, folded) in enumerate(cols):
        n_slots = len(vis) + (1 if folded else 0)
        pos = cy - spacing * (n_slots - 1) / 2 + spacing * np.arange(n_slots)
        fold_y = None
        if folded:
            half = len(vis) // 2
            fold_y = float(pos[half])
            pos = np.concatenate([pos[:half], pos[half + 1 :]])
        x = left + float(offsets[ci])
        x = cx + (x - cx) * zoom + pan[0]
        ys = place(cy + (pos - cy) * zoom + pan[1])
        if fold_y is not None:
            fold_y = float(cy + (fold_y - cy) * zoom + pan[1])
        layers.append(
            LayerLayout(
                x=float(place(x)),
                visible=vis,
                ys=np.asarray(ys, dtype=np.float64),
                folded_count=folded,
                fold_y=fold_y,
            )
        )
    return Layout(
        layers=layers,
        radius=radius * zoom,
        centre=(cx, cy),
        height=float(height),
        zoom=float(zoom),
        pan=(float(pan[0]), float(pan[1])),
    )
