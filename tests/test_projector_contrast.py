"""Projector-safe lecture themes and the compact lecture legend, checked on rendered pixels:
the active layer's band, the edges of the layers not being worked on and the legend's swatches
and words keep a WCAG contrast of at least 3:1 against the background in both lecture themes;
the legend sits in a corner, off the network, the caption and every number."""

import numpy as np
import pytest
from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.core.netfile import load
from nnviz.gui.lecture import LectureView
from nnviz.gui.session import Session
from nnviz.render import corner_legend
from nnviz.render.renderer import NetworkRenderer
from nnviz.render.theme import get_theme

PRESETS = ["two-two-two", "xor", "linear-xor", "gaussians3", "regression", "spiral", "deep-sigmoid"]
LECTURE = ["lecture-light", "lecture-dark"]


def luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0-255 channels)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2])


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)  # #777


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def lecture_render(settings, name, theme, phase_name, size=(1920, 1080), scale=1.0):
    """Lecture mode's scene of step 1 at ``phase_name``, rendered by the one renderer."""
    spec, base = load(name)
    s = Session(spec, base, name)
    s.next_step()
    s.goto_step(1, s.phases.index(phase_name) if phase_name != "start" else 0)
    if phase_name == "start":
        s.goto_step(0)
    view = LectureView(s, settings)
    view.options.theme = theme
    view.options.scale = scale
    scene = view.scene()
    view.deleteLater()
    img = QImage(*size, QImage.Format.Format_RGB32)
    p = QPainter(img)
    info = NetworkRenderer().paint(p, QRectF(0, 0, *size), scene)
    p.end()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(size[1], size[0], 4)
    rgb = arr[:, :, 2::-1].copy()  # BGRA in memory → RGB
    return s, info, rgb


def background(theme: str):
    c = QColor(get_theme(theme).background)
    return (c.red(), c.green(), c.blue())


def best(rgb, bg, x0, x1, y0, y1) -> float:
    """The highest contrast against ``bg`` of any pixel in a box (the core of a line or glyph)."""
    h, w = rgb.shape[:2]
    x0, x1 = max(int(x0), 0), min(int(np.ceil(x1)), w)
    y0, y1 = max(int(y0), 0), min(int(np.ceil(y1)), h)
    patch = rgb[y0:y1, x0:x1].reshape(-1, 3)
    return max((contrast(px, bg) for px in np.unique(patch, axis=0)), default=1.0)


