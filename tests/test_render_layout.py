"""The renderer's Qt-free parts: layout and hit-testing, palette, themes, and what each phase
shows."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.phases import phase_names
from nnviz.render.colormap import diverging_rgb, robust_scale
from nnviz.render.display import compute_display
from nnviz.render.layout import compute_layout, visible_indices
from nnviz.render.scene import SceneState
from nnviz.render.theme import THEMES, get_theme

# ----- layout ------------------------------------------------------------------------------


def test_folding_keeps_first_and_last():
    vis, folded = visible_indices(784, 24)
    assert folded == 760 and list(vis[:3]) == [0, 1, 2] and vis[-1] == 783 and len(vis) == 24
    vis, folded = visible_indices(8, 24)
    assert folded == 0 and len(vis) == 8


def test_layout_folds_long_layers_with_a_marker_between_halves():
    lay = compute_layout([784, 128, 10], 1200, 700, max_visible=24)
    inp, hid, out = lay.layers
    assert (inp.folded_count, hid.folded_count, out.folded_count) == (760, 104, 0)
    assert out.fold_y is None and len(out.visible) == 10
    half = len(inp.visible) // 2
    assert inp.ys[half - 1] < inp.fold_y < inp.ys[half]  # the marker sits between the halves
    assert lay.neuron_pos(0, 400) is None  # folded away
    assert lay.neuron_pos(0, 783) is not None
    assert inp.x < hid.x < out.x  # input left, output right


def test_radius_shrinks_with_density_but_stays_clamped():
    few = compute_layout([2, 2], 800, 600)
    many = compute_layout([2, 24], 800, 600)
    huge = compute_layout([2, 100_000], 800, 60, max_visible=10_000)
    assert few.radius > many.radius >= huge.radius >= 1.5


@pytest.mark.parametrize("sizes", [[3, 5, 2], [2, 8, 8, 1], [784, 64, 10]])
def test_neuron_hit_testing_round_trip(sizes):
    lay = compute_layout(sizes, 900, 600, left=30, top=20)
    for li, col in enumerate(lay.layers):
        for i in col.visible:
            x, y = lay.neuron_pos(li, int(i))
            assert lay.neuron_at(x, y) == (li, int(i))
            assert lay.neuron_at(x + lay.radius * 0.9, y) == (li, int(i))
    assert lay.neuron_at(-50, -50) is None


@pytest.mark.parametrize("sizes", [[3, 5, 2], [2, 4, 4, 1]])
def test_edge_hit_testing_round_trip(sizes):
    lay = compute_layout(sizes, 900, 600)
    r = lay.radius
    for wl in range(len(sizes) - 1):
        a, b = lay.layers[wl], lay.layers[wl + 1]
        for col in a.visible:
            for row in b.visible:
                (xa, ya), (xb, yb) = lay.neuron_pos(wl, int(col)), lay.neuron_pos(wl + 1, int(row))
                # a point a fifth of the way along the drawn segment (edges cross in the middle)
                x0, x1 = xa + r, xb - r
                for t in (0.08, 0.92):
                    point = (x0 + (x1 - x0) * t, ya + (yb - ya) * t)
                    assert lay.edge_at(*point, 2.0) == (wl, int(row), int(col))
    assert lay.edge_at(5, 5, 2.0) is None


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 60), min_size=2, max_size=6),
    zoom=st.floats(0.5, 4.0),
    pan=st.tuples(st.floats(-300, 300), st.floats(-300, 300)),
)
def test_every_drawn_neuron_is_found_where_it_is(sizes, zoom, pan):
    lay = compute_layout(sizes, 1000, 700, max_visible=16, zoom=zoom, pan=pan)
    for li, col in enumerate(lay.layers):
        assert len(col.visible) == len(col.ys) == min(sizes[li], 16)
        assert col.folded_count == sizes[li] - len(col.visible)
        for i, y in zip(col.visible, col.ys, strict=True):
            assert lay.neuron_at(col.x, y) == (li, int(i))


def test_layout_zoom_and_pan_about_centre():
    base = compute_layout([2, 2], 800, 600, snap=False)
    zoomed = compute_layout([2, 2], 800, 600, zoom=2.0, pan=(10, 0), snap=False)
    x0, _ = base.neuron_pos(0, 0)
    x1, _ = zoomed.neuron_pos(0, 0)
    assert x1 == pytest.approx(400 + (x0 - 400) * 2 + 10)
    assert zoomed.radius == pytest.approx(base.radius * 2)
    snapped = compute_layout([2, 3], 801, 603, left=0.3, top=0.7)
    assert all(float(y).is_integer() for col in snapped.layers for y in col.ys)


# ----- palette and themes ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(THEMES))
def test_palette_sides_and_nan(name):
    th = get_theme(name)
    neg, zero, pos, bad, inf, far = diverging_rgb(
        np.array([-1.0, 0.0, 1.0, np.nan, np.inf, -50.0]), 1.0, th
    )
    assert neg[2] > neg[0]  # blue side
    assert pos[0] > pos[2]  # orange side
    assert tuple(zero) == tuple(int(th.neutral[i : i + 2], 16) for i in (1, 3, 5))
    hexes = ["#" + "".join(f"{int(v):02x}" for v in c) for c in (bad, inf)]
    assert hexes == [th.error, th.error]
    assert tuple(far) == tuple(neg)  # clipped beyond vmax
    assert diverging_rgb(np.zeros((2, 3)), 1.0, th).shape == (2, 3, 3)


def test_palette_levels_round_to_steps():
    th = get_theme("light")
    a = diverging_rgb(np.array([0.50, 0.51]), 1.0, th, levels=32)
    assert (a[0] == a[1]).all()


def test_robust_scale_is_never_zero():
    assert robust_scale(np.zeros(5)) > 0
    assert robust_scale(np.array([np.nan, np.inf])) > 0
    assert robust_scale(np.array([0.0, 0.0, 3.0])) == 3.0
    v = np.r_[np.ones(1000), 1e6]  # one outlier does not set the scale
    assert robust_scale(v) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "values",
    [
        np.abs(np.random.default_rng(0).normal(size=60_000)),
        np.repeat(np.linspace(0.0, 1.0, 200), 300),  # few distinct values, many repeats
        np.sort(np.abs(np.random.default_rng(1).standard_cauchy(size=40_000))),
        np.r_[np.zeros(59_000), np.random.default_rng(2).random(1_000)],  # mostly zeros
        np.r_[np.zeros(50_000), np.full(3_000, 0.5), np.random.default_rng(4).random(500)],
        np.random.default_rng(3).random(30_000).astype(np.float32),
    ],
)
def test_robust_scale_is_the_exact_98th_percentile_of_big_arrays(values):
    k = int(0.98 * (values.size - 1))
    expected = float(np.partition(values, k)[k])
    if expected <= 1e-12:  # nearly all zeros: the largest value sets the scale
        expected = float(values.max())
    assert robust_scale(values) == expected
    assert robust_scale(-values) == expected


def test_themes():
    assert set(THEMES) == {"light", "dark", "lecture-light", "lecture-dark"}
    for th in THEMES.values():
        for name in ("background", "foreground", "negative", "neutral", "positive", "error"):
            colour = getattr(th, name)
            assert len(colour) == 7 and colour.startswith("#"), (th.name, name)
    assert get_theme("lecture-light").label_px >= 28 and get_theme("lecture-dark").label_px >= 28
    assert get_theme("light").label_px < 20
    with pytest.raises(KeyError, match="lecture-dark"):
        get_theme("neon")


# ----- what each phase shows ---------------------------------------------------------------


@pytest.fixture(scope="module")
def traced():
    spec, base = load("spiral")
    return spec, Engine(spec, base_dir=base).step()


def scene(spec, tr, phase_name):
    return SceneState(
        sizes=tuple(spec.layers),
        trace=tr,
        phase=phase_names(len(spec.layers) - 1).index(phase_name),
    )


def test_phase_semantics(traced):
    spec, tr = traced
    L = len(spec.layers) - 1
    d = compute_display(scene(spec, tr, "forward-L2"))
    assert [a is not None for a in d.acts] == [True, True, True] + [False] * (L - 2)
    assert all(x is None for x in d.deltas)
    assert [e.active for e in d.edges] == [False, True] + [False] * (L - 2)
    assert {e.quantity for e in d.edges} == {"w"}
    d = compute_display(scene(spec, tr, f"backward-L{L - 1}"))
    assert all(a is not None for a in d.acts)
    assert [x is not None for x in d.deltas] == [False] * (L - 1) + [True, True]
    assert [e.quantity for e in d.edges] == ["w"] * (L - 2) + ["grad", "grad"]
    assert [e.active for e in d.edges][L - 2] and sum(e.active for e in d.edges) == 1
    assert d.edges[L - 2].values is tr.layers[L - 2].weight_grad
    d = compute_display(scene(spec, tr, "update"))
    assert all(e.quantity == "dw" and e.active for e in d.edges)
    assert d.edges[0].values is tr.layers[0].weight_update
    start = SceneState(sizes=tuple(spec.layers), weights=[la.weights_before for la in tr.layers])
    d = compute_display(start)
    assert d.kind == "start" and all(a is None for a in d.acts)
    assert all(e.quantity == "w" for e in d.edges)


def test_scales_do_not_change_between_phases(traced):
    spec, tr = traced
    names = phase_names(len(spec.layers) - 1)
    scales = {
        (d.act_scale, d.delta_scale, d.input_scale)
        for d in (compute_display(scene(spec, tr, n)) for n in names)
    }
    assert len(scales) == 1
