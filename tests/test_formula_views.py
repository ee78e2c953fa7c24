"""Formulas as a learner meets them: nothing before the phase that computes it (inspector,
header, exported side panel), typeset HTML, a lecture panel that shows every line without
breaking a number, and a shared bias's gradient shown and checked as the parameter's."""

import re

import numpy as np
import pytest
import torch
from PySide6.QtCore import QRectF, QSettings
from PySide6.QtGui import QImage, QPainter

from nnviz.cli import main
from nnviz.core.netfile import load
from nnviz.gui.inspector import finite_difference_check, inspector_html, inspector_lines
from nnviz.gui.lecture import LectureView
from nnviz.gui.session import Selection, Session
from nnviz.render import richtext

DELTA, GRAD, NEW_W5, LOSS = "0.1385", "0.08217", "0.3589", "0.2984"  # the hand calculation's


def _session(qtbot, name="two-two-two", **changes):
    spec, base = load(name)
    if changes:
        spec = spec.with_changes(**changes)
    s = Session(spec, base, name)
    s.next_phase()
    return s


def _at(s: Session, phase: str) -> None:
    s.goto_step(1, s.phases.index(phase))


@pytest.mark.parametrize("sel", [Selection("neuron", 2, 0), Selection("edge", 1, 0, 0)])
def test_nothing_before_its_phase(qtbot, sel):
    s = _session(qtbot)
    s.select(sel)
    seen = {}
    for phase in s.phases:
        _at(s, phase)
        seen[phase] = ("\n".join(inspector_lines(s, 4)), s.header())
    text, head = seen["forward-L1"]
    assert "loss" not in head and LOSS not in head
    for number in (DELTA, GRAD, NEW_W5, LOSS):
        assert number not in text
    assert "computed in forward-L2" in text or sel.kind == "edge"
    assert "computed in backward-L2" in text
    text, head = seen["loss"]
    assert f"loss {LOSS}" in head
    assert (LOSS in text) == (sel.kind == "neuron")
    assert DELTA not in text and GRAD not in text
    text, _ = seen["backward-L2"]
    assert GRAD in text and NEW_W5 not in text and "computed in update" in text
    if sel.kind == "neuron":
        assert DELTA in text
    text, _ = seen["update"]
    assert GRAD in text and NEW_W5 in text and "computed in" not in text


def _svg_text(path) -> str:
    return " ".join(re.findall(r">([^<>]+)</text>", path.read_text(encoding="utf-8")))


def test_exported_side_panel_is_phase_honest(tmp_path):
    out = tmp_path / "svg"
    args = ["export", "two-two-two", "--neuron", "2:1", "--format", "svg", "--out", str(out)]
    assert main(args) == 0
    text = {p.stem.split("-", 2)[2]: _svg_text(p) for p in out.glob("*.svg")}
    assert "computed in backward-L2" in text["forward-L2"]
    for number in (DELTA, GRAD, NEW_W5):
        assert number not in text["forward-L1"]
    assert LOSS not in text["forward-L1"] and LOSS in text["loss"]
    assert DELTA in text["backward-L2"] and NEW_W5 not in text["backward-L2"]
    assert NEW_W5 in text["update"] and "η = 0.5" in text["update"]


def test_inspector_is_typeset(qtbot):
    s = _session(qtbot)
    _at(s, "update")
    s.select(Selection("neuron", 2, 0))
    html = inspector_html(s)
    assert "<sub>" in html and "<sup>" in html and 'class="d"' in html
    assert "<nobr>0.1385</nobr>" in html  # numbers are never broken


NUMBER = re.compile(r"\(?−?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")


def _broken_numbers(doc) -> list[str]:
    """Numbers of a laid-out document whose characters fall on two lines."""
    broken = []
    block = doc.begin()
    while block.isValid():
        lay = block.layout()
        text = block.text()
        for m in NUMBER.finditer(text):
            first = lay.lineForTextPosition(m.start()).lineNumber()
            last = lay.lineForTextPosition(m.end() - 1).lineNumber()
            if first != last:
                broken.append(m.group())
        block = block.next()
    return broken


