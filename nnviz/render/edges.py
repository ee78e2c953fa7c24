"""Drawing the edges: colour by sign, width by size, batched by width bucket and sign; the
strongest ones only when a layer has more than EDGE_BUDGET drawn edges, over a band that
summarises all of them; flow marks on the phase's layer; the selection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen, QPolygonF

from nnviz.core.explain import fmt
from nnviz.render.colormap import diverging_rgb
from nnviz.render.display import Display, EdgeData
from nnviz.render.layout import LayerLayout, Layout
from nnviz.render.paintkit import Kit, blend, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme

EDGE_BUDGET = 1500  # most edges drawn per weight layer
WIDTH_BUCKETS = 8
FLOW_MARKS_MAX = 200  # chevrons along the phase's edges up to this many edges


@dataclass
class EdgeSummary:
    """What a weight layer's band says: how many edges were drawn of how many, and their mean."""

    drawn: int
    total: int
    thinned: bool
    folded: bool
    mean: float
    x0: float
    x1: float


def edge_widths(s: float, th: Theme, n_drawn: int) -> np.ndarray:
    """Pen width per bucket: up to ~3.2 px at 1080 px, thinner when a layer has many edges."""
    density = float(np.clip(np.sqrt(120.0 / max(n_drawn, 1)), 0.4, 1.0))
    top = 3.2 * s * th.line_scale * density
    return np.maximum(top * (np.arange(WIDTH_BUCKETS) + 1) / WIDTH_BUCKETS, 0.3)


def draw_edges(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    s: float,
) -> tuple[list[EdgeSummary | None], int, int, bool]:
    """All weight layers. Returns per-layer summaries (None where nothing was left out), edges
    drawn, edges in all, and whether any layer was thinned or folded."""
    summaries: list[EdgeSummary | None] = []
    drawn = total = 0
    aggregated = False
    for wl, e in enumerate(disp.edges):
        a, b = lay.layers[wl], lay.layers[wl + 1]
        total += e.values.size
        summary = _layer(p, kit, th, lay, a, b, e, disp.edge_scales[e.quantity], s)
        if summary is not None:
            drawn += summary.drawn
            if summary.thinned or summary.folded:
                aggregated = True
            else:
                summary = None
        summaries.append(summary)
        if e.active and disp.kind in ("forward", "backward"):
            _flow_marks(p, kit, th, lay, a, b, e, disp.kind, s)
    return summaries, drawn, total, aggregated


def _layer(
    p: QPainter,
    kit: Kit,
    th: Theme,
    lay: Layout,
    a: LayerLayout,
    b: LayerLayout,
    e: EdgeData,
    vmax: float,
    s: float,
) -> EdgeSummary | None:
    if a.visible.size == 0 or b.visible.size == 0:
        return None
    shown = e.values[np.ix_(b.visible, a.visible)]
    rows, cols = np.nonzero(shown != 0)  # exact zeros have no width; NaN is kept
    flat = shown[rows, cols]
    finite = np.isfinite(flat)
    mag = np.where(finite, np.abs(np.where(finite, flat, 0.0)), np.inf)
    thinned = flat.size > EDGE_BUDGET
    if thinned:
        keep = np.argpartition(-mag, EDGE_BUDGET - 1)[:EDGE_BUDGET]
        rows, cols, flat, mag, finite = rows[keep], cols[keep], flat[keep], mag[keep], finite[keep]
    x0, x1 = a.x + lay.radius, b.x - lay.radius
    summary = EdgeSummary(
        drawn=int(flat.size),
        total=int(e.values.size),
        thinned=thinned,
        folded=bool(a.folded_count or b.folded_count),
        mean=e.stats.mean,
        x0=x0,
        x1=x1,
    )
    if summary.thinned or summary.folded:
        _band(p, th, e, a, b, x0, x1, s)
    if flat.size == 0 or x1 <= x0:
        return summary
    widths = edge_widths(s, th, flat.size)
    bucket = np.minimum((np.minimum(mag / vmax, 1.0) * WIDTH_BUCKETS).astype(int), WIDTH_BUCKETS - 1)
    bucket[~finite] = WIDTH_BUCKETS // 2
    sign = np.where(finite, (flat > 0).astype(int), 2)
    alpha = 1.0 if e.active else 0.4
    ya, yb = a.ys[cols], b.ys[rows]
    xa, xb = np.full(flat.size, x0), np.full(flat.size, x1)
    for bk in np.unique(bucket):
        in_bucket = bucket == bk
        for sg in (0, 1, 2):
            m = in_bucket & (sign == sg)
            if not m.any():
                continue
            if sg == 2:
                colour = qcolor(th.error)
            else:
                strength = alpha * (0.3 + 0.7 * (bk + 1) / WIDTH_BUCKETS)
                colour = blend(th.positive if sg else th.negative, th.background, strength)
            kit.lines(p, xa[m], ya[m], xb[m], yb[m], float(widths[bk]), colour)
    return summary


