"""The renderer: layout, palette, level of detail, and what the pixels say."""

import numpy as np
import pytest
from PySide6.QtGui import QColor

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.spec import from_dict
from nnviz.render.colormap import diverging_rgb, robust_scale
from nnviz.render.export import render_image
from nnviz.render.layout import compute_layout, visible_indices
from nnviz.render.renderer import EDGE_BUDGET, NetworkRenderer
from nnviz.render.scene import SceneState
from nnviz.render.theme import THEMES, get_theme


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


def scene_for(name="two-two-two", phase=0, **kw):
    spec, base = load(name)
    tr = Engine(spec, base_dir=base).step()
    return SceneState(sizes=spec.layers, activations=spec.activations, trace=tr, phase=phase, **kw)


def paint(state, w=1280, h=720):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    info = NetworkRenderer().paint(p, QRectF(0, 0, w, h), state)
    p.end()
    return img, info


def test_folding_keeps_first_and_last():
    vis, folded = visible_indices(784, 24)
    assert folded == 760 and list(vis[:3]) == [0, 1, 2] and vis[-1] == 783
    vis, folded = visible_indices(8, 24)
    assert folded == 0 and len(vis) == 8


def test_layout_hit_testing_round_trip():
    lay = compute_layout([3, 5, 2], 0, 0, 900, 600)
    for li, n in enumerate([3, 5, 2]):
        for i in range(n):
            x, y = lay.neuron_pos(li, i)
            assert lay.neuron_at(x, y) == (li, i)
    a, b = lay.neuron_pos(0, 1), lay.neuron_pos(1, 3)
    r = lay.radius
    t = 0.1
    point = (a[0] + r + (b[0] - r - a[0] - r) * t, a[1] + (b[1] - a[1]) * t)
    assert lay.edge_at(*point, 3.0) == (0, 3, 1)
    assert lay.neuron_at(-50, -50) is None


def test_layout_zoom_and_pan_about_centre():
    base = compute_layout([2, 2], 0, 0, 800, 600)
    zoomed = compute_layout([2, 2], 0, 0, 800, 600, zoom=2.0, pan=(10, 0))
    x0, _ = base.neuron_pos(0, 0)
    x1, _ = zoomed.neuron_pos(0, 0)
    assert x1 == pytest.approx(400 + (x0 - 400) * 2 + 10)
    assert zoomed.radius == pytest.approx(base.radius * 2)


def test_palette_sides_and_nan():
    th = get_theme("light")
    neg, zero, pos, bad = diverging_rgb(np.array([-1.0, 0.0, 1.0, np.nan]), 1.0, th)
    assert neg[2] > neg[0]  # blue
    assert pos[0] > pos[2]  # orange
    assert tuple(zero) == tuple(int(th.neutral[i : i + 2], 16) for i in (1, 3, 5))
    assert QColor(*bad).name() == th.error
    assert robust_scale(np.zeros(5)) > 0


def test_same_state_same_pixels():
    st = scene_for(phase=3)
    a, _ = paint(st)
    b, _ = paint(st)
    assert a == b


def test_forward_and_backward_differ_and_inputs_shown():
    fwd, info = paint(scene_for(phase=1))
    bwd, _ = paint(scene_for(phase=3))
    assert fwd != bwd
    assert info.label_boxes  # numbers were drawn


def test_uncomputed_layer_is_unfilled():
    st = scene_for(phase=0)  # forward-L1: the output layer is not computed yet
    img, info = paint(st)
    x, y = info.layout.neuron_pos(2, 0)
    uncomputed = QColor(img.pixel(int(x), int(y)))
    assert uncomputed.name() == get_theme("light").panel
    st.phase = 1
    img, info = paint(st)
    computed = QColor(img.pixel(int(x), int(y)))
    assert computed.red() > computed.blue()  # sigmoid output ≈ 0.75: orange side


@pytest.mark.parametrize("theme", ["lecture-light", "lecture-dark"])
def test_lecture_labels_are_large_at_1080p(theme):
    st = scene_for("spiral", phase=2, theme=theme)
    _img, info = paint(st, 1920, 1080)
    assert info.label_boxes
    assert min(b.height() for b in info.label_boxes) >= 28


def test_big_network_is_aggregated_within_budget():
    spec = from_dict(
        {
            "layers": [784, 512, 512, 10],
            "activations": ["relu", "relu", "softmax"],
            "loss": "cross_entropy",
            "data": {"inputs": [[0.5] * 784], "targets": [3]},
            "batch_size": 1,
            "dtype": "float32",
        }
    )
    tr = Engine(spec).step()
    st = SceneState(
        sizes=spec.layers, activations=spec.activations, trace=tr, phase=7, max_visible=80
    )
    _img, info = paint(st)
    assert info.aggregated
    assert info.edges_total == 784 * 512 + 512 * 512 + 512 * 10
    assert info.edges_drawn <= 3 * EDGE_BUDGET


def test_nan_weight_drawn_in_error_colour():
    spec, base = load("two-two-two")
    ws = [np.array(w) for w in spec.weights]
    ws[0][0, 0] = np.nan
    st = SceneState(
        sizes=spec.layers,
        weights=ws,
        biases=list(spec.biases),
        phase=-1,
        label_mode="none",
        show_legend=False,
        show_caption=False,
    )
    img, info = paint(st)
    a, b = info.layout.neuron_pos(0, 0), info.layout.neuron_pos(1, 0)
    x = (a[0] + b[0]) / 2
    y = (a[1] + b[1]) / 2
    colours = [QColor(img.pixel(int(x), int(y) + d)) for d in (-1, 0, 1)]
    assert any(c.name() == get_theme("light").error for c in colours), [c.name() for c in colours]


def test_every_theme_renders():
    for name in THEMES:
        img = render_image(scene_for(phase=4, theme=name), 640, 360)
        assert img.width() == 640


def test_svg_and_pdf(tmp_path):
    import xml.etree.ElementTree as ET

    from nnviz.render.export import save_pdf, save_svg

    st = scene_for(phase=2)
    save_svg(st, tmp_path / "a.svg", 800, 450)
    assert ET.parse(tmp_path / "a.svg").getroot().tag.endswith("svg")
    pages = save_pdf([st, scene_for(phase=3), scene_for(phase=4)], tmp_path / "a.pdf", 800, 450)
    assert pages == 3
    pages = save_pdf([st] * 5, tmp_path / "b.pdf", 800, 450, grid=(2, 2))
    assert pages == 2
