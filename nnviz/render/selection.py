"""The selection: a selected edge, or every drawn edge of a selected neuron, re-drawn over a
halo in the selection colour; the selected edge's label (its value, its gradient, or old → new
at the update). The selected neuron's own ring is drawn with the neurons."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from nnviz.core.numfmt import fmt
from nnviz.render.display import Display
from nnviz.render.edges import WIDTH_BUCKETS, edge_widths
from nnviz.render.layout import Layout
from nnviz.render.paintkit import Kit, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme


def draw_selection_edges(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    s: float,
) -> list[tuple[int, int, int]]:
    """Re-draw the selected edge, or every drawn edge of the selected neuron, over a halo in the
    selection colour. Returns the (weight layer, row, col) edges emphasised."""
    sel = st.selection
    if not sel:
        return []
    edges: list[tuple[int, int, int]] = []
    if sel[0] == "edge" and len(sel) >= 4:
        edges = [(int(sel[1]), int(sel[2]), int(sel[3]))]
    elif sel[0] == "neuron" and len(sel) >= 3:
        li, i = int(sel[1]), int(sel[2])
        if lay.neuron_pos(li, i) is None:
            return []
        if li > 0:
            edges += [(li - 1, i, int(c)) for c in lay.layers[li - 1].visible]
        if li < st.n_layers:
            edges += [(li, int(r), i) for r in lay.layers[li + 1].visible]
    out = []
    halo = qcolor(th.selection)
    for wl, row, col in edges:
        if not 0 <= wl < len(disp.edges):
            continue
        pa, pb = lay.neuron_pos(wl, col), lay.neuron_pos(wl + 1, row)
        if pa is None or pb is None:
            continue
        e = disp.edges[wl]
        v = float(e.values[row, col])
        vmax = e.stats.scale
        rel = min(abs(v) / vmax, 1.0) if np.isfinite(v) else 0.5
        bk = min(int(rel * WIDTH_BUCKETS), WIDTH_BUCKETS - 1)
        w = float(edge_widths(s, th, 1)[bk]) if v != 0 else 0.0
        x0, x1 = pa[0] + lay.radius, pb[0] - lay.radius
        xs0, ys0 = np.array([x0]), np.array([pa[1]])
        xs1, ys1 = np.array([x1]), np.array([pb[1]])
        kit.lines(p, xs0, ys0, xs1, ys1, w + max(3.0 * s * th.line_scale, 2.5), halo)
        if v != 0:
            colour = qcolor(
                th.error if not np.isfinite(v) else (th.positive if v > 0 else th.negative)
            )
            kit.lines(p, xs0, ys0, xs1, ys1, max(w, 1.0), colour)
        out.append((wl, row, col))
    return out


def selected_edge_text(st: SceneState, disp: Display, wl: int, row: int, col: int) -> str:
    """The selected edge's label: its value, gradient, or old → new weight at the update."""
    d = st.digits
    e = disp.edges[wl]
    if wl in disp.hidden_edges and st.trace is not None:  # predict mode
        q = disp.hidden_edges[wl]
        if q == "dw":
            return f"w {fmt(st.trace.layers[wl].weights_before[row, col], d)} → ?"
        return f"{QUANTITY_SYMBOL_TEXT[q]} = ?"
    if e.quantity == "dw" and st.trace is not None:
        lt = st.trace.layers[wl]
        return f"w {fmt(lt.weights_before[row, col], d)} → {fmt(lt.weights_after[row, col], d)}"
    name = {"w": "w", "grad": "∂L/∂w", "dw": "Δw"}[e.quantity]
    return f"{name} = {fmt(e.values[row, col], d)}"


QUANTITY_SYMBOL_TEXT = {"w": "w", "grad": "∂L/∂w", "dw": "Δw"}


def selected_edge_anchor(lay: Layout, wl: int, row: int, col: int) -> QPointF | None:
    """Where the selected edge's label goes: on the edge, a third of the way from its source."""
    pa, pb = lay.neuron_pos(wl, col), lay.neuron_pos(wl + 1, row)
    if pa is None or pb is None:
        return None
    x0, x1 = pa[0] + lay.radius, pb[0] - lay.radius
    return QPointF(x0 + (x1 - x0) * 0.5, pa[1] + (pb[1] - pa[1]) * 0.5)


def draw_edge_label(
    p: QPainter, kit: Kit, th: Theme, text: str, x: float, y: float, px: float
) -> QRectF:
    """A boxed label for the selected edge, centred on (x, y); returns the number's box."""
    font = kit.font(px)
    fm = font[1]
    w, h = fm.horizontalAdvance(text), fm.ascent() + fm.descent()
    pad = h * 0.3
    box = QRectF(x - w / 2 - pad, y - h / 2 - pad, w + 2 * pad, h + 2 * pad)
    pen = QPen(qcolor(th.selection))
    pen.setWidthF(max(px * 0.12, 1.0))
    p.setPen(pen)
    p.setBrush(qcolor(th.background, 0.92))
    p.drawRoundedRect(box, pad, pad)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(qcolor(th.foreground))
    return kit.text(p, font, text, x, y, "center")
