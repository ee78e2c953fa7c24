"""Drawing primitives shared by the renderer's parts, with the caches that make raster painting
fast: prepared text, neuron images, and wide anti-aliased lines drawn as a plain core plus two
1-px anti-aliased rims (Qt rasterises lines up to 1 px wide several times faster than wider ones).

Vector devices (SVG, PDF) get plain geometry: the same shapes, true line widths, no images.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPen,
    QStaticText,
    QTransform,
)

SPRITE_MAX_PX = 160  # neuron images up to this size (device px); bigger ones are drawn directly
_SPRITE_BYTES = 48 << 20
_TEXT_MAX = 4096


def qcolor(c, alpha: float = 1.0) -> QColor:
    """A QColor from "#rrggbb" or an (r, g, b) sequence, with an alpha from 0 to 1."""
    col = QColor(c) if isinstance(c, str) else QColor(int(c[0]), int(c[1]), int(c[2]))
    if alpha < 1.0:
        col.setAlphaF(max(alpha, 0.0))
    return col


def blend(colour, background: str, strength: float) -> QColor:
    """The opaque colour of ``colour`` laid at ``strength`` over ``background`` (opaque lines
    rasterise faster than translucent ones and look the same on a plain background)."""
    c, b = qcolor(colour), QColor(background)
    k = max(0.0, min(strength, 1.0))
    return QColor(
        round(b.red() + (c.red() - b.red()) * k),
        round(b.green() + (c.green() - b.green()) * k),
        round(b.blue() + (c.blue() - b.blue()) * k),
    )


class Kit:
    """Fonts, text and neuron-image caches for one renderer; ``begin`` adapts to each device."""

    def __init__(self) -> None:
        self._fonts: dict[tuple, tuple[QFont, QFontMetricsF]] = {}
        self._text: OrderedDict[tuple, QStaticText] = OrderedDict()
        self._sprites: OrderedDict[tuple, QImage] = OrderedDict()
        self._sprite_bytes = 0
        self.fast = False
        self.dpr = 1.0

    def begin(self, p: QPainter) -> None:
        """Raster devices without a transform get the fast paths; others plain geometry."""
        engine = p.paintEngine()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
        self.fast = raster and p.worldTransform().isIdentity()
        dev = p.device()
        self.dpr = max(float(dev.devicePixelRatioF()), 1.0) if dev is not None else 1.0

    # ----- text -------------------------------------------------------------------------------
    def font(
        self, px: float, bold: bool = False, mono: bool = False
    ) -> tuple[QFont, QFontMetricsF]:
        key = (max(int(round(px)), 1), bold, mono)
        hit = self._fonts.get(key)
        if hit is None:
            f = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
            if mono:
                f.setStyleHint(QFont.StyleHint.Monospace)
            f.setPixelSize(key[0])
            f.setBold(bold)
            hit = self._fonts[key] = (f, QFontMetricsF(f))
        return hit

    def text(
        self,
        p: QPainter,
        font: tuple[QFont, QFontMetricsF],
        s: str,
        x: float,
        y: float,
        align: str = "left",
    ) -> QRectF:
        """Draw one line with its vertical centre at ``y``; ``x`` is its left edge, centre or
        right edge (``align``). Returns the box of its glyphs (ascent + descent)."""
        f, fm = font
        w = fm.horizontalAdvance(s)
        h = fm.ascent() + fm.descent()
        left = x if align == "left" else (x - w / 2 if align == "center" else x - w)
        top = y - h / 2
        key = (s, f.pixelSize(), f.bold(), f.family())
        st = self._text.get(key)
        if st is None:
            st = QStaticText(s)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            st.prepare(QTransform(), f)
            self._text[key] = st
            if len(self._text) > _TEXT_MAX:
                self._text.popitem(last=False)
        p.setFont(f)
        p.drawStaticText(QPointF(left, top), st)
        return QRectF(left, top, w, h)

    # ----- neurons ----------------------------------------------------------------------------
    def disc(
        self,
        p: QPainter,
        x: float,
        y: float,
        r: float,
        fill: QColor | None,
        line: QColor | None,
        line_w: float,
        dashed: bool = False,
    ) -> None:
        """A circle (filled and/or outlined) centred at (x, y); from a cached image when fast."""
        size = int(np.ceil((2 * r + line_w + 4) * self.dpr / 2)) * 2
        if not self.fast or size > SPRITE_MAX_PX:
            _disc(p, x, y, r, fill, line, line_w, dashed)
            return
        key = (
            round(r, 2),
            fill.rgba() if fill is not None else None,
            line.rgba() if line is not None else None,
            round(line_w, 2),
            dashed,
            self.dpr,
        )
        img = self._sprites.get(key)
        if img is None:
            img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            q = QPainter(img)
            q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            q.scale(self.dpr, self.dpr)
            half = size / 2 / self.dpr
            _disc(q, half, half, r, fill, line, line_w, dashed)
            q.end()
            img.setDevicePixelRatio(self.dpr)
            self._sprites[key] = img
            self._sprite_bytes += img.sizeInBytes()
            while self._sprite_bytes > _SPRITE_BYTES and len(self._sprites) > 1:
                _, old = self._sprites.popitem(last=False)
                self._sprite_bytes -= old.sizeInBytes()
        else:
            self._sprites.move_to_end(key)
        half = size / 2 / self.dpr
        p.drawImage(QPointF(x - half, y - half), img)

    # ----- lines ------------------------------------------------------------------------------
    def lines(
        self,
        p: QPainter,
        x0: np.ndarray,
        y0: np.ndarray,
        x1: np.ndarray,
        y1: np.ndarray,
        width: float,
        colour: QColor,
    ) -> None:
        """Straight lines of one colour and width with flat ends, batched."""
        if len(x0) == 0:
            return
        pen = QPen(colour)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        one = 1.0 / self.dpr
        if not self.fast or width <= one * 1.05:
            pen.setWidthF(width)
            p.setPen(pen)
            p.drawLines(_qlines(x0, y0, x1, y1))
            return
        # a plain (aliased) core, then anti-aliased 1-px rims along both sides
        dx, dy = x1 - x0, y1 - y0
        length = np.maximum(np.hypot(dx, dy), 1e-9)
        off = (width - one) / 2
        nx, ny = -dy / length * off, dx / length * off
        pen.setWidthF(max(width - one, one))
        p.setPen(pen)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.drawLines(_qlines(x0, y0, x1, y1))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen.setWidthF(one)
        p.setPen(pen)
        p.drawLines(
            _qlines(
                np.concatenate([x0 + nx, x0 - nx]),
                np.concatenate([y0 + ny, y0 - ny]),
                np.concatenate([x1 + nx, x1 - nx]),
                np.concatenate([y1 + ny, y1 - ny]),
            )
        )


def _qlines(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> list[QLineF]:
    return list(map(QLineF, x0.tolist(), y0.tolist(), x1.tolist(), y1.tolist()))


def _disc(
    p: QPainter,
    x: float,
    y: float,
    r: float,
    fill: QColor | None,
    line: QColor | None,
    line_w: float,
    dashed: bool,
) -> None:
    if line is None:
        p.setPen(Qt.PenStyle.NoPen)
    else:
        pen = QPen(line)
        pen.setWidthF(line_w)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
    if fill is None:
        p.setBrush(Qt.BrushStyle.NoBrush)
    else:
        p.setBrush(fill)
    p.drawEllipse(QPointF(x, y), r, r)
    p.setBrush(Qt.BrushStyle.NoBrush)
