"""Where a column's numbers go: each neuron's numbers beside it, a crowded or folded column's one
summary (‖δ‖ or mean |a|), the outputs' targets and the loss, and the inputs' and outputs'
names.

``ColumnLabels`` is part of the placement context of :func:`nnviz.render.annotate.annotate`,
which provides the board, the scene, the layout, the sizes and the measures; the edge numbers
are in ``nnviz.render.annotate_edges``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nnviz.core.numfmt import fmt
from nnviz.render import labels as lb
from nnviz.render import mistake_view
from nnviz.render.display import Display
from nnviz.render.label_text import summary_lines
from nnviz.render.neurons import label_lines
from nnviz.render.scene import SceneState

if TYPE_CHECKING:
    from PySide6.QtCore import QRectF

    from nnviz.render.annotate import Sizes
    from nnviz.render.layout import Layout


def active_column(disp: Display) -> int | None:
    """The column the phase works on (None for the loss, the update and before training)."""
    if disp.kind in ("forward", "backward") and disp.k is not None:
        return disp.k
    return None


class ColumnLabels:
    """The neurons' numbers, column by column (a mixin of the placement context)."""

    # provided by the placement context, with measure(), bold(), line_h(), sizes(), visible()
    st: SceneState
    disp: Display
    lay: Layout
    board: lb.Board
    sz: Sizes
    out: lb.Outcome
    area: QRectF
    by_neuron: dict[tuple[int, int], lb.Placed]
    target_boxes: dict[int, lb.Rect]
    top_px: float

    # ----- neurons ----------------------------------------------------------------------------
    def column(self, li: int, priority: bool) -> None:
        col = self.lay.layers[li]
        items = []
        for j, i in enumerate(col.visible.tolist()):
            y = float(col.ys[j])
            if not self.visible(col.x, y):
                continue
            lines = neuron_lines(self.st, self.disp, li, i)
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
                f"{len(missing)} of {len(items)} numbers of {layer_name(self.st, li)}"
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
        name = layer_name(self.st, li)
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


def neuron_lines(st: SceneState, disp: Display, li: int, i: int) -> list[str]:
    """A neuron's numbers, with a classic mistake's under them while one is shown."""
    lines = label_lines(st, disp, li, i)
    return lines if st.mistake is None else mistake_view.neuron_lines(st, disp, li, i, lines)


def layer_name(st: SceneState, li: int) -> str:
    if li == 0:
        return "the input"
    return "the output" if li == st.n_layers else f"hidden layer {li}"
