"""Rendering a scene headless: to a QImage, a PNG, an SVG (QSvgGenerator) or a PDF handout."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QImageWriter,
    QPainter,
)

from nnviz.core.output import write_bytes
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.scene import SceneState

_LOCAL = threading.local()


def renderer() -> NetworkRenderer:
    """This thread's renderer: an export running off the GUI thread gets its own, with its own
    caches, never the window's."""
    r = getattr(_LOCAL, "renderer", None)
    if r is None:
        r = _LOCAL.renderer = NetworkRenderer()
    return r


PNG_QUALITY = 80
"""Qt's PNG setting: 0 gives the smallest files (zlib's level 9, slow), 100 no compression,
-1 Qt's default (zlib's level 6). Every setting is lossless. 80 is zlib's fastest level: a busy
1920x1080 frame encodes in about two thirds of the default's time into a file 2-6% larger
(near-empty frames grow by up to a quarter, from under 100 KiB)."""


def release_thread_caches() -> None:
    """Drop this thread's renderer and typeset documents (a worker thread calls it before it
    ends, so no Qt object outlives the thread that made it)."""
    from nnviz.render.richtext import clear_cache

    _LOCAL.renderer = None
    clear_cache()


def ensure_gui_app() -> QGuiApplication:
    """The running Qt application, or a new one (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication  # widgets too, so a window can follow

        app = QApplication([])
    return app  # type: ignore[return-value]


def render_image(
    state: SceneState,
    width: int,
    height: int,
    *,
    device_pixel_ratio: float = 1.0,
    transparent: bool = False,
) -> QImage:
    """The scene drawn into a new image of ``width``×``height`` logical pixels."""
    ensure_gui_app()
    dpr = max(device_pixel_ratio, 1.0)
    image = QImage(
        QSize(int(width * dpr), int(height * dpr)), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.GlobalColor.transparent)
    if transparent:
        state = replace(state, transparent=True)
    painter = QPainter(image)
    try:
        renderer().paint(painter, QRectF(0, 0, width, height), state)
    finally:
        painter.end()
    return image


def save_png(
    state: SceneState,
    path: Path,
    width: int,
    height: int,
    transparent: bool = False,
    *,
    quality: int = PNG_QUALITY,
    follow_links: bool = True,
) -> None:
    """The scene as a lossless PNG file: RGB, or RGBA with a transparent background when
    ``transparent``. ``quality`` is Qt's PNG setting (see PNG_QUALITY); the file is written by
    nnviz.core.output (``follow_links=False`` refuses a symbolic link)."""
    image = render_image(state, width, height, transparent=transparent)
    if not transparent:
        drop_alpha(image)
    write_bytes(path, encode_png(image, quality), follow_links=follow_links)


def encode_png(image: QImage, quality: int = PNG_QUALITY) -> bytes:
    """The bytes of a PNG file holding ``image`` exactly (RGB for an RGB32 image, else RGBA)."""
    data, buf = _buffer()
    writer = QImageWriter(buf, b"png")
    writer.setQuality(max(-1, min(int(quality), 100)))
    if not writer.write(image):
        raise OSError(f"cannot encode a PNG: {writer.errorString()}")
    return data.data()


def drop_alpha(image: QImage) -> bool:
    """Relabel a premultiplied image whose every pixel is opaque as RGB32, in place (the same
    bytes: no copy), so that it is stored without an alpha channel: a quarter less data to
    compress. False, and the image unchanged, when it is another format or not opaque."""
    if image.format() != QImage.Format.Format_ARGB32_Premultiplied or image.isNull():
        return False
    h, stride = image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint32, count=stride // 4 * h).reshape(h, -1)
    if rows[:, : image.width()].min() < 0xFF000000:  # alpha is the top byte
        return False
    return image.reinterpretAsFormat(QImage.Format.Format_RGB32)


def _buffer() -> tuple[QByteArray, QBuffer]:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    return data, buf


def save_svg(
    state: SceneState,
    path: Path,
    width: int,
    height: int,
    *,
    transparent: bool = False,
    follow_links: bool = True,
) -> None:
    """The scene as an SVG file whose numbers are text (drawn in memory, then written by
    nnviz.core.output); ``transparent`` leaves out the background and panel fills."""
    from PySide6.QtSvg import QSvgGenerator

    ensure_gui_app()
    if transparent:
        state = replace(state, transparent=True)
    data, buf = _buffer()
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(width, height))
    gen.setViewBox(QRectF(0, 0, width, height))
    gen.setTitle("nnviz")
    gen.setDescription(state.header)
    painter = QPainter(gen)
    try:
        renderer().paint(painter, QRectF(0, 0, width, height), state)
    finally:
        painter.end()
    buf.close()
    write_bytes(path, data.data(), follow_links=follow_links)


def save_pdf(
    states: list[SceneState],
    path: Path,
    width: int,
    height: int,
    *,
    grid: tuple[int, int] = (1, 1),
    page: str = "a4",
    orientation: str = "auto",
    captions: list[str] | None = None,
    follow_links: bool = True,
) -> int:
    """A printable handout: ``page`` paper (A4 or Letter) with margins, a grid of cols×rows
    frames per page, each scaled to its cell keeping its aspect, with its caption below and the
    page number at the foot (see nnviz.render.handout and nnviz.render.pdf_stream). Returns the
    page count."""
    from nnviz.render.pdf_stream import PdfStream

    pdf = PdfStream(
        path,
        width,
        height,
        len(states),
        grid=grid,
        page=page,
        orientation=orientation,
        follow_links=follow_links,
    )
    try:
        for n, state in enumerate(states):
            pdf.add(state, None if captions is None else captions[n])
    except BaseException:
        pdf.abort()
        raise
    return pdf.close()
