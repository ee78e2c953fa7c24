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

from dataclasses import replace
from typing import NamedTuple

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from nnviz.core.numfmt import fmt
from nnviz.render import labels as lb
from nnviz.render import mistake_view
from nnviz.render.display import Display
from nnviz.render.label_text import (
    BIG_EDGE_LABELS,
    EDGE_LABELS_ALL,
    NUMBER_KINDS,
    SMALL_SIDE,
    DrawnLabel,
    draw_placed,
    edge_choice,
    summary_lines,
)
from nnviz.render.layout import Layout
from nnviz.render.neurons import label_lines
from nnviz.render.paintkit import Kit
from nnviz.render.scene import SceneState
from nnviz.render.selection import selected_edge_text
from nnviz.render.theme import Theme

__all__ = ["NUMBER_KINDS", "DrawnLabel", "Sizes", "active_column", "annotate", "column_width"]

EDGE_TS = (0.7, 0.56, 0.82, 0.42, 0.3)  # where along an edge its number goes, best first
QUANTITY_SYMBOL = {"w": "w", "grad": "∂L/∂w", "dw": "Δw"}


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
    lines = [_neuron_lines(st, disp, li, i) for i in col.visible.tolist()]
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


def active_column(disp: Display) -> int | None:
    """The column the phase works on (None for the loss, the update and before training)."""
    if disp.kind in ("forward", "backward") and disp.k is not None:
        return disp.k
    return None


