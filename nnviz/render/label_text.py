"""What the numbers say (the edges that carry one, a layer's summary) and how a placed label is
drawn: on a backing box, an edge's number framed in the edge's colour, the selected edge's in the
selection colour, a number inside its neuron in the ink that reads on its fill."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from nnviz.core.numfmt import fmt
from nnviz.render import labels as lb
from nnviz.render.display import Display
from nnviz.render.paintkit import Kit, palette_index, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme

SMALL_SIDE = 4  # weight layers joining columns of up to this many neurons label every edge
BIG_EDGE_LABELS = 6  # else the strongest this many of the phase's own weight layers
EDGE_LABELS_ALL = 12  # … shared out when the phase works on many layers (the update)
MISTAKE_MARK = "✗"  # render.mistake_view's lines start with it
NUMBER_KINDS = ("neuron", "edge", "target", "loss", "summary", "selected")


class DrawnLabel(NamedTuple):
    """One line of text drawn on the network: its text, its box, its font size and its kind
    (one of NUMBER_KINDS, or "name")."""

    text: str
    box: QRectF
    px: float
    kind: str


def edge_choice(
    st: SceneState,
    values: np.ndarray,
    cols: np.ndarray,
    rows: np.ndarray,
    wl: int,
    active: bool,
    budget: int = BIG_EDGE_LABELS,
) -> list[tuple[int, int]]:
    """The (row index, col index) into the drawn neurons of the edges that carry their number:
    every edge of a small layer, strongest first; in a big one the selected neuron's fan-in
    (or fan-out), else the strongest few of the phase's own layers."""
    n = rows.size * cols.size
    shown = values[np.ix_(rows, cols)]
    mag = np.where(np.isfinite(shown), np.abs(shown), np.inf)
    if rows.size <= SMALL_SIDE and cols.size <= SMALL_SIDE:
        order = np.argsort(-mag, axis=None, kind="stable")
        return [divmod(int(k), cols.size) for k in order]
    sel = st.selection
    if sel and sel[0] == "neuron" and len(sel) >= 3:
        li, i = int(sel[1]), int(sel[2])
        if li == wl + 1 and (rows == i).any():
            ri = int(np.flatnonzero(rows == i)[0])
            order = np.argsort(-mag[ri], kind="stable")[:BIG_EDGE_LABELS]
            return [(ri, int(c)) for c in order]
        if li == wl and (cols == i).any():
            ci = int(np.flatnonzero(cols == i)[0])
            order = np.argsort(-mag[:, ci], kind="stable")[:BIG_EDGE_LABELS]
            return [(int(r), ci) for r in order]
    if not active:
        return []
    k = min(budget, n)
    top = np.argpartition(-mag, k - 1, axis=None)[:k]
    top = top[np.argsort(-mag.ravel()[top], kind="stable")]
    return [divmod(int(t), cols.size) for t in top]


def summary_lines(st: SceneState, disp: Display, li: int) -> list[str]:
    """A whole layer in one number: its ‖δ‖ where it is shown, else its mean |value|."""
    d, mode = st.digits, st.label_mode
    acts = disp.acts[li]
    if acts is None:
        return []
    if li == 0:
        return [f"mean |x| = {fmt(float(np.mean(np.abs(acts))), d)}"]
    tr = st.trace
    assert tr is not None
    lay, s = tr.layers[li - 1], disp.sample
    if disp.deltas[li] is not None and mode in ("activation", "delta", "all"):
        return [f"‖δ‖ = {fmt(float(np.linalg.norm(disp.deltas[li])), d)}"]
    if mode in ("activation", "all"):
        return [f"mean |a| = {fmt(float(np.mean(np.abs(acts))), d)}"]
    if mode == "pre_activation":
        return [f"mean |z| = {fmt(float(np.mean(np.abs(lay.pre_activation[s]))), d)}"]
    if mode == "activation_grad":
        return [f"mean σ' = {fmt(float(np.mean(lay.activation_grad[s])), d)}"]
    return []


def draw_placed(
    p: QPainter,
    kit: Kit,
    th: Theme,
    disp: Display,
    out: lb.Outcome,
) -> list[DrawnLabel]:
    """Backing boxes, leader lines and text of every placed label."""
    drawn: list[DrawnLabel] = []
    backing = kit.colour(th.background, 0.85)
    fg, muted = kit.colour(th.foreground), kit.colour(th.muted)
    pal_ink = kit.inks(th)
    frame_fill = kit.colour(th.background, 0.9)
    inks: dict[int, np.ndarray] = {}  # per column: the ink index on each neuron's fill
    current = current_ink = None
    for pl in out.placed:
        kind = pl.item.key[0]
        bold = kind == "loss"
        font = kit.font(pl.px, bold=bold)
        pad = max(pl.px * 0.06, 1.0)
        x0, y0, x1, y1 = pl.box
        if kind == "selected":
            pen = QPen(qcolor(th.selection))
            pen.setWidthF(max(pl.px * 0.1, 1.0))
            p.setPen(pen)
            current_ink = None
            p.setBrush(qcolor(th.background, 0.92))
            m = pl.px * 0.12
            p.drawRoundedRect(QRectF(x0 - m, y0 - m, x1 - x0 + 2 * m, y1 - y0 + 2 * m), m, m)
            p.setBrush(Qt.BrushStyle.NoBrush)
        elif kind == "edge":  # framed in the edge's colour, so it reads as the edge's number
            wl, row, col = pl.item.key[1:]
            v = float(disp.edges[wl].values[row, col])
            colour = th.error if not np.isfinite(v) else (th.positive if v > 0 else th.negative)
            p.setPen(kit.pen(kit.colour(colour), max(pl.px * 0.07, 1.0)))
            current_ink = None
            p.setBrush(frame_fill)
            m = pad  # within half the board's margin: frames never touch
            p.drawRoundedRect(
                QRectF(x0 - m, y0 - m, x1 - x0 + 2 * m, y1 - y0 + 2 * m), m * 2, m * 2
            )
            p.setBrush(Qt.BrushStyle.NoBrush)
        elif not pl.inside:
            p.fillRect(QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), backing)
        if pl.leader is not None:
            lx0, ly0, lx1, ly1 = pl.leader
            p.setPen(kit.pen(muted, max(pl.px * 0.06, 1.0)))
            current_ink = None
            p.drawLine(QLineF(lx0, ly0, lx1, ly1))
        ink = fg
        if kind == "name":
            ink = muted
        elif pl.inside and kind == "neuron":
            li, i = pl.item.key[1], pl.item.key[2]
            acts = disp.acts[li]
            if acts is not None:
                if li not in inks:
                    scale = disp.input_scale if li == 0 else disp.act_scale
                    inks[li] = palette_index(acts, scale)
                ink = pal_ink[int(inks[li][i])]
        if ink is not current_ink:
            p.setPen(ink)
            current_ink = ink
        if font is not current:
            p.setFont(font[0])
            current = font
        ascent = font[1].ascent()
        for text, (lx, ly, rx, ry) in zip(pl.item.lines, pl.line_boxes, strict=True):
            if pl.inside:  # centred in the neuron
                w = rx - lx
                lx = (x0 + x1) / 2 - w / 2
                rx = lx + w
            if text.startswith(MISTAKE_MARK):  # a classic mistake's number: the error colour
                p.setPen(kit.colour(th.error))
                current_ink = None
            elif current_ink is None:
                p.setPen(ink)
                current_ink = ink
            p.drawText(QPointF(lx, ly + ascent), text)
            drawn.append(DrawnLabel(text, QRectF(lx, ly, rx - lx, ry - ly), pl.px, kind))
    return drawn
