"""The numbers on the picture: what each neuron, edge and output says at the phase, placed by the
label engine (``nnviz.render.labels``) and drawn on backing boxes.

Priority: the selected edge, the phase's own layer and the outputs (with their targets and the
loss), the phase's weight layer's edge numbers, then the other columns left to right, the other
weight layers and the names. Edge numbers are w in forward phases (and before training), ∂L/∂w
from the backward phase that reaches a layer on, and Δw at the update: every edge of a small
weight layer (columns of up to SMALL_SIDE neurons), else the strongest few (or the selected
neuron's fan-in) of the phase's own layers (see render.label_text). A column that cannot keep
its numbers at its smallest size says one summary instead (‖δ‖ or mean |a|); whatever is still
left out is named in a note.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from nnviz.render import labels as lb
from nnviz.render.annotate_columns import ColumnLabels, active_column, neuron_lines
from nnviz.render.annotate_edges import EdgeLabels
from nnviz.render.display import Display
from nnviz.render.label_text import NUMBER_KINDS, DrawnLabel, draw_placed
from nnviz.render.layout import Layout
from nnviz.render.paintkit import Kit
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme

__all__ = ["NUMBER_KINDS", "DrawnLabel", "Sizes", "active_column", "annotate", "column_width"]


class Sizes(NamedTuple):
    """Font sizes: the full size, the floor of priority labels and the floor of the others."""

    px: float
    floor_top: float
    floor: float


def annotate(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    sz: Sizes,
    area: QRectF,
    obstacles: list[lb.Rect] = (),
) -> tuple[list[DrawnLabel], lb.Outcome]:
    """Place and draw every number (and the names) inside ``area``, around ``obstacles``."""
    bounds = (area.left(), area.top(), area.right(), area.bottom())
    board = lb.Board(bounds, cell=max(sz.px * 4, 32.0), margin=max(sz.px * 0.12, 1.5))
    for box in obstacles:
        board.take(box, True)
    out = lb.Outcome()
    r = lay.radius
    for li, col in enumerate(lay.layers):
        grow = 1.32 if disp.deltas[li] is not None else 1.12
        for y in col.ys.tolist():
            board.take((col.x - r * grow, y - r * grow, col.x + r * grow, y + r * grow), True)
        if col.folded_count and col.fold_y is not None:
            w = sz.px * 5.5
            board.take(
                (col.x - w / 2, col.fold_y - sz.px * 0.6, col.x + w / 2, col.fold_y + sz.px * 0.6),
                True,
            )
    ctx = _Ctx(kit, st, disp, lay, board, sz, out, area)
    ctx.selected_edge()
    if st.label_mode != "none" and st.trace is not None:
        last = st.n_layers
        active = active_column(disp)
        top = [c for c in (active, last) if c is not None]
        for li in dict.fromkeys(top):
            ctx.column(li, priority=True)
        ctx.targets_and_loss()
        hot = [wl for wl, e in enumerate(disp.edges) if e.active and disp.kind != "start"]
        for wl in hot:
            ctx.edges(wl, priority=True)
        for li in range(last + 1):
            if li not in top:
                ctx.column(li, priority=False)
        for wl in range(len(disp.edges)):
            if wl not in hot:
                ctx.edges(wl, priority=False)
    elif st.label_mode != "none":  # before training: the weights
        for wl in range(len(disp.edges)):
            ctx.edges(wl, priority=True)
    if st.label_mode != "none":
        ctx.names()
    return draw_placed(p, kit, th, disp, out), out


def column_width(kit: Kit, st: SceneState, disp: Display, lay: Layout, li: int, sz: Sizes) -> float:
    """The width of the widest number block of column ``li`` at the largest size (of ``sz``)
    at which its blocks fit between its neurons."""
    col = lay.layers[li]
    lines = [neuron_lines(st, disp, li, i) for i in col.visible.tolist()]
    n = max((len(ls) for ls in lines), default=0)
    if n == 0:
        return 0.0
    px = sz.px
    if col.ys.size > 1:
        fm = kit.font(px)[1]
        fit = px * col.spacing * 0.92 / (n * (fm.ascent() + fm.descent()))
        px = min(max(fit, sz.floor_top), px)
    font = kit.font(px)
    return max(kit.advance(font, t) for ls in lines for t in ls) + px * 0.5


class _Ctx(ColumnLabels, EdgeLabels):
    """What one placement pass needs, and the placed labels by neuron (the placements
    themselves are in ``annotate_columns`` and ``annotate_edges``)."""

    def __init__(self, kit, st, disp, lay, board, sz, out, area) -> None:
        self.kit, self.st, self.disp, self.lay = kit, st, disp, lay
        self.board, self.sz, self.out, self.area = board, sz, out, area
        self.by_neuron: dict[tuple[int, int], lb.Placed] = {}
        self.target_boxes: dict[int, lb.Rect] = {}
        self.skip_edge: tuple[int, int, int] | None = None
        self.top_px = sz.px
        self._widths: dict[tuple[str, float], float] = {}
        self._heights: dict[float, float] = {}
        self._metrics: dict[float, object] = {}

    def measure(self, text: str, px: float) -> float:
        key = (text, px)
        w = self._widths.get(key)
        if w is None:
            fm = self._metrics.get(px)
            if fm is None:
                fm = self._metrics[px] = self.kit.font(px)[1]
            w = self._widths[key] = fm.horizontalAdvance(text)
        return w

    def bold(self, text: str, px: float) -> float:
        return self.kit.advance(self.kit.font(px, bold=True), text)

    def line_h(self, px: float) -> float:
        h = self._heights.get(px)
        if h is None:
            fm = self.kit.font(px)[1]
            h = self._heights[px] = fm.ascent() + fm.descent()
        return h

    def sizes(self, priority: bool) -> list[float]:
        """The ladder of sizes; other numbers never outgrow the phase's own column's."""
        sz = self.sz
        if priority:
            return lb.ladder(sz.px, sz.floor_top)
        return lb.ladder(min(sz.px, self.top_px), sz.floor, steps=3)

    def visible(self, x: float, y: float) -> bool:
        return self.area.contains(x, y)
