"""File → Export trace… through the real dialog and window: every option reaches the files,
the choices are remembered (also after an error), the window keeps running while the worker
exports, and Cancel removes what the export wrote."""

import json

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from nnviz.gui.export_dialog import ExportDialog


def _export_through_dialog(qtbot, win, monkeypatch, configure) -> None:
    """File → Export trace…, the dialog filled in by ``configure`` and accepted."""

    def exec_(dialog):
        configure(dialog)
        dialog.accept()
        return 1

    monkeypatch.setattr(ExportDialog, "exec", exec_)
    win.export_trace_dialog()


def _wait_done(qtbot, win):
    job = win.export_job
    if job.running:
        with qtbot.waitSignal(job.finished, timeout=120_000) as res:
            pass
        return res.args
    return None


def test_pdf_options_reach_the_handout(qtbot, main_window, tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    win = main_window("two-two-two", show=False)
    out = tmp_path / "pdf"

    def configure(d):
        d.folder.setText(str(out))
        d.fmt.setCurrentText("pdf")
        d.steps.setValue(2)
        d.size.setCurrentText("640x360")
        d.grid.setCurrentText("2x3")
        d.page.setCurrentText("letter")
        d.orientation.setCurrentText("portrait")
        d.trace_json.setChecked(False)
        assert d.grid.isEnabled() and not d.transparent.isEnabled()

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    assert _wait_done(qtbot, win)[0] is True
    assert sorted(p.name for p in out.iterdir()) == ["trace.pdf"]  # no trace.json: unticked
    reader = pypdf.PdfReader(out / "trace.pdf")
    assert len(reader.pages) == 2  # 12 frames, 6 a page
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # Letter, portrait
    text = " ".join(reader.pages[0].extract_text().split())
    assert "step 1 · weight update" in text and "page 1 of 2" in text  # captions, footer


def test_animation_options_reach_the_gif(qtbot, main_window, tmp_path, monkeypatch):
    win = main_window("xor", show=False)
    win.set_theme("dark")
    out = tmp_path / "gif"

    def configure(d):
        assert d.theme.currentText() == "dark"  # the window's theme by default
        d.folder.setText(str(out))
        d.fmt.setCurrentText("gif")
        d.steps.setValue(3)
        d.only_update.setChecked(True)
        d.size.setCurrentText("320x200")
        d.frame_ms.setValue(300)
        assert d.frame_ms.isEnabled() and not d.grid.isEnabled()

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    assert _wait_done(qtbot, win)[0] is True
    with Image.open(out / "trace.gif") as im:
        assert im.n_frames == 3 and im.size == (320, 200)
        assert im.info["duration"] == 300
        r, g, b = im.convert("RGB").getpixel((3, 3))
        assert r + g + b < 200  # the dark theme's background
    doc = json.loads((out / "trace.json").read_text())
    assert len(doc["steps"]) == 3 and doc["files"] == ["trace.gif"]


def test_transparent_png_through_the_dialog(qtbot, main_window, tmp_path, monkeypatch):
    from PySide6.QtGui import QImage

    win = main_window("xor", show=False)
    out = tmp_path / "t"

    def configure(d):
        d.folder.setText(str(out))
        d.fmt.setCurrentText("png")
        d.size.setCurrentText("320x200")
        d.transparent.setChecked(True)
        d.png_quality.setValue(0)  # zlib's strongest: lossless, smaller

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    assert _wait_done(qtbot, win)[0] is True
    img = QImage(str(out / "step001-01-forward-L1.png"))
    assert img.hasAlphaChannel() and img.pixelColor(2, 2).alpha() == 0
    assert win.export_job.choices.settings().png_quality == 0


def test_choices_are_remembered_also_after_an_error(qtbot, main_window, tmp_path, monkeypatch):
    win = main_window("xor", show=False)
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")

    def configure(d):
        d.folder.setText(str(full))
        d.fmt.setCurrentText("webp")
        d.steps.setValue(7)
        d.size.setCurrentText("800x600")
        d.frame_ms.setValue(1200)
        d.theme.setCurrentText("lecture-dark")
        d.digits.setValue(5)
        d.trace_json.setChecked(False)

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    assert win.errors and "not empty" in win.errors[-1]  # refused: nothing exported
    assert sorted(p.name for p in full.iterdir()) == ["keep.txt"]
    again = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(again)
    assert again.folder.text() == str(full) and again.fmt.currentText() == "webp"
    assert again.steps.value() == 7 and again.size.currentText() == "800x600"
    assert again.frame_ms.value() == 1200 and not again.trace_json.isChecked()
    assert again.theme.currentText() == "lecture-dark" and again.digits.value() == 5
    win.set_theme("dark")  # the window changed: the dialog follows it again
    third = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(third)
    assert third.theme.currentText() == "dark" and third.fmt.currentText() == "webp"


def test_the_window_keeps_running_and_cancel_removes_the_files(qtbot, main_window, tmp_path,
                                                                monkeypatch):  # fmt: skip
    win = main_window("spiral", show=False)
    out = tmp_path / "c"
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(win.export_job.done))

    def configure(d):
        d.folder.setText(str(out))
        d.fmt.setCurrentText("png")
        d.steps.setValue(50)
        d.size.setCurrentText("640x360")

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    job = win.export_job
    timer.start(5)
    qtbot.waitUntil(lambda: job.done >= 3, timeout=60_000)
    # the GUI thread's event loop ran while frames were written on the worker
    assert len(ticks) >= 3 and ticks[0] < job.done
    assert len(list(out.glob("*.png"))) >= 2
    progress = win.findChildren(QProgressDialog)[-1]
    with qtbot.waitSignal(job.finished, timeout=60_000) as res:
        progress.findChild(QPushButton).click()  # the progress dialog's Cancel
    timer.stop()
    assert res.args[0] is False and job.cancelled and not win.errors
    assert list(out.iterdir()) == []  # every file it wrote, trace.json's temporary included


