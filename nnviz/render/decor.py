"""The words around the network: header, caption, side panel, column titles, fold markers, the
notes under summarised layers, the selected edge's label, and the legend."""

from __future__ import annotations

import re

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QLinearGradient, QPainter

from nnviz.core.numfmt import fmt
from nnviz.render import richtext
from nnviz.render.display import Display
from nnviz.render.edges import EdgeSummary, band_note
from nnviz.render.layout import Layout
from nnviz.render.paintkit import Kit, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme


def draw_header(p: QPainter, kit: Kit, rect: QRectF, text: str, th: Theme, px: float) -> float:
    """The header line at the top; returns its height."""
    h = px * 1.9
    p.setPen(qcolor(th.foreground))
    font = kit.font(px, bold=True)
    kit.text(p, font, text, rect.left() + px * 0.6, rect.top() + h / 2)
    return h


def draw_caption(
    p: QPainter, kit: Kit, rect: QRectF, text: str, th: Theme, px: float, *, fill: bool = True
) -> float:
    """The caption, typeset and word-wrapped, on a panel at the bottom; returns its height.
    A caption from :mod:`nnviz.core.explain` carries its HTML; plain text is shown as it is.
    ``fill=False`` (a transparent scene) leaves the panel's background see-through."""
    width = rect.width() - px * 1.6
    doc = richtext.make_document(richtext.html_of(text), px * 0.85, width, th)
    need = doc.size().height()
    h = need + px * 0.9
    band = QRectF(rect.left(), rect.bottom() - h, rect.width(), h)
    if fill:
        p.fillRect(band, qcolor(th.panel))
    richtext.draw_document(p, doc, rect.left() + px * 0.8, band.top() + px * 0.45, th)
    return h


def draw_side_panel(
    p: QPainter,
    kit: Kit,
    box: QRectF,
    lines: list[str],
    th: Theme,
    px: float,
    *,
    fill: bool = True,
) -> None:
    """Typeset lines (a neuron's or weight's formulas) on a panel at the right; the type
    shrinks to fit, down to a floor, then the panel ends with "… n more lines"."""
    if fill:  # not on a transparent scene: the slide's own background shows through
        p.fillRect(box, qcolor(th.panel))
    inner = box.adjusted(px * 0.6, px * 0.6, -px * 0.6, -px * 0.6)
    floor = max(px * 0.45, 10.0)
    doc, _size, _left_out = richtext.fit_panel(list(lines), px * 0.8, inner, th, floor)
    p.save()
    p.setClipRect(box)
    richtext.draw_document(p, doc, inner.left(), inner.top(), th)
    p.restore()


def draw_highlight(p: QPainter, th: Theme, lay: Layout, disp: Display, body: QRectF) -> None:
    """The band behind the column the phase works on."""
    if disp.kind in ("forward", "backward") and disp.k is not None:
        x = lay.layers[disp.k].x
    elif disp.kind == "loss":
        x = lay.layers[-1].x
    else:
        return
    w = min(lay.radius * 4.2, lay.column_gap * 0.8)
    p.fillRect(QRectF(x - w / 2, body.top(), w, body.height()), qcolor(th.highlight))
    if th.band_edge:  # a projector washes a pale band out: rules at its sides keep it
        rule = max(body.height() / 1080 * 1.6 * th.line_scale, 2.0)
        for left in (x - w / 2, x + w / 2 - rule):
            p.fillRect(QRectF(left, body.top(), rule, body.height()), qcolor(th.band_edge))


def titles_height(kit: Kit, px: float, min_px: float) -> float:
    """The height of the column titles (name and shape lines)."""
    return (
        px * 0.3
        + _title_font(kit, px, min_px)[1].height() * 1.2
        + _sub_font(kit, px, min_px)[1].height() * 1.15
    )


def names_height(kit: Kit, px: float, min_px: float) -> float:
    """The height of the column names' line (the shape line under it gives way to numbers)."""
    return px * 0.3 + _title_font(kit, px, min_px)[1].height() * 1.2


def _title_font(kit: Kit, px: float, min_px: float):
    return kit.font(max(px * 0.9, min_px), bold=True)


def _sub_font(kit: Kit, px: float, min_px: float):
    return kit.font(max(px * 0.78, min_px))


def draw_titles(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    top: float,
    px: float,
    min_px: float,
    taken: list[QRectF] = (),
) -> None:
    """Each column's name and shape above it (the shape only where no label in ``taken`` is);
    the "⋮ N more" marker of folded columns."""
    font, small = _title_font(kit, px, min_px), _sub_font(kit, px, min_px)
    gap = lay.column_gap
    for li, col in enumerate(lay.layers):
        n = st.sizes[li]
        if li == 0:
            title, sub, short = "input", f"{n} value{'s' if n != 1 else ''}", "in"
        else:
            title = "output" if li == st.n_layers else f"hidden {li}"
            short = "out" if li == st.n_layers else f"h{li}"
            act = st.activations[li - 1] if li - 1 < len(st.activations) else ""
            sub = f"W{li} [{n}×{st.sizes[li - 1]}]" + (f" · {act}" if act else "")
            if kit.advance(small, sub) > gap * 0.95:
                sub = f"{n}×{st.sizes[li - 1]}"
        if kit.advance(font, title) > gap * 0.95:
            title = short
        p.setPen(qcolor(th.foreground))
        fh = font[1].height()
        kit.text(p, font, title, col.x, top + px * 0.3 + fh * 0.6, "center")
        sub_w, sub_h = kit.advance(small, sub), small[1].height()
        sub_y = top + px * 0.3 + fh * 1.2 + sub_h * 0.55
        box = QRectF(col.x - sub_w / 2, sub_y - sub_h / 2, sub_w, sub_h)
        if sub_w <= gap * 0.95 and not any(box.intersects(b) for b in taken):
            p.setPen(qcolor(th.muted))
            kit.text(p, small, sub, col.x, sub_y, "center")
        if col.folded_count and col.fold_y is not None:
            text = f"⋮ {col.folded_count:,} more"
            w, h = kit.advance(small, text), small[1].height()
            p.fillRect(
                QRectF(col.x - w / 2 - 3, col.fold_y - h / 2, w + 6, h),
                kit.colour(th.background, 0.85),
            )
            p.setPen(qcolor(th.muted))
            kit.text(p, small, text, col.x, col.fold_y, "center")


