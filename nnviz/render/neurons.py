"""Drawing the neurons and their numbers.

A neuron's fill is its activation (blue negative, orange positive); a layer not computed yet at
the phase is drawn empty with a dashed outline. Once a layer's δ is known (backward phases and
the update) a ring around each neuron shows δ on the same palette. NaN/Inf get the theme's
error colour and a thick error ring.

Numbers, per label mode: "activation" shows a, and from the backward phase that reaches a layer
on also its δ (so the numbers being propagated are always on screen); "pre_activation" z;
"delta" δ where known; "activation_grad" σ'(z); "all" a, z, σ' and δ. The input layer shows
its values in every mode but "none". A label goes inside its neuron when every label of the
column fits there, else beside it on a backing box; a column whose labels cannot fit between
neighbours drops them (level of detail).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from nnviz.core.explain import fmt
from nnviz.render.colormap import diverging_rgb
from nnviz.render.display import Display
from nnviz.render.layout import LayerLayout, Layout
from nnviz.render.paintkit import Kit, blend, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme

PALETTE_LEVELS = 32

Font = tuple[QFont, QFontMetricsF]


def label_lines(st: SceneState, disp: Display, li: int, i: int) -> list[str]:
    """The numbers shown for neuron ``i`` of layer ``li`` (0 = input)."""
    mode, tr, d = st.label_mode, st.trace, st.decimals
    if mode == "none" or tr is None:
        return []
    if li == 0:
        return [fmt(disp.acts[0][i], d)]
    lay, s = tr.layers[li - 1], disp.sample
    known, dknown = disp.acts[li] is not None, disp.deltas[li] is not None
    out = []
    if known and mode in ("activation", "all"):
        out.append(("a " if mode == "all" else "") + fmt(lay.activation[s, i], d))
    if known and mode in ("pre_activation", "all"):
        out.append(("z " if mode == "all" else "") + fmt(lay.pre_activation[s, i], d))
    if known and mode in ("activation_grad", "all"):
        out.append("σ' " + fmt(lay.activation_grad[s, i], d))
    if dknown and mode in ("activation", "delta", "all"):
        out.append("δ " + fmt(lay.delta[s, i], d))
    return out


def draw_neurons(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    s: float,
    label_px: float,
    bottom: float,
    boxes: list[QRectF],
) -> None:
    """Every drawn neuron of every column, with its labels; number boxes go into ``boxes``.
    ``bottom`` is the lowest y the network's own labels may use."""
    font = kit.font(label_px)
    for li, col in enumerate(lay.layers):
        if col.visible.size:
            _column(p, kit, st, th, lay, disp, s, li, col, font, bottom, boxes)


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
    font: Font,
    bottom: float,
    boxes: list[QRectF],
) -> None:
    r = lay.radius
    acts, deltas = disp.acts[li], disp.deltas[li]
    outline_w = max(1.2 * s * th.line_scale, 1.0)
    n = col.visible.size
    if acts is not None:
        scale = disp.input_scale if li == 0 else disp.act_scale
        fills = [qcolor(c) for c in diverging_rgb(acts[col.visible], scale, th, levels=PALETTE_LEVELS)]
        line = blend(th.foreground, th.background, 0.7)
        dashed = False
    else:
        fills = [qcolor(th.panel)] * n
        line = qcolor(th.muted)
        dashed = st.trace is not None
    rings = None
    if deltas is not None:
        ring_rgb = diverging_rgb(deltas[col.visible], disp.delta_scale, th, levels=PALETTE_LEVELS)
        rings = [qcolor(c) for c in ring_rgb]
    bad = np.zeros(n, dtype=bool)
    if acts is not None:
        bad |= ~np.isfinite(acts[col.visible])
    if deltas is not None:
        bad |= ~np.isfinite(deltas[col.visible])
    sel = st.selection
    sel_i = int(sel[2]) if sel and sel[0] == "neuron" and int(sel[1]) == li else None
    ring_w = max(r * 0.22, 2.0)
    for j in range(n):
        x, y = col.x, float(col.ys[j])
        if rings is not None:
            kit.disc(p, x, y, r * 1.07 + ring_w / 2, None, rings[j], ring_w)
        kit.disc(p, x, y, r, fills[j], line, outline_w, dashed)
        if bad[j]:
            kit.disc(p, x, y, r * 1.45, None, qcolor(th.error), max(r * 0.3, 2.5))
        if sel_i is not None and int(col.visible[j]) == sel_i:
            grow = 1.5 if rings is not None else 1.3
            kit.disc(p, x, y, r * grow, None, qcolor(th.selection), max(3 * s * th.line_scale, 2.0))
    fills_known = fills if acts is not None else None
    _labels(p, kit, st, th, lay, disp, li, col, font, fills_known, bottom, boxes)


