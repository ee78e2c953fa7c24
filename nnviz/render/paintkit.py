"""Drawing primitives shared by the renderer's parts, with the caches that make raster painting
fast: text widths, neuron images, pens, and the lines joining two columns of neurons (their
geometry outlives a step's numbers).

Lines are plain anti-aliased pens of their true width on every device (Qt rasterises flat-capped
wide lines directly; a plain core with two 1-px anti-aliased rims measured slower). Vector
devices (SVG, PDF) get plain geometry: the same shapes, true line widths, no images.
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
)

from nnviz.render.colormap import diverging_rgb
from nnviz.render.theme import Theme

PALETTE_LEVELS = 32  # palette steps per side: invisible, and neuron images can be reused
SPRITE_MAX_PX = 160  # neuron images up to this size (device px); bigger ones are drawn directly
_SPRITE_BYTES = 16 << 20
_STRIP_BYTES = 48 << 20
_TEXT_MAX = 4096
_GEOMETRY_MAX = 64  # column pairs whose lines are kept (a window's layers, a few sizes)


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


class ImageCache:
    """Images by key, oldest dropped first once they hold more than ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[object, tuple] = OrderedDict()
        self._sizes: dict[object, int] = {}
        self._bytes = 0
        self.max_bytes = max_bytes

    def get(self, key: object) -> tuple | None:
        return self._items.get(key)

    def put(self, key: object, value: tuple, nbytes: int) -> None:
        if key in self._items:
            self._bytes -= self._sizes[key]
        self._items[key] = value
        self._sizes[key] = nbytes
        self._bytes += nbytes
        while self._bytes > self.max_bytes and len(self._items) > 1:
            old, _ = self._items.popitem(last=False)
            self._bytes -= self._sizes.pop(old)


