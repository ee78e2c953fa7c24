"""The one renderer: draws a SceneState with QPainter onto any paint device (the window's
canvas, a QImage, an SVG or a PDF), so the window and the exporter show the same picture.

Sizes scale with the target's height (theme sizes are for 1080 px), so a window and an export of
the same size are identical. Edges are drawn only between drawn (unfolded) neurons, batched by
colour and width bucket; a weight layer with more drawn edges than EDGE_BUDGET shows its
strongest ones over a band that summarises all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
    QPolygonF,
)

from nnviz.core.explain import fmt
from nnviz.render.colormap import diverging_rgb, robust_scale
from nnviz.render.layout import Layout, compute_layout
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme, get_theme

EDGE_BUDGET = 1500
WIDTH_BUCKETS = 6
MIN_LABEL_PX = 11.0


@dataclass
class RenderInfo:
    """What a paint did: the layout (for hit-testing) and the label boxes (for checks)."""

    layout: Layout
    label_boxes: list[QRectF] = field(default_factory=list)
    edges_drawn: int = 0
    edges_total: int = 0
    aggregated: bool = False


def _qc(hex_or_rgb, alpha: float = 1.0) -> QColor:
    c = QColor(hex_or_rgb) if isinstance(hex_or_rgb, str) else QColor(*map(int, hex_or_rgb))
    c.setAlphaF(max(0.0, min(alpha, 1.0)))
    return c


class NetworkRenderer:
    """Stateless apart from font caches: ``paint`` draws one scene into a rectangle."""

    def paint(self, painter: QPainter, rect: QRectF, state: SceneState) -> RenderInfo:
        if QGuiApplication.instance() is None:
            raise RuntimeError("drawing text needs a QGuiApplication: call ensure_gui_app() first")
        theme = get_theme(state.theme)
        s = rect.height() / 1080.0 * state.scale
        painter.save()
        painter.setClipRect(rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if not state.transparent:
            painter.fillRect(rect, _qc(theme.background))
        label_px = max(theme.label_px * s, MIN_LABEL_PX)
        caption_px = max(theme.caption_px * s, MIN_LABEL_PX + 1)
        top, bottom = rect.top(), rect.bottom()
        info_boxes: list[QRectF] = []
        if state.show_caption and state.header:
            top += self._header(painter, rect, state, theme, caption_px)
        if state.show_caption and state.caption:
            bottom -= self._caption(painter, rect, state, theme, caption_px)
        body = QRectF(rect.left(), top, rect.width(), bottom - top)
        if state.side_text:
            side_w = rect.width() * 0.3
            self._side_panel(
                painter,
                QRectF(body.right() - side_w, body.top(), side_w, body.height()),
                state.side_text,
                theme,
                label_px,
            )
            body.setWidth(body.width() - side_w)
        title_h = label_px * 3.8
        legend_h = label_px * 2.8 if state.show_legend else 0.0
        net = QRectF(
            body.left() + label_px * 3.5,
            body.top() + title_h,
            body.width() - label_px * 14,
            body.height() - title_h - legend_h,
        )
        layout = compute_layout(
            state.sizes,
            net.left(),
            net.top(),
            net.width(),
            net.height(),
            max_visible=state.max_visible,
            zoom=state.zoom,
            pan=state.pan,
            max_radius=56 * s * theme.node_scale,
        )
        info = RenderInfo(layout=layout, label_boxes=info_boxes)
        self._highlight(painter, state, theme, layout, body)
        self._edges(painter, state, theme, layout, s, info, net.top() - label_px * 0.9)
        self._neurons(painter, state, theme, layout, s, label_px, info)
        self._titles(painter, state, theme, layout, body, label_px)
        if state.show_legend:
            self._legend(
                painter,
                state,
                theme,
                QRectF(body.left(), body.bottom() - legend_h, body.width(), legend_h),
                label_px,
            )
        painter.restore()
        return info

    # ----- bands and text ---------------------------------------------------------------------
    def _font(self, px: float, bold: bool = False, mono: bool = False) -> QFont:
        f = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
        if mono:
            f.setStyleHint(QFont.StyleHint.Monospace)
        f.setPixelSize(max(int(round(px)), 1))
        f.setBold(bold)
        return f

    def _header(self, p: QPainter, rect: QRectF, st: SceneState, th: Theme, px: float) -> float:
        h = px * 1.9
        p.setPen(_qc(th.foreground))
        p.setFont(self._font(px, bold=True))
        p.drawText(
            QRectF(rect.left() + px * 0.6, rect.top(), rect.width() - px * 1.2, h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            st.header,
        )
        return h

    def _caption(self, p: QPainter, rect: QRectF, st: SceneState, th: Theme, px: float) -> float:
        font = self._font(px * 0.85)
        fm = QFontMetricsF(font)
        inner = QRectF(rect.left() + px * 0.8, 0, rect.width() - px * 1.6, 10000)
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
        need = fm.boundingRect(inner, flags, st.caption).height()
        h = need + px * 0.9
        band = QRectF(rect.left(), rect.bottom() - h, rect.width(), h)
        p.fillRect(band, _qc(th.panel))
        p.setPen(_qc(th.foreground))
        p.setFont(font)
        p.drawText(
            QRectF(inner.left(), band.top() + px * 0.45, inner.width(), need), flags, st.caption
        )
        return h

    def _side_panel(self, p: QPainter, box: QRectF, lines: list[str], th: Theme, px: float) -> None:
        p.fillRect(box, _qc(th.panel))
        font = self._font(px * 0.8, mono=True)
        p.setFont(font)
        p.setPen(_qc(th.foreground))
        inner = box.adjusted(px * 0.6, px * 0.6, -px * 0.6, -px * 0.6)
        flags = int(Qt.TextFlag.TextWrapAnywhere | Qt.AlignmentFlag.AlignLeft)
        p.drawText(inner, flags, "\n".join(lines))

    def _highlight(self, p: QPainter, st: SceneState, th: Theme, lay: Layout, body: QRectF) -> None:
        kind, k = st.phase_kind()
        if kind in ("forward", "backward") and k is not None:
            x = lay.layers[k].x
            w = lay.radius * 4.2
            p.fillRect(QRectF(x - w / 2, body.top(), w, body.height()), _qc(th.highlight))
        elif kind == "loss":
            x = lay.layers[-1].x
            w = lay.radius * 4.2
            p.fillRect(QRectF(x - w / 2, body.top(), w, body.height()), _qc(th.highlight))

    def _titles(
        self, p: QPainter, st: SceneState, th: Theme, lay: Layout, body: QRectF, px: float
    ) -> None:
        font = self._font(px * 0.85, bold=True)
        small = self._font(px * 0.75)
        for li, col in enumerate(lay.layers):
            n = st.sizes[li]
            if li == 0:
                title, sub = "input", f"{n} value{'s' if n != 1 else ''}"
            else:
                title = "output" if li == st.n_layers else f"hidden {li}"
                act = st.activations[li - 1] if st.activations else ""
                sub = f"W{li} [{n}×{st.sizes[li - 1]}]" + (f" · {act}" if act else "")
            gap = _column_gap(lay)
            if QFontMetricsF(small).horizontalAdvance(sub) > gap * 0.95:
                sub = f"{n}×{st.sizes[li - 1]}" if li else f"{n}"
            box = QRectF(col.x - gap / 2, body.top() + px * 0.2, gap, px * 1.2)
            p.setFont(font)
            p.setPen(_qc(th.foreground))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, title)
            p.setFont(small)
            p.setPen(_qc(th.muted))
            p.drawText(box.translated(0, px * 1.2), Qt.AlignmentFlag.AlignCenter, sub)
            if col.folded_count and col.fold_y is not None:
                p.drawText(
                    QRectF(col.x - px * 6, col.fold_y - px * 0.7, px * 12, px * 1.4),
                    Qt.AlignmentFlag.AlignCenter,
                    f"⋮ {col.folded_count} more",
                )

    # ----- edges ----------------------------------------------------------------------------
    def _edges(
        self,
        p: QPainter,
        st: SceneState,
        th: Theme,
        lay: Layout,
        s: float,
        info: RenderInfo,
        arrow_y: float,
    ) -> None:
        kind, k = st.phase_kind()
        sel = st.selection
        for wl in range(st.n_layers):
            a, b = lay.layers[wl], lay.layers[wl + 1]
            values, _what = st.edge_values(wl)
            info.edges_total += values.size
            if a.visible.size == 0 or b.visible.size == 0:
                continue
            shown = values[np.ix_(b.visible, a.visible)]
            active = kind in ("forward", "backward") and k == wl + 1 or kind == "update"
            alpha = 0.95 if active or kind == "start" else 0.35
            vmax = robust_scale(values)
            x0, x1 = a.x + lay.radius, b.x - lay.radius
            rows, cols = np.meshgrid(
                np.arange(b.visible.size), np.arange(a.visible.size), indexing="ij"
            )
            rows, cols = rows.ravel(), cols.ravel()
            flat = shown.ravel()
            mag = np.abs(np.nan_to_num(flat, nan=vmax, posinf=vmax, neginf=vmax))
            folded = a.folded_count or b.folded_count
            if flat.size > EDGE_BUDGET:
                keep = np.argpartition(-mag, EDGE_BUDGET - 1)[:EDGE_BUDGET]
                rows, cols, flat, mag = rows[keep], cols[keep], flat[keep], mag[keep]
                info.aggregated = True
            if folded or flat.size < shown.size:
                self._band(p, th, values, vmax, a, b, x0, x1, s)
                info.aggregated = info.aggregated or bool(folded)
            order = np.argsort(mag)  # strongest on top
            rows, cols, flat, mag = rows[order], cols[order], flat[order], mag[order]
            rel = np.clip(mag / vmax, 0, 1)
            bucket = np.minimum((rel * WIDTH_BUCKETS).astype(int), WIDTH_BUCKETS - 1)
            sign = np.where(~np.isfinite(flat), 2, (flat >= 0).astype(int))
            base_w = 0.6 * s * th.line_scale
            y0s, y1s = a.ys[cols], b.ys[rows]
            for sg in (0, 1, 2):
                colour = (th.negative, th.positive, th.error)[sg]
                for bk in range(WIDTH_BUCKETS):
                    m = (sign == sg) & (bucket == bk)
                    if not m.any():
                        continue
                    strength = 1.0 if sg == 2 else alpha * (0.35 + 0.65 * (bk + 1) / WIDTH_BUCKETS)
                    # opaque, pre-blended with the background: translucent wide lines are
                    # several times slower to rasterise
                    pen = QPen(_blend(colour, th.background, strength))
                    pen.setWidthF(max(base_w * (0.5 + 1.2 * bk), 0.5))
                    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                    p.setPen(pen)
                    p.drawLines(
                        [QLineF(x0, ya, x1, yb) for ya, yb in zip(y0s[m], y1s[m], strict=True)]
                    )
            info.edges_drawn += flat.size
            if active and kind in ("forward", "backward"):
                self._flow_arrow(p, th, kind, a.x, b.x, lay, s, arrow_y)
        if sel and sel[0] == "edge":
            wl, row, col = sel[1], sel[2], sel[3]
            pa, pb = lay.neuron_pos(wl, col), lay.neuron_pos(wl + 1, row)
            if pa and pb:
                pen = QPen(_qc(th.selection))
                pen.setWidthF(max(3.0 * s * th.line_scale, 2.0))
                p.setPen(pen)
                p.drawLine(QPointF(pa[0] + lay.radius, pa[1]), QPointF(pb[0] - lay.radius, pb[1]))
        elif sel and sel[0] == "neuron":
            li, i = sel[1], sel[2]
            pos = lay.neuron_pos(li, i)
            if pos:
                pen = QPen(_qc(th.selection, 0.8))
                pen.setWidthF(max(1.6 * s * th.line_scale, 1.2))
                p.setPen(pen)
                lines = []
                if li > 0:
                    prev = lay.layers[li - 1]
                    lines += [
                        QLineF(prev.x + lay.radius, y, pos[0] - lay.radius, pos[1]) for y in prev.ys
                    ]
                if li < st.n_layers:
                    nxt = lay.layers[li + 1]
                    lines += [
                        QLineF(pos[0] + lay.radius, pos[1], nxt.x - lay.radius, y) for y in nxt.ys
                    ]
                p.drawLines(lines)

    def _band(
        self,
        p: QPainter,
        th: Theme,
        values: np.ndarray,
        vmax: float,
        a,
        b,
        x0: float,
        x1: float,
        s: float,
    ) -> None:
        """A translucent band summarising every weight of the layer (mean signed value)."""
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if finite.size else 0.0
        colour = diverging_rgb(np.array([mean * 4]), vmax, th)[0]
        pad = 0.4 * (a.ys[1] - a.ys[0]) if a.ys.size > 1 else 4 * s
        poly = QPolygonF(
            [
                QPointF(x0, a.ys.min() - pad),
                QPointF(x1, b.ys.min() - pad),
                QPointF(x1, b.ys.max() + pad),
                QPointF(x0, a.ys.max() + pad),
            ]
        )
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(_qc(colour, 0.18)))
        p.drawPolygon(poly)
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _flow_arrow(
        self,
        p: QPainter,
        th: Theme,
        kind: str,
        xa: float,
        xb: float,
        lay: Layout,
        s: float,
        y: float,
    ) -> None:
        """An arrow over the active weight layer: left→right forward, right→left backward."""
        colour = th.flow_forward if kind == "forward" else th.flow_backward
        start, end = (xa + lay.radius, xb - lay.radius)
        if kind == "backward":
            start, end = end, start
        pen = QPen(_qc(colour))
        w = max(3.0 * s * th.line_scale, 2.0)
        pen.setWidthF(w)
        p.setPen(pen)
        p.drawLine(QPointF(start, y), QPointF(end, y))
        d = 1 if end > start else -1
        head = w * 3.5
        p.setBrush(_qc(colour))
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

    # ----- neurons ----------------------------------------------------------------------------
    def _neurons(
        self,
        p: QPainter,
        st: SceneState,
        th: Theme,
        lay: Layout,
        s: float,
        label_px: float,
        info: RenderInfo,
    ) -> None:
        tr = st.trace
        r = lay.radius
        sample = min(st.sample, tr.batch_size - 1) if tr else 0
        outline_w = max(1.2 * s * th.line_scale, 1.0)
        font = self._font(label_px)
        fm = QFontMetricsF(font)
        p.setFont(font)
        kind, _k = st.phase_kind()
        # one δ scale for every layer, so shrinking (vanishing) errors look smaller layer by layer
        known_deltas = (
            [
                tr.layers[li - 1].delta[sample]
                for li in range(1, st.n_layers + 1)
                if st.delta_known(li)
            ]
            if tr is not None
            else []
        )
        delta_scale = robust_scale(np.concatenate(known_deltas)) if known_deltas else 1.0
        for li, col in enumerate(lay.layers):
            if col.visible.size == 0:
                continue
            known = tr is not None and st.values_known(li)
            dknown = tr is not None and st.delta_known(li)
            acts = None
            if known:
                acts = tr.inputs[sample] if li == 0 else tr.layers[li - 1].activation[sample]
                vmax = max(1.0, robust_scale(acts))
                fills = diverging_rgb(acts[col.visible], vmax, th)
            deltas = None
            if dknown:
                deltas = tr.layers[li - 1].delta[sample]
                dcol = diverging_rgb(deltas[col.visible], delta_scale, th)
            # one label size per column: shrink it (to 65% at most) when labels placed beside
            # the neurons would run into the next column
            col_lines = [
                self._label_lines(st, li, int(i), sample, known, dknown) for i in col.visible
            ]
            col_fm = fm
            widest = max((fm.horizontalAdvance(t) for ls in col_lines for t in ls), default=0.0)
            room = _column_gap(lay) - 2.6 * r - 6
            inside = widest <= r * 1.9 and all(len(ls) <= 1 for ls in col_lines)
            n_lines = max((len(ls) for ls in col_lines), default=0)
            spacing = float(np.min(np.diff(col.ys))) if col.ys.size > 1 else 1e9
            if not inside and spacing < fm.height() * n_lines * 0.9:
                col_lines = [[] for _ in col_lines]  # level of detail: no room for numbers
            if 0 < li < st.n_layers and not inside and widest > room > 0:
                col_font = QFont(font)
                col_font.setPixelSize(max(int(font.pixelSize() * max(room / widest, 0.65)), 1))
                col_fm = QFontMetricsF(col_font)
                p.setFont(col_font)
            for j, (i, y) in enumerate(zip(col.visible, col.ys, strict=True)):
                centre = QPointF(col.x, y)
                if known:
                    p.setBrush(_qc(fills[j]))
                    pen = QPen(_qc(th.foreground, 0.7))
                    pen.setWidthF(outline_w)
                else:
                    p.setBrush(_qc(th.panel))
                    pen = QPen(_qc(th.muted))
                    pen.setWidthF(outline_w)
                    pen.setStyle(Qt.PenStyle.DashLine if tr is not None else Qt.PenStyle.SolidLine)
                p.setPen(pen)
                p.drawEllipse(centre, r, r)
                if dknown:
                    ring = QPen(_qc(dcol[j]))
                    ring.setWidthF(max(r * 0.22, 2.0))
                    p.setPen(ring)
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawEllipse(centre, r * 1.18, r * 1.18)
                bad = known and not np.isfinite(acts[i]) or dknown and not np.isfinite(deltas[i])
                if bad:
                    pen = QPen(_qc(th.error))
                    pen.setWidthF(max(r * 0.3, 2.5))
                    p.setPen(pen)
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawEllipse(centre, r * 1.4, r * 1.4)
                if st.selection and st.selection[0] == "neuron" and st.selection[1:] == (li, i):
                    pen = QPen(_qc(th.selection))
                    pen.setWidthF(max(3 * s * th.line_scale, 2.0))
                    p.setPen(pen)
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawEllipse(centre, r * 1.35, r * 1.35)
                lines = col_lines[j]
                end = col.x + r
                if lines:
                    end = self._label(
                        p,
                        col_fm,
                        th,
                        lines,
                        col.x,
                        y,
                        r,
                        known and fills[j],
                        label_px,
                        info,
                        li == 0,
                    )
                if li == st.n_layers and kind in ("loss", "backward", "update") and tr is not None:
                    t = tr.targets[sample, i]
                    txt = f"t = {fmt(t, st.decimals)}"
                    box = fm.boundingRect(txt)
                    rect = QRectF(
                        end + r * 0.3 + 4, y - box.height() / 2, box.width() + 4, box.height()
                    )
                    p.setPen(_qc(th.foreground))
                    p.drawText(
                        rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, txt
                    )
                    info.label_boxes.append(_ink_box(fm, rect.left(), y, box.width()))
            p.setFont(font)
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _label_lines(
        self, st: SceneState, li: int, i: int, sample: int, known: bool, dknown: bool
    ) -> list[str]:
        mode, tr, d = st.label_mode, st.trace, st.decimals
        if mode == "none" or tr is None:
            return []
        out = []
        if li == 0:
            return [fmt(tr.inputs[sample, i], d)] if known else []
        lay = tr.layers[li - 1]
        if known and mode in ("activation", "all"):
            out.append(("a " if mode == "all" else "") + fmt(lay.activation[sample, i], d))
        if known and mode in ("pre_activation", "all"):
            out.append(("z " if mode == "all" else "") + fmt(lay.pre_activation[sample, i], d))
        if known and mode in ("activation_grad", "all"):
            out.append("σ' " + fmt(lay.activation_grad[sample, i], d))
        if dknown and mode in ("activation", "delta", "all"):
            out.append("δ " + fmt(lay.delta[sample, i], d))
        return out

    def _label(
        self,
        p: QPainter,
        fm: QFontMetricsF,
        th: Theme,
        lines: list[str],
        x: float,
        y: float,
        r: float,
        fill,
        px: float,
        info: RenderInfo,
        left_side: bool = False,
    ) -> float:
        """Draw a neuron's numbers inside it when they fit, else beside it on a backing box.

        Returns the x where the label ends (for text placed after it)."""
        h = fm.height()
        w = max(fm.horizontalAdvance(t) for t in lines)
        if len(lines) == 1 and w <= r * 1.9 and h <= r * 1.6:
            box = QRectF(x - w / 2, y - h / 2, w, h)
            if fill is False:
                p.setPen(_qc(th.foreground))
            else:
                lum = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]
                p.setPen(_qc("#000000" if lum > 140 else "#ffffff"))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, lines[0])
            info.label_boxes.append(_ink_box(fm, box.left(), y, w))
            return x + r
        if r < 3:
            return x + r
        total = h * len(lines)
        gap = r * 0.25 + 3
        left = x - r - gap - w - 6 if left_side else x + r + gap
        box = QRectF(left, y - total / 2, w + 6, total)
        p.fillRect(box, _qc(th.background, 0.85))
        p.setPen(_qc(th.foreground))
        for n, text in enumerate(lines):
            line = QRectF(box.left() + 3, box.top() + n * h, w, h)
            p.drawText(line, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
            info.label_boxes.append(_ink_box(fm, line.left(), line.center().y(), w))
        return box.right()

    # ----- legend -----------------------------------------------------------------------------
    def _legend(self, p: QPainter, st: SceneState, th: Theme, box: QRectF, px: float) -> None:
        kind, _ = st.phase_kind()
        items = [("neuron fill: activation a", 1.0)]
        if kind in ("backward", "update"):
            items.append(("ring: δ = ∂L/∂z", None))
        edge_what = "weight w"
        for wl in range(st.n_layers):
            v, what = st.edge_values(wl)
            if what != "weight w":
                edge_what = what
        items.append((f"edges: {edge_what} (width ∝ size)", None))
        font = self._font(px * 0.75)
        p.setFont(font)
        fm = QFontMetricsF(font)
        bar_w, bar_h = px * 7, px * 0.7
        x = box.left() + px
        y = box.top() + box.height() / 2 - bar_h / 2
        grad = diverging_rgb(np.linspace(-1, 1, 32), 1.0, th)
        step = bar_w / len(grad)
        p.setPen(Qt.PenStyle.NoPen)
        for n, c in enumerate(grad):
            p.fillRect(QRectF(x + n * step, y, step + 0.6, bar_h), _qc(c))
        p.setPen(_qc(th.foreground))
        p.drawText(
            QRectF(x - px, y + bar_h, px * 2, fm.height()), Qt.AlignmentFlag.AlignCenter, "−"
        )
        p.drawText(
            QRectF(x + bar_w / 2 - px, y + bar_h, px * 2, fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            "0",
        )
        p.drawText(
            QRectF(x + bar_w - px, y + bar_h, px * 2, fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            "+",
        )
        x += bar_w + px
        p.setPen(_qc(th.muted))
        text = "   ·   ".join(t for t, _ in items) + "   ·   blue negative, orange positive"
        p.drawText(
            QRectF(x, box.top(), box.right() - x, box.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            text,
        )


def _ink_box(fm: QFontMetricsF, left: float, centre_y: float, width: float) -> QRectF:
    """The box of a label's glyphs (ascent + descent) centred on ``centre_y``."""
    h = fm.ascent() + fm.descent()
    return QRectF(left, centre_y - h / 2, width, h)


def _blend(colour: str, background: str, strength: float) -> QColor:
    """The opaque colour of ``colour`` laid at ``strength`` over ``background``."""
    c, b = QColor(colour), QColor(background)
    k = max(0.0, min(strength, 1.0))
    return QColor(
        round(b.red() + (c.red() - b.red()) * k),
        round(b.green() + (c.green() - b.green()) * k),
        round(b.blue() + (c.blue() - b.blue()) * k),
    )


def _column_gap(lay: Layout) -> float:
    """Horizontal distance between neighbouring columns."""
    if len(lay.layers) < 2:
        return 1e9
    return abs(lay.layers[1].x - lay.layers[0].x)
