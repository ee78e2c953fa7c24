"""The numbers on the picture: the 2-2-2 hand calculation phase by phase (checked against the
textbook formulas, in what the renderer drew and in the SVG's text), the numbers deep and wide
networks must keep, no overlaps at any type scale, and lecture digits big enough for a hall."""

import itertools
import re
from xml.etree import ElementTree

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.numfmt import fmt
from nnviz.core.phases import phase_names
from nnviz.core.spec import from_dict
from nnviz.render.export import save_svg
from nnviz.render.label_text import NUMBER_KINDS
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.trace_pages import scenes_for
from nnviz.render.view import ViewState

PRESETS = ["xor", "two-two-two", "spiral", "gaussians3", "regression", "linear-xor", "deep-sigmoid"]


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


_RUNS = {}


def run(name):
    if name not in _RUNS:
        spec, base = load(name)
        eng = Engine(spec, base_dir=base)
        _RUNS[name] = (spec, eng.dataset, eng.step())
    return _RUNS[name]


def scenes(name, theme="light"):
    spec, data, tr = run(name)
    return dict(
        (stem.split("-", 2)[2], sc)
        for stem, sc in scenes_for(spec, data, [tr], ViewState(theme=theme))
    )


def paint(scene, w=1920, h=1080):
    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    info = NetworkRenderer().paint(p, QRectF(0, 0, w, h), scene)
    p.end()
    return img, info


def texts(info):
    return [d.text for d in info.labels]


# ----- the 2-2-2 hand calculation ----------------------------------------------------------


def hand_calculation():
    """The classic worked example by the textbook formulas (sigmoid, ½Σ(y−t)², η = 0.5)."""
    x = np.array([0.05, 0.10])
    t = np.array([0.01, 0.99])
    w1 = np.array([[0.15, 0.20], [0.25, 0.30]])
    w2 = np.array([[0.40, 0.45], [0.50, 0.55]])
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h = sig(w1 @ x + 0.35)
    y = sig(w2 @ h + 0.60)
    d2 = (y - t) * y * (1 - y)
    g2 = np.outer(d2, h)
    d1 = (w2.T @ d2) * h * (1 - h)
    g1 = np.outer(d1, x)
    return dict(h=h, y=y, d2=d2, d1=d1, g1=g1, g2=g2, dw1=-0.5 * g1, dw2=-0.5 * g2)


def test_the_preset_is_the_textbook_network():
    spec, _data, _tr = run("two-two-two")
    assert np.allclose(spec.weights[0], [[0.15, 0.20], [0.25, 0.30]])
    assert np.allclose(spec.weights[1], [[0.40, 0.45], [0.50, 0.55]])


def expected_by_phase():
    hc = hand_calculation()
    f = lambda v: fmt(float(v), 3)  # noqa: E731
    deltas = [f"δ {f(v)}" for v in (*hc["d1"], *hc["d2"])]
    return hc, {
        "forward-L1": ([f(v) for v in hc["h"]], deltas),
        "forward-L2": ([f(v) for v in (*hc["h"], *hc["y"])], deltas),
        "backward-L2": (
            [f"δ {f(v)}" for v in hc["d2"]] + [f(v) for v in hc["g2"].ravel()],
            [],
        ),
        "backward-L1": (
            [f"δ {f(v)}" for v in hc["d1"]] + [f(v) for v in hc["g1"].ravel()],
            [],
        ),
        "update": ([f(v) for v in (*hc["dw1"].ravel(), *hc["dw2"].ravel())], []),
    }


def test_hand_numbers_are_what_the_textbook_says():
    # ∂L/∂w of W2 are 0.082167, 0.082667, −0.022603, −0.022740; δ of the outputs 0.138499
    hc, _ = expected_by_phase()
    assert [fmt(v) for v in hc["d2"]] == ["0.138", "−0.0381"]
    assert [fmt(v) for v in hc["h"]] == ["0.593", "0.597"]
    assert [fmt(v) for v in hc["d1"]] == ["0.00877", "0.00995"]
    assert [fmt(v) for v in hc["g1"].ravel()] == [
        "4.39×10⁻⁴",
        "8.77×10⁻⁴",
        "4.98×10⁻⁴",
        "9.95×10⁻⁴",
    ]
    assert [fmt(v) for v in hc["g2"].ravel()] == ["0.0822", "0.0827", "−0.0226", "−0.0227"]


@pytest.mark.parametrize(
    "phase", ["forward-L1", "forward-L2", "backward-L2", "backward-L1", "update"]
)
def test_two_two_two_shows_every_number_of_the_hand_calculation(phase, tmp_path):
    _hc, table = expected_by_phase()
    must, must_not = table[phase]
    scene = scenes("two-two-two")[phase]
    _img, info = paint(scene)
    drawn = texts(info)
    for text in must:
        assert text in drawn, (phase, text, drawn)
    for text in must_not:
        assert text not in drawn, (phase, text)
    if phase.startswith("forward"):
        assert not any(t.startswith("δ") for t in drawn)
    assert not info.hidden, info.hidden
    # the same numbers are real text in the SVG
    save_svg(scene, tmp_path / "p.svg", 1920, 1080)
    root = ElementTree.parse(tmp_path / "p.svg").getroot()
    svg_texts = {"".join(el.itertext()).strip() for el in root.iter() if el.tag.endswith("text")}
    for text in must:
        assert text in svg_texts, (phase, text)


