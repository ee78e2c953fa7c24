"""The compact legend of lecture mode: what a neuron's fill and ring and an edge's colour and
width say, in a small box in the top-right corner of the network's area, in type large enough
for the back of a hall. The renderer keeps the network out of its way (in the margin beside the
outputs where it has room, else in a strip of its own at the bottom) and the numbers around
it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from nnviz.render.label_text import DrawnLabel
from nnviz.render.paintkit import Kit, qcolor
from nnviz.render.theme import Theme

ROWS = (  # (swatch, what it says)
    ("fill", "fill: activation a"),
    ("ring", "ring: error δ"),
    ("edge", "edge: w, ∂L/∂w, Δw"),
)
FOOT = "deeper, wider = larger |value|"


def _fonts(kit: Kit, px: float, min_px: float):
    return kit.font(max(px * 0.85, min_px)), kit.font(max(px * 0.72, min_px))


def legend_size(kit: Kit, px: float, min_px: float) -> tuple[float, float]:
    """The box's width and height at the network's word size ``px``."""
    font, small = _fonts(kit, px, min_px)
    fh = font[1].height()
    pad, sw = fh * 0.45, fh * 1.15
    text_w = max(kit.advance(font, t) for _, t in ROWS)
    w = pad * 2 + max(sw * 2 + fh * 0.5 + text_w, kit.advance(small, FOOT))
    h = pad * 2 + fh * (1 + len(ROWS) * 1.2) + small[1].height() * 1.1
    return w, h


def draw_legend(
    p: QPainter, kit: Kit, th: Theme, box: QRectF, px: float, min_px: float
) -> list[DrawnLabel]:
    """The legend in ``box`` (on the theme's background, framed); returns its texts."""
    font, small = _fonts(kit, px, min_px)
    fh = font[1].height()
    pad, sw = fh * 0.45, fh * 1.15
    p.save()
    p.fillRect(box, qcolor(th.background))
    frame = QPen(qcolor(th.muted), max(fh * 0.06, 1.0))
    p.setPen(frame)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(box)
    drawn: list[DrawnLabel] = []
    x0, y = box.left() + pad, box.top() + pad + fh * 0.5
    p.setPen(qcolor(th.foreground))
    for k, sign in enumerate(("+", "−")):  # the column heads: positive, negative
        r = kit.text(p, font, sign, x0 + sw * (k + 0.5), y, "center")
        drawn.append(DrawnLabel(sign, r, font[0].pixelSize(), "legend"))
    for kind, text in ROWS:
        y += fh * 1.2
        for k, colour in enumerate((th.positive, th.negative)):
            _swatch(p, kind, colour, QPointF(x0 + sw * (k + 0.5), y), fh)
        p.setPen(qcolor(th.foreground))
        r = kit.text(p, font, text, x0 + sw * 2 + fh * 0.5, y)
        drawn.append(DrawnLabel(text, r, font[0].pixelSize(), "legend"))
    p.setPen(qcolor(th.muted))
    r = kit.text(p, small, FOOT, x0, y + fh * 0.6 + small[1].height() * 0.55)
    drawn.append(DrawnLabel(FOOT, r, small[0].pixelSize(), "legend"))
    p.restore()
    return drawn


def _swatch(p: QPainter, kind: str, colour: str, c: QPointF, fh: float) -> None:
    """A disc (fill), a circle (ring) or a short thick line (edge) in ``colour``."""
    r = fh * 0.36
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if kind == "fill":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(qcolor(colour))
        p.drawEllipse(c, r, r)
    elif kind == "ring":
        p.setPen(QPen(qcolor(colour), max(fh * 0.14, 2.0)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(c, r * 0.9, r * 0.9)
    else:
        pen = QPen(qcolor(colour), max(fh * 0.2, 2.0))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawLine(QPointF(c.x() - r * 1.2, c.y()), QPointF(c.x() + r * 1.2, c.y()))
