"""The window and the exports draw the same picture: for every preset and every theme, each
phase of a step as the window (or lecture mode) shows it equals, pixel for pixel, the file the
exporter writes through its own code path (``nnviz export`` for the window themes, the export
job with lecture mode's view for the projection themes)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, QSettings
from PySide6.QtGui import QImage, QPainter

from nnviz.core.engine import Engine
from nnviz.core.netfile import load, preset_names
from nnviz.export_cli import run_export
from nnviz.gui.lecture import LectureView
from nnviz.gui.session import Session
from nnviz.render.trace_pages import export_trace

PRESETS = preset_names()


def _rgb(image: QImage) -> QImage:
    return image.convertToFormat(QImage.Format.Format_RGB32)


def _same(a: QImage, b: QImage) -> bool:
    a, b = _rgb(a), _rgb(b)
    return a.size() == b.size() and a == b


def _walk(qtbot, widget, session: Session) -> list[tuple[str, QImage]]:
    """Step through the first step's phases; the picture of each as (phase, image)."""
    shots = []
    for _ in session.phases:
        session.next_phase()
        shots.append((session.phase_name(), widget_image(widget)))
    assert session.step == 1
    return shots


def widget_image(widget) -> QImage:
    if isinstance(widget, LectureView):
        image = QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(image)
        try:
            widget.paint_to(painter, QRectF(widget.rect()))
        finally:
            painter.end()
        return image
    return widget.grab_image()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("preset", PRESETS)
def test_window_equals_nnviz_export(qtbot, tmp_path, main_window, preset, theme):
    win = main_window(preset, size=(1100, 700))
    win.set_theme(theme)
    win.canvas.setFocus()
    shots = _walk(qtbot, win.canvas, win.session)
    w, h = win.canvas.width(), win.canvas.height()
    out = tmp_path / "export"
    assert run_export([preset, "--out", str(out), "--size", f"{w}x{h}", "--theme", theme]) == 0
    for k, (phase, image) in enumerate(shots):
        exported = QImage(str(out / f"step001-{k + 1:02d}-{phase}.png"))
        assert _same(image, exported), f"{preset} {theme} {phase}: window and export differ"


@pytest.mark.parametrize("theme", ["lecture-light", "lecture-dark"])
@pytest.mark.parametrize("preset", PRESETS)
def test_lecture_mode_equals_the_export_of_its_view(qtbot, tmp_path, preset, theme):
    spec, base = load(preset)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("lecture/theme", theme)
    lecture = LectureView(Session(spec, base, preset), settings)
    lecture.animate = False
    qtbot.addWidget(lecture)
    lecture.resize(960, 540)
    lecture.show()
    qtbot.waitExposed(lecture)
    shots = _walk(qtbot, lecture, lecture.session)
    engine = Engine(spec, base_dir=base)  # the exporter's own run of the same network
    out = tmp_path / "export"
    out.mkdir()
    export_trace(
        spec,
        engine.dataset,
        [engine.step()],
        out,
        fmt="png",
        width=lecture.width(),
        height=lecture.height(),
        view=lecture.options.copy(),
    )
    for k, (phase, image) in enumerate(shots):
        exported = QImage(str(out / f"step001-{k + 1:02d}-{phase}.png"))
        assert _same(image, exported), f"{preset} {theme} {phase}: lecture and export differ"


def test_a_difference_is_noticed(qtbot, tmp_path, main_window):
    """The comparison can fail: a different view gives a different image."""
    win = main_window("regression", size=(1100, 700))
    win.canvas.setFocus()
    shots = _walk(qtbot, win.canvas, win.session)
    w, h = win.canvas.width(), win.canvas.height()
    out = tmp_path / "export"
    assert run_export(["regression", "--out", str(out), "--size", f"{w}x{h}", "--digits", "5"]) == 0
    phase, image = shots[-1]
    assert not _same(image, QImage(str(out / f"step001-{len(shots):02d}-{phase}.png")))
