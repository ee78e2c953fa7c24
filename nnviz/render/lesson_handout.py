"""A lesson as a printable PDF handout: one page per stop (its title, the network at the stop,
a caption line, the stop's text with its question and hint), then a page of the answers the
engine computed. Paper and margins as the trace handout's (nnviz.render.handout)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from nnviz.core.output import write_bytes
from nnviz.render.export import ensure_gui_app
from nnviz.render.handout import CAPTION_PT, MARGIN, PAGES_PT
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.scene import SceneState

_RENDERER = NetworkRenderer()

TITLE_PT = 15.0
TEXT_PT = 10.5
MIN_TEXT_SCALE = 0.6
"""A stop's text that does not fit below its frame is drawn smaller, down to this scale."""


@dataclass(frozen=True)
class HandoutPage:
    """One stop on paper: ``text`` is Markdown (the stop's text, question and hint)."""

    title: str
    scene: SceneState
    caption: str
    text: str


def save_lesson_pdf(
    title: str,
    pages: list[HandoutPage],
    answers: list[str],
    path: Path,
    width: int,
    height: int,
    *,
    page: str = "a4",
    orientation: str = "auto",
    follow_links: bool = True,
) -> int:
    """Write the handout (``answers``: Markdown lines for the last page, none: no such page);
    ``orientation`` 'auto' is portrait, which leaves room for the text. Returns the page
    count."""
    ensure_gui_app()
    short, long = PAGES_PT[page]
    pw, ph = (long, short) if orientation == "landscape" else (short, long)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(288)
    writer.setTitle(title)
    writer.setCreator("nnviz")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(pw, ph), QPageSize.Unit.Point),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    ink = QColor("#222222")
    n_pages = len(pages) + (1 if answers else 0)
    painter = QPainter(writer)
    try:
        unit = writer.resolution() / 72.0
        for p in range(n_pages):
            if p:
                writer.newPage()
            painter.save()
            painter.scale(unit, unit)  # points from here on
            inner = QRectF(MARGIN, MARGIN, pw - 2 * MARGIN, ph - 2.5 * MARGIN)
            if p < len(pages):
                _stop_page(painter, pages[p], inner, width, height, ink)
            else:
                _markdown(painter, "## Answers\n\n" + "\n".join(answers), inner, ink)
            painter.setPen(ink)
            painter.setFont(_font(CAPTION_PT))
            painter.drawText(
                QRectF(0, ph - MARGIN, pw, MARGIN * 0.75),
                Qt.AlignmentFlag.AlignCenter,
                f"{title} · page {p + 1} of {n_pages}",
            )
            painter.restore()
    finally:
        painter.end()
    buf.close()
    write_bytes(path, data.data(), follow_links=follow_links)
    return n_pages


def _stop_page(
    painter: QPainter, hp: HandoutPage, inner: QRectF, width: int, height: int, ink: QColor
) -> None:
    painter.setPen(ink)
    painter.setFont(_font(TITLE_PT, bold=True))
    painter.drawText(
        QRectF(inner.x(), inner.y(), inner.width(), TITLE_PT * 1.6),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        hp.title,
    )
    top = inner.y() + TITLE_PT * 1.8
    s = min(inner.width() / width, (inner.height() * 0.55) / height)
    fw, fh = width * s, height * s
    x = inner.x() + (inner.width() - fw) / 2
    painter.save()
    painter.setClipRect(QRectF(x, top, fw, fh))
    painter.translate(x, top)
    painter.scale(s, s)
    _RENDERER.paint(painter, QRectF(0, 0, width, height), hp.scene)
    painter.restore()
    painter.setPen(ink)
    painter.setFont(_font(CAPTION_PT))
    painter.drawText(QRectF(x, top + fh, fw, CAPTION_PT * 1.6), Qt.AlignmentFlag.AlignCenter,
                     hp.caption)  # fmt: skip
    text_top = top + fh + CAPTION_PT * 2.2
    _markdown(painter, hp.text, QRectF(inner.x(), text_top, inner.width(),
                                       inner.bottom() - text_top), ink)  # fmt: skip


def _markdown(painter: QPainter, text: str, rect: QRectF, ink: QColor) -> None:
    """Markdown typeset into ``rect``; text too long for it is drawn smaller to fit."""
    doc = QTextDocument()
    doc.setDefaultFont(_font(TEXT_PT))
    doc.setDefaultStyleSheet(f"body {{ color: {ink.name()}; }}")
    doc.setMarkdown(text)
    doc.setTextWidth(rect.width())
    need = doc.size().height()
    scale = 1.0 if need <= rect.height() else max(rect.height() / need, MIN_TEXT_SCALE)
    if scale < 1.0:
        doc.setTextWidth(rect.width() / scale)
    painter.save()
    painter.translate(rect.x(), rect.y())
    painter.scale(scale, scale)
    doc.drawContents(painter, QRectF(0, 0, rect.width() / scale, rect.height() / scale))
    painter.restore()


def _font(size_pt: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(int(round(size_pt)), 1))
    font.setBold(bold)
    return font
