"""The one renderer: draws a SceneState with QPainter onto any paint device (the window's
canvas, a QImage, an SVG or a PDF), so the window and the exporter show the same picture.

Sizes scale with the target's height (theme sizes are for 1080 px, times the scene's type
scale), so a window and an export of the same size are identical. Edges are drawn only between
drawn (unfolded) neurons, batched by width bucket and sign; a weight layer with more drawn edges
than EDGE_BUDGET shows its strongest ones over a band that summarises all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QGuiApplication, QPainter

from nnviz.render import decor
from nnviz.render.display import compute_display
from nnviz.render.edges import EDGE_BUDGET, draw_edges, draw_flow_arrow
from nnviz.render.layout import Layout, compute_layout, visible_indices
from nnviz.render.neurons import draw_neurons
from nnviz.render.paintkit import Kit, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.selection import (
    draw_edge_label,
    draw_selection_edges,
    selected_edge_anchor,
    selected_edge_text,
)
from nnviz.render.theme import get_theme

__all__ = ["EDGE_BUDGET", "MIN_LABEL_PX", "NetworkRenderer", "RenderInfo"]

MIN_LABEL_PX = 11.0  # numbers never get smaller than this, however small the target


@dataclass
class RenderInfo:
    """What a paint did: the layout (in the target's coordinates, after zoom and pan, for
    hit-testing), the boxes of every number drawn, and how many edges were drawn of how many."""

    layout: Layout
    label_boxes: list[QRectF] = field(default_factory=list)
    edges_drawn: int = 0
    edges_total: int = 0
    aggregated: bool = False


class NetworkRenderer:
    """Draws a scene into a rectangle of any painter; keeps caches that make repaints fast."""

    def __init__(self) -> None:
        self._kit = Kit()

    def paint(self, painter: QPainter, rect: QRectF, state: SceneState) -> RenderInfo:
        if QGuiApplication.instance() is None:
            raise RuntimeError("drawing text needs a QGuiApplication: call ensure_gui_app() first")
        th = get_theme(state.theme)
        kit = self._kit
        s = max(rect.height(), 1.0) / 1080.0 * state.scale
        p = painter
        p.save()
        try:
            p.setClipRect(rect)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            kit.begin(p)
            if not state.transparent:
                p.fillRect(rect, qcolor(th.background))
            return self._paint(p, kit, rect, state, th, s)
        finally:
            p.restore()

    def _paint(self, p, kit: Kit, rect: QRectF, st: SceneState, th, s: float) -> RenderInfo:
        label_px = max(th.label_px * s, MIN_LABEL_PX)
        caption_px = max(th.caption_px * s, MIN_LABEL_PX + 1)
        top, bottom = rect.top(), rect.bottom()
        if st.show_caption and st.header:
            top += decor.draw_header(p, kit, rect, st.header, th, caption_px)
        if st.show_caption and st.caption:
            bottom -= decor.draw_caption(p, kit, rect, st.caption, th, caption_px)
        body = QRectF(rect.left(), top, rect.width(), max(bottom - top, 1.0))
        if st.side_text:
            side_w = rect.width() * 0.3
            side = QRectF(body.right() - side_w, body.top(), side_w, body.height())
            decor.draw_side_panel(p, kit, side, st.side_text, th, label_px)
            body.setWidth(body.width() - side_w)
        arrow_h = max(label_px * 1.3, 12 * s * th.line_scale)
        title_h = decor.titles_height(kit, label_px, MIN_LABEL_PX) + arrow_h
        legend_h = label_px * 2.8 if st.show_legend else label_px * 0.5
        note_h = label_px * 1.9 if _summarised(st) else 0.0
        net = QRectF(
            body.left() + label_px * 3.5,
            body.top() + title_h,
            max(body.width() - label_px * 14, 10.0),
            max(body.height() - title_h - legend_h - note_h, 10.0),
        )
        lay = compute_layout(
            st.sizes,
            net.width(),
            net.height(),
            left=net.left(),
            top=net.top(),
            max_visible=st.max_visible,
            zoom=st.zoom,
            pan=st.pan,
            max_radius=56 * s * th.node_scale,
        )
        disp = compute_display(st)
        info = RenderInfo(layout=lay)
        decor.draw_highlight(p, th, lay, disp, body)
        summaries, info.edges_drawn, info.edges_total, info.aggregated = draw_edges(
            p, kit, st, th, lay, disp, s, rect
        )
        emphasised = draw_selection_edges(p, kit, st, th, lay, disp, s)
        area = QRectF(body.left(), net.top(), body.width(), net.height())
        draw_neurons(p, kit, st, th, lay, disp, s, label_px, area, info.label_boxes)
        decor.draw_titles(p, kit, st, th, lay, body.top(), label_px, MIN_LABEL_PX)
        draw_flow_arrow(p, th, lay, disp, s, net.top() - arrow_h * 0.55)
        if note_h:
            decor.draw_notes(
                p, kit, th, summaries, net.bottom() + label_px * 0.3, label_px, MIN_LABEL_PX
            )
        if st.selection and st.selection[0] == "edge" and emphasised:
            wl, row, col = emphasised[0]
            at = selected_edge_anchor(lay, wl, row, col)
            if at is not None:
                text = selected_edge_text(st, disp, wl, row, col)
                box = draw_edge_label(p, kit, th, text, at.x(), at.y(), label_px)
                info.label_boxes.append(box)
        if st.show_legend:
            box = QRectF(body.left(), body.bottom() - legend_h, body.width(), legend_h)
            decor.draw_legend(p, kit, st, th, disp, box, label_px, MIN_LABEL_PX)
        return info


def _summarised(st: SceneState) -> bool:
    """Whether some weight layer will be folded or thinned (and so gets a note under it)."""
    counts = [visible_indices(int(n), st.max_visible) for n in st.sizes]
    for (va, fa), (vb, fb) in zip(counts, counts[1:], strict=False):
        if fa or fb or va.size * vb.size > EDGE_BUDGET:
            return True
    return False
