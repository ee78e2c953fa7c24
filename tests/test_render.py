"""The renderer: what the pixels say, level of detail, big networks, and the exports."""

import dataclasses
import re
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.phases import phase_names
from nnviz.core.spec import from_dict
from nnviz.render.export import (
    PNG_QUALITY,
    drop_alpha,
    encode_png,
    render_image,
    save_pdf,
    save_png,
    save_svg,
)
from nnviz.render.renderer import EDGE_BUDGET, NetworkRenderer
from nnviz.render.scene import LABEL_MODES, SceneState
from nnviz.render.theme import THEMES, get_theme


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


_TRACES = {}


def trace_of(name):
    if name not in _TRACES:
        spec, base = load(name)
        _TRACES[name] = (spec, Engine(spec, base_dir=base).step())
    return _TRACES[name]


def scene_for(name="two-two-two", phase="forward-L1", **kw):
    spec, tr = trace_of(name)
    names = phase_names(len(spec.layers) - 1)
    return SceneState(
        sizes=tuple(spec.layers),
        activations=tuple(spec.activations),
        trace=tr,
        phase=names.index(phase) if isinstance(phase, str) else phase,
        **kw,
    )


def paint(state, w=1280, h=800, renderer=None):
    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    info = (renderer or NetworkRenderer()).paint(p, QRectF(0, 0, w, h), state)
    p.end()
    return img, info


def colour_at(img, x, y):
    return QColor(img.pixel(int(round(x)), int(round(y))))


def warmth(c):
    """Orange (positive) side > 0, blue (negative) side < 0."""
    return c.red() - c.blue()


def raw(img):
    return bytes(img.constBits())[: img.sizeInBytes()]


# ----- pixels ------------------------------------------------------------------------------


def test_fill_follows_activation_and_uncomputed_layers_are_empty():
    _spec, tr = trace_of("two-two-two")
    th = get_theme("light")
    st = scene_for(phase="forward-L1", label_mode="none")
    img, info = paint(st)
    x, y = info.layout.neuron_pos(2, 0)
    assert colour_at(img, x, y).name() == th.panel  # output not computed yet: unfilled
    st = scene_for(phase="forward-L2", label_mode="none")
    img, info = paint(st)
    out = tr.layers[1].activation[0]
    hi, lo = int(np.argmax(out)), int(np.argmin(out))
    c_hi = colour_at(img, *info.layout.neuron_pos(2, hi))
    c_lo = colour_at(img, *info.layout.neuron_pos(2, lo))
    assert warmth(c_hi) > 0  # sigmoid outputs ≈ 0.75: the orange side
    assert warmth(c_hi) > warmth(c_lo) or out[hi] == out[lo]
    # inputs (0.05, 0.1) are nearly neutral, far paler than the outputs
    c_in = colour_at(img, *info.layout.neuron_pos(0, 0))
    assert abs(warmth(c_in)) < warmth(c_hi)


def test_negative_activations_are_blue():
    _spec, tr = trace_of("spiral")  # tanh: hidden activations of both signs
    img, info = paint(scene_for("spiral", phase="forward-L1", label_mode="none"))
    a = tr.layers[0].activation[0]
    checked = 0
    for i, value in enumerate(a):
        if abs(value) > 0.2:
            assert (warmth(colour_at(img, *info.layout.neuron_pos(1, i))) > 0) == (value > 0)
            checked += 1
    assert checked >= 2


def test_forward_and_backward_differ():
    fwd, info = paint(scene_for(phase="forward-L2"))
    bwd, _ = paint(scene_for(phase="backward-L2"))
    upd, _ = paint(scene_for(phase="update"))
    assert fwd != bwd and bwd != upd
    assert info.label_boxes


def test_backward_rings_show_delta():
    _spec, tr = trace_of("two-two-two")
    th = get_theme("light")
    st = scene_for(phase="backward-L2", label_mode="none")
    img, info = paint(st)
    r = info.layout.radius
    d = tr.layers[1].delta[0]
    i = int(np.argmax(np.abs(d)))
    x, y = info.layout.neuron_pos(2, i)
    ring = colour_at(img, x, y - r * 1.18)  # on the δ ring above the neuron
    assert (warmth(ring) > 0) == (d[i] > 0)
    before, _ = paint(scene_for(phase="loss", label_mode="none"))
    assert colour_at(before, x, y - r * 1.18).name() != ring.name()
    assert colour_at(before, x, y - r * 1.18).name() in (th.background, th.highlight)


