"""Drawing the edges: colour by sign, width by size, batched by width bucket and sign; the
strongest ones only when a layer has more than EDGE_BUDGET drawn edges, over a band that
summarises all of them; flow marks on the phase's layer."""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QImage, QPainter, QPen, QPolygonF

from nnviz.core.numfmt import fmt
from nnviz.render.colormap import diverging_rgb
from nnviz.render.display import Display, EdgeData
from nnviz.render.layout import LayerLayout, Layout
from nnviz.render.paintkit import Kit, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme

EDGE_BUDGET = 1500  # most edges drawn per weight layer
WIDTH_BUCKETS = 8
FLOW_MARKS_MAX = 16  # a chevron on each of the phase's edges up to this many edges
STRIP_MIN_EDGES = 128  # weight layers with more drawn pairs of neurons go through strip images


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


def edge_widths(s: float, th: Theme, n_drawn: int, active: bool = True) -> np.ndarray:
    """Pen width per bucket: up to ~3.2 px at 1080 px (more for a handful of edges, less for
    many). The phase's own layer keeps a readable minimum even where its values are small."""
    density = float(np.clip(np.sqrt(120.0 / max(n_drawn, 1)), 0.4, 1.5))
    top = 3.2 * s * th.line_scale * density * (1.0 if active else 0.75)
    floor = max(0.8 * s * th.line_scale * density, 0.5) if active else 0.3
    if th.edge_min_px:  # projection: no hairlines (a projector loses them)
        top, floor = max(top, th.edge_min_px * s), max(floor, th.edge_min_px * s)
    return np.maximum(top * (np.arange(WIDTH_BUCKETS) + 1) / WIDTH_BUCKETS, min(floor, top))


def _pens(kit: Kit, th: Theme, s: float, n_drawn: int, active: bool) -> list[QPen]:
    """The pen of each (width bucket, sign) group: index bucket·3 + sign, sign 0 negative,
    1 positive, 2 NaN/Inf (the error colour)."""
    key = (th, s, n_drawn, active)
    hit = _PENS.get(key)
    if hit is None:
        widths = edge_widths(s, th, n_drawn, active).tolist()
        hit = []
        for bk in range(WIDTH_BUCKETS):
            strength = th.edge_floor + (1 - th.edge_floor) * edge_strength(bk, active)
            for colour in (th.negative, th.positive):
                hit.append(kit.pen(kit.blended(colour, th.background, strength), widths[bk]))
            hit.append(kit.pen(kit.colour(th.error), widths[bk]))
        if len(_PENS) > 256:
            _PENS.clear()
        _PENS[key] = hit
    return hit


_PENS: dict[tuple, list[QPen]] = {}


def edge_strength(bucket: int, active: bool) -> float:
    """How strongly a bucket's colour is laid over the background (1 = the palette's end)."""
    rel = (bucket + 1) / WIDTH_BUCKETS
    return 0.4 + 0.6 * rel if active else 0.45 * (0.35 + 0.65 * rel)


def draw_edges(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    s: float,
    clip: QRectF,
) -> tuple[list[EdgeSummary | None], int, int, bool]:
    """All weight layers. Returns per-layer summaries (None where nothing was left out), edges
    drawn, edges in all, and whether any layer was thinned or folded.

    On fast (raster) devices a weight layer of more than STRIP_MIN_EDGES edges is drawn once into
    a transparent strip image that is reused while its look is unchanged (stepping a phase
    changes one or two layers). Smaller layers are drawn straight onto the target: redrawing
    them costs less than a strip's allocation and blending when a new step makes it stale."""
    summaries: list[EdgeSummary | None] = []
    drawn = total = 0
    aggregated = False
    for wl, e in enumerate(disp.edges):
        a, b = lay.layers[wl], lay.layers[wl + 1]
        total += e.values.size
        vmax = e.stats.scale
        flow = disp.kind if e.active and disp.kind in ("forward", "backward") else None
        if kit.fast and a.visible.size * b.visible.size > STRIP_MIN_EDGES:
            summary = _strip(p, kit, th, lay, a, b, e, vmax, s, flow, clip)
        else:
            summary = _layer(p, kit, th, lay, a, b, e, vmax, s, flow)
        if summary is not None:
            drawn += summary.drawn
            if summary.thinned or summary.folded:
                aggregated = True
            else:
                summary = None
        summaries.append(summary)
    return summaries, drawn, total, aggregated


