"""A PDF handout written page by page: QPdfWriter draws straight into the output file (through
nnviz.core.output, so it appears whole on ``close()``), and only the frames of the page being
filled are referenced, so a handout of many steps needs no more memory than one page."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QFile, QFileDevice, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from nnviz.core.output import open_output
from nnviz.render.handout import CAPTION_PT, MARGIN, layout
from nnviz.render.scene import SceneState

INK = "#333333"  # captions and page numbers, on white paper whatever the frames' theme


class PdfStream:
    """``add()`` one frame at a time (it lands in the next grid cell, a new page when the page
    is full); ``close()`` finishes the file, ``abort()`` drops it. ``frames_total`` is needed
    up front for the "page p of n" footers."""

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        frames_total: int,
        *,
        grid: tuple[int, int] = (1, 1),
        page: str = "a4",
        orientation: str = "auto",
        follow_links: bool = True,
    ) -> None:
        from nnviz.render.export import ensure_gui_app, renderer

        ensure_gui_app()
        self.width, self.height = width, height
        self.per_page = max(grid[0] * grid[1], 1)
        self.pages = max(-(-frames_total // self.per_page), 1)
        self.geo = layout(page, orientation, grid, width, height)
        self.frames = 0
        self._renderer = renderer()
        self._stack = contextlib.ExitStack()
        out = self._stack.enter_context(open_output(path, follow_links=follow_links))
        self._file = QFile()
        flags = QFileDevice.FileHandleFlag.DontCloseHandle
        if not self._file.open(out.fileno(), QIODevice.OpenModeFlag.WriteOnly, flags):
            self.abort()
            raise OSError(f"cannot write {path}: {self._file.errorString()}")
        self._writer = QPdfWriter(self._file)
        self._writer.setResolution(288)  # device units per inch: 4 per point, fine hairlines
        self._writer.setTitle("nnviz trace")
        self._writer.setCreator("nnviz")
        self._writer.setPageLayout(
            QPageLayout(
                QPageSize(QSizeF(self.geo.width, self.geo.height), QPageSize.Unit.Point),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        self._font = QFont("DejaVu Sans")
        self._font.setPixelSize(int(CAPTION_PT))
        self._painter: QPainter | None = QPainter(self._writer)
        self._unit = self._writer.resolution() / 72.0

    def add(self, state: SceneState, caption: str | None = None) -> None:
        """Draw one frame (and its caption) in the next cell."""
        p, geo = self._painter, self.geo
        if p is None:
            raise ValueError("the PDF is closed")
        cell = self.frames % self.per_page
        if cell == 0 and self.frames:
            self._footer()
            self._writer.newPage()
        x, y, w, h = geo.frames[cell]
        p.save()
        p.scale(self._unit, self._unit)  # from here on, points
        p.save()
        p.setClipRect(QRectF(x, y, w, h))
        p.translate(x, y)
        p.scale(w / self.width, h / self.height)
        self._renderer.paint(p, QRectF(0, 0, self.width, self.height), state)
        p.restore()
        if caption is not None:
            p.setPen(QColor(INK))
            p.setFont(self._font)
            p.drawText(QRectF(*geo.captions[cell]), Qt.AlignmentFlag.AlignCenter, caption)
        p.restore()
        self.frames += 1

    def _footer(self) -> None:
        p, geo = self._painter, self.geo
        page = max(-(-self.frames // self.per_page), 1)
        p.save()
        p.scale(self._unit, self._unit)
        p.setPen(QColor(INK))
        p.setFont(self._font)
        p.drawText(
            QRectF(0, geo.height - MARGIN, geo.width, MARGIN * 0.75),
            Qt.AlignmentFlag.AlignCenter,
            f"page {page} of {self.pages}",
        )
        p.restore()

    def close(self) -> int:
        """Finish the file (it appears now); returns the page count."""
        if self._painter is None:
            raise ValueError("the PDF is closed")
        try:
            self._footer()
            self._painter.end()
            self._painter = None
            self._file.close()
        except BaseException:
            self.abort()
            raise
        self._stack.close()
        return max(-(-self.frames // self.per_page), 1)

    def abort(self) -> None:
        """Drop the file: a regular target keeps what it held before."""
        if self._painter is not None:
            self._painter.end()
            self._painter = None
        self._file.close()
        err = RuntimeError("PDF export stopped")
        self._stack.__exit__(RuntimeError, err, None)
