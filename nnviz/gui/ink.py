"""Lecture ink: drawing, erasing, undoing and clearing strokes over the phase on screen.

The strokes live in the session's :class:`nnviz.core.ink.InkBook` (saved in session files), one
page per (run, step, phase), in network coordinates: after zoom (Z) or larger type (Ctrl+=) a
stroke is still over the neuron it was drawn on. :class:`InkLayer` is owned by the lecture view,
which calls it from its paint, mouse and key handlers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from nnviz.core.ink import INK_COLOURS, WIDTHS, InkBook, Page, Stroke
from nnviz.render.layout import Layout

COLOUR_NAMES = tuple(INK_COLOURS)
ERASER_PX = 14.0  # the eraser's reach, in pixels of a 1080-pixel-tall picture
UNDO_DEPTH = 200


class InkLayer:
    """The pen's state (colour, width, eraser) and its input; the strokes are the session's."""

    def __init__(self, view) -> None:
        """``view``: the lecture view (its ``session`` and ``info``, the last paint's layout)."""
        self.view = view
        self.colour = COLOUR_NAMES[0]
        self.width_index = 1
        self.eraser = False
        self._drawing: list[tuple[float, float]] | None = None  # pixels, while drawing
        self._erasing = False
        self._undo: list[tuple[Page, str, list]] = []  # (page, "add"|"erase"|"clear", strokes)
        self._redo: list[tuple[Page, str, list]] = []

    # ----- state --------------------------------------------------------------------------------
    @property
    def book(self) -> InkBook:
        return self.view.session.ink

    @property
    def page(self) -> Page:
        s = self.view.session
        return (s.run.id, s.step, s.phase)

    @property
    def width(self) -> float:
        return WIDTHS[self.width_index]

    def strokes(self) -> list[Stroke]:
        """The strokes on the phase shown."""
        return self.book.strokes(self.page)

    def _layout(self) -> Layout | None:
        info = self.view.info
        return info.layout if info is not None and info.layout.layers else None

    def _changed(self) -> None:
        self.view.session.dirty = True
        self.view.update()

    def _record(self, kind: str, strokes: list) -> None:
        self._undo.append((self.page, kind, strokes))
        del self._undo[:-UNDO_DEPTH]
        self._redo = [r for r in self._redo if r[0] != self.page]

    # ----- what the ink keys do (the keys: nnviz.gui.keymap) ----------------------------------
    def set_colour(self, index: int) -> None:
        """Colour ``index`` (0–3) of INK_COLOURS; the eraser goes off."""
        self.colour = COLOUR_NAMES[min(max(index, 0), len(COLOUR_NAMES) - 1)]
        self.eraser = False

    def set_width(self, change: int) -> None:
        """One width thinner (−1) or thicker (+1)."""
        self.width_index = min(max(self.width_index + change, 0), len(WIDTHS) - 1)

    def clear(self) -> None:
        gone = self.book.clear(self.page)
        if gone:
            self._record("clear", gone)
            self._changed()

    def undo(self) -> None:
        """Undo the last ink change on the phase shown."""
        self._step(self._undo, self._redo, forward=False)

    def redo(self) -> None:
        self._step(self._redo, self._undo, forward=True)

    def _step(self, source: list, target: list, forward: bool) -> None:
        page = self.page
        for i in range(len(source) - 1, -1, -1):
            if source[i][0] == page:
                _, kind, strokes = entry = source.pop(i)
                adding = (kind == "add") == forward
                for stroke in strokes:
                    if adding:
                        self.book.add(page, stroke)
                    else:
                        self.book.remove(page, stroke)
                target.append(entry)
                self._changed()
                return

    # ----- mouse --------------------------------------------------------------------------------
    def press(self, pos: QPointF) -> None:
        if self.view.isVisible():  # the layout of the phase shown now, not of an older paint
            before = self.view.info
            self.view.repaint()
            if self.view.info is before:  # not painted at once (some platforms): paint it here
                self.view.grab()
        if self._layout() is None:
            return
        if self.eraser:
            self._erasing = True
            self._erase_at(pos)
        else:
            self._drawing = [(pos.x(), pos.y())]

    def move(self, pos: QPointF) -> bool:
        """Extend the stroke being drawn (or erase under the eraser); True when something
        changed."""
        if self._erasing:
            self._erase_at(pos)
            return True
        if self._drawing is None:
            return False
        self._drawing.append((pos.x(), pos.y()))
        return True

    def release(self) -> bool:
        """Finish the stroke: kept in network coordinates on the phase shown."""
        if self._erasing:
            self._erasing = False
            return True
        drawing, self._drawing = self._drawing, None
        lay = self._layout()
        if drawing is None:
            return False
        if len(drawing) > 1 and lay is not None:
            xs, ys = np.array(drawing).T
            u, v = lay.to_network(xs, ys)
            stroke = Stroke(
                self.colour, self.width, tuple(zip(u.tolist(), v.tolist(), strict=True))
            )
            self.book.add(self.page, stroke)
            self._record("add", [stroke])
            self._changed()
        return True

    def _erase_at(self, pos: QPointF) -> None:
        """Erase every stroke of the phase shown that passes within the eraser's reach."""
        lay = self._layout()
        if lay is None:
            return
        k = self._px_scale()
        gone = []
        for stroke in list(self.strokes()):
            xs, ys = lay.from_network(*np.array(stroke.points).T)
            reach = ERASER_PX * k + stroke.width * k / 2
            if _distance(xs, ys, pos.x(), pos.y()) <= reach:
                self.book.remove(self.page, stroke)
                gone.append(stroke)
        if gone:
            self._record("erase", gone)
            self._changed()

    def _px_scale(self) -> float:
        return max(self.view.height(), 1) / 1080.0

    # ----- drawing ------------------------------------------------------------------------------
    def paint(self, p: QPainter, rect: QRectF) -> None:
        """The phase's strokes, and the one being drawn, over the picture just painted."""
        lay = self._layout()
        k = max(rect.height(), 1.0) / 1080.0
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setClipRect(rect)
        if lay is not None:
            for stroke in self.strokes():
                xs, ys = lay.from_network(*np.array(stroke.points).T)
                _path(p, stroke.hex, stroke.width * k, list(zip(xs, ys, strict=True)))
        if self._drawing:
            _path(p, INK_COLOURS[self.colour], self.width * k, self._drawing)
        p.restore()

    def status(self) -> str:
        """What the badge says about the pen."""
        if self.eraser:
            return "eraser"
        return f"pen {self.colour} {self.width:g}"


def _path(p: QPainter, colour: str, width: float, points) -> None:
    if not points:
        return
    pen = QPen(QColor(colour))
    pen.setWidthF(max(width, 1.0))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(float(points[0][0]), float(points[0][1])))
    for x, y in points[1:]:
        path.lineTo(float(x), float(y))
    if len(points) == 1:
        path.lineTo(float(points[0][0]) + 0.01, float(points[0][1]))
    p.drawPath(path)


def _distance(xs: np.ndarray, ys: np.ndarray, x: float, y: float) -> float:
    """The least distance from (x, y) to the polyline through (xs, ys)."""
    if xs.size == 1:
        return float(np.hypot(xs[0] - x, ys[0] - y))
    ax, ay, bx, by = xs[:-1], ys[:-1], xs[1:], ys[1:]
    dx, dy = bx - ax, by - ay
    t = np.clip(((x - ax) * dx + (y - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    return float(np.min(np.hypot(ax + t * dx - x, ay + t * dy - y)))
