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


def test_the_windows_export_draws_what_the_command_draws(qtbot, tmp_path):
    """The same step and choices give the same pixels from the window's export (in its own
    process) as from `nnviz export` (text, formula panel and all)."""
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


DECK_OFF = ("grid", "page", "orientation", "frame_ms", "transparent", "png_quality", "trace_json")


def _choose_deck(d, out) -> None:
    d.fmt.setCurrentIndex(d.fmt.findData("html"))
    assert d.where.text() == "HTML file"
    d.folder.setText(str(out))


def test_the_html_deck_through_the_dialog_is_the_commands_deck(qtbot, main_window, tmp_path,
                                                               monkeypatch):  # fmt: skip
    """The window's deck (worker thread, progress) holds what `nnviz export --format html`
    writes with the same options: one SVG template per distinct frame, the same frames."""
    from nnviz.cli import main
    from tests.test_html_deck import Page, deck_data

    win = main_window("two-two-two", show=False)
    out = tmp_path / "deck.html"
    seen = {}

    def configure(d):
        _choose_deck(d, out)
        d.steps.setValue(2)
        d.size.setCurrentText("800x450")
        d.neuron.setText("2:1")
        for name in DECK_OFF:
            assert not getattr(d, name).isEnabled(), name
        assert d.steps.isEnabled() and d.only_update.isEnabled() and d.mistake.isEnabled()

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    win.export_job.progress.connect(lambda done, total: seen.setdefault(done, total))
    ok, message = _wait_done(qtbot, win)
    assert ok is True and "HTML deck of 12 frames" in message and not win.errors, message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.html", "settings.ini"]
    gui = Page(out.read_text(encoding="utf-8"))
    cli_out = tmp_path / "cli" / "deck.html"
    cli_out.parent.mkdir()
    argv = ["export", "two-two-two", "--format", "html", "--out", str(cli_out), "--size",
            "800x450", "--steps", "2", "--neuron", "2:1"]  # fmt: skip
    assert main(argv) == 0
    cli = Page(cli_out.read_text(encoding="utf-8"))
    frames = deck_data(gui)["frames"]
    assert len(frames) == len(deck_data(cli)["frames"]) == 12  # 2 steps × 6 phases
    assert [f["name"] for f in frames] == [f["name"] for f in deck_data(cli)["frames"]]
    assert deck_data(gui)["selected"] == deck_data(cli)["selected"] == [2, 0]
    svgs = [a["id"] for t, a in gui.tags if t == "template" and a["id"].startswith("svg-")]
    assert sorted({f["svg"] for f in frames}) == list(range(len(svgs)))  # one per frame drawn
    assert len(svgs) == len([a for t, a in cli.tags if t == "template" and
                             a["id"].startswith("svg-")])  # fmt: skip
    assert max(seen) == 12 and seen[12] == 12  # progress counted every frame


def test_cancel_during_the_deck_leaves_no_file_and_keeps_an_old_one(qtbot, main_window, tmp_path,
                                                                    monkeypatch):  # fmt: skip
    win = main_window("spiral", show=False)
    out = tmp_path / "deck.html"
    out.write_text("the lecturer's old deck")
    asked = []
    monkeypatch.setattr(ExportDialog, "ask_replace", lambda self, p: asked.append(p) or True)

    def configure(d):
        _choose_deck(d, out)
        d.steps.setValue(60)
        d.size.setCurrentText("640x360")

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    assert asked == [out]  # replacing the existing file was asked
    job = win.export_job
    qtbot.waitUntil(lambda: job.done >= 3, timeout=60_000)
    progress = win.findChildren(QProgressDialog)[-1]
    with qtbot.waitSignal(job.finished, timeout=60_000) as res:
        progress.findChild(QPushButton).click()  # the progress dialog's Cancel
    assert res.args[0] is False and "cancelled" in res.args[1] and not win.errors
    assert out.read_text() == "the lecturer's old deck"  # untouched, no temporary beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.html", "settings.ini"]


def test_an_existing_file_the_user_keeps_is_not_exported_over(qtbot, main_window, tmp_path,
                                                              monkeypatch):  # fmt: skip
    win = main_window("xor", show=False)
    out = tmp_path / "deck.html"
    out.write_text("keep")
    monkeypatch.setattr(ExportDialog, "ask_replace", lambda self, p: False)
    _export_through_dialog(qtbot, win, monkeypatch, lambda d: _choose_deck(d, out))
    assert getattr(win, "export_job", None) is None and not win.errors
    assert out.read_text() == "keep"
    (tmp_path / "folder.html").mkdir()
    _export_through_dialog(
        qtbot, win, monkeypatch, lambda d: _choose_deck(d, tmp_path / "folder.html")
    )
    assert win.errors and "is a folder" in win.errors[-1]


def test_a_deck_over_the_limit_is_refused_naming_the_steps(qtbot, main_window, tmp_path,
                                                           monkeypatch):  # fmt: skip
    from nnviz.render import html_deck

    monkeypatch.setattr(html_deck, "MAX_BYTES", 400_000)  # one xor step is about 250 kB
    win = main_window("xor", show=False)
    out = tmp_path / "deck.html"

    def configure(d):
        _choose_deck(d, out)
        d.steps.setValue(20)
        d.size.setCurrentText("800x450")

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    ok, message = _wait_done(qtbot, win)
    assert ok is False and win.errors == [message]
    assert "over its limit of 0.4 MB" in message and "Steps from the shown one" in message
    assert win.export_job.done <= 6 and not out.exists()  # refused after the first step