@pytest.mark.parametrize("theme", LECTURE)
@pytest.mark.parametrize(
    "name,phase,column",
    [("two-two-two", "forward-L1", 1), ("two-two-two", "loss", 2), ("xor", "backward-L1", 1)],
)
def test_the_active_layers_band_stands_out(qtbot, settings, theme, name, phase, column):
    _s, info, rgb = lecture_render(settings, name, theme, phase)
    bg = background(theme)
    y = int(info.net_box.top()) + 2  # above the column titles: only the band is drawn here
    x = int(info.layout.layers[column].x)
    row = rgb[y]
    assert tuple(row[x]) != bg  # the band is there
    left = x
    while left > 0 and tuple(row[left - 1]) != bg:
        left -= 1
    right = x
    while right < row.shape[0] - 1 and tuple(row[right + 1]) != bg:
        right += 1
    assert right - left > info.layout.radius * 2  # a band, wider than a neuron
    band = row[left : right + 1]
    assert max(contrast(px, bg) for px in band) >= 3.0  # it reads on a projector
    fill = band[len(band) // 2]  # and its fill keeps the numbers on it legible
    fg = QColor(get_theme(theme).foreground)
    assert contrast(fill, (fg.red(), fg.green(), fg.blue())) >= 4.5


@pytest.mark.parametrize("theme", LECTURE)
@pytest.mark.parametrize(
    "name,phase,inactive",
    [
        ("two-two-two", "forward-L1", 1),
        ("two-two-two", "backward-L2", 0),
        ("xor", "forward-L1", 1),
        ("gaussians3", "forward-L2", 0),
    ],
)
def test_edges_of_the_other_layers_keep_3_to_1(qtbot, settings, theme, name, phase, inactive):
    """Sampled along each edge of the weight layer not worked on, away from the columns, the
    band and the numbers: each edge's typical sample is the line's own colour."""
    _s, info, rgb = lecture_render(settings, name, theme, phase)
    bg = background(theme)
    lay = info.layout
    r = lay.radius
    avoid = [b.adjusted(-6, -6, 6, 6) for b in (d.box for d in info.labels)]
    measured = 0
    for wl in [inactive]:
        a, b = lay.layers[wl], lay.layers[wl + 1]
        for ya in a.ys:
            for yb in b.ys:
                found = []
                for t in np.linspace(0.0, 1.0, 41):
                    x = a.x + r * 1.3 + (b.x - a.x - r * 2.6) * t
                    y = ya + (yb - ya) * (x - a.x - r) / (b.x - a.x - 2 * r)  # rim to rim
                    if any(box.contains(x, y) for box in avoid):
                        continue
                    if any(abs(x - c.x) < r * 2.2 for c in lay.layers):
                        continue  # near the columns (and the band)
                    found.append(best(rgb, bg, x - 1, x + 2, y - 1, y + 2))
                if len(found) >= 2:  # (an edge under its numbers all along is skipped)
                    measured += 1
                    assert np.median(found) >= 3.0, (wl, ya, yb, found)
    assert measured >= min(a.ys.size * b.ys.size, 3)


@pytest.mark.parametrize("theme", LECTURE)
def test_the_legend_is_drawn_legible_and_in_contrast(qtbot, settings, theme):
    _s, info, rgb = lecture_render(settings, "two-two-two", theme, "backward-L2")
    bg = background(theme)
    box = info.legend_box
    assert box is not None
    words = {d.text: d for d in info.labels if d.kind == "legend"}
    rows = [text for _, text in corner_legend.ROWS]
    assert set(words) == {*rows, corner_legend.FOOT, "+", "−"}
    for text, d in words.items():
        assert box.contains(d.box), text
        assert d.px >= 1080 * 0.02  # 22 px and more on a 1080-pixel projector
        assert best(rgb, bg, d.box.left(), d.box.right(), d.box.top(), d.box.bottom()) >= 4.5
    for text in rows:  # left of each row's words: the + and − swatches
        t = words[text].box
        mid = (box.left() + t.left()) / 2
        for x0, x1 in ((box.left() + 2, mid), (mid, t.left() - 2)):
            assert best(rgb, bg, x0, x1, t.top(), t.bottom()) >= 3.0, (text, x0)


@pytest.mark.parametrize(
    "size,scale", [((1920, 1080), 1.0), ((1280, 720), 1.0), ((1024, 768), 1.5)]
)
@pytest.mark.parametrize("name", PRESETS)
def test_the_legend_keeps_off_the_network_caption_and_numbers(qtbot, settings, name, size, scale):
    for phase in ("start", "forward-L1", "loss", "update"):
        _s, info, _rgb = lecture_render(settings, name, "lecture-dark", phase, size, scale)
        box = info.legend_box
        assert box is not None and info.net_box.contains(box), phase
        assert not box.intersects(info.caption_box) and not box.intersects(info.header_box)
        lay = info.layout
        r = lay.radius
        for col in lay.layers:
            for y in col.ys:
                assert not box.intersects(QRectF(col.x - r, y - r, 2 * r, 2 * r)), (phase, y)
        for d in info.labels:
            if d.kind != "legend":
                assert not d.box.intersects(box), (phase, d.text)


def test_g_toggles_the_legend_and_is_remembered(qtbot, settings):
    spec, base = load("two-two-two")
    view = LectureView(Session(spec, base, "two-two-two"), settings)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    assert view.info.legend_box is not None  # on by default
    qtbot.keyClick(view, Qt.Key.Key_G)
    view.grab()
    assert view.info.legend_box is None
    assert not any(d.kind == "legend" for d in view.info.labels)
    again = LectureView(view.session, settings)
    qtbot.addWidget(again)
    assert again.options.legend_corner is False  # remembered


def test_window_themes_keep_their_look(qtbot):
    """Only the lecture themes get the projector's rules and edge floors."""
    for name in ("light", "dark"):
        th = get_theme(name)
        assert (th.band_edge, th.edge_floor, th.edge_min_px) == ("", 0.0, 0.0)
