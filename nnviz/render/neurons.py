"""Drawing the neurons and their numbers.

A neuron's fill is its activation (blue negative, orange positive); a layer not computed yet at
the phase is drawn empty with a dashed outline. Once a layer's δ is known (backward phases and
the update) a ring around each neuron shows δ on the same palette. NaN/Inf get the theme's
error colour and a thick error ring.

Numbers, per label mode: "activation" shows a, and from the backward phase that reaches a layer
on also its δ (so the numbers being propagated are always on screen); "pre_activation" z;
"delta" δ where known; "activation_grad" σ'(z); "all" a, z, σ' and δ. The input layer shows
its values in every mode but "none" (and its names, muted, to the left). From the loss phase on
the outputs also show their targets t beside them and the sample's loss L under them; "none"
shows no numbers at all. Where the numbers go is the label engine's business
(render.annotate and render.labels).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QPainter

from nnviz.core.numfmt import fmt
from nnviz.render.display import Display
from nnviz.render.layout import LayerLayout, Layout
from nnviz.render.paintkit import Kit, palette_index
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme


def label_lines(st: SceneState, disp: Display, li: int, i: int) -> list[str]:
    """The numbers shown for neuron ``i`` of layer ``li`` (0 = input)."""
    mode, tr, d = st.label_mode, st.trace, st.digits
    if mode == "none" or tr is None:
        return []
    if li == 0:
        return [fmt(disp.acts[0][i], d)]
    lay, s = tr.layers[li - 1], disp.sample
    known, dknown = disp.acts[li] is not None, disp.deltas[li] is not None
    if li == disp.hidden_layer and disp.kind == "forward":
        return hidden_lines(mode)
    out = []
    if known and mode in ("activation", "all"):
        out.append(("a " if mode == "all" else "") + fmt(lay.activation[s, i], d))
    if known and mode in ("pre_activation", "all"):
        out.append(("z " if mode == "all" else "") + fmt(lay.pre_activation[s, i], d))
    if known and mode in ("activation_grad", "all"):
        out.append("σ' " + fmt(lay.activation_grad[s, i], d))
    if dknown and mode in ("activation", "delta", "all"):
        out.append("δ " + fmt(lay.delta[s, i], d))
    elif (
        li == disp.hidden_layer
        and disp.kind == "backward"
        and mode in ("activation", "delta", "all")
    ):
        out.append("δ ?")  # predict mode: this backward phase's δ
    return out


def hidden_lines(mode: str) -> list[str]:
    """Predict mode: a forward phase's own numbers of a neuron as "?" (what the learner
    predicts)."""
    return {
        "activation": ["?"],
        "pre_activation": ["?"],
        "activation_grad": ["σ' ?"],
        "all": ["a ?", "z ?", "σ' ?"],
    }.get(mode, [])


def draw_neurons(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    s: float,
) -> None:
    """Every drawn neuron of every column (their numbers are placed by render.annotate)."""
    for li, col in enumerate(lay.layers):
        if col.visible.size:
            _column(p, kit, st, th, lay, disp, s, li, col)


def _column(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    s: float,
    li: int,
    col: LayerLayout,
) -> None:
    r = lay.radius
    acts, deltas = disp.acts[li], disp.deltas[li]
    outline_w = max(1.2 * s * th.line_scale, 1.0)
    pal = kit.palette(th)
    if acts is not None:
        scale = disp.input_scale if li == 0 else disp.act_scale
        fills = [pal[i] for i in palette_index(acts[col.visible], scale).tolist()]
        line = kit.blended(th.foreground, th.background, 0.7)
        dashed = False
    else:
        fills = [kit.colour(th.panel)] * col.visible.size
        line = kit.colour(th.muted)
        dashed = st.trace is not None
    if deltas is not None:
        ring_w = max(r * 0.22, 2.0)
        rings = [pal[i] for i in palette_index(deltas[col.visible], disp.delta_scale).tolist()]
        kit.discs(p, col.x, col.ys, r * 1.07 + ring_w / 2, None, rings, ring_w)
    kit.discs(p, col.x, col.ys, r, fills, line, outline_w, dashed)
    bad = np.zeros(col.visible.size, dtype=bool)
    if acts is not None:
        bad |= ~np.isfinite(acts[col.visible])
    if deltas is not None:
        bad |= ~np.isfinite(deltas[col.visible])
    if bad.any():
        kit.discs(p, col.x, col.ys[bad], r * 1.45, None, kit.colour(th.error), max(r * 0.3, 2.5))
    sel = st.selection
    if sel and sel[0] == "neuron" and int(sel[1]) == li:
        hit = col.visible == int(sel[2])
        if hit.any():
            grow = 1.5 if deltas is not None else 1.3
            width = max(3 * s * th.line_scale, 2.0)
            kit.discs(p, col.x, col.ys[hit], r * grow, None, kit.colour(th.selection), width)