def test_the_mistake_reaches_the_exported_frames(qtbot, main_window, tmp_path, monkeypatch):
    """The window's mistake is the dialog's first choice; the one chosen there is drawn: the
    mistaken hidden δ of two-two-two (tests/test_mistakes_view.py) under the right one."""
    from nnviz.core.numfmt import fmt
    from tests.test_mistakes_view import hand_two_two_two

    win = main_window("two-two-two", show=False)
    win.set_mistake("wrong-sign")
    out = tmp_path / "svg"

    def configure(d):
        assert d.mistake.key() == "wrong-sign"  # the window's, at first
        d.mistake.set_key("updated-weights")
        d.folder.setText(str(out))
        d.fmt.setCurrentText("svg")

    _export_through_dialog(qtbot, win, monkeypatch, configure)
    assert _wait_done(qtbot, win)[0] is True
    assert win.export_job.choices.view.mistake == "updated-weights"
    right, wrong = hand_two_two_two()
    svg = (out / "step001-05-backward-L1.svg").read_text(encoding="utf-8")
    for i in range(2):
        assert f"✗ {fmt(wrong[i], 3)}" in svg and f"δ {fmt(right[i], 3)}" in svg
    assert "Mistake shown" in svg
    forward = (out / "step001-01-forward-L1.svg").read_text(encoding="utf-8")
    assert not any(f"✗ {fmt(w, 3)}" in forward for w in wrong)  # the forward pass is right


def test_a_mistake_the_network_cannot_make_is_disabled_and_refused(qtbot, main_window, tmp_path,
                                                                    monkeypatch):  # fmt: skip
    from nnviz.core.mistakes import why_not

    win = main_window("xor", show=False)  # sigmoid output: no softmax to apply twice
    d = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(d)
    i = d.mistake.findData("softmax-twice")
    assert not d.mistake.model().item(i).isEnabled()
    assert d.mistake.model().item(d.mistake.findData("wrong-sign")).isEnabled()
    why = why_not("softmax-twice", ["sigmoid", "sigmoid"])
    assert d.mistake.itemData(i, 3) == why
    _export_through_dialog(qtbot, win, monkeypatch, lambda d: (
        d.folder.setText(str(tmp_path / "x")), d.mistake.set_key("softmax-twice")))  # fmt: skip
    assert win.errors and why in win.errors[-1] and not (tmp_path / "x").exists()


def test_deck_and_mistake_choices_are_remembered(qtbot, main_window, tmp_path, monkeypatch):
    win = main_window("two-two-two", show=False)
    folder, deck = tmp_path / "frames", tmp_path / "talk.html"
    d = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(d)
    d.folder.setText(str(folder))
    _choose_deck(d, deck)
    d.mistake.set_key("sum-batch")
    d.only_update.setChecked(True)
    d.remember()
    again = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(again)
    assert again.format() == "html" and again.folder.text() == str(deck)
    assert again.mistake.key() == "sum-batch" and again.only_update.isChecked()
    again.fmt.setCurrentText("png")  # the folder comes back, and the deck's file after it
    assert again.where.text() == "Folder" and again.folder.text() == str(folder)
    _choose_deck(again, deck)
    win.set_mistake("wrong-sign")  # the window changed: the dialog follows it again
    third = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(third)
    assert third.mistake.key() == "wrong-sign" and third.format() == "html"


def test_the_commands_deck_draws_the_mistake_or_refuses_it(tmp_path, capsys):
    """`nnviz export --format html --mistake` (the deck the dialog shares): drawn, or refused
    in one line when the network cannot make it, as for the other formats."""
    from nnviz.cli import main
    from nnviz.core.numfmt import fmt
    from tests.test_mistakes_view import hand_two_two_two

    out = tmp_path / "deck.html"
    argv = ["export", "--format", "html", "--out", str(out), "--size", "640x360"]
    assert main([*argv, "xor", "--mistake", "softmax-twice"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--mistake softmax-twice: applying softmax twice needs" in err[0]
    assert not out.exists()
    assert main([*argv, "two-two-two", "--mistake", "updated-weights"]) == 0
    page = out.read_text(encoding="utf-8")
    assert all(f"✗ {fmt(w, 3)}" in page for w in hand_two_two_two()[1])


def test_the_window_may_build_and_drop_widgets_while_it_exports(qtbot, main_window, tmp_path):
    """The export runs in a process of its own: the window's thread creating and deleting
    Python-made Qt objects with connections (plots, as docks do) throughout an export never
    waits on it. (Rendering on a second thread of this process could deadlock here: PySide
    keeps the GIL through Qt calls while a widget's destructor holds a Qt signal lock and
    waits for the GIL.)"""
    import os

    import pyqtgraph as pg

    from nnviz.gui.export_dialog import ExportChoices, ExportJob

    win = main_window("spiral", show=False)
    choices = ExportChoices(out=tmp_path / "x", steps=6, size=(640, 360), trace_json=False)
    job = ExportJob(win.session, choices)
    job.start()
    assert job._proc.pid != os.getpid()
    made = 0
    while job.running:
        plot = pg.PlotWidget()
        plot.plot([0, 1, 2], [made % 3, 1, 0])
        plot.deleteLater()
        made += 1
        qtbot.wait(5)
        assert made < 20_000
    assert job.written and len(list((tmp_path / "x").glob("*.png"))) == 6 * 10  # 10 phases