def _strip(
    p: QPainter,
    kit: Kit,
    th: Theme,
    lay: Layout,
    a: LayerLayout,
    b: LayerLayout,
    e: EdgeData,
    vmax: float,
    s: float,
    flow: str | None,
    clip: QRectF,
) -> EdgeSummary | None:
    """One weight layer through the strip cache (raster devices only)."""
    x_lo = max(math.floor(a.x), math.floor(clip.left()))
    x_hi = min(math.ceil(b.x), math.ceil(clip.right()))
    # the edges' vertical reach: the outer neurons, the band's padding, flow marks and pens
    margin = 16 * s * th.line_scale + 4
    if a.ys.size > 1 or b.ys.size > 1:
        margin += 0.5 * max(x.spacing for x in (a, b) if x.ys.size > 1)
    if a.ys.size and b.ys.size:
        top, bottom = min(a.extent[0], b.extent[0]), max(a.extent[1], b.extent[1])
    else:
        top = bottom = clip.top()
    y_lo = max(math.floor(top - margin), math.floor(clip.top()))
    y_hi = min(math.ceil(bottom + margin), math.ceil(clip.bottom()))
    if x_hi - x_lo < 1 or y_hi - y_lo < 1:
        return _layer(None, kit, th, lay, a, b, e, vmax, s, None)  # off screen: counts only
    key = (
        e.key if isinstance(e.key, bytes) else id(e.key),
        e.quantity,
        e.active,
        flow,
        vmax,
        th.name,
        s,
        lay.radius,
        a.x,
        b.x,
        a.ys.tobytes(),
        b.ys.tobytes(),
        a.folded_count,
        b.folded_count,
        x_lo,
        x_hi,
        y_lo,
        y_hi,
        kit.dpr,
    )
    hit = kit.strips.get(key)
    if hit is not None and (isinstance(e.key, bytes) or hit[0]() is e.key):
        _values, img, summary = hit
    else:
        dpr = kit.dpr
        img = QImage(
            round((x_hi - x_lo) * dpr),
            round((y_hi - y_lo) * dpr),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        img.fill(Qt.GlobalColor.transparent)
        q = QPainter(img)
        q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        q.scale(dpr, dpr)
        q.translate(-x_lo, -y_lo)
        summary = _layer(q, kit, th, lay, a, b, e, vmax, s, flow)
        q.end()
        img.setDevicePixelRatio(dpr)
        ref = (lambda: None) if isinstance(e.key, bytes) else weakref.ref(e.key)
        kit.strips.put(key, (ref, img, summary), img.sizeInBytes())
    p.drawImage(QPointF(x_lo, y_lo), img)
    return summary


def _layer(
    p: QPainter | None,
    kit: Kit,
    th: Theme,
    lay: Layout,
    a: LayerLayout,
    b: LayerLayout,
    e: EdgeData,
    vmax: float,
    s: float,
    flow: str | None,
) -> EdgeSummary | None:
    """Choose a weight layer's edges (the strongest EDGE_BUDGET when there are more) and draw
    them with the band and flow marks; with no painter, only count them."""
    if a.visible.size == 0 or b.visible.size == 0:
        return None
    shown = e.values if _all_of(a, b, e.values) else e.values[np.ix_(b.visible, a.visible)]
    flat = shown.ravel()
    where = np.flatnonzero(flat)  # exact zeros have no width; NaN is kept
    flat = flat[where]
    finite = np.isfinite(flat)
    clean = bool(finite.all())
    mag = np.abs(flat) if clean else np.where(finite, np.abs(np.where(finite, flat, 0.0)), np.inf)
    thinned = flat.size > EDGE_BUDGET
    if thinned:
        keep = np.argpartition(-mag, EDGE_BUDGET - 1)[:EDGE_BUDGET]
        where, flat, mag, finite = where[keep], flat[keep], mag[keep], finite[keep]
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
    if p is None:
        return summary
    if summary.thinned or summary.folded:
        _band(p, th, e, a, b, x0, x1, s)
    if flat.size and x1 > x0:
        bucket = np.minimum(mag * (WIDTH_BUCKETS / vmax), WIDTH_BUCKETS - 1).astype(np.intp)
        group = bucket * 3 + (flat > 0)
        if not clean:
            group[~finite] = (WIDTH_BUCKETS // 2) * 3 + 2
        # one batch per (width bucket, sign), thin ones first so the strong ones lie on top
        order = np.argsort(group, kind="stable")
        counts = np.bincount(group, minlength=WIDTH_BUCKETS * 3)
        ordered = _lines(kit, x0, x1, a.ys, b.ys, where[order], thinned)
        pens = _pens(kit, th, s, flat.size, e.active)
        start = 0
        for g in np.flatnonzero(counts).tolist():
            stop = start + int(counts[g])
            p.setPen(pens[g])
            p.drawLines(ordered[start:stop])
            start = stop
    if flow is not None:
        _flow_marks(p, kit, th, lay, a, b, flow, s)
    return summary


def _lines(
    kit: Kit, x0: float, x1: float, ya: np.ndarray, yb: np.ndarray, pick: np.ndarray, thinned: bool
) -> list[QLineF]:
    """The lines of the picked edges (flat indices row·len(ya) + col): from the kit's cache of
    every pair's line, or, when only the strongest of many pairs are drawn, made afresh."""
    if not thinned:
        every = kit.span_lines(x0, x1, ya, yb)
        return [every[i] for i in pick.tolist()]
    rows, cols = np.divmod(pick, ya.size)
    return list(
        map(QLineF, [x0] * pick.size, ya[cols].tolist(), [x1] * pick.size, yb[rows].tolist())
    )


def _all_of(a: LayerLayout, b: LayerLayout, values: np.ndarray) -> bool:
    """Whether both columns draw every neuron (so the matrix needs no picking)."""
    return a.visible.size == values.shape[1] and b.visible.size == values.shape[0]


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
            QPointF(x0, a.extent[0] - pad_a),
            QPointF(x1, b.extent[0] - pad_b),
            QPointF(x1, b.extent[1] + pad_b),
            QPointF(x0, a.extent[1] + pad_a),
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
    t = 0.62 if kind == "forward" else 0.38  # crossing edges' marks apart
    d = 1.0 if kind == "forward" else -1.0
    px, py = np.full(ya.size, x0 + (x1 - x0) * t), ya + (yb - ya) * t
    ux, uy = (x1 - x0) * d, (yb - ya) * d
    length = np.hypot(ux, uy)
    ux, uy = ux / length, uy / length
    size = max(11.0 * s * th.line_scale**0.5, 6.0)
    # two strokes from behind the tip, ±35° off the line
    c, sn = np.cos(0.6), np.sin(0.6)
    bx1, by1 = px - size * (ux * c - uy * sn), py - size * (uy * c + ux * sn)
    bx2, by2 = px - size * (ux * c + uy * sn), py - size * (uy * c - ux * sn)
    colour = qcolor(th.flow_forward if kind == "forward" else th.flow_backward)
    w = max(2.6 * s * th.line_scale**0.5, 1.5)
    kit.lines(
        p,
        np.concatenate([bx1, bx2]),
        np.concatenate([by1, by2]),
        np.concatenate([px, px]),
        np.concatenate([py, py]),
        w,
        colour,
    )


def flow_arrow_box(
    th: Theme, lay: Layout, disp: Display, s: float, y: float
) -> tuple[float, float, float, float] | None:
    """The box (left, top, right, bottom) the phase's flow arrow covers, or None."""
    if disp.kind not in ("forward", "backward") or disp.k is None:
        return None
    a, b = lay.layers[disp.k - 1], lay.layers[disp.k]
    head = max(3.0 * s * th.line_scale, 2.0) * 3.5
    x0, x1 = sorted((a.x + lay.radius, b.x - lay.radius))
    return (x0, y - head * 0.6, x1, y + head * 0.6)


def draw_flow_arrow(p: QPainter, th: Theme, lay: Layout, disp: Display, s: float, y: float) -> None:
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


def band_note(summary: EdgeSummary, digits: int = 3) -> str:
    """What a summarised layer's band says."""
    how = "strongest " if summary.thinned else ""
    mean = fmt(summary.mean, digits)
    return f"showing {summary.drawn:,} {how}of {summary.total:,} · mean {mean}"
