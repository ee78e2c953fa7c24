"""The classic-mistake switch in the window: the View menu and the inspector's chooser set the
one view state, the canvas draws the mistaken numbers, and the inspector puts right and
mistaken side by side with the digit where they part."""

from __future__ import annotations

import numpy as np

from nnviz.gui.session import Selection


def _to_phase(win, name: str) -> None:
    s = win.session
    while s.phase_name() != name:
        s.next_phase()


def test_view_menu_shows_a_mistake_on_the_canvas_and_in_the_inspector(main_window, qtbot):
    win = main_window("two-two-two")
    _to_phase(win, "backward-L1")
    win.session.select(Selection("neuron", 1, 0))
    act = win.mistake_actions["updated-weights"]
    act.trigger()
    assert win.view.mistake == "updated-weights"
    assert win.inspector.mistake_box.key() == "updated-weights"
    # the canvas: right δ and mistaken δ, from the hand calculation
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    w1, w2 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])
    h = sig(w1 @ x + 0.35)
    y = sig(w2 @ h + 0.60)
    d2 = (y - t) * y * (1 - y)
    wrong = ((w2 - 0.5 * np.outer(d2, h)).T @ d2) * h * (1 - h)
    qtbot.waitUntil(
        lambda: (
            win.canvas.info is not None
            and f"✗ {wrong[0]:.3g}" in [d.text for d in win.canvas.info.labels]
        )
    )
    # the inspector: right and mistaken δ of the selected neuron, and where they part
    html = win.inspector.text.toPlainText()
    assert "With the mistake: Hidden δ with already-updated weights" in html
    assert "δ: right 0.008771 / with the mistake 0.007294, parts at digit 1" in html
    # "No mistake" takes it away again, from the inspector's chooser
    win.inspector.mistake_box.setCurrentIndex(0)
    assert win.view.mistake == ""
    assert win.mistake_actions[""].isChecked()
    qtbot.waitUntil(
        lambda: (
            not any("✗" in d.text for d in win.canvas.info.labels)
            and "With the mistake" not in win.inspector.text.toPlainText()
        )
    )


def test_inspector_shows_the_loss_after_the_update_parting_at_digit_seven(main_window):
    win = main_window("two-two-two", show=False)
    win.set_mistake("updated-weights")
    _to_phase(win, "update")
    win.session.select(Selection("edge", 0, 0, 0))
    text = win.inspector.text.toPlainText()
    assert (
        "batch L after the update: right 0.2910278 / with the mistake 0.2910279, parts at digit 7"
    ) in text
    assert "Δw: right" in text and "new w: right" in text


def test_a_mistake_this_network_cannot_make_is_explained(main_window):
    win = main_window("xor", show=False)
    win.set_mistake("softmax-twice")
    _to_phase(win, "loss")
    win.session.select(Selection("neuron", 2, 0))
    assert "needs a softmax output layer" in win.inspector.text.toPlainText()


def test_lecture_mode_shows_the_mistake_chosen_in_the_window(main_window):
    win = main_window("two-two-two", show=False)
    win.set_mistake("updated-weights")
    _to_phase(win, "update")
    win.act_lecture.trigger()
    try:
        scene = win.lecture.scene()
        assert scene.mistake is not None
        assert f"{scene.mistake.loss_after:.9f}" == "0.291027924"
        assert "Mistake shown" in scene.caption
    finally:
        win.lecture.leave()