class Kit:
    """Fonts, text and neuron-image caches for one renderer; ``begin`` adapts to each device."""

    def __init__(self) -> None:
        self._fonts: dict[tuple, tuple[QFont, QFontMetricsF]] = {}
        self._colours: dict[tuple, QColor] = {}
        self._palettes: dict = {}
        self._text: OrderedDict[tuple, float] = OrderedDict()
        self._sprites: OrderedDict[tuple, QImage] = OrderedDict()
        self._sprite_bytes = 0
        self._pens: dict[tuple, QPen] = {}
        self._spans: OrderedDict[tuple, list[QLineF]] = OrderedDict()
        self.strips = ImageCache(_STRIP_BYTES)
        self.fast = False
        self.dpr = 1.0

    def begin(self, p: QPainter) -> None:
        """Raster devices without a transform get the fast paths; others plain geometry."""
        engine = p.paintEngine()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster
        self.fast = raster and p.worldTransform().isIdentity()
        dev = p.device()
        self.dpr = max(float(dev.devicePixelRatioF()), 1.0) if dev is not None else 1.0

    # ----- colours ----------------------------------------------------------------------------
    def colour(self, hex_colour: str, alpha: float = 1.0) -> QColor:
        """A cached QColor for "#rrggbb" at an alpha."""
        key = (hex_colour, alpha)
        c = self._colours.get(key)
        if c is None:
            c = self._colours[key] = qcolor(hex_colour, alpha)
        return c

    def blended(self, colour: str, background: str, strength: float) -> QColor:
        """A cached ``blend``."""
        key = (colour, background, round(strength, 4))
        c = self._colours.get(key)
        if c is None:
            c = self._colours[key] = blend(colour, background, strength)
        return c

    def palette(self, th: Theme) -> list[QColor]:
        """The diverging palette as QColors: index PALETTE_LEVELS + round(t·PALETTE_LEVELS) for
        t in −1..1, and one more (the last) for the error colour."""
        hit = self._palettes.get(th.name)
        if hit is None:
            t = np.linspace(-1.0, 1.0, 2 * PALETTE_LEVELS + 1)
            rgb = diverging_rgb(t, 1.0, th)
            hit = [QColor(int(r), int(g), int(b)) for r, g, b in rgb] + [QColor(th.error)]
            self._palettes[th.name] = hit
        return hit

    def inks(self, th: Theme) -> list[QColor]:
        """Black or white per palette entry: the text colour that reads better on it."""
        key = ("ink", th.name)
        hit = self._palettes.get(key)
        if hit is None:
            black, white = QColor("#000000"), QColor("#ffffff")
            # WCAG contrast: black wins when (L + 0.05) / 0.05 > 1.05 / (L + 0.05)
            hit = [black if _luminance(c) > 0.179 else white for c in self.palette(th)]
            self._palettes[key] = hit
        return hit

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

    def advance(self, font: tuple[QFont, QFontMetricsF], s: str) -> float:
        """The width of a line of text (cached)."""
        f, fm = font
        key = (s, f.pixelSize(), f.bold(), f.family())
        w = self._text.get(key)
        if w is None:
            w = self._text[key] = fm.horizontalAdvance(s)
            if len(self._text) > _TEXT_MAX:
                self._text.popitem(last=False)
        return w

    def text(
        self,
        p: QPainter,
        font: tuple[QFont, QFontMetricsF],
        s: str,
        x: float,
        y: float,
        align: str = "left",
        width: float | None = None,
    ) -> QRectF:
        """Draw one line with its vertical centre at ``y``; ``x`` is its left edge, centre or
        right edge (``align``); ``width`` is its advance when the caller has it. Returns the
        box of its glyphs (ascent + descent). Plain ``drawText``: a step's numbers are new each
        step, and laying a string out to draw it once costs less than preparing a QStaticText."""
        f, fm = font
        w = self.advance(font, s) if width is None else width
        h = fm.ascent() + fm.descent()
        left = x if align == "left" else (x - w / 2 if align == "center" else x - w)
        top = y - h / 2
        p.setFont(f)
        p.drawText(QPointF(left, top + fm.ascent()), s)
        return QRectF(left, top, w, h)

    def block(
        self,
        p: QPainter,
        font: tuple[QFont, QFontMetricsF],
        lines: list[str],
        widths: list[float],
        left: float,
        top: float,
    ) -> list[QRectF]:
        """Left-aligned lines one under another from ``top`` (what ``text`` draws line by line,
        with the font set once). Returns the box of each line's glyphs."""
        f, fm = font
        ascent = fm.ascent()
        h = ascent + fm.descent()
        p.setFont(f)
        boxes = []
        for n, (s, w) in enumerate(zip(lines, widths, strict=True)):
            y = top + h * n
            p.drawText(QPointF(left, y + ascent), s)
            boxes.append(QRectF(left, y, w, h))
        return boxes

    # ----- neurons ----------------------------------------------------------------------------
    def discs(
        self,
        p: QPainter,
        x: float,
        ys: np.ndarray,
        r: float,
        fills: list[QColor] | None,
        lines: list[QColor] | QColor | None,
        line_w: float,
        dashed: bool = False,
    ) -> None:
        """Circles centred at (x, y) for each y, each with its fill and/or outline colour (a
        list, one per circle, or one for all); cached images on fast devices."""
        n = len(ys)
        fill_of = fills if fills is not None else [None] * n
        line_of = lines if isinstance(lines, list) else [lines] * n
        size = int(np.ceil((2 * r + line_w + 4) * self.dpr / 2)) * 2
        if not self.fast or size > SPRITE_MAX_PX:
            for y, f, ln in zip(ys.tolist(), fill_of, line_of, strict=True):
                _disc(p, x, y, r, f, ln, line_w, dashed)
            return
        # exact sizes in the key: a sprite made for a radius that merely rounds alike would be
        # drawn a little differently (and placed by another size) than the disc itself
        base = (r, line_w, dashed, self.dpr, size)
        half = size / 2 / self.dpr
        left = x - half
        for y, f, ln in zip(ys.tolist(), fill_of, line_of, strict=True):
            key = (base, f.rgba() if f is not None else None, ln.rgba() if ln is not None else None)
            img = self._sprites.get(key)
            if img is None:
                img = self._sprite(size, r, f, ln, line_w, dashed)
                self._sprites[key] = img
                self._sprite_bytes += img.sizeInBytes()
                while self._sprite_bytes > _SPRITE_BYTES and len(self._sprites) > 1:
                    _, old = self._sprites.popitem(last=False)
                    self._sprite_bytes -= old.sizeInBytes()
            p.drawImage(QPointF(left, y - half), img)

    def _sprite(
        self,
        size: int,
        r: float,
        fill: QColor | None,
        line: QColor | None,
        line_w: float,
        dashed: bool,
    ) -> QImage:
        img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        q = QPainter(img)
        q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        q.scale(self.dpr, self.dpr)
        half = size / 2 / self.dpr
        _disc(q, half, half, r, fill, line, line_w, dashed)
        q.end()
        img.setDevicePixelRatio(self.dpr)
        return img

    # ----- lines ------------------------------------------------------------------------------
    def pen(self, colour: QColor, width: float) -> QPen:
        """A cached solid pen with flat caps."""
        key = (colour.rgba(), width)
        pen = self._pens.get(key)
        if pen is None:
            if len(self._pens) > 1024:
                self._pens.clear()
            pen = self._pens[key] = QPen(colour)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            pen.setWidthF(width)
        return pen

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
        p.setPen(self.pen(colour, width))
        p.drawLines(_qlines(x0, y0, x1, y1))

    def span_lines(self, x0: float, x1: float, ya: np.ndarray, yb: np.ndarray) -> list[QLineF]:
        """Every line from (x0, ya[j]) to (x1, yb[i]), row-major (index i·len(ya) + j); cached
        by the geometry, which stays while the numbers on the lines change."""
        key = (x0, x1, ya.tobytes(), yb.tobytes())
        hit = self._spans.get(key)
        if hit is None:
            n = ya.size * yb.size
            hit = _qlines(
                np.full(n, x0), np.tile(ya, yb.size), np.full(n, x1), np.repeat(yb, ya.size)
            )
            self._spans[key] = hit
            if len(self._spans) > _GEOMETRY_MAX:
                self._spans.popitem(last=False)
        else:
            self._spans.move_to_end(key)
        return hit


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


def palette_index(values: np.ndarray, vmax: float) -> np.ndarray:
    """Indices into ``Kit.palette`` for values on a −vmax..+vmax scale (NaN/Inf → the error
    colour, the last entry)."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    t = np.clip(np.where(finite, v, 0.0) / (vmax if vmax > 0 else 1.0), -1.0, 1.0)
    idx = np.round(t * PALETTE_LEVELS).astype(np.int64) + PALETTE_LEVELS
    return np.where(finite, idx, 2 * PALETTE_LEVELS + 1)


def _luminance(c: QColor) -> float:
    """Relative luminance (WCAG) of a colour."""

    def lin(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())
