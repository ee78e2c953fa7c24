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


CLASS_COLOURS = [
    "#2166ac",
    "#c25a00",
    "#1a7f37",
    "#8250df",
    "#d1008f",
    "#6e7781",
    "#b8860b",
    "#00a3a3",
    "#7f3f00",
    "#333333",
]
"""One colour per class (and per weight layer in the gradient plots), the same everywhere."""


def _diverging_lut() -> np.ndarray:
    """256 colours from blue (0) through near-white (0.5) to orange (1), as uint8 RGB."""
    t = np.linspace(0.0, 1.0, 256)[:, None]
    blue, orange = np.array([33, 102, 172]), np.array([194, 90, 0])
    white = np.array([247, 247, 247])
    rgb = np.where(t < 0.5, blue + (white - blue) * (t * 2), white + (orange - white) * (t * 2 - 1))
    return rgb.astype(np.uint8)


DIVERGING = _diverging_lut()


def output_colours(outputs: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A network's outputs over a grid [ny, nx, K] as colours uint8 [ny, nx, 3]: one output from
    blue (``lo``) through white to orange (``hi``); several by the winning class's colour, paler
    where it wins by little. (The decision boundary dock and the race draw it.)"""
    if outputs.shape[2] == 1:
        t = np.clip((outputs[:, :, 0] - lo) * (255.0 / (hi - lo)), 0, 255)
        return DIVERGING[np.nan_to_num(t).astype(np.uint8)]
    out = np.nan_to_num(outputs)
    cls = out.argmax(axis=2)
    conf = out.max(axis=2)[..., None]
    cols = np.array([hex_rgb(c) for c in CLASS_COLOURS])
    return (247 + (cols[cls % len(cols)] - 247) * (0.25 + 0.6 * conf)).astype(np.uint8)


def robust_scale(values: np.ndarray, floor: float = 1e-12) -> float:
    """A colour scale for values: the 98th percentile of |v| over the finite ones, never 0."""
    return scale_of_abs(finite_abs(values), floor)


def finite_abs(values: np.ndarray) -> np.ndarray:
    """|v| of the finite values, flat, in the values' own float type (no float64 copy)."""
    v = np.ravel(values)
    if v.dtype.kind != "f":
        v = v.astype(np.float64)
    v = np.abs(v)
    finite = np.isfinite(v)
    return v if finite.all() else v[finite]


def scale_of_abs(v: np.ndarray, floor: float = 1e-12) -> float:
    """``robust_scale`` of values already made finite and absolute (``finite_abs``)."""
    if v.size == 0:
        return 1.0
    s = float(_kth_smallest(v, int(0.98 * (v.size - 1)))) if v.size > 50 else float(v.max())
    if s > floor:
        return s
    top = float(v.max())
    return top if top > floor else 1.0


def _kth_smallest(v: np.ndarray, k: int) -> float:
    """The k-th smallest value (from 0), exactly as np.partition finds it. np.partition slows
    down many times over on big arrays of few distinct values (a gradient whose inputs repeat);
    for those a threshold read off a thin sample leaves only the top few % to partition."""
    n = v.size
    if n > 20_000 and k > n // 2:
        sample = np.sort(v[:: max(n // 2048, 1)])
        if np.count_nonzero(sample[1:] != sample[:-1]) < sample.size // 2:  # many repeats
            low = sample[int(0.9 * (sample.size - 1) * k / (n - 1))]  # likely below the k-th
            top = v[v > low]
            at_most = n - top.size  # values up to the threshold: the first ones in order
            if at_most <= k:
                return float(np.partition(top, k - at_most)[k - at_most])
            if np.count_nonzero(v < low) <= k:  # the k-th is the threshold itself
                return float(low)
    return float(np.partition(v, k)[k])