def test_edge_numbers_follow_the_phase():
    sc = scenes("two-two-two")
    hc = hand_calculation()
    spec, _data, _tr = run("two-two-two")
    _img, info = paint(sc["forward-L1"])
    edges = {d.text for d in info.labels if d.kind == "edge"}
    assert edges == {fmt(v) for w in spec.weights for v in np.ravel(w)}  # all eight w
    _img, info = paint(sc["backward-L2"])
    edges = {d.text for d in info.labels if d.kind == "edge"}
    # W2 shows ∂L/∂w from its backward phase on; W1 still shows w
    assert {fmt(v) for v in hc["g2"].ravel()} <= edges
    assert {fmt(v) for v in np.ravel(spec.weights[0])} <= edges
    # at the update, where there is room, each Δw has its old → new weight under it
    _img, info = paint(sc["update"])
    drawn = texts(info)
    w2 = np.array(spec.weights[1])
    for old, new in zip(w2.ravel(), (w2 + hc["dw2"]).ravel(), strict=True):
        assert f"{fmt(old)} → {fmt(new)}" in drawn
    assert "0.400 → 0.359" in drawn  # the textbook's w5⁺ = 0.35892


def test_edge_numbers_stay_off_each_other_and_the_neurons():
    spec, _data, _tr = run("xor")
    _img, info = paint(scenes("xor")["backward-L1"])
    lay = info.layout
    edge_boxes = [d.box for d in info.labels if d.kind == "edge"]
    n_edges = sum(a * b for a, b in zip(spec.layers, spec.layers[1:], strict=False))
    assert len(edge_boxes) == n_edges  # every edge of a small network
    for col in lay.layers:
        for y in col.ys:
            circle = QRectF(col.x - lay.radius, y - lay.radius, 2 * lay.radius, 2 * lay.radius)
            assert not any(b.intersects(circle) for b in edge_boxes)


# ----- deep and wide networks --------------------------------------------------------------


def test_deep_sigmoid_lecture_shows_every_first_layer_delta_in_its_backward_phase():
    _spec, _data, tr = run("deep-sigmoid")
    _img, info = paint(scenes("deep-sigmoid", "lecture-light")["backward-L1"])
    drawn = texts(info)
    for v in tr.layers[0].delta[0]:
        assert f"δ {fmt(v, 3)}" in drawn
    # the layers between say their ‖δ‖ (the vanishing gradient) or are named as hidden
    said = " ".join(info.summarised + info.hidden)
    for li in range(2, 8):
        assert f"hidden layer {li}" in said


def test_a_784_128_64_10_network_shows_its_ten_outputs():
    sizes = [784, 128, 64, 10]
    rng = np.random.default_rng(0)
    spec = from_dict(
        {
            "layers": sizes,
            "activations": ["relu", "relu", "softmax"],
            "loss": "cross_entropy",
            "init": {"scheme": "he", "seed": 0},
            "data": {"inputs": rng.random((1, 784)).tolist(), "targets": [np.eye(10)[3].tolist()]},
            "batch_size": 1,
        }
    )
    eng = Engine(spec)
    tr = eng.step()
    out = {
        stem.split("-", 2)[2]: sc for stem, sc in scenes_for(spec, eng.dataset, [tr], ViewState())
    }
    _img, info = paint(out["forward-L3"])
    drawn = texts(info)
    for v in tr.layers[-1].activation[0]:
        assert fmt(v, 3) in drawn
    assert info.summarised  # the folded input (and hidden) layers in one number each


# ----- no overlaps at any size -------------------------------------------------------------


