"""Where the edges' numbers go: the selected weight's full label (on its edge, else near its
middle on a leader), and each weight layer's numbers (w, ∂L/∂w or Δw, with old → new under Δw
at the update where a small layer has room) along its edges.

``EdgeLabels`` is part of the placement context of :func:`nnviz.render.annotate.annotate`,
which provides the board, the scene, the layout, the sizes and the measures; the neurons'
numbers are in ``nnviz.render.annotate_columns``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from nnviz.core.numfmt import fmt
from nnviz.render import labels as lb
from nnviz.render import mistake_view
from nnviz.render.display import Display
from nnviz.render.label_text import BIG_EDGE_LABELS, EDGE_LABELS_ALL, SMALL_SIDE, edge_choice
from nnviz.render.scene import SceneState
from nnviz.render.selection import selected_edge_text

EDGE_TS = (0.7, 0.56, 0.82, 0.42, 0.3)  # where along an edge its number goes, best first
QUANTITY_SYMBOL = {"w": "w", "grad": "∂L/∂w", "dw": "Δw"}

if TYPE_CHECKING:
    from PySide6.QtCore import QRectF

    from nnviz.render.annotate import Sizes
    from nnviz.render.layout import Layout


class EdgeLabels:
    """The edges' numbers (a mixin of the placement context)."""

    # provided by the placement context, with measure(), bold(), line_h(), sizes(), visible()
    st: SceneState
    disp: Display
    lay: Layout
    board: lb.Board
    sz: Sizes
    out: lb.Outcome
    area: QRectF
    skip_edge: tuple[int, int, int] | None

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


def _edge_mistake(st: SceneState, wl: int, row: int, col: int, quantity: str) -> list[str]:
    wrong = mistake_view.edge_line(st, wl, row, col, quantity) if st.mistake else None
    return [wrong] if wrong else []
