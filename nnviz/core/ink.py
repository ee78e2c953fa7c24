"""Lecture ink: the strokes a lecturer draws over a phase, kept per (run, step, phase), and how a
session file (or a hand-written lesson file) holds them. No Qt.

Points are in *network coordinates*, so a stroke stays on the neuron it was drawn over whatever
the zoom, the type scale or the window: x counts columns (0 = the input column's centre, 1 = the
next column's, fractions in between), y is a share of the network area's height from its middle
(−0.5 its top, +0.5 its bottom; the neurons of a 2-neuron column sit at −0.25 and +0.25). A
stroke in a file is ``{"run": 1, "step": 3, "phase": 2, "colour": "magenta", "width": 4,
"points": [[1.0, -0.25], [1.2, -0.1]]}``; ``phase`` is -1 at step 0 (before training)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from nnviz.core.errors import SpecError, printable
from nnviz.core.limits import (
    INK_MAX_COORD,
    INK_MAX_POINTS,
    INK_MAX_STROKE_POINTS,
    INK_MAX_STROKES,
)

INK_COLOURS = {  # name → colour; colour-blind-safe, and ≥ 3:1 on both lecture backgrounds
    "magenta": "#e4007c",
    "blue": "#0072b2",
    "green": "#009e73",
    "orange": "#d55e00",
}
WIDTHS = (2.0, 4.0, 8.0, 14.0)
"""The pen's widths, in pixels of a 1080-pixel-tall picture."""
WIDTH_RANGE = (0.5, 64.0)

Page = tuple[int, int, int]
"""Where strokes belong: (run id, step, phase)."""


@dataclass(frozen=True)
class Stroke:
    """One stroke: a colour name of INK_COLOURS (or "#rrggbb"), a width (px at 1080 px) and
    its points in network coordinates."""

    colour: str
    width: float
    points: tuple[tuple[float, float], ...]

    @property
    def hex(self) -> str:
        return INK_COLOURS.get(self.colour, self.colour)


@dataclass
class InkBook:
    """Every stroke of a session, by page."""

    pages: dict[Page, list[Stroke]] = field(default_factory=dict)

    def strokes(self, page: Page) -> list[Stroke]:
        return self.pages.get(page, [])

    def add(self, page: Page, stroke: Stroke, index: int | None = None) -> None:
        strokes = self.pages.setdefault(page, [])
        strokes.insert(len(strokes) if index is None else index, stroke)

    def remove(self, page: Page, stroke: Stroke) -> int:
        """Take ``stroke`` (this very object) off ``page``; returns where it was."""
        strokes = self.pages.get(page, [])
        for i, s in enumerate(strokes):
            if s is stroke:
                del strokes[i]
                if not strokes:
                    del self.pages[page]
                return i
        raise ValueError("no such stroke on this page")

    def clear(self, page: Page) -> list[Stroke]:
        return self.pages.pop(page, [])

    def count(self) -> int:
        return sum(len(v) for v in self.pages.values())

    def __bool__(self) -> bool:
        return any(self.pages.values())

    def remapped(self, ids: dict[int, int]) -> InkBook:
        """The strokes of the runs in ``ids`` (saved id → id now), under their ids now; a
        session file's run ids are given out again as its runs are replayed."""
        out = InkBook()
        for (run, step, phase), strokes in self.pages.items():
            if run in ids and strokes:
                out.pages[(ids[run], step, phase)] = list(strokes)
        return out

    def to_json(self, runs: set[int] | None = None) -> list[dict]:
        """The strokes (of ``runs`` only, where given: a deleted run's ink is not saved)."""
        out = []
        for (run, step, phase), strokes in sorted(self.pages.items()):
            if runs is not None and run not in runs:
                continue
            for s in strokes:
                out.append(
                    {
                        "run": run,
                        "step": step,
                        "phase": phase,
                        "colour": s.colour,
                        "width": s.width,
                        "points": [[round(x, 5), round(y, 5)] for x, y in s.points],
                    }
                )
        return out


