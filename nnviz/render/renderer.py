"""The one renderer: draws a SceneState with QPainter onto any paint device (the window's
canvas, a QImage, an SVG or a PDF), so the window and the exporter show the same picture.

Sizes scale with the target's height (theme sizes are for 1080 px, times the scene's type
scale), so a window and an export of the same size are identical. Edges are drawn only between
drawn (unfolded) neurons, batched by width bucket and sign; a weight layer with more drawn edges
than EDGE_BUDGET shows its strongest ones over a band that summarises all of them.

The picture is three bands that never overlap: the header, the network's area and the caption
(header and caption give up type size before they take more than FRAME_SHARE of the height).
Everything of the network is clipped to its area. Numbers are placed by render.annotate; their
size follows the zoom (within ZOOM_TYPE), and their smallest sizes follow the target's height but
not the type scale, so larger type never costs the numbers of the phase's own layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QPainter, QPicture

from nnviz.render import corner_legend, decor
from nnviz.render.annotate import (
    NUMBER_KINDS,
    DrawnLabel,
    Sizes,
    active_column,
    annotate,
    column_width,
)
from nnviz.render.display import compute_display
from nnviz.render.edges import EDGE_BUDGET, draw_edges, draw_flow_arrow, flow_arrow_box
from nnviz.render.layout import Layout, compute_layout, visible_indices
from nnviz.render.neurons import draw_neurons
from nnviz.render.paintkit import Kit, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.selection import draw_selection_edges
from nnviz.render.theme import get_theme

__all__ = ["EDGE_BUDGET", "MIN_LABEL_PX", "DrawnLabel", "NetworkRenderer", "RenderInfo"]

MIN_LABEL_PX = 11.0  # numbers never get smaller than this, however small the target
FRAME_SHARE = 0.42  # header and caption together take at most this share of the height
ZOOM_TYPE = (0.6, 2.0)  # numbers follow the zoom within these factors
FLOOR_TOP, FLOOR = 0.67, 0.6  # smallest type of priority numbers and of the others (× full)


@dataclass
class RenderInfo:
    """What a paint did: the layout (in the target's coordinates, after zoom and pan, for
    hit-testing), every text drawn on the network (``labels``: text, box, font px, kind) and
    the boxes of its numbers (``label_boxes``), what was summarised or hidden, where the header,
    the network and the caption went, and how many edges were drawn of how many."""

    layout: Layout
    label_boxes: list[QRectF] = field(default_factory=list)
    labels: list[DrawnLabel] = field(default_factory=list)
    summarised: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    header_box: QRectF | None = None
    legend_box: QRectF | None = None  # the compact (corner) legend
    net_box: QRectF | None = None
    caption_box: QRectF | None = None
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

    def _frame(
        self, p: QPainter, kit: Kit, rect: QRectF, st: SceneState, th, px: float
    ) -> tuple[float, float]:
        """Header and caption; returns their heights. Large type that would take more than
        FRAME_SHARE of the height is drawn smaller, so the network keeps its room."""
        if not st.show_caption or not (st.header or st.caption):
            return 0.0, 0.0

        def draw(q: QPainter, size: float) -> tuple[float, float]:
            head = size
            if st.header:  # one line: smaller type rather than cut off at the right
                wide = kit.advance(kit.font(size, bold=True), st.header) + size * 1.2
                if wide > rect.width():
                    head = max(size * rect.width() / wide, MIN_LABEL_PX)
            hh = decor.draw_header(q, kit, rect, st.header, th, head) if st.header else 0.0
            ch = (
                decor.draw_caption(q, kit, rect, st.caption, th, size, fill=not st.transparent)
                if st.caption
                else 0.0
            )
            return hh, ch

        if px <= rect.height() * 0.035 and (
            not st.header or kit.advance(kit.font(px, bold=True), st.header) < rect.width() * 0.9
        ):  # ordinary sizes always fit: draw straight away
            return draw(p, px)
        for _ in range(6):
            pic = QPicture()
            q = QPainter(pic)
            hh, ch = draw(q, px)
            q.end()
            if hh + ch <= rect.height() * FRAME_SHARE or px <= MIN_LABEL_PX + 1:
                break
            px = max(px * 0.85, MIN_LABEL_PX + 1)
        p.drawPicture(0, 0, pic)
        return hh, ch

    def _paint(self, p, kit: Kit, rect: QRectF, st: SceneState, th, s: float) -> RenderInfo:
        base_px = max(th.label_px * s, MIN_LABEL_PX)
        caption_px = max(th.caption_px * s, MIN_LABEL_PX + 1)
        head_h, cap_h = self._frame(p, kit, rect, st, th, caption_px)
        top, bottom = rect.top() + head_h, rect.bottom() - cap_h
        body = QRectF(rect.left(), top, rect.width(), max(bottom - top, 1.0))
        frame = dict(
            header_box=QRectF(rect.left(), rect.top(), rect.width(), head_h) if head_h else None,
            caption_box=QRectF(rect.left(), bottom, rect.width(), cap_h) if cap_h else None,
        )
        if st.side_text:
            side_w = rect.width() * 0.3
            side = QRectF(body.right() - side_w, body.top(), side_w, body.height())
            decor.draw_side_panel(p, kit, side, st.side_text, th, base_px, fill=not st.transparent)
            body.setWidth(body.width() - side_w)
        p.save()
        p.setClipRect(body, Qt.ClipOperation.IntersectClip)  # nothing of the network outside
        try:
            info = self._network(p, kit, body, st, th, s, base_px)
        finally:
            p.restore()
        info.net_box = body
        info.header_box, info.caption_box = frame["header_box"], frame["caption_box"]
        return info

    def _network(
        self, p, kit: Kit, body: QRectF, st: SceneState, th, s: float, base_px: float
    ) -> RenderInfo:
        # words around the network keep the theme's size but never crowd it out
        deco_px = max(min(base_px, th.caption_px * s, body.height() * 0.045), MIN_LABEL_PX)
        zoom_k = min(max(st.zoom, ZOOM_TYPE[0]), ZOOM_TYPE[1])
        label_px = max(min(base_px * zoom_k, body.height() * 0.09), MIN_LABEL_PX)
        arrow_h = max(deco_px * 1.3, 12 * s * th.line_scale)
        title_h = decor.titles_height(kit, deco_px, MIN_LABEL_PX) + arrow_h
        legend_h = deco_px * 2.8 if st.show_legend else deco_px * 0.5
        note_h = deco_px * 1.9 if _summarised(st) else 0.0
        hidden_h = deco_px * 1.2 if st.label_mode != "none" else 0.0
        left_m = min(base_px * 3.5, body.width() * 0.12)
        right_m = min(base_px * 10.5, body.width() * 0.26)
        corner = None
        if st.legend_corner and not st.show_legend:
            # top right, in the margin right of the network (the column titles never reach
            # past it); where the margin is too narrow, in a strip of its own at the bottom
            cw, ch = corner_legend.legend_size(kit, deco_px, MIN_LABEL_PX)
            gap = deco_px * 0.3
            top = body.top() + gap
            if cw + gap * 2 > right_m:
                legend_h = max(legend_h, ch + gap * 2)
                top = body.bottom() - ch - gap
            corner = QRectF(body.right() - cw - gap, top, cw, ch)
        net = QRectF(
            body.left() + left_m,
            body.top() + title_h,
            max(body.width() - left_m - right_m, 10.0),
            max(body.height() - title_h - legend_h - note_h - hidden_h, 10.0),
        )
        disp = compute_display(st)
        geometry = dict(
            left=net.left(),
            top=net.top(),
            max_visible=st.max_visible,
            zoom=st.zoom,
            pan=st.pan,
            max_radius=56 * s * th.node_scale,
        )
        lay = compute_layout(st.sizes, net.width(), net.height(), **geometry)
        k = active_column(disp)
        # floors are about legibility, so they follow the target's size but not the type scale
        plain_px = th.label_px * s / max(st.scale, 1e-6) * zoom_k
        floor_top = min(max(plain_px * FLOOR_TOP, MIN_LABEL_PX), label_px)
        floor = min(max(plain_px * FLOOR, MIN_LABEL_PX), label_px)
        if th.small_net_px and max(st.sizes) <= 4:  # a hand-sized network: no shrinking
            keep = min(label_px, th.small_net_px * plain_px / th.label_px)
            floor_top, floor = max(floor_top, keep), max(floor, keep)
        sizes = Sizes(label_px, floor_top, floor)
        if k is not None and k < st.n_layers and st.label_mode != "none":
            # room right of the phase's own column for its numbers
            need = column_width(kit, st, disp, lay, k, sizes) + lay.radius * 2.9
            if need > lay.column_gap:
                wide = (k, need / max(st.zoom, 1e-6))
                lay = compute_layout(st.sizes, net.width(), net.height(), wide=wide, **geometry)
        info = RenderInfo(layout=lay)
        decor.draw_highlight(p, th, lay, disp, body)
        # the network and its numbers stay between the column names and the notes under it (a
        # zoomed network passes under them); labels may use the arrow's row and the shape line
        names_h = decor.names_height(kit, deco_px, MIN_LABEL_PX)
        if st.zoom != 1.0 or st.pan != (0.0, 0.0):  # zoomed: under both title lines
            names_h = title_h - arrow_h
        area = QRectF(
            body.left(), names_h + body.top(), body.width(), net.bottom() - names_h - body.top()
        )
        p.save()
        p.setClipRect(area, Qt.ClipOperation.IntersectClip)
        try:
            summaries, info.edges_drawn, info.edges_total, info.aggregated = draw_edges(
                p, kit, st, th, lay, disp, s, area
            )
            draw_selection_edges(p, kit, st, th, lay, disp, s)
            draw_neurons(p, kit, st, th, lay, disp, s)
            draw_flow_arrow(p, th, lay, disp, s, net.top() - arrow_h * 0.55)
            arrow = flow_arrow_box(th, lay, disp, s, net.top() - arrow_h * 0.55)
            obstacles = [arrow] if arrow else []
            if corner is not None:
                obstacles.append((corner.left(), corner.top(), corner.right(), corner.bottom()))
            drawn, outcome = annotate(p, kit, st, th, lay, disp, sizes, area, obstacles)
        finally:
            p.restore()
        shape_row = net.top() - arrow_h  # labels reaching above this may cover a shape line
        high = [d.box for d in drawn if d.box.top() < shape_row]
        decor.draw_titles(p, kit, st, th, lay, body.top(), deco_px, MIN_LABEL_PX, high)
        info.labels = drawn
        info.label_boxes = [d.box for d in drawn if d.kind in NUMBER_KINDS]
        info.summarised, info.hidden = outcome.summarised, outcome.hidden
        if note_h:
            decor.draw_notes(
                p,
                kit,
                th,
                summaries,
                net.bottom() + deco_px * 0.3,
                deco_px,
                MIN_LABEL_PX,
                st.digits,
            )
        if outcome.hidden:
            y = net.bottom() + note_h + hidden_h * 0.5
            room = QRectF(body)
            if corner is not None and corner.top() < y + deco_px:  # the note stops at the legend
                room.setRight(corner.left() - deco_px * 0.3)
            box = decor.draw_hidden_note(p, kit, th, outcome.hidden, room, y, deco_px, MIN_LABEL_PX)
            info.labels.append(DrawnLabel(decor.hidden_text(outcome.hidden), box, deco_px, "note"))
        if corner is not None:
            info.labels += corner_legend.draw_legend(p, kit, th, corner, deco_px, MIN_LABEL_PX)
            info.legend_box = corner
        if st.show_legend:
            box = QRectF(body.left(), body.bottom() - legend_h, body.width(), legend_h)
            decor.draw_legend(p, kit, st, th, disp, box, deco_px, MIN_LABEL_PX)
        return info


def _summarised(st: SceneState) -> bool:
    """Whether some weight layer will be folded or thinned (and so gets a note under it)."""
    counts = [visible_indices(int(n), st.max_visible) for n in st.sizes]
    for (va, fa), (vb, fb) in zip(counts, counts[1:], strict=False):
        if fa or fb or va.size * vb.size > EDGE_BUDGET:
            return True
    return False
