"""The one view state: fields announce their changes, saved views are validated, and the
window's choices reach its export dialog and lecture mode."""

from __future__ import annotations

from nnviz.gui.export_dialog import ExportDialog
from nnviz.render.view import SCALE_MAX, SCALE_MIN, ViewState, clamp_scale


def test_fields_announce_changes_once():
    view = ViewState()
    seen = []
    view.subscribe(lambda name, value: seen.append((name, value)))
    view.digits = 5
    view.digits = 5  # unchanged: no announcement
    view.update(theme="dark", label_mode="delta")
    assert seen == [("digits", 5), ("theme", "dark"), ("label_mode", "delta")]
    copy = view.copy(theme="lecture-dark")
    copy.digits = 2  # a copy has no subscribers
    assert seen[-1] == ("label_mode", "delta") and view.digits == 5


def test_saved_views_are_validated():
    view = ViewState()
    view.apply_dict({"labels": "rm -rf", "digits": 99, "theme": "\x1b]0;x"})
    assert (view.label_mode, view.digits, view.theme) == ("activation", 12, "light")
    view.apply_dict({"labels": "delta", "decimals": 4, "theme": "dark"})  # an older file
    assert (view.label_mode, view.digits, view.theme) == ("delta", 4, "dark")
    view.apply_dict({"digits": True})
    assert view.digits == 4
    assert ViewState().to_dict() == {"labels": "activation", "digits": 3, "theme": "light"}


def test_scale_is_clamped_to_the_range_that_holds():
    assert clamp_scale(9) == SCALE_MAX and clamp_scale(0.1) == SCALE_MIN
    assert clamp_scale("garbage") == 1.0 and clamp_scale(float("nan")) == 1.0
    assert clamp_scale(1.234) == 1.23


def test_window_choices_reach_the_export_dialog_and_lecture(qtbot, tmp_path, main_window):
    win = main_window("two-two-two", show=False)
    win.labels.setCurrentText("Delta δ")  # the toolbar, as a user picks it
    win.digits.setValue(5)
    win.set_theme("dark")
    assert (win.view.label_mode, win.view.digits, win.view.theme) == ("delta", 5, "dark")
    assert win.canvas.scene().digits == 5 and win.canvas.scene().label_mode == "delta"
    dialog = ExportDialog(win.session, win, view=win.view)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "out"))
    chosen = dialog.choices().view
    assert (chosen.label_mode, chosen.digits, chosen.theme) == ("delta", 5, "dark")
    win.view.label_mode = "none"  # a session file's view, applied to the model, shows in the UI
    assert win.labels.currentText() == "No numbers"
    win.toggle_lecture()
    try:
        lecture = win.lecture.scene()
        assert lecture.digits == 5 and lecture.theme.startswith("lecture")
    finally:
        win.toggle_lecture()