def assert_apart(info, rect):
    boxes = [d.box for d in info.labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.intersects(b), (a, b)
    net = info.net_box
    assert net.height() >= rect.height() * 0.3
    for box in boxes:
        assert net.contains(box), box
    for frame in (info.header_box, info.caption_box):
        if frame is not None:
            assert not frame.intersects(net.adjusted(0, 0.5, 0, -0.5))
    if info.header_box is not None and info.caption_box is not None:
        assert info.header_box.bottom() <= info.caption_box.top()


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("theme", ["light", "lecture-light"])
def test_no_label_overlaps_anything_at_any_type_scale(name, theme):
    from dataclasses import replace

    rect = QRectF(0, 0, 1920, 1080)
    for scene in scenes(name, theme).values():
        for scale in (0.75, 1.0, 1.5, 2.5):
            _img, info = paint(replace(scene, scale=scale))
            assert_apart(info, rect)


# ----- legible in the hall -----------------------------------------------------------------


def digit_height(px):
    f = QFont("DejaVu Sans")
    f.setPixelSize(int(round(px)))
    return QFontMetricsF(f).capHeight()


@pytest.mark.parametrize("name", ["two-two-two", "xor"])
@pytest.mark.parametrize("theme", ["lecture-light", "lecture-dark"])
def test_lecture_digits_are_30_px_tall_for_small_networks(name, theme):
    for phase, scene in scenes(name, theme).items():
        _img, info = paint(scene)
        numbers = [d for d in info.labels if d.kind in NUMBER_KINDS]  # edges' too
        assert numbers or phase == "start"
        assert min(digit_height(d.px) for d in numbers) >= 30, phase


def test_lecture_active_layer_digits_are_20_px_for_eight_wide_layers():
    spec, _data, _tr = run("deep-sigmoid")
    assert max(spec.layers) == 8
    for phase, scene in scenes("deep-sigmoid", "lecture-light").items():
        kind, k = scene.phase_kind()
        if kind not in ("forward", "backward"):
            continue
        _img, info = paint(scene)
        active = [d for d in info.labels if d.kind == "neuron" and _layer_of(info, d) == k]
        assert len(active) >= spec.layers[k], phase  # every neuron of the layer
        assert min(digit_height(d.px) for d in active) >= 20, phase


def _layer_of(info, label):
    """The column a neuron label belongs to: the nearest column left of (or at) its box."""
    xs = [col.x for col in info.layout.layers]
    centre = label.box.center().x()
    return int(
        np.argmin([abs(centre - x) if x <= centre + info.layout.radius else 1e9 for x in xs])
    )


def test_label_size_follows_the_zoom_within_bounds():
    sc = scenes("two-two-two")["forward-L2"]
    from dataclasses import replace

    _img, plain = paint(sc)
    _img, zoomed = paint(replace(sc, zoom=2.0))
    _img, far = paint(replace(sc, zoom=3.0, pan=(0.0, 660.0)))  # onto hidden neuron 1
    px = lambda info: max(d.px for d in info.labels if d.kind in ("neuron", "edge"))  # noqa: E731
    assert px(zoomed) > px(plain) * 1.5
    assert px(far) <= px(plain) * 2 + 1  # not four times: numbers grow, within bounds


def test_zoomed_network_never_paints_over_header_or_caption():
    from dataclasses import replace

    sc = scenes("spiral", "lecture-dark")["backward-L2"]
    img, info = paint(sc)
    for zoom, pan in ((2.5, (0.0, 300.0)), (2.5, (0.0, -300.0)), (4.0, (200.0, 0.0))):
        zimg, zinfo = paint(replace(sc, zoom=zoom, pan=pan))
        for frame in (info.header_box, info.caption_box):
            rows = range(int(frame.top()) + 1, int(frame.bottom()) - 1)  # whole pixels
            for y in rows[:: max(len(rows) // 12, 1)]:
                for x in range(0, 1920, 37):
                    assert img.pixel(x, y) == zimg.pixel(x, y), (zoom, pan, x, y)
        assert_apart(zinfo, QRectF(0, 0, 1920, 1080))


def test_numbers_are_significant_figures():
    # tiny gradients are written in scientific form, never as 0.000
    _img, info = paint(scenes("deep-sigmoid")["backward-L1"])
    for t in texts(info):
        assert not re.fullmatch(r"−?0\.0+", t.split()[-1]), t


def test_phase_names_cover_the_scenes():
    spec, _data, _tr = run("two-two-two")
    assert list(scenes("two-two-two")) == phase_names(len(spec.layers) - 1)


def test_the_note_names_what_is_hidden_once():
    from nnviz.render.decor import hidden_text

    text = hidden_text(
        ["the Δw of W1", "the Δw of W2", "the Δw of W3", "2 of 8 numbers of hidden layer 2"]
        + ["the ∂L/∂w of W4", "the ∂L/∂w of W6"]
    )
    assert "the Δw of W1–W3" in text and "the ∂L/∂w of W4, W6" in text
    assert "2 of 8 numbers of hidden layer 2" in text and text.count("Δw") == 1


@pytest.mark.parametrize(
    ("name", "selection"),
    [
        ("two-two-two", ("edge", 1, 0, 1)),
        ("two-two-two", ("neuron", 1, 1)),
        ("spiral", ("edge", 1, 3, 4)),
        ("spiral", ("neuron", 2, 3)),
    ],
)
def test_no_overlaps_with_a_selection_in_every_label_mode(name, selection):
    from dataclasses import replace

    for theme in ("light", "lecture-light"):
        for scene in scenes(name, theme).values():
            for mode in ("activation", "all", "none"):
                _img, info = paint(replace(scene, selection=selection, label_mode=mode))
                assert_apart(info, QRectF(0, 0, 1920, 1080))
                if selection[0] == "edge":  # the selected edge always says its number
                    assert any(d.kind == "selected" for d in info.labels)
