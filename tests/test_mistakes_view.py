"""A classic mistake on the picture: the renderer draws the mistaken number under the right one
(in the error colour, with the digit where they part), through the one scene builder, so
``nnviz export --mistake`` shows it too."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.cli import main
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.numfmt import fmt
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.theme import get_theme
from nnviz.render.trace_pages import scenes_for
from nnviz.render.view import ViewState


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


def scenes(name: str, mistake: str, steps: int = 1) -> dict:
    spec, base = load(name)
    eng = Engine(spec, base_dir=base)
    traces = [eng.step() for _ in range(steps)]
    view = ViewState(mistake=mistake)
    return {stem: sc for stem, sc in scenes_for(spec, eng.dataset, traces, view)}


def paint(scene, w=1600, h=900):
    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    info = NetworkRenderer().paint(p, QRectF(0, 0, w, h), scene)
    p.end()
    return img, info


def hand_two_two_two():
    """The 2-2-2 example by the textbook formulas: the right hidden δ and the one computed
    with the output weights already updated."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    w1 = np.array([[0.15, 0.20], [0.25, 0.30]])
    w2 = np.array([[0.40, 0.45], [0.50, 0.55]])
    h = sig(w1 @ x + 0.35)
    y = sig(w2 @ h + 0.60)
    d2 = (y - t) * y * (1 - y)
    w2_new = w2 - 0.5 * np.outer(d2, h)
    return (w2.T @ d2) * h * (1 - h), (w2_new.T @ d2) * h * (1 - h)


def error_pixels(img: QImage, box: QRectF) -> int:
    """How many pixels inside ``box`` are near the light theme's error colour."""
    err = QColor(get_theme("light").error)
    n = 0
    for x in range(int(box.left()), int(box.right())):
        for y in range(int(box.top()), int(box.bottom())):
            c = img.pixelColor(x, y)
            near = (
                abs(c.red() - err.red()) + abs(c.green() - err.green()) + abs(c.blue() - err.blue())
            )
            n += near < 90
    return n


def test_hidden_delta_with_updated_weights_is_drawn_under_the_right_one():
    right, wrong = hand_two_two_two()
    sc = scenes("two-two-two", "updated-weights")["step001-05-backward-L1"]
    img, info = paint(sc)
    drawn = [d.text for d in info.labels]
    for i in range(2):
        r, w = f"δ {fmt(right[i], 3)}", f"✗ {fmt(wrong[i], 3)}"
        assert r in drawn and w in drawn, drawn
        # the mistaken number is the line right under the right one, in the error colour
        assert drawn.index(w) == drawn.index(r) + 1
        box = next(d.box for d in info.labels if d.text == w)
        assert error_pixels(img, box) > 10
        rbox = next(d.box for d in info.labels if d.text == r)
        assert error_pixels(img, rbox) == 0
    assert "Mistake shown" in sc.caption


def test_the_loss_after_the_update_parts_at_digit_seven():
    sc = scenes("two-two-two", "updated-weights")["step001-06-update"]
    _, info = paint(sc)
    drawn = [d.text for d in info.labels]
    assert "batch L after the update = 0.2910278" in drawn, drawn
    assert "✗ 0.2910279 (digit 7)" in drawn, drawn


def test_without_a_mistake_nothing_is_added():
    for sc in scenes("two-two-two", "").values():
        _, info = paint(sc, 960, 540)
        assert not any("✗" in d.text or "after the update" in d.text for d in info.labels)
        assert sc.mistake is None and "Mistake" not in sc.caption


def test_softmax_twice_shows_the_squashed_outputs_and_loss():
    sc = scenes("gaussians3", "softmax-twice")["step001-03-loss"]
    tr = sc.trace
    y = tr.outputs[0]
    e = np.exp(y - y.max())
    y2 = e / e.sum()  # softmax of the probabilities, by hand
    _, info = paint(sc)
    drawn = [d.text for d in info.labels]
    for i in range(3):
        assert fmt(y[i], 3) in drawn and f"✗ {fmt(y2[i], 3)}" in drawn, drawn
    loss2 = -np.log(y2[tr.targets[0].argmax()])
    assert any(t == f"✗ {fmt(loss2, 3)}" for t in drawn), drawn


def test_a_mistake_the_network_cannot_make_says_why_in_the_caption():
    sc = scenes("xor", "softmax-twice")["step001-03-loss"]
    assert sc.mistake is None
    assert "needs a softmax output layer" in sc.caption


def test_export_draws_the_mistake_and_refuses_one_that_cannot_be_made(tmp_path, capsys):
    out = tmp_path / "svg"
    args = ["export", "two-two-two", "--format", "svg", "--phases", "update", "--out", str(out)]
    assert main([*args, "--size", "1280x720", "--mistake", "updated-weights"]) == 0
    text = next(out.glob("*update.svg")).read_text()
    assert "0.2910279 (digit 7)" in text and "0.2910278" in text
    bad = tmp_path / "bad"
    assert main(["export", "xor", "--out", str(bad), "--mistake", "softmax-twice"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "softmax output" in err[0], err
    assert not bad.exists()