def draw_notes(
    p: QPainter,
    kit: Kit,
    th: Theme,
    summaries: list[EdgeSummary | None],
    y: float,
    px: float,
    min_px: float,
    digits: int = 3,
) -> None:
    """Under each summarised weight layer: how many edges are drawn of how many, and the mean."""
    font, fm = kit.font(max(px * 0.72, min_px - 1))
    p.setFont(font)
    p.setPen(qcolor(th.muted))
    flags = int(
        Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
    )
    for sm in summaries:
        if sm is None:
            continue
        box = QRectF(sm.x0, y, max(sm.x1 - sm.x0, 1.0), fm.height() * 2.2)
        p.drawText(box, flags, band_note(sm, digits))


def hidden_text(hidden: list[str]) -> str:
    """The note saying which numbers are not on the picture ("the Δw of W1", "the Δw of W2", …
    said once as "the Δw of W1–W2")."""
    merged: list[str] = []
    runs: dict[str, list[int]] = {}
    for item in hidden:
        m = re.fullmatch(r"the (.+) of W(\d+)", item)
        if m is None:
            merged.append(item)
            continue
        if m.group(1) not in runs:
            runs[m.group(1)] = []
            merged.append(m.group(1))  # a placeholder, filled in below
        runs[m.group(1)].append(int(m.group(2)))
    out = []
    for item in merged:
        layers = runs.get(item)
        if layers is None:
            out.append(item)
        elif len(layers) > 2 and layers == list(range(layers[0], layers[-1] + 1)):
            out.append(f"the {item} of W{layers[0]}–W{layers[-1]}")
        else:
            out.append(f"the {item} of " + ", ".join(f"W{n}" for n in layers))
    return "not shown, no room: " + "; ".join(out) + " (zoom in or select a neuron)"


def draw_hidden_note(
    p: QPainter,
    kit: Kit,
    th: Theme,
    hidden: list[str],
    body: QRectF,
    y: float,
    px: float,
    min_px: float,
) -> QRectF:
    """One muted line under the network naming what had no room; returns its box."""
    font = kit.font(max(px * 0.72, min_px - 1))
    width = body.width() - px
    text = font[1].elidedText(hidden_text(hidden), Qt.TextElideMode.ElideRight, width)
    p.setPen(qcolor(th.muted))
    return kit.text(p, font, text, body.left() + px * 0.5, y)


def draw_legend(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    disp: Display,
    box: QRectF,
    px: float,
    min_px: float,
) -> None:
    """Colour bars with their numeric range and what they encode."""
    items: list[tuple[str, str, float | None]] = []  # (long text, short text, range)
    if st.trace is not None:
        text = "fill: activation a"
        if abs(disp.input_scale - disp.act_scale) > 1e-9 * disp.act_scale:
            text += f" (inputs ±{fmt(disp.input_scale, st.digits)})"
        items.append((text, "fill: a", disp.act_scale))
        if any(d is not None for d in disp.deltas):
            items.append(("ring: error δ = ∂L/∂z", "ring: δ", disp.delta_scale))
    edge_long, edge_short, edge_range = disp.edge_legend()
    items.append((edge_long + " · width ∝ |value|", edge_short, edge_range))
    font = kit.font(max(px * 0.85, min_px))
    fm = font[1]
    bar_h = px * 0.6
    num_w = max(kit.advance(font, "−" + _num(v, st.digits)) for _, _, v in items)
    bar_w = max(px * 7, num_w * 2 + kit.advance(font, "0") + px * 1.2)
    gap = px * 1.6

    def width(texts: list[str]) -> float:
        return sum(bar_w + px * 0.6 + kit.advance(font, t) + gap for t in texts)

    texts = [t for t, _, _ in items]
    if width(texts) > box.width() - px:
        texts = [t for _, t, _ in items]
    x = box.left() + px * 0.8
    cy = box.top() + box.height() * 0.38
    for text, (_long, _short, vmax) in zip(texts, items, strict=True):
        if x + bar_w > box.right():
            break
        gradient = QLinearGradient(x, 0, x + bar_w, 0)  # the palette is linear on each side
        gradient.setColorAt(0.0, kit.colour(th.negative))
        gradient.setColorAt(0.5, kit.colour(th.neutral))
        gradient.setColorAt(1.0, kit.colour(th.positive))
        p.fillRect(QRectF(x, cy - bar_h / 2, bar_w, bar_h), QBrush(gradient))
        p.setPen(qcolor(th.muted))
        ny = cy + bar_h / 2 + fm.height() * 0.6
        kit.text(p, font, "−" + _num(vmax, st.digits), x, ny)
        kit.text(p, font, "0", x + bar_w / 2, ny, "center")
        kit.text(p, font, "+" + _num(vmax, st.digits), x + bar_w, ny, "right")
        p.setPen(qcolor(th.foreground))
        kit.text(p, font, text, x + bar_w + px * 0.6, cy)
        x += bar_w + px * 0.6 + kit.advance(font, text) + gap


def _num(v: float | None, digits: int) -> str:
    """A legend range end: the number, or "max" where each layer has its own range."""
    if v is None:
        return "max"
    return fmt(abs(v), digits)