@pytest.fixture
def panels(monkeypatch):
    """Every side panel the renderer lays out: (document, type px, lines left out, box)."""
    seen = []
    real = richtext.fit_panel

    def spy(lines, px, box, th, floor_px):
        doc, size, left = real(lines, px, box, th, floor_px)
        seen.append((doc, size, left, box, list(lines)))
        return doc, size, left

    monkeypatch.setattr(richtext, "fit_panel", spy)
    return seen


def _lecture_frame(qtbot, tmp_path, name, phase, sel, size=(1920, 1080)):
    spec, base = load(name)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("lecture/formulas", True)
    view = LectureView(Session(spec, base, name), settings)
    qtbot.addWidget(view)
    view.resize(*size)
    s = view.session
    s.next_phase()
    _at(s, phase)
    s.select(sel)
    img = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    view.paint_to(p, QRectF(0, 0, *size))
    p.end()
    return img


@pytest.mark.parametrize("phase", ["backward-L1", "update"])
@pytest.mark.parametrize("sel", [Selection("neuron", 2, 0), Selection("edge", 1, 0, 0)])
def test_lecture_panel_shows_every_line_unbroken(qtbot, tmp_path, panels, phase, sel):
    _lecture_frame(qtbot, tmp_path, "two-two-two", phase, sel)
    doc, size, left_out, box, lines = panels[-1]
    assert left_out == 0 and doc.blockCount() == len(lines)
    assert doc.size().height() <= box.height()
    assert _broken_numbers(doc) == []
    assert size >= 20  # still projection-sized type at 1080p


def test_long_panels_shrink_then_say_what_is_left_out(qtbot, tmp_path, panels):
    _lecture_frame(qtbot, tmp_path, "spiral", "update", Selection("neuron", 2, 0), (960, 540))
    doc, size, left_out, box, lines = panels[-1]
    assert left_out > 0 and size <= 11
    assert doc.size().height() <= box.height()
    last = doc.lastBlock().text()
    assert last == f"… {left_out} more lines"
    assert _broken_numbers(doc) == []


def _shared_bias_reference(tr) -> list[float]:
    """The batch loss's gradient for each layer's one shared bias, by autograd on a network
    written here (sigmoid layers, ½Σ(y − t)² averaged over the batch)."""
    h = torch.tensor(tr.inputs)
    bs = []
    for lay in tr.layers:
        b = torch.tensor(float(lay.biases_before[0]), dtype=torch.float64, requires_grad=True)
        bs.append(b)
        h = torch.sigmoid(h @ torch.tensor(lay.weights_before).T + b)
    loss = (0.5 * ((h - torch.tensor(tr.targets)) ** 2).sum(1)).mean()
    loss.backward()
    return [float(b.grad) for b in bs]


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("two-two-two", {"bias_trainable": True}),
        ("xor", {"bias_shared": True}),
    ],
)
def test_shared_bias_gradient_is_the_parameters(qtbot, name, changes):
    s = _session(qtbot, name, **changes)
    assert s.spec.bias_shared
    _at(s, "update")
    tr = s.trace()
    ref = _shared_bias_reference(tr)
    for layer in (1, 2):
        lay = tr.layers[layer - 1]
        s.select(Selection("neuron", layer, 0))
        text = "\n".join(inspector_lines(s, 6))
        total = float(lay.bias_grad.sum())
        assert total == pytest.approx(ref[layer - 1], rel=1e-9)
        assert "one bias shared by the layer's" in text
        assert f"= {richtext_fmt(total)}" in text
        assert f"this neuron's share ∂L/∂z = {richtext_fmt(lay.bias_grad[0])}" in text
        fd, auto = finite_difference_check(s)
        assert auto == pytest.approx(ref[layer - 1], rel=1e-9)
        assert fd == pytest.approx(ref[layer - 1], rel=1e-6)
        if changes.get("bias_trainable"):  # the update uses the whole gradient
            step = s.spec.optimizer.lr * total
            assert lay.biases_after[0] == pytest.approx(lay.biases_before[0] - step, rel=1e-12)
            assert np.all(lay.biases_after == lay.biases_after[0])