def _band(
    p: QPainter,
    th: Theme,
    e: EdgeData,
    a: LayerLayout,
    b: LayerLayout,
    x0: float,
    x1: float,
    s: float,
) -> None:
    """A translucent quad behind a thinned or folded layer, coloured by the mean signed value
    relative to the mean size (all one sign → full colour, balanced → neutral)."""
    rel = e.stats.mean / e.stats.mean_abs if e.stats.mean_abs > 0 else 0.0
    colour = diverging_rgb(np.array([rel]), 1.0, th)[0]
    pad_a = 0.45 * a.spacing if a.ys.size > 1 else 6 * s
    pad_b = 0.45 * b.spacing if b.ys.size > 1 else 6 * s
    poly = QPolygonF(
        [
            QPointF(x0, a.ys.min() - pad_a),
            QPointF(x1, b.ys.min() - pad_b),
            QPointF(x1, b.ys.max() + pad_b),
            QPointF(x0, a.ys.max() + pad_a),
        ]
    )
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(qcolor(colour, 0.22 if th.dark else 0.3)))
    p.drawPolygon(poly)
    p.setBrush(Qt.BrushStyle.NoBrush)


def _flow_marks(
    p: QPainter,
    kit: Kit,
    th: Theme,
    lay: Layout,
    a: LayerLayout,
    b: LayerLayout,
    e: EdgeData,
    kind: str,
    s: float,
) -> None:
    """Chevrons along the phase's edges pointing the way the numbers flow: forward left→right,
    backward right→left."""
    n = a.visible.size * b.visible.size
    if n == 0 or n > FLOW_MARKS_MAX:
        return
    x0, x1 = a.x + lay.radius, b.x - lay.radius
    if x1 - x0 < 40 * s:
        return
    ya = np.tile(a.ys, b.visible.size)
    yb = np.repeat(b.ys, a.visible.size)
    t = 0.72 if kind == "forward" else 0.28
    d = 1.0 if kind == "forward" else -1.0
    px, py = x0 + (x1 - x0) * t, ya + (yb - ya) * t
    ux, uy = (x1 - x0) * d, (yb - ya) * d
    length = np.hypot(ux, uy)
    ux, uy = ux / length, uy / length
    size = max(5.0 * s * th.line_scale ** 0.5, 3.5)
    # two strokes from behind the tip, ±35° off the line
    c, sn = np.cos(0.6), np.sin(0.6)
    bx1, by1 = px - size * (ux * c - uy * sn), py - size * (uy * c + ux * sn)
    bx2, by2 = px - size * (ux * c + uy * sn), py - size * (uy * c - ux * sn)
    colour = qcolor(th.flow_forward if kind == "forward" else th.flow_backward)
    w = max(1.6 * s * th.line_scale ** 0.5, 1.0)
    kit.lines(
        p,
        np.concatenate([bx1, bx2]),
        np.concatenate([by1, by2]),
        np.concatenate([px, px]),
        np.concatenate([py, py]),
        w,
        colour,
    )