def test_same_state_same_bytes_with_fresh_and_warm_renderers():
    st = scene_for("spiral", phase="backward-L2", selection=("neuron", 2, 3))
    warm = NetworkRenderer()
    a, _ = paint(st, renderer=warm)
    b, _ = paint(st, renderer=warm)  # from its caches
    c, _ = paint(st)  # a fresh renderer
    assert raw(a) == raw(b) == raw(c)
    assert raw(render_image(st, 1280, 800)) == raw(a)


def test_a_warm_renderer_shows_each_new_step_like_a_fresh_one():
    spec, base = load("spiral")
    eng = Engine(spec, base_dir=base)
    warm = NetworkRenderer()
    for _ in range(3):
        tr = eng.step()
        for phase in (0, 5, 9):
            st = SceneState(sizes=tuple(spec.layers), trace=tr, phase=phase)
            a, _ = paint(st, 640, 400, renderer=warm)
            b, _ = paint(st, 640, 400)
            assert raw(a) == raw(b)


def test_nan_weight_drawn_in_error_colour():
    spec, base = load("two-two-two")
    ws = [np.array(w, dtype=float) for w in spec.weights]
    st = SceneState(
        sizes=tuple(spec.layers),
        weights=ws,
        biases=list(spec.biases),
        phase=-1,
        show_legend=False,
        show_caption=False,
    )
    renderer = NetworkRenderer()
    img, info = paint(st, renderer=renderer)
    a, b = info.layout.neuron_pos(0, 0), info.layout.neuron_pos(1, 0)
    x, y = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    error = get_theme("light").error
    assert all(colour_at(img, x, y + d).name() != error for d in (-1, 0, 1))
    ws[0][0, 0] = np.nan  # edited in place: the renderer must notice
    img, info = paint(st, renderer=renderer)
    assert any(colour_at(img, x, y + d).name() == error for d in (-1, 0, 1))


def test_nan_activation_gets_error_colour_and_marker():
    spec, tr = trace_of("two-two-two")
    bad = tr.layers[0].activation.copy()
    bad[0, 1] = np.nan
    first = dataclasses.replace(tr.layers[0], activation=bad)
    broken = dataclasses.replace(tr, layers=(first, *tr.layers[1:]))
    st = SceneState(sizes=tuple(spec.layers), trace=broken, phase=1, label_mode="none")
    img, info = paint(st)
    x, y = info.layout.neuron_pos(1, 1)
    error = get_theme("light").error
    assert colour_at(img, x, y).name() == error
    assert colour_at(img, x, y - info.layout.radius * 1.45).name() == error  # the marker ring


def test_selection_is_outlined():
    sel_colour = get_theme("light").selection
    img, info = paint(scene_for(phase="forward-L2", selection=("neuron", 1, 0), label_mode="none"))
    x, y = info.layout.neuron_pos(1, 0)
    ring = [colour_at(img, x, y - info.layout.radius * 1.3 + d).name() for d in (-1, 0, 1)]
    assert sel_colour in ring
    plain, _ = paint(scene_for(phase="forward-L2", label_mode="none"))
    assert plain != img


def test_selected_edge_label_shows_old_and_new_weight_at_update():
    st = scene_for(phase="update", selection=("edge", 1, 0, 1), label_mode="none")
    _img, info = paint(st)
    assert len(info.label_boxes) >= 1  # the edge's "w old → new" label (targets and loss too)
    from nnviz.render.display import compute_display
    from nnviz.render.selection import selected_edge_text

    _spec, tr = trace_of("two-two-two")
    text = selected_edge_text(st, compute_display(st), 1, 0, 1)
    assert "→" in text and text.startswith("w ")
    grad = scene_for(phase="backward-L2")
    assert selected_edge_text(grad, compute_display(grad), 1, 0, 1).startswith("∂L/∂w")


# ----- numbers and level of detail ---------------------------------------------------------


@pytest.mark.parametrize("name", ["two-two-two", "spiral"])
@pytest.mark.parametrize("theme", ["lecture-light", "lecture-dark"])
def test_lecture_labels_are_large_at_1080p(name, theme):
    _img, info = paint(scene_for(name, phase="backward-L1", theme=theme), 1920, 1080)
    assert len(info.label_boxes) >= 4
    assert min(b.height() for b in info.label_boxes) >= 28


def test_label_modes():
    counts = {}
    for mode in LABEL_MODES:
        _img, info = paint(scene_for("spiral", phase="backward-L2", label_mode=mode))
        counts[mode] = len(info.label_boxes)
    assert counts["none"] == 0  # no numbers at all (not even the targets and the loss)
    assert counts["all"] > counts["activation"] > counts["delta"] > counts["none"]


