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
shows no numbers at all. A label goes inside its neuron when every label of the column fits
there, else beside it on a backing box; a column whose labels cannot fit between neighbours
drops them (level of detail), and its font shrinks (to 65% at most) before it would run into
the next column.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from nnviz.core.numfmt import fmt
from nnviz.render.display import Display
from nnviz.render.layout import LayerLayout, Layout
from nnviz.render.paintkit import Kit, palette_index, qcolor
from nnviz.render.scene import SceneState
from nnviz.render.theme import Theme

Font = tuple[QFont, QFontMetricsF]


def label_lines(st: SceneState, disp: Display, li: int, i: int) -> list[str]:
    """The numbers shown for neuron ``i`` of layer ``li`` (0 = input)."""
    mode, tr, d = st.label_mode, st.trace, st.digits
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
    area: QRectF,
    boxes: list[QRectF],
) -> None:
    """Every drawn neuron of every column, with its labels; number boxes go into ``boxes``.
    ``area`` bounds the labels placed below and right of the outputs."""
    font = kit.font(label_px)
    for li, col in enumerate(lay.layers):
        if col.visible.size:
            _column(p, kit, st, th, lay, disp, s, li, col, font, area, boxes)


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
    area: QRectF,
    boxes: list[QRectF],
) -> None:
    r = lay.radius
    acts, deltas = disp.acts[li], disp.deltas[li]
    outline_w = max(1.2 * s * th.line_scale, 1.0)
    pal = kit.palette(th)
    fill_idx = None
    if acts is not None:
        scale = disp.input_scale if li == 0 else disp.act_scale
        fill_idx = palette_index(acts[col.visible], scale).tolist()
        fills = [pal[i] for i in fill_idx]
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
    _labels(p, kit, st, th, lay, disp, li, col, font, fill_idx, area, boxes)


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
    fill_idx: list[int] | None,
    area: QRectF,
    boxes: list[QRectF],
) -> None:
    r = lay.radius
    last = li == st.n_layers
    lines = [label_lines(st, disp, li, i) for i in col.visible.tolist()]
    fm = font[1]
    h = fm.ascent() + fm.descent()
    widths = [[kit.advance(font, t) for t in ls] for ls in lines]
    widest = max((max(ws) for ws in widths if ws), default=0.0)
    n_lines = max((len(ls) for ls in lines), default=0)
    inside = n_lines == 1 and widest <= r * 1.9 and h <= r * 1.6
    if n_lines and not inside and col.spacing < h * n_lines * 0.9:
        lines = [[] for _ in lines]  # level of detail: no room for the numbers
        n_lines = 0
    use = font
    room = lay.column_gap - 2.6 * r - 6
    if 0 < li < st.n_layers and not inside and n_lines and widest > room:
        if widest * 0.65 > room:  # even 65% type would run into the next column
            lines = [[] for _ in lines]
            n_lines = 0
        else:
            use = kit.font(font[0].pixelSize() * room / widest)
            widths = [[kit.advance(use, t) for t in ls] for ls in lines]
    extras = None
    if last and st.label_mode != "none":
        extras = _output_extras(st, disp, col, col.spacing >= h * 0.9)
    ends = []
    ys = col.ys.tolist()
    if inside:
        ink = kit.inks(th) if fill_idx is not None else None
        fg = kit.colour(th.foreground)
        for j, ls in enumerate(lines):
            if ls:
                p.setPen(ink[fill_idx[j]] if ink is not None else fg)
                boxes.append(kit.text(p, use, ls[0], col.x, ys[j], "center", widths[j][0]))
            ends.append(col.x + r)
    else:
        backing, ink = kit.colour(th.background, 0.85), kit.colour(th.foreground)
        for j, ls in enumerate(lines):
            ends.append(
                _beside(p, kit, use, ls, widths[j], col.x, ys[j], r, li == 0, boxes, backing, ink)
                if ls
                else col.x + r
            )
    if li == 0 and st.input_names and (n_lines or col.spacing >= h * 0.9):
        _names(p, kit, th, st.input_names, col, lay, lines, use, inside)
    if extras is not None:
        _draw_extras(p, kit, th, col, lay, use, ends, extras, area, boxes)


def _beside(
    p: QPainter,
    kit: Kit,
    font: Font,
    lines: list[str],
    widths: list[float],
    x: float,
    y: float,
    r: float,
    left_side: bool,
    boxes: list[QRectF],
    backing: QColor,
    ink: QColor,
) -> float:
    """Lines (of these widths) beside a neuron on a backing box; returns the x where the box
    ends."""
    fm = font[1]
    h = fm.ascent() + fm.descent()
    w = max(widths)
    gap = r * 0.3 + 3
    pad = max(h * 0.15, 2.0)
    left = x - r - gap - w - 2 * pad if left_side else x + r + gap
    total = h * len(lines)
    p.fillRect(QRectF(left, y - total / 2, w + 2 * pad, total), backing)
    p.setPen(ink)
    boxes += kit.block(p, font, lines, widths, left + pad, y - total / 2)
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
            x -= max(kit.advance(font, t) for t in lines[j]) + 2 * max(fm.height() * 0.15, 2)
        kit.text(p, font, str(names[i]), x, float(col.ys[j]), "right")


def _output_extras(st: SceneState, disp: Display, col: LayerLayout, fits: bool) -> dict | None:
    """Targets and names beside the outputs (when they fit), and the sample's loss under them,
    from the loss phase on."""
    tr = st.trace
    names = st.output_names if fits else None
    if tr is None or disp.kind not in ("loss", "backward", "update"):
        return {"t": None, "loss": None, "names": names} if names else None
    t = tr.targets[disp.sample]
    loss = fmt(tr.sample_losses[disp.sample], max(st.digits, 4))
    return {
        "t": [f"t = {fmt(t[i], st.digits)}" for i in col.visible.tolist()] if fits else None,
        "loss": f"sample {disp.sample + 1}: L = {loss}" if tr.batch_size > 1 else f"L = {loss}",
        "names": names,
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
    area: QRectF,
    boxes: list[QRectF],
) -> None:
    fm = font[1]
    h = fm.ascent() + fm.descent()
    x = max(ends, default=col.x + lay.radius) + h * 0.6
    ys = col.ys.tolist()
    p.setPen(kit.colour(th.foreground))
    if extras["t"] is not None:
        w = max(kit.advance(font, t) for t in extras["t"])
        for y, text in zip(ys, extras["t"], strict=True):
            boxes.append(kit.text(p, font, text, x, y))
        x += w + h * 0.6
    names = extras["names"]
    if names:
        p.setPen(kit.colour(th.muted))
        for y, i in zip(ys, col.visible.tolist(), strict=True):
            if i < len(names):
                kit.text(p, font, str(names[i]), x, y)
    if extras["loss"] is not None:
        # under the column, starting at the neurons' left edge, on a backing box
        bold = kit.font(font[0].pixelSize(), bold=True)
        r = lay.radius
        below = max(ys) + max(r * 1.4, h * 0.8) + h * 0.6
        above = min(ys) - max(r * 1.4, h * 0.8) - h * 0.6
        y = below if below + h / 2 <= area.bottom() else above
        w = kit.advance(bold, extras["loss"])
        pad = max(h * 0.15, 2.0)
        left = max(min(col.x - r, area.right() - w - 2 * pad), area.left())
        p.fillRect(QRectF(left - pad, y - h / 2, w + 2 * pad, h), kit.colour(th.background, 0.85))
        p.setPen(kit.colour(th.foreground))
        boxes.append(kit.text(p, bold, extras["loss"], left, y))
