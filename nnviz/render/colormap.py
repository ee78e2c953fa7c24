"""The diverging, colour-blind-safe palette: blue for negative, a neutral centre, orange for
positive. numpy only."""

from __future__ import annotations

import numpy as np

from nnviz.render.theme import Theme


def hex_rgb(hex_colour: str) -> np.ndarray:
    """ "#rrggbb" as a float array [3]."""
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def diverging_rgb(
    values: np.ndarray, vmax: float, theme: Theme, *, levels: int | None = None
) -> np.ndarray:
    """Colours uint8 [..., 3] for values: −vmax → negative, 0 → neutral, +vmax → positive
    (clipped beyond); NaN and ±Inf → the theme's error colour. ``levels`` rounds to that many
    steps per side (the renderer uses 32: invisible, and it lets neuron images be reused)."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    t = np.clip(np.where(finite, v, 0.0) / (vmax if vmax > 0 else 1.0), -1.0, 1.0)
    if levels:
        t = np.round(t * levels) / levels
    t = t[..., None]
    neutral, neg, pos = hex_rgb(theme.neutral), hex_rgb(theme.negative), hex_rgb(theme.positive)
    out = np.where(t >= 0, neutral + (pos - neutral) * t, neutral + (neg - neutral) * (-t))
    out = np.where(finite[..., None], out, hex_rgb(theme.error))
    return np.round(out).astype(np.uint8)


def robust_scale(values: np.ndarray, floor: float = 1e-12) -> float:
    """A colour scale for values: the 98th percentile of |v| over the finite ones, never 0."""
    v = np.abs(np.asarray(values, dtype=np.float64)).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 1.0
    if v.size > 50:
        k = int(0.98 * (v.size - 1))
        s = float(np.partition(v, k)[k])
    else:
        s = float(v.max())
    if s > floor:
        return s
    top = float(v.max())
    return top if top > floor else 1.0