def test_labels_drop_when_neurons_are_too_dense():
    big = scene_for("spiral", phase="forward-L3")
    _img, roomy = paint(big, 1280, 800)
    _img, cramped = paint(big, 1280, 120)
    assert len(cramped.label_boxes) < len(roomy.label_boxes)


def test_labels_scale_with_the_target_and_the_type_scale():
    st = scene_for(phase="forward-L2")
    _img, small = paint(st, 1600, 900)
    _img, large = paint(st, 3200, 1800)
    assert large.label_boxes[0].height() > small.label_boxes[0].height() * 1.7
    _img, bigger = paint(scene_for(phase="forward-L2", scale=1.5), 1600, 900)
    assert bigger.label_boxes[0].height() > small.label_boxes[0].height() * 1.3
    _img, tiny = paint(st, 320, 180)
    assert tiny.label_boxes[0].height() >= 11  # never below a readable minimum


def test_zoom_and_pan_move_the_picture_and_the_hit_test():
    st = scene_for(phase="forward-L2", label_mode="none", zoom=1.6, pan=(-120.0, 40.0))
    img, info = paint(st)
    x, y = info.layout.neuron_pos(2, 0)
    assert info.layout.neuron_at(x, y) == (2, 0)
    assert warmth(colour_at(img, x, y)) > 0
    _img, plain = paint(scene_for(phase="forward-L2", label_mode="none"))
    assert plain.layout.neuron_pos(2, 0) != (x, y)


# ----- big networks ------------------------------------------------------------------------


def big_scene(sizes, **kw):
    spec = from_dict(
        {
            "layers": sizes,
            "activations": ["relu"] * (len(sizes) - 2) + ["softmax"],
            "loss": "cross_entropy",
            "data": {"inputs": [[0.5] * sizes[0]], "targets": [[1] + [0] * (sizes[-1] - 1)]},
            "batch_size": 1,
        }
    )
    tr = Engine(spec).step()
    return SceneState(sizes=tuple(spec.layers), activations=tuple(spec.activations), trace=tr, **kw)


def test_big_network_is_folded_and_thinned_within_budget():
    st = big_scene([784, 512, 512, 10], phase=1)
    _img, info = paint(st)
    assert info.aggregated  # folded
    assert info.edges_total == 784 * 512 + 512 * 512 + 512 * 10
    assert info.edges_drawn <= 24 * 24 * 2 + 24 * 10
    st.max_visible = 120  # 120×120 visible edges per layer: more than the budget
    _img, info = paint(st)
    assert info.aggregated
    assert 0 < info.edges_drawn <= 3 * EDGE_BUDGET


def test_small_network_is_not_aggregated():
    _img, info = paint(scene_for("spiral", phase="update"))
    assert not info.aggregated
    assert info.edges_total == 2 * 8 + 8 * 8 * 2 + 8
    assert 0 < info.edges_drawn <= info.edges_total


# ----- devices and exports -----------------------------------------------------------------


def test_every_theme_renders():
    for name in THEMES:
        img = render_image(scene_for(phase="backward-L1", theme=name), 640, 360)
        assert img.width() == 640
        assert colour_at(img, 2, 200).name() == get_theme(name).background


def test_render_image_options(tmp_path):
    st = scene_for(phase="loss")
    hi = render_image(st, 400, 300, device_pixel_ratio=2.0)
    assert (hi.width(), hi.height()) == (800, 600)
    assert hi.format() == QImage.Format.Format_ARGB32_Premultiplied
    clear = render_image(st, 400, 300, transparent=True)
    assert QColor.fromRgba(clear.pixel(1, 150)).alpha() == 0
    save_png(st, tmp_path / "a.png", 400, 300, transparent=True)
    assert QImage(str(tmp_path / "a.png")).hasAlphaChannel()


def _same_pixels(a, b):
    fmt = QImage.Format.Format_ARGB32
    return a.convertToFormat(fmt) == b.convertToFormat(fmt)


