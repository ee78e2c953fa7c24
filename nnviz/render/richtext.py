"""Typeset formula text: the HTML of :mod:`nnviz.core.mathtext` laid out with QTextDocument and
drawn with any QPainter (window, QImage, SVG, PDF), so text stays text and numbers never break.

Colours follow the canvas: inputs and activations in the forward flow's green, errors δ and
gradients in the backward flow's violet, weights in the weights' blue, optimizer state in the
selection colour. A panel that does not fit shrinks its type down to a floor, then ends with
"… n more lines".
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)

from nnviz.core.mathtext import document, line, rich, stylesheet
from nnviz.render.paintkit import qcolor
from nnviz.render.theme import Theme

_LOCAL = threading.local()  # each thread its own documents: an export runs off the GUI thread
_CACHE_MAX = 64
SHRINK = 0.92


def colours(th: Theme) -> dict[str, str]:
    """The formula roles' colours in a theme."""
    return {
        "foreground": th.foreground,
        "muted": th.muted,
        "x": th.flow_forward,
        "w": th.negative,
        "d": th.flow_backward,
        "o": th.selection,
    }


def css(th: Theme) -> str:
    """The formula stylesheet of a theme."""
    return stylesheet(colours(th))


def html_of(lines: list | str) -> str:
    """The body HTML of one text (a caption) or of a list of lines (a panel)."""
    if isinstance(lines, str):
        return document([rich(lines)])
    return document(list(lines))


def _cache() -> OrderedDict[tuple, QTextDocument]:
    cache = getattr(_LOCAL, "cache", None)
    if cache is None:
        cache = _LOCAL.cache = OrderedDict()
    return cache


def clear_cache() -> None:
    """Drop this thread's documents (a worker thread calls it before it ends)."""
    _cache().clear()


def make_document(html: str, px: float, width: float, th: Theme) -> QTextDocument:
    """A laid-out document of ``html`` in ``px``-pixel type, ``width`` wide (cached)."""
    key = (html, round(px, 2), round(width, 1), th.name)
    cache = _cache()
    doc = cache.get(key)
    if doc is not None:
        cache.move_to_end(key)
        return doc
    doc = QTextDocument()
    doc.setUndoRedoEnabled(False)
    doc.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(int(round(px)), 1))
    doc.setDefaultFont(font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)  # at spaces only, never inside a number
    doc.setDefaultTextOption(option)
    doc.setDefaultStyleSheet(css(th))
    doc.setHtml(html)
    doc.setTextWidth(max(width, 1.0))
    cache[key] = doc
    if len(cache) > _CACHE_MAX:
        cache.popitem(last=False)
    return doc


def draw_document(p: QPainter, doc: QTextDocument, x: float, y: float, th: Theme) -> None:
    """Draw a laid-out document with its top-left corner at (x, y)."""
    p.save()
    p.translate(x, y)
    ctx = QAbstractTextDocumentLayout.PaintContext()
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Text, qcolor(th.foreground))
    ctx.palette = pal
    size = doc.size()
    ctx.clip = QRectF(0, 0, size.width(), size.height())
    doc.documentLayout().draw(p, ctx)
    p.restore()


def fits(doc: QTextDocument, size: QSizeF) -> bool:
    """Whether a document's lines fit the box, none wider than it."""
    return doc.size().height() <= size.height() and doc.idealWidth() <= size.width() + 0.5


def fit_panel(
    lines: list, px: float, box: QRectF, th: Theme, floor_px: float
) -> tuple[QTextDocument, float, int]:
    """The panel's document: type shrunk from ``px`` down to ``floor_px`` until every line fits;
    then as many lines as fit and "… n more lines". Returns (document, type size, lines left out)."""
    size = box.size()
    size_px = px
    while True:
        doc = make_document(html_of(lines), size_px, size.width(), th)
        if fits(doc, size):
            return doc, size_px, 0
        if size_px <= floor_px:
            break
        size_px = max(size_px * SHRINK, floor_px)
    for keep in range(len(lines) - 1, 0, -1):
        more = len(lines) - keep
        cut = [*lines[:keep], line(f"… {more} more line{'s' if more != 1 else ''}", kind="muted")]
        doc = make_document(html_of(cut), size_px, size.width(), th)
        if doc.size().height() <= size.height():
            return doc, size_px, more
    return doc, size_px, len(lines) - 1