def test_the_worker_thread_draws_what_the_command_draws(qtbot, tmp_path):
    """The same step and choices give the same pixels from the window's worker thread as from
    `nnviz export` on the main thread (text, formula panel and all)."""
    from PySide6.QtGui import QImage

    from nnviz.cli import main
    from nnviz.core.netfile import load
    from nnviz.gui.export_dialog import ExportChoices, ExportJob
    from nnviz.gui.session import Session
    from nnviz.render.view import ViewState

    cli = tmp_path / "cli"
    assert main(["export", "two-two-two", "--size", "480x300", "--neuron", "2:1",
                 "--out", str(cli), "--no-trace-json"]) == 0  # fmt: skip
    spec, base = load("two-two-two")
    session = Session(spec, base, "two-two-two")
    gui = tmp_path / "gui"
    choices = ExportChoices(out=gui, size=(480, 300), view=ViewState(), neuron=(2, 0),
                            trace_json=False)  # fmt: skip
    job = ExportJob(session, choices)
    with qtbot.waitSignal(job.finished, timeout=60_000) as res:
        job.start()
    assert res.args[0] is True
    names = sorted(p.name for p in cli.iterdir())
    assert names == sorted(p.name for p in gui.iterdir()) and len(names) == 6
    for name in names:
        a, b = QImage(str(cli / name)), QImage(str(gui / name))
        assert a.size() == b.size() and a == b, name


@pytest.mark.parametrize(("lang", "page"), [("en_US.UTF-8", "letter"), ("de_DE.UTF-8", "a4")])
def test_the_paper_starts_as_the_locales(main_window, monkeypatch, tmp_path, lang, page):
    """With no remembered choice the dialog's paper is the locale's, as the command's is."""
    from PySide6.QtCore import QSettings

    for var in ("LC_ALL", "LC_PAPER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", lang)
    win = main_window("xor", show=False)
    fresh = QSettings(str(tmp_path / f"fresh-{page}.ini"), QSettings.Format.IniFormat)
    d = ExportDialog(win.session, win, settings=fresh)
    assert d.page.currentText() == page
    d.deleteLater()