@pytest.mark.parametrize("quality", [0, PNG_QUALITY, 100])
def test_png_is_lossless_and_opaque_frames_have_no_alpha(tmp_path, quality):
    st = scene_for("spiral", phase="backward-L2", selection=("neuron", 2, 3))
    save_png(st, tmp_path / "a.png", 640, 360, quality=quality)
    back = QImage(str(tmp_path / "a.png"))
    assert not back.hasAlphaChannel()  # stored as RGB: a quarter less to compress
    assert _same_pixels(back, render_image(st, 640, 360))
    save_png(st, tmp_path / "t.png", 640, 360, transparent=True, quality=quality)
    back = QImage(str(tmp_path / "t.png"))
    assert back.hasAlphaChannel()
    assert _same_pixels(back, render_image(st, 640, 360, transparent=True))


def test_png_quality_trades_size_only(tmp_path):
    st = scene_for("spiral", phase="update")
    sizes = {}
    for q in (0, PNG_QUALITY, 100):
        save_png(st, tmp_path / f"{q}.png", 800, 450, quality=q)
        sizes[q] = (tmp_path / f"{q}.png").stat().st_size
    assert max(sizes[0], sizes[PNG_QUALITY]) < sizes[100] / 3  # 100: stored uncompressed
    first = QImage(str(tmp_path / "0.png"))
    assert all(QImage(str(tmp_path / f"{q}.png")) == first for q in sizes)


def test_drop_alpha_only_relabels_opaque_images():
    img = render_image(scene_for(phase="loss"), 320, 200)
    before = raw(img)
    assert drop_alpha(img) and img.format() == QImage.Format.Format_RGB32
    assert raw(img) == before  # the same bytes
    clear = render_image(scene_for(phase="loss"), 320, 200, transparent=True)
    assert not drop_alpha(clear)
    assert clear.format() == QImage.Format.Format_ARGB32_Premultiplied
    assert encode_png(clear).startswith(b"\x89PNG")


def test_layers_in_strip_images_repaint_like_a_fresh_renderer():
    """Big layers go through the strip cache; a warm renderer (cache hits, each new step's
    misses) paints exactly what a fresh one and the exporter do."""
    spec = from_dict(
        {
            "layers": [784, 128, 64, 10],
            "activations": ["relu", "relu", "softmax"],
            "loss": "cross_entropy",
            "data": {"inputs": [[0.5] * 784, [0.25] * 784], "targets": [1, 2]},
            "batch_size": 2,
        }
    )
    eng = Engine(spec)
    warm = NetworkRenderer()
    for _ in range(2):
        tr = eng.step()
        for phase in (0, 1, 4, 7, 0):
            st = SceneState(sizes=tuple(spec.layers), trace=tr, phase=phase)
            a, info = paint(st, 800, 450, renderer=warm)
            assert info.aggregated
            assert raw(a) == raw(paint(st, 800, 450)[0]) == raw(render_image(st, 800, 450))


def test_svg_parses(tmp_path):
    import xml.etree.ElementTree as ET

    save_svg(
        scene_for(phase="backward-L2", selection=("edge", 1, 0, 0)), tmp_path / "a.svg", 800, 450
    )
    root = ET.parse(tmp_path / "a.svg").getroot()
    assert root.tag.endswith("svg")
    assert len(list(root.iter())) > 20


def test_pdf_pages(tmp_path):
    names = phase_names(2)
    states = [scene_for(phase=n) for n in names]
    pages = save_pdf(states, tmp_path / "a.pdf", 800, 450)
    data = (tmp_path / "a.pdf").read_bytes()
    assert pages == len(names) == len(re.findall(rb"/Type\s*/Page\b", data))
    pages = save_pdf(states[:5], tmp_path / "b.pdf", 800, 450, grid=(2, 2))
    assert pages == 2 == len(re.findall(rb"/Type\s*/Page\b", (tmp_path / "b.pdf").read_bytes()))


def test_vector_and_raster_draw_the_same_edges(tmp_path):
    from PySide6.QtCore import QSize
    from PySide6.QtSvg import QSvgGenerator

    st = big_scene([784, 128, 64, 10], phase=0)
    _img, raster = paint(st, 800, 450)
    gen = QSvgGenerator()
    gen.setFileName(str(tmp_path / "b.svg"))
    gen.setSize(QSize(800, 450))
    p = QPainter(gen)
    vector = NetworkRenderer().paint(p, QRectF(0, 0, 800, 450), st)
    p.end()
    assert (vector.edges_drawn, vector.edges_total, vector.aggregated) == (
        raster.edges_drawn,
        raster.edges_total,
        raster.aggregated,
    )


def test_painting_needs_a_gui_application_and_model_modules_need_no_qt():
    code = (
        "import sys\n"
        "import nnviz.render.layout, nnviz.render.scene, nnviz.render.colormap\n"
        "import nnviz.render.display, nnviz.render.theme\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