def draw_flow_arrow(
    p: QPainter, th: Theme, lay: Layout, disp: Display, s: float, y: float
) -> None:
    """A big arrow over the phase's weight layer: left→right forward, right→left backward."""
    if disp.kind not in ("forward", "backward") or disp.k is None:
        return
    a, b = lay.layers[disp.k - 1], lay.layers[disp.k]
    colour = th.flow_forward if disp.kind == "forward" else th.flow_backward
    start, end = a.x + lay.radius, b.x - lay.radius
    if disp.kind == "backward":
        start, end = end, start
    w = max(3.0 * s * th.line_scale, 2.0)
    head = w * 3.5
    d = 1 if end > start else -1
    pen = QPen(qcolor(colour))
    pen.setWidthF(w)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    p.setPen(pen)
    p.drawLine(QPointF(start, y), QPointF(end - d * head * 0.5, y))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(qcolor(colour))
    p.drawPolygon(
        QPolygonF(
            [
                QPointF(end, y),
                QPointF(end - d * head, y - head * 0.6),
                QPointF(end - d * head, y + head * 0.6),
            ]
        )
    )
    p.setBrush(Qt.BrushStyle.NoBrush)


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
        vmax = disp.edge_scales[e.quantity]
        rel = min(abs(v) / vmax, 1.0) if np.isfinite(v) else 0.5
        bk = min(int(rel * WIDTH_BUCKETS), WIDTH_BUCKETS - 1)
        w = float(edge_widths(s, th, 1)[bk]) if v != 0 else 0.0
        x0, x1 = pa[0] + lay.radius, pb[0] - lay.radius
        xs0, ys0 = np.array([x0]), np.array([pa[1]])
        xs1, ys1 = np.array([x1]), np.array([pb[1]])
        kit.lines(p, xs0, ys0, xs1, ys1, w + max(3.0 * s * th.line_scale, 2.5), halo)
        if v != 0:
            colour = qcolor(th.error if not np.isfinite(v) else (th.positive if v > 0 else th.negative))
            kit.lines(p, xs0, ys0, xs1, ys1, max(w, 1.0), colour)
        out.append((wl, row, col))
    return out


def selected_edge_text(st: SceneState, disp: Display, wl: int, row: int, col: int) -> str:
    """The selected edge's label: its value, gradient, or old → new weight at the update."""
    d = st.decimals
    e = disp.edges[wl]
    if e.quantity == "dw" and st.trace is not None:
        lt = st.trace.layers[wl]
        return f"w {fmt(lt.weights_before[row, col], d)} → {fmt(lt.weights_after[row, col], d)}"
    name = {"w": "w", "grad": "∂L/∂w", "dw": "Δw"}[e.quantity]
    return f"{name} = {fmt(e.values[row, col], d)}"


def selected_edge_anchor(lay: Layout, wl: int, row: int, col: int) -> QPointF | None:
    """Where the selected edge's label goes: on the edge, a third of the way from its source."""
    pa, pb = lay.neuron_pos(wl, col), lay.neuron_pos(wl + 1, row)
    if pa is None or pb is None:
        return None
    x0, x1 = pa[0] + lay.radius, pb[0] - lay.radius
    return QPointF(x0 + (x1 - x0) * 0.5, pa[1] + (pb[1] - pa[1]) * 0.5)


def band_note(summary: EdgeSummary) -> str:
    """What a summarised layer's band says."""
    how = "strongest " if summary.thinned else ""
    return f"showing {summary.drawn:,} {how}of {summary.total:,} · mean {fmt(summary.mean, 4)}"


def note_box(summary: EdgeSummary, y: float, h: float) -> QRectF:
    return QRectF(summary.x0, y, summary.x1 - summary.x0, h)