def _num(v: Any, lo: float, hi: float, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise SpecError(f"{what} must be a finite number, found {printable(repr(v), 40)}")
    if not lo <= v <= hi:
        raise SpecError(f"{what} must be from {lo:g} to {hi:g}, found {v:g}")
    return float(v)


def _whole(v: Any, lo: int, hi: int, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise SpecError(f"{what} must be a whole number from {lo} to {hi}, found "
                        f"{printable(repr(v), 40)}")  # fmt: skip
    return v


def parse_stroke(raw: Any, where: str = "stroke") -> tuple[Page, Stroke]:
    """One stroke of a file, checked: its page and the stroke."""
    if not isinstance(raw, dict):
        raise SpecError(f"{where} must be an object")
    page = (
        _whole(raw.get("run", 1), 1, 10**9, f'{where} "run"'),
        _whole(raw.get("step"), 0, 10**9, f'{where} "step"'),
        _whole(raw.get("phase"), -1, 10**4, f'{where} "phase"'),
    )
    colour = raw.get("colour", "magenta")
    if not isinstance(colour, str) or not (
        colour in INK_COLOURS or re.fullmatch(r"#[0-9a-fA-F]{6}", colour)
    ):
        raise SpecError(f'{where} "colour" must be one of {", ".join(INK_COLOURS)} or #rrggbb')
    width = _num(raw.get("width", WIDTHS[1]), *WIDTH_RANGE, f'{where} "width"')
    pts = raw.get("points")
    if not isinstance(pts, list) or not 1 <= len(pts) <= INK_MAX_STROKE_POINTS:
        raise SpecError(f'{where} "points" must be a list of 1 to {INK_MAX_STROKE_POINTS:,} points')
    points = []
    for k, pt in enumerate(pts):
        if not isinstance(pt, list) or len(pt) != 2:
            raise SpecError(f"{where} point {k} must be [x, y]")
        points.append(
            (
                _num(pt[0], -INK_MAX_COORD, INK_MAX_COORD, f"{where} point {k} x"),
                _num(pt[1], -INK_MAX_COORD, INK_MAX_COORD, f"{where} point {k} y"),
            )
        )
    return page, Stroke(colour, width, tuple(points))


def parse_ink(raw: Any) -> InkBook:
    """A file's "ink" entry (a list of strokes), checked against the limits; SpecError names
    the first problem."""
    if not isinstance(raw, list):
        raise SpecError('"ink" must be a list of strokes')
    if len(raw) > INK_MAX_STROKES:
        raise SpecError(f"{len(raw):,} strokes, more than the limit of {INK_MAX_STROKES:,}")
    book = InkBook()
    total = 0
    for k, item in enumerate(raw):
        pts = item.get("points") if isinstance(item, dict) else None
        total += len(pts) if isinstance(pts, list) else 0
        if total > INK_MAX_POINTS:
            raise SpecError(f"the strokes hold more than {INK_MAX_POINTS:,} points together")
        page, stroke = parse_stroke(item, f"stroke {k}")
        book.add(page, stroke)
    return book


def read_ink(raw: Any, pages_ok=None) -> tuple[InkBook, str | None]:
    """A session file's ink, or none and a line saying why it was left out: a session opens
    whatever its ink holds. ``pages_ok(page)`` drops strokes on pages the file has not got."""
    if raw is None:
        return InkBook(), None
    try:
        book = parse_ink(raw)
    except SpecError as exc:
        return InkBook(), f"The session's ink was left out: {exc}"
    if pages_ok is not None:
        bad = [p for p in book.pages if not pages_ok(p)]
        n = sum(len(book.pages.pop(p)) for p in bad)
        if n:
            return (
                book,
                f"{n:,} ink stroke(s) on steps or runs the session has not got were left out",
            )
    return book, None
