"""Ink on a lesson stop: pen strokes a lecturer prepared, drawn over the network.

A stroke is a ``[[stop.ink]]`` table::

    [[stop.ink]]
    colour = "red"                          # a colour name below, or "#rrggbb"
    width = 3                               # pen width in pixels of a 1920x1080 frame
    points = [[0.30, 0.40], [0.55, 0.42]]   # fractions of the network's area

``points`` are (x, y) with x from 0 (the area's left edge) to 1 (its right edge) and y from 0
(top) to 1 (bottom), so a stroke stays on the same neurons at any window size. Each checked
stroke becomes a dict ``{"colour": "#rrggbb", "width": float, "points": ((x, y), …)}``. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

COLOURS = {
    "red": "#d62728",
    "blue": "#1f77b4",
    "green": "#2ca02c",
    "orange": "#ff7f0e",
    "purple": "#9467bd",
    "black": "#000000",
    "white": "#ffffff",
    "yellow": "#f2c200",
    "grey": "#7f7f7f",
}
INK_KEYS = {"colour", "width", "points"}
MAX_STROKES = 200
MAX_POINTS = 2000
MAX_WIDTH = 20.0
_HEX = re.compile(r"#[0-9a-fA-F]{6}")

ErrorAt = Callable[[str, str | None, int], Exception]
"""error(message, key, stroke index from 0) → the exception to raise (names file and line)."""


def check_ink(raw: Any, error: ErrorAt) -> tuple[dict, ...]:
    """The strokes of one stop, checked key by key."""
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise error("must be a list of strokes ([[stop.ink]] tables)", None, 0)
    if len(raw) > MAX_STROKES:
        raise error(f"more than {MAX_STROKES} strokes", None, MAX_STROKES)
    return tuple(_stroke(s, n, error) for n, s in enumerate(raw))


def _stroke(s: dict, n: int, error: ErrorAt) -> dict:
    for key in s:
        if key not in INK_KEYS:
            raise error(f"unknown key (known: {', '.join(sorted(INK_KEYS))})", key, n)
    colour = s.get("colour", "red")
    if not isinstance(colour, str) or not (colour in COLOURS or _HEX.fullmatch(colour)):
        raise error(f"must be #rrggbb or one of {', '.join(COLOURS)}", "colour", n)
    width = s.get("width", 3)
    if isinstance(width, bool) or not isinstance(width, int | float) or not 0.5 <= width <= 20:
        raise error(f"must be a number from 0.5 to {MAX_WIDTH:g}", "width", n)
    points = s.get("points")
    if not isinstance(points, list) or not 1 <= len(points) <= MAX_POINTS:
        raise error(f"must list 1 to {MAX_POINTS} points [x, y]", "points", n)
    out = []
    for p in points:
        if (
            not isinstance(p, list)
            or len(p) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in p)
            or not all(0.0 <= v <= 1.0 for v in p)
        ):
            raise error("each point is [x, y] with both from 0 to 1 (fractions of the network area)",
                        "points", n)  # fmt: skip
        out.append((float(p[0]), float(p[1])))
    return {"colour": COLOURS.get(colour, colour.lower()), "width": float(width),
            "points": tuple(out)}  # fmt: skip


def as_strokes(ink: tuple[dict, ...], n_columns: int) -> list:
    """A stop's checked strokes as lecture ink (:class:`nnviz.core.ink.Stroke`, in network
    coordinates: columns from 0, heights from the area's middle), so they sit on the neurons
    the lesson drew them over, wherever the columns are laid out and however the view zooms.
    The file's fractions put column k of n at x = (k + ½)/n and the area's middle at y = ½."""
    from nnviz.core.ink import Stroke

    return [
        Stroke(
            s["colour"], s["width"], tuple((x * n_columns - 0.5, y - 0.5) for x, y in s["points"])
        )
        for s in ink
    ]
