"""Where the numbers go: a label layout engine in plain floats (no Qt), so its rules can be tested
without painting.

Labels are placed, not dropped. Groups of labels (a column's numbers, a weight layer's edge
numbers, the targets) are placed in priority order onto a ``Board`` that remembers every box
taken; a group tries each size of its ladder (largest first) and keeps the first size at which
all its labels find a free slot. A label's slots are tried in order: inside its neuron, beside it,
on the other side, then diagonally off on a leader line; an edge label slides along its edge and
off it to either side. A group that does not fit at its smallest size keeps what fits when it has
priority (the phase's own layer, the outputs), and is otherwise replaced by one summary label;
what is left out is reported so the picture can say so. No two placed boxes overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

Rect = tuple[float, float, float, float]  # left, top, right, bottom
Measure = Callable[[str, float], float]  # (text, px) → advance width
LineHeight = Callable[[float], float]  # px → height of one line (ascent + descent)


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two boxes share any area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a: Rect, bounds: Rect) -> bool:
    return a[0] >= bounds[0] and a[1] >= bounds[1] and a[2] <= bounds[2] and a[3] <= bounds[3]


class Board:
    """The boxes taken so far, bucketed in a coarse grid so each check looks at a few.

    "Solid" boxes are obstacles (neurons, markers) that labels placed inside their own neuron
    may ignore; everything else is a label. Boxes can be released (a group that does not fit at
    one size gives its boxes back before trying the next)."""

    def __init__(self, bounds: Rect, cell: float = 96.0, margin: float = 0.0) -> None:
        self.bounds = bounds
        self.cell = max(cell, 8.0)
        self.margin = margin  # the least room kept between a label and any other box
        self._boxes: list[Rect | None] = []
        self._solid: list[bool] = []
        self._grid: dict[tuple[int, int], list[int]] = {}

    def _span(self, r: Rect) -> tuple[range, range]:
        c = self.cell
        return range(int(r[0] // c), int(r[2] // c) + 1), range(int(r[1] // c), int(r[3] // c) + 1)

    def fits(self, r: Rect, ignore_solid: bool = False) -> bool:
        """Whether ``r`` lies within the bounds and overlaps no box taken."""
        bd = self.bounds
        if r[0] < bd[0] or r[1] < bd[1] or r[2] > bd[2] or r[3] > bd[3]:
            return False
        m = self.margin
        x0, y0, x1, y1 = r[0] - m, r[1] - m, r[2] + m, r[3] + m  # labels keep a margin
        boxes, solid, grid = self._boxes, self._solid, self._grid
        xs, ys = self._span((x0, y0, x1, y1))
        for gx in xs:
            for gy in ys:
                for i in grid.get((gx, gy), ()):
                    b = boxes[i]
                    if b is None:
                        continue
                    if solid[i]:
                        if not ignore_solid and overlaps(r, b):
                            return False
                    elif x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1:
                        return False
        return True

    def take(self, r: Rect, solid: bool = False) -> int:
        """Mark ``r`` as taken; returns a token for ``release``."""
        i = len(self._boxes)
        self._boxes.append(r)
        self._solid.append(solid)
        grid = self._grid
        xs, ys = self._span(r)
        for gx in xs:
            for gy in ys:
                grid.setdefault((gx, gy), []).append(i)
        return i

    def release(self, token: int) -> None:
        self._boxes[token] = None


@dataclass(slots=True)
class Item:
    """A label to place: its lines, what it belongs to, and how to find slots for it.

    ``kind`` is "neuron" (anchor = the neuron's centre, ``radius`` its radius, ``side`` +1 to
    prefer the right, −1 the left), "edge" (anchor and ``end`` = the edge's ends, ``ts`` the
    fractions along it to try) or "text" (``slots_at`` gives its boxes for a width and
    height)."""

    key: tuple
    lines: list[str]
    kind: str = "neuron"
    anchor: tuple[float, float] = (0.0, 0.0)
    radius: float = 0.0
    side: int = 1
    end: tuple[float, float] = (0.0, 0.0)
    ts: Sequence[float] = (0.7,)
    slots_at: Callable[[float, float], list[Rect]] | None = None
    may_inside: bool = True
    leader_from: tuple[float, float] | None = None  # a text's leader line starts here


@dataclass(slots=True)
class Placed:
    """A placed label: its lines at ``px``, each line's box, the whole box, and the leader line
    (from the neuron's rim to the box) when it sits away from its neuron."""

    item: Item
    px: float
    box: Rect
    line_boxes: list[Rect]
    inside: bool = False
    leader: tuple[float, float, float, float] | None = None
    slot: str = "beside"  # which kind of place: inside, right, left, above, below, leader,
    # on or off (an edge), or a text's first or later choice


@dataclass
class Outcome:
    """What a placement did: the labels placed, summaries drawn instead of a group's labels,
    and notes on what could not be shown."""

    placed: list[Placed] = field(default_factory=list)
    summarised: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


def ladder(px: float, floor: float, steps: int = 4) -> list[float]:
    """Font sizes from ``px`` down to ``floor`` (whole pixels, distinct, largest first)."""
    px, floor = round(px), round(min(floor, px))
    if steps <= 1 or px <= floor:
        return [float(px)]
    out: list[float] = []
    for k in range(steps):
        v = float(round(px + (floor - px) * k / (steps - 1)))
        if not out or v < out[-1]:
            out.append(v)
    return out


def neuron_slots(
    x: float, y: float, r: float, w: float, h: float, side: int, may_inside: bool
) -> Iterator[tuple[Rect, str, tuple[float, float, float, float] | None]]:
    """Boxes of w×h for a neuron's label, best first: inside (one short line), beside on the
    preferred side, the other side, above and below, then diagonally off on a leader line
    (made as they are asked for: the first usually fits)."""
    if may_inside and w <= r * 1.9 and h <= r * 1.6:
        yield (x - w / 2, y - h / 2, x + w / 2, y + h / 2), "inside", None
    gap = r * 0.4 + 3  # clear of the δ ring (out to 1.3 r)
    for sd in (side, -side):
        left = x + r + gap if sd > 0 else x - r - gap - w
        yield (left, y - h / 2, left + w, y + h / 2), "right" if sd > 0 else "left", None
    yield (x - w / 2, y - r - gap - h, x + w / 2, y - r - gap), "above", None
    yield (x - w / 2, y + r + gap, x + w / 2, y + r + gap + h), "below", None
    d = r * 0.72  # the rim at 45°
    for sd in (side, -side):
        for dy in (-1, 1):
            for far in (1.0, 1.8):
                bx = x + sd * (d + gap * far)
                by = y + dy * (d + gap * far)
                left = bx if sd > 0 else bx - w
                top = by if dy > 0 else by - h
                leader = (x + sd * d, y + dy * d, bx, by)
                yield (left, top, left + w, top + h), "leader", leader


def edge_slots(
    a: tuple[float, float], b: tuple[float, float], w: float, h: float, ts: Sequence[float]
) -> list[Rect]:
    """Boxes of w×h along the edge from ``a`` to ``b``: centred on it at each fraction ``t``,
    then just above and just below it."""
    out = []
    for off in (0.0, -0.5, 0.5):
        for t in ts:
            cx = a[0] + (b[0] - a[0]) * t
            cy = a[1] + (b[1] - a[1]) * t + off * (h + 2)
            out.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return out


def _try(board: Board, it: Item, px: float, measure: Measure, line_h: LineHeight) -> Placed | None:
    lh = line_h(px)
    widths = [measure(t, px) for t in it.lines]
    w, h = max(widths), lh * len(it.lines)
    if it.kind == "neuron":
        x, y = it.anchor
        cands = neuron_slots(x, y, it.radius, w, h, it.side, it.may_inside)
    elif it.kind == "edge":
        boxes = edge_slots(it.anchor, it.end, w, h, it.ts)
        n_on = len(it.ts)
        cands = [(r, "on" if k < n_on else "off", None) for k, r in enumerate(boxes)]
    else:
        assert it.slots_at is not None
        cands = [(r, "first" if k == 0 else "later", None) for k, r in enumerate(it.slots_at(w, h))]
    for box, slot, leader in cands:
        if board.fits(box, ignore_solid=slot == "inside"):
            lines = [
                (box[0], box[1] + lh * k, box[0] + wi, box[1] + lh * (k + 1))
                for k, wi in enumerate(widths)
            ]
            if it.leader_from is not None:  # to the nearest point of the box
                fx, fy = it.leader_from
                leader = (fx, fy, min(max(fx, box[0]), box[2]), min(max(fy, box[1]), box[3]))
            return Placed(it, px, box, lines, slot == "inside", leader, slot)
    return None


def _attempt(
    board: Board,
    items: Sequence[Item],
    px: float,
    measure: Measure,
    line_h: LineHeight,
    partial: bool,
) -> tuple[list[Placed], list[Item], list[int]]:
    """Place the items at ``px``, each taking its box while the later ones look; stops at the
    first that finds no slot unless ``partial``. Returns (placed, left out, the board's tokens
    of the boxes taken)."""
    placed: list[Placed] = []
    tokens: list[int] = []
    missing: list[Item] = []
    for it in items:
        got = _try(board, it, px, measure, line_h)
        if got is None:
            missing.append(it)
            if not partial:
                break
            continue
        placed.append(got)
        tokens.append(board.take(got.box))
    return placed, missing, tokens


def _release(board: Board, tokens: list[int]) -> None:
    for tok in tokens:
        board.release(tok)


def untidiness(placed: list[Placed]) -> int:
    """How untidy a group's placement is: 0 when every label sits in the same kind of place
    (all beside their neurons on one side, all inside, all on their edges); one more for each
    further kind of place, and for each label off its edge, above, below or on a leader line."""
    kinds = {pl.slot for pl in placed}
    odd = sum(pl.slot in ("above", "below", "leader", "off", "later") for pl in placed)
    return len(kinds) - 1 + odd


def place_group(
    board: Board,
    items: Sequence[Item],
    sizes: Sequence[float],
    measure: Measure,
    line_h: LineHeight,
    keep_partial: bool,
) -> tuple[list[Placed], list[Item]]:
    """Place a group at the largest of ``sizes`` where all of it fits tidily (all beside their
    neurons on one side, all on their edges), else at the largest of the tidiest; at the
    smallest, keep what fits when ``keep_partial`` (else nothing). Labels partly inside their
    neurons and partly beside them are all put beside them where that fits. Returns (placed,
    left out); the placed boxes are taken on the board."""
    if not items:
        return [], []
    best: list[Placed] | None = None  # complete, with the fewest labels off their first choice
    for n, px in enumerate(sizes):
        last = n == len(sizes) - 1
        placed, missing, tokens = _attempt(board, items, px, measure, line_h, last and keep_partial)
        if missing:
            if last and keep_partial and best is None:
                return placed, missing  # its boxes stay taken
            _release(board, tokens)
            continue
        if any(pl.inside for pl in placed) and not all(pl.inside for pl in placed):
            _release(board, tokens)
            outside = [replace(it, may_inside=False) for it in items]
            again, rest, tok2 = _attempt(board, outside, px, measure, line_h, False)
            _release(board, tok2)
            if not rest:
                placed = again
            tokens = [board.take(pl.box) for pl in placed]
        if {"left", "right"} <= {pl.slot for pl in placed}:
            # some beside, some on the other side: try the other side for all first
            _release(board, tokens)
            flipped = [replace(it, side=-it.side) for it in items]
            again, rest, tok2 = _attempt(board, flipped, px, measure, line_h, False)
            _release(board, tok2)
            if not rest and untidiness(again) < untidiness(placed):
                placed = again
            tokens = [board.take(pl.box) for pl in placed]
        if untidiness(placed) == 0:
            return placed, []  # its boxes stay taken
        _release(board, tokens)
        if best is None or untidiness(placed) < untidiness(best):
            best = placed
    if best is not None:
        for pl in best:
            board.take(pl.box)
        return best, []
    return [], list(items)


def place_one(
    board: Board, item: Item, sizes: Sequence[float], measure: Measure, line_h: LineHeight
) -> Placed | None:
    """One label at the largest size where it finds a slot (None when it finds none)."""
    placed, _ = place_group(board, [item], sizes, measure, line_h, keep_partial=False)
    return placed[0] if placed else None