class _Ctx:
    """What one placement pass needs, and the placed labels by neuron."""

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

    # ----- the selected edge ------------------------------------------------------------------
    def selected_edge(self) -> None:
        sel = self.st.selection
        if not sel or sel[0] != "edge" or len(sel) < 4:
            return
        wl, row, col = int(sel[1]), int(sel[2]), int(sel[3])
        if not 0 <= wl < len(self.disp.edges):
            return
        pa, pb = self.lay.neuron_pos(wl, col), self.lay.neuron_pos(wl + 1, row)
        if pa is None or pb is None:
            return
        r = self.lay.radius
        mx, my = (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2

        def near(w: float, h: float) -> list[lb.Rect]:
            out = []
            for k in range(1, 9):
                for dy in (-(h + 4) * k, (h + 4) * k):
                    for dx in (0.0, w / 2, -w / 2):
                        x0, y0 = mx + dx - w / 2, my + dy - h / 2
                        out.append((x0, y0, x0 + w, y0 + h))
            return out

        full = selected_edge_text(self.st, self.disp, wl, row, col)
        short = (
            "?"
            if wl in self.disp.hidden_edges
            else fmt(self.disp.edges[wl].values[row, col], self.st.digits)
        )
        key = ("selected", wl, row, col)
        got = None
        for text in dict.fromkeys((full, short)):  # the whole label, else the bare number
            on_edge = lb.Item(
                key,
                [text],
                kind="edge",
                anchor=(pa[0] + r, pa[1]),
                end=(pb[0] - r, pb[1]),
                ts=(0.5, 0.62, 0.38, 0.75, 0.25),
            )
            off_edge = lb.Item(key, [text], "text", slots_at=near, leader_from=(mx, my))
            for it in (on_edge, off_edge):  # on the edge, else near its middle on a leader
                got = lb.place_one(self.board, it, self.sizes(True), self.measure, self.line_h)
                if got is not None:
                    break
            if got is not None:
                break
        if got is not None:
            self.out.placed.append(got)
            self.skip_edge = (wl, row, col)
        else:
            self.out.hidden.append("the selected weight's number")

    # ----- neurons ----------------------------------------------------------------------------
    def column(self, li: int, priority: bool) -> None:
        col = self.lay.layers[li]
        items = []
        for j, i in enumerate(col.visible.tolist()):
            y = float(col.ys[j])
            if not self.visible(col.x, y):
                continue
            lines = _neuron_lines(self.st, self.disp, li, i)
            if lines:
                items.append(
                    lb.Item(
                        ("neuron", li, i),
                        lines,
                        anchor=(col.x, y),
                        radius=self.lay.radius,
                        side=-1 if li == 0 else 1,
                        may_inside=len(lines) == 1,
                    )
                )
        if not items:
            return
        if col.folded_count and not priority:
            self.summary(li)
            return
        if not priority and not self.room_for(li, items):
            self.summary(li)
            return
        placed, missing = lb.place_group(
            self.board, items, self.sizes(priority), self.measure, self.line_h, priority
        )
        for pl in placed:
            self.by_neuron[(li, pl.item.key[2])] = pl
        if priority and placed and li == active_column(self.disp):
            self.top_px = min(pl.px for pl in placed)
        self.out.placed += placed
        if missing and not priority:
            self.summary(li)
        elif missing:
            self.out.hidden.append(
                f"{len(missing)} of {len(items)} numbers of {_layer_name(self.st, li)}"
            )
        elif col.folded_count:
            self.summary(li, quiet=True)

    def room_for(self, li: int, items: list[lb.Item]) -> bool:
        """A quick test that the column's numbers could fit at its smallest size: beside it on
        some side, or above and below each neuron (a crowded network skips the search)."""
        px = self.sz.floor
        col, layers, r = self.lay.layers[li], self.lay.layers, self.lay.radius
        longest = max((t for it in items for t in it.lines), key=len)
        widest = self.measure(longest, px) * 1.1  # about the widest: digits are all alike
        tallest = max(len(it.lines) for it in items) * self.line_h(px)
        right = (layers[li + 1].x if li + 1 < len(layers) else self.area.right() + r) - col.x
        left = col.x - (layers[li - 1].x if li > 0 else self.area.left() - r)
        if widest <= max(right, left) - 2.8 * r or col.ys.size < 2:
            return True
        return tallest <= col.spacing - 2.8 * r

    def summary(self, li: int, quiet: bool = False) -> None:
        """One label for a whole column (a folded or crowded layer)."""
        lines = summary_lines(self.st, self.disp, li)
        col = self.lay.layers[li]
        if not lines or col.ys.size == 0:
            return
        r = self.lay.radius * 1.35
        lo, hi = col.extent
        x = col.x

        step = self.board.margin + 2

        def slots(w: float, h: float) -> list[lb.Rect]:
            # above the column, in two staggered rows so neighbours' summaries pass each other
            out = []
            for k in (0, 1):
                bottom = lo - r - 2 - (h + step) * k
                out.append((x - w / 2, bottom - h, x + w / 2, bottom))
            for k in (0, 1):
                top = hi + r + 2 + (h + step) * k
                out.append((x - w / 2, top, x + w / 2, top + h))
            return out

        it = lb.Item(("summary", li), lines, kind="text", slots_at=slots)
        got = lb.place_one(self.board, it, [self.sz.floor], self.measure, self.line_h)
        name = _layer_name(self.st, li)
        if got is not None:
            self.out.placed.append(got)
            if not quiet:
                self.out.summarised.append(f"{name}: {' · '.join(lines)}")
        elif not quiet:
            self.out.hidden.append(f"the numbers of {name}")

    # ----- outputs: targets and the loss ------------------------------------------------------
    def targets_and_loss(self) -> None:
        st, disp = self.st, self.disp
        tr = st.trace
        if tr is None or disp.kind not in ("loss", "backward", "update"):
            return
        li = st.n_layers
        col = self.lay.layers[li]
        t = tr.targets[disp.sample]
        items = []
        r = self.lay.radius
        for j, i in enumerate(col.visible.tolist()):
            y = float(col.ys[j])
            if not self.visible(col.x, y):
                continue
            pl = self.by_neuron.get((li, i))
            right = pl.box[2] if pl is not None and not pl.inside else col.x + r * 1.32
            below = pl.box[3] if pl is not None and not pl.inside else y + r * 1.32

            def slots(w, h, right=right, below=below, y=y, x=col.x):
                g = self.sz.px * 0.6
                return [
                    (right + g, y - h / 2, right + g + w, y + h / 2),
                    (right + g * 3, y - h / 2, right + g * 3 + w, y + h / 2),
                    (x - w / 2, below + 2, x + w / 2, below + 2 + h),
                ]

            items.append(
                lb.Item(("target", li, i), [f"t = {fmt(t[i], st.digits)}"], "text", slots_at=slots)
            )
        placed, missing = lb.place_group(
            self.board, items, self.sizes(True), self.measure, self.line_h, True
        )
        for pl in placed:
            self.target_boxes[pl.item.key[2]] = pl.box
        self.out.placed += placed
        if missing:
            self.out.hidden.append(f"{len(missing)} of {len(items)} targets")
        loss = "?" if disp.hidden_loss else fmt(tr.sample_losses[disp.sample], st.digits)
        text = f"sample {disp.sample + 1}: L = {loss}" if tr.batch_size > 1 else f"L = {loss}"
        if col.ys.size == 0:
            return
        lo, hi = col.extent
        lo, hi = lo - r * 1.4, hi + r * 1.4
        for pl in self.out.placed:  # below (or above) the outputs' numbers and targets too
            if pl.item.key[0] in ("neuron", "target") and pl.item.key[1] == li:
                lo, hi = min(lo, pl.box[1]), max(hi, pl.box[3])
        x, g = col.x, self.sz.px * 0.4

        def loss_slots(w: float, h: float) -> list[lb.Rect]:
            right_edge = self.area.right()
            left = max(min(x - r, right_edge - w), self.area.left())
            return [
                (left, hi + g, left + w, hi + g + h),
                (left, lo - g - h, left + w, lo - g),
                (x - w / 2, hi + g * 3, x + w / 2, hi + g * 3 + h),
            ]

        it = lb.Item(
            ("loss", li), [text, *mistake_view.loss_lines(st, disp)], "text", slots_at=loss_slots
        )
        got = lb.place_one(self.board, it, self.sizes(True), self.bold, self.line_h)
        if got is not None:
            self.out.placed.append(got)
        else:
            self.out.hidden.append("the loss")

    # ----- edges ------------------------------------------------------------------------------
    def edges(self, wl: int, priority: bool) -> None:
        e = self.disp.edges[wl]
        a, b = self.lay.layers[wl], self.lay.layers[wl + 1]
        if a.visible.size == 0 or b.visible.size == 0:
            return
        span = b.x - a.x - 2 * self.lay.radius
        if span < self.measure("−0.000", self.sz.floor):
            if priority:
                self.out.hidden.append(f"the {QUANTITY_SYMBOL[e.quantity]} of W{wl + 1}")
            return  # no edge of the layer is long enough for a number
        hot = sum(x.active for x in self.disp.edges)
        budget = max(min(BIG_EDGE_LABELS, EDGE_LABELS_ALL // max(hot, 1)), 1)
        pairs = edge_choice(self.st, e.values, a.visible, b.visible, wl, e.active, budget)
        r = self.lay.radius
        items = []
        for ri, ci in pairs:
            row, col = int(b.visible[ri]), int(a.visible[ci])
            if self.skip_edge == (wl, row, col):
                continue
            ya, yb = float(a.ys[ci]), float(b.ys[ri])
            if not (self.visible(a.x, ya) or self.visible(b.x, yb)):
                continue
            shift = ci % 2
            items.append(
                lb.Item(
                    ("edge", wl, row, col),
                    [
                        *(
                            ["?"]
                            if wl in self.disp.hidden_edges
                            else [
                                fmt(e.values[row, col], self.st.digits),
                                *_edge_mistake(self.st, wl, row, col, e.quantity),
                            ]
                        ),
                    ],
                    kind="edge",
                    anchor=(a.x + r, ya),
                    end=(b.x - r, yb),
                    ts=EDGE_TS[shift:] + EDGE_TS[:shift],
                )
            )
        tr = self.st.trace
        small = a.visible.size <= SMALL_SIDE and b.visible.size <= SMALL_SIDE
        if e.quantity == "dw" and tr is not None and items and small:
            # at the update, old → new under each Δw where the whole layer has room for it
            before, after, d = (
                tr.layers[wl].weights_before,
                tr.layers[wl].weights_after,
                self.st.digits,
            )
            long = [
                replace(
                    it,
                    lines=[
                        *it.lines,
                        f"{fmt(before[it.key[2], it.key[3]], d)} → {fmt(after[it.key[2], it.key[3]], d)}",
                    ],
                )
                for it in items
            ]
            placed, missing = lb.place_group(
                self.board, long, self.sizes(priority)[:2], self.measure, self.line_h, False
            )
            if placed:
                self.out.placed += placed
                return
        # the phase's own weight layers keep what fits; the others show all or none
        placed, missing = lb.place_group(
            self.board, items, self.sizes(priority), self.measure, self.line_h, priority
        )
        self.out.placed += placed
        if missing:
            what = QUANTITY_SYMBOL[e.quantity]
            some = f"{len(missing)} of {len(items)}" if placed else "the"
            self.out.hidden.append(f"{some} {what} of W{wl + 1}")

    # ----- names ------------------------------------------------------------------------------
    def names(self) -> None:
        st = self.st
        for li, names in ((0, st.input_names), (st.n_layers, st.output_names)):
            if not names:
                continue
            col = self.lay.layers[li]
            r = self.lay.radius
            for j, i in enumerate(col.visible.tolist()):
                y = float(col.ys[j])
                if i >= len(names) or not self.visible(col.x, y):
                    continue
                pl = self.by_neuron.get((li, i))
                if li == 0:
                    edge = pl.box[0] if pl is not None and not pl.inside else col.x - r * 1.32
                else:
                    tb = self.target_boxes.get(i)
                    edge = max(
                        tb[2] if tb else col.x + r * 1.32,
                        pl.box[2] if pl is not None and not pl.inside else col.x + r * 1.32,
                    )
                g = self.sz.px * 0.5
                left_side = li == 0

                def slots(w, h, edge=edge, y=y, g=g, left_side=left_side):
                    if left_side:
                        return [(edge - g - w, y - h / 2, edge - g, y + h / 2)]
                    return [(edge + g, y - h / 2, edge + g + w, y + h / 2)]

                it = lb.Item(("name", li, i), [str(names[i])], "text", slots_at=slots)
                got = lb.place_one(self.board, it, self.sizes(False), self.measure, self.line_h)
                if got is not None:
                    self.out.placed.append(got)


def _neuron_lines(st: SceneState, disp: Display, li: int, i: int) -> list[str]:
    """A neuron's numbers, with a classic mistake's under them while one is shown."""
    lines = label_lines(st, disp, li, i)
    return lines if st.mistake is None else mistake_view.neuron_lines(st, disp, li, i, lines)


def _edge_mistake(st: SceneState, wl: int, row: int, col: int, quantity: str) -> list[str]:
    wrong = mistake_view.edge_line(st, wl, row, col, quantity) if st.mistake else None
    return [wrong] if wrong else []


def _layer_name(st: SceneState, li: int) -> str:
    if li == 0:
        return "the input"
    return "the output" if li == st.n_layers else f"hidden layer {li}"