def _labels(
    p: QPainter,
    kit: Kit,
    st: SceneState,
    th: Theme,
    lay: Layout,
    disp: Display,
    li: int,
    col: LayerLayout,
    font: Font,
    fills: list[QColor] | None,
    bottom: float,
    boxes: list[QRectF],
) -> None:
    r = lay.radius
    last = li == st.n_layers
    lines = [label_lines(st, disp, li, int(i)) for i in col.visible]
    fm = font[1]
    h = fm.ascent() + fm.descent()
    widest = max((fm.horizontalAdvance(t) for ls in lines for t in ls), default=0.0)
    n_lines = max((len(ls) for ls in lines), default=0)
    inside = n_lines == 1 and widest <= r * 1.9 and h <= r * 1.6
    if n_lines and not inside and col.spacing < h * n_lines * 0.9:
        lines = [[] for _ in lines]  # level of detail: no room for the numbers
        n_lines = 0
    use = font
    room = lay.column_gap - 2.6 * r - 6
    if 0 < li < st.n_layers and not inside and widest > room > 0:
        use = kit.font(font[0].pixelSize() * max(room / widest, 0.65))
    extras = _output_extras(st, disp, col) if last and col.spacing >= h * 0.9 else None
    ends = []
    for j, ls in enumerate(lines):
        y = float(col.ys[j])
        end = col.x + r
        if ls and inside:
            colour = th.foreground
            if fills is not None:
                c = fills[j]
                lum = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
                colour = "#000000" if lum > 140 else "#ffffff"
            p.setPen(qcolor(colour))
            boxes.append(kit.text(p, use, ls[0], col.x, y, "center"))
        elif ls:
            end = _beside(p, kit, th, use, ls, col.x, y, r, li == 0, boxes)
        ends.append(end)
    if li == 0 and st.input_names and (n_lines or col.spacing >= h * 0.9):
        _names(p, kit, th, st.input_names, col, lay, lines, use, inside)
    if extras is not None:
        _draw_extras(p, kit, th, col, lay, use, ends, extras, bottom, boxes)


def _beside(
    p: QPainter,
    kit: Kit,
    th: Theme,
    font: Font,
    lines: list[str],
    x: float,
    y: float,
    r: float,
    left_side: bool,
    boxes: list[QRectF],
) -> float:
    """Lines beside a neuron on a backing box; returns the x where the box ends."""
    fm = font[1]
    h = fm.ascent() + fm.descent()
    w = max(fm.horizontalAdvance(t) for t in lines)
    gap = r * 0.3 + 3
    pad = max(h * 0.15, 2.0)
    left = x - r - gap - w - 2 * pad if left_side else x + r + gap
    total = h * len(lines)
    p.fillRect(QRectF(left, y - total / 2, w + 2 * pad, total), qcolor(th.background, 0.85))
    p.setPen(qcolor(th.foreground))
    for n, text in enumerate(lines):
        boxes.append(kit.text(p, font, text, left + pad, y - total / 2 + h * (n + 0.5)))
    return left + w + 2 * pad


def _names(
    p: QPainter,
    kit: Kit,
    th: Theme,
    names: list[str],
    col: LayerLayout,
    lay: Layout,
    lines: list[list[str]],
    font: Font,
    inside: bool,
) -> None:
    """Input names, muted, left of the input neurons and their numbers."""
    fm = font[1]
    p.setPen(qcolor(th.muted))
    for j, i in enumerate(col.visible):
        if i >= len(names):
            continue
        x = col.x - lay.radius - lay.radius * 0.3 - 6
        if lines[j] and not inside:
            x -= max(fm.horizontalAdvance(t) for t in lines[j]) + 2 * max(fm.height() * 0.15, 2)
        kit.text(p, font, str(names[i]), x, float(col.ys[j]), "right")


def _output_extras(st: SceneState, disp: Display, col: LayerLayout) -> dict | None:
    """Targets (and names) beside the outputs, and the sample's loss, from the loss phase on."""
    tr = st.trace
    if tr is None or disp.kind not in ("loss", "backward", "update"):
        names = st.output_names
        return {"t": None, "loss": None, "names": names} if names else None
    t = tr.targets[disp.sample]
    return {
        "t": [f"t = {fmt(t[i], st.decimals)}" for i in col.visible],
        "loss": f"L = {fmt(tr.sample_losses[disp.sample], max(st.decimals, 4))}",
        "names": st.output_names,
    }


def _draw_extras(
    p: QPainter,
    kit: Kit,
    th: Theme,
    col: LayerLayout,
    lay: Layout,
    font: Font,
    ends: list[float],
    extras: dict,
    bottom: float,
    boxes: list[QRectF],
) -> None:
    fm = font[1]
    h = fm.ascent() + fm.descent()
    x = max(ends, default=col.x + lay.radius) + h * 0.6
    p.setPen(qcolor(th.foreground))
    if extras["t"] is not None:
        w = max(fm.horizontalAdvance(t) for t in extras["t"])
        for j, text in enumerate(extras["t"]):
            boxes.append(kit.text(p, font, text, x, float(col.ys[j])))
        x += w + h * 0.6
    names = extras["names"]
    if names:
        p.setPen(qcolor(th.muted))
        for j, i in enumerate(col.visible):
            if i < len(names):
                kit.text(p, font, str(names[i]), x, float(col.ys[j]))
    if extras["loss"] is not None:
        bold = kit.font(font[0].pixelSize(), bold=True)
        below = float(col.ys.max()) + lay.radius * 1.5 + h
        y = below if below + h / 2 <= bottom else float(col.ys.min()) - lay.radius * 1.5 - h
        p.setPen(qcolor(th.foreground))
        boxes.append(kit.text(p, bold, extras["loss"], col.x, y, "center"))