def richtext_fmt(x: float) -> str:
    from nnviz.core.numfmt import fmt

    return fmt(x, 6)


@pytest.fixture
def window(main_window):
    return lambda name, **changes: main_window(name, size=(1400, 900), **changes)


def _shapes(w) -> str:
    from nnviz.gui.plots import ShapesDock

    d = next(d for d in w.docks if isinstance(d, ShapesDock))
    d.show()
    d.refresh()
    return d.text.toPlainText()


@pytest.mark.parametrize(
    ("opt", "rule"),
    [
        ({"name": "sgd", "lr": 0.5}, "W1 ← W1 − η·∂L/∂W1"),
        ({"name": "sgd", "lr": 0.5, "momentum": 0.9}, "V1[2,2] ← μ·V1 + ∂L/∂W1"),
        ({"name": "adam", "lr": 0.01}, "M̂1 = M1/(1 − β₁ᵗ)"),
    ],
)
def test_shapes_dock_lists_what_is_computed_and_the_rule_that_runs(window, opt, rule):
    from nnviz.core.spec import OptimizerSpec

    spec_opt = OptimizerSpec(
        opt["name"], opt["lr"], momentum=opt.get("momentum", 0.0)
    )  # as the setup panel builds it
    w = window("two-two-two", optimizer=spec_opt)
    s = w.session
    s.next_phase()  # forward-L1
    text = _shapes(w)
    assert "Z1[1,2]" in text and "Z2" not in text and "δ" not in text and "← " not in text
    _at(s, "backward-L2")
    text = _shapes(w)
    assert "δ2[1,2]" in text and "δ1" not in text and "∂L/∂W1" not in text
    _at(s, "update")
    text = _shapes(w)
    assert rule in text and "W1, b1 (new)" in text
    if opt["name"] != "sgd":
        assert "W1 ← W1 − η·∂L/∂W1" not in text


def test_export_panel_is_the_inspectors(window):
    from nnviz.render.trace_pages import scenes_for

    w = window("two-two-two")
    s = w.session
    s.next_phase()
    s.select(Selection("neuron", 2, 1))
    from nnviz.render.view import ViewState

    scenes = scenes_for(s.spec, s.engine.dataset, [s.trace()], ViewState(digits=4), neuron=(2, 1))
    for k, (_stem, scene) in enumerate(scenes):
        _at(s, s.phases[k])
        assert [str(x) for x in scene.side_text] == [str(x) for x in inspector_lines(s, 4)]
        assert [x.html for x in scene.side_text] == [x.html for x in inspector_lines(s, 4)]


def test_check_gradient_names_the_shared_parameter(window):
    w = window("two-two-two", bias_trainable=True)
    s = w.session
    s.next_phase()
    _at(s, "backward-L1")
    s.select(Selection("neuron", 1, 1))
    w.inspector.check_button.click()
    result = w.inspector.check_result.text()
    assert "shared bias" in result and "sum of its neurons' shares" in result
    fd, auto = finite_difference_check(s)
    assert f"{auto:.10g}" in result and abs(fd - auto) <= 1e-6 * abs(auto)


def test_check_gradient_waits_for_the_backward_phase(window):
    w = window("two-two-two")
    s = w.session
    s.next_phase()
    s.select(Selection("edge", 0, 0, 0))  # a weight of layer 1
    for phase, enabled in [
        ("forward-L1", False),
        ("loss", False),
        ("backward-L2", False),
        ("backward-L1", True),
        ("update", True),
    ]:
        _at(s, phase)
        assert w.inspector.check_button.isEnabled() == enabled, phase
    s.select(Selection("neuron", 2, 0))
    _at(s, "backward-L2")
    assert w.inspector.check_button.isEnabled()
    s.select(Selection("neuron", 0, 0))
    assert not w.inspector.check_button.isEnabled()
