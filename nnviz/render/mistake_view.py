"""A classic mistake on the picture: the mistaken number under the right one, for the
quantities the mistake changes that the shown phase shows (see nnviz.core.mistakes).

The scene builder puts the mistake's :class:`~nnviz.core.mistakes.Outcome` on the scene; the
label engine (render.annotate) asks here for the extra lines, each starting with "✗" and drawn
in the theme's error colour. The canvas, lecture mode, the presenter view and every export go
through the one builder and renderer, so they all show it. No Qt.
"""

from __future__ import annotations

import weakref

from nnviz.core import mistakes
from nnviz.core.formulas import Stage
from nnviz.core.mathtext import Rich, cat, line, num, span, sym
from nnviz.core.numfmt import fmt
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace
from nnviz.render.display import Display
from nnviz.render.scene import SceneState

MARK = "✗"
"""How a mistaken number's line starts (the renderer draws such lines in the error colour)."""

_CACHE: dict[tuple[int, str, bool, bool], tuple[weakref.ref, mistakes.Outcome]] = {}


def outcome_for(spec: NetworkSpec, trace: StepTrace | None, key: str) -> mistakes.Outcome | None:
    """The step redone with mistake ``key`` (None: no mistake, no step, or one that cannot be
    made here); kept while the trace lives, so repaints do not recompute it."""
    if not key or trace is None or mistakes.applies(key, trace) is not None:
        return None
    ck = (id(trace), key, spec.bias_trainable, spec.bias_shared)
    hit = _CACHE.get(ck)
    if hit is not None and hit[0]() is trace:
        return hit[1]
    out = mistakes.compute(
        key, trace, bias_trainable=spec.bias_trainable, bias_shared=spec.bias_shared
    )
    for old in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
        del _CACHE[old]
    _CACHE[ck] = (weakref.ref(trace), out)
    return out


def caption_note(key: str, trace: StepTrace | None) -> Rich | None:
    """The line the caption adds while a mistake is shown: what it is, or why it cannot be
    made on this network."""
    m = mistakes.MISTAKES.get(key)
    if m is None:
        return None
    why = mistakes.applies(key, trace) if trace is not None else None
    what = f"{m.title}: {why}." if why else f"{m.title} — {m.explanation}"
    return line(span(f"{MARK} Mistake shown: ", "d"), what)


def with_caption(caption: Rich, note: Rich | None) -> Rich:
    return caption if note is None else cat(caption, Rich("\n", "<br/>"), note)


def neuron_lines(st: SceneState, disp: Display, li: int, i: int, lines: list[str]) -> list[str]:
    """A neuron's number lines with the mistaken activation (outputs) and δ under the right
    ones, where they differ."""
    out = st.mistake
    tr = st.trace
    if out is None or tr is None or li == 0 or not lines:
        return lines
    s, d, mode = disp.sample, st.digits, st.label_mode
    lay, got = tr.layers[li - 1], out.layers[li - 1]
    result = []
    for k, text in enumerate(lines):
        result.append(text)
        wrong = None
        if k == 0 and li == st.n_layers and mode in ("activation", "all"):
            if disp.acts[li] is not None and "outputs" in out.mistake.changes:
                wrong = mistakes.wrong_text(lay.activation[s, i], out.outputs[s, i], d)
        elif text.startswith("δ "):
            wrong = mistakes.wrong_text(lay.delta[s, i], got.delta[s, i], d)
        if wrong:
            result.append(wrong)
    return result


def edge_line(st: SceneState, wl: int, row: int, col: int, quantity: str) -> str | None:
    """The mistaken ∂L/∂w or Δw of one edge, or None."""
    out, tr = st.mistake, st.trace
    if out is None or tr is None or quantity not in ("grad", "dw"):
        return None
    lay, got = tr.layers[wl], out.layers[wl]
    if quantity == "grad":
        return mistakes.wrong_text(lay.weight_grad[row, col], got.weight_grad[row, col], st.digits)
    return mistakes.wrong_text(lay.weight_update[row, col], got.weight_update[row, col], st.digits)


def loss_lines(st: SceneState, disp: Display) -> list[str]:
    """Under the sample's loss: the mistaken loss (from the loss phase on), and at the update
    the batch loss after the update, right and mistaken."""
    out, tr = st.mistake, st.trace
    if out is None or tr is None:
        return []
    s, d = disp.sample, st.digits
    lines = []
    wrong = mistakes.wrong_text(tr.sample_losses[s], out.sample_losses[s], d)
    if wrong:
        lines.append(wrong)
    if disp.kind == "update":
        right, mistaken = out.right_loss_after, out.loss_after
        k = mistakes.parting_digit(right, mistaken)
        lines.append(f"batch L after the update = {fmt(right, max(d, k or d))}")
        wrong = mistakes.wrong_text(right, mistaken, d)
        if wrong:
            lines.append(wrong)
    return lines


# ----- the inspector: right and mistaken side by side -------------------------------------------
def _compare(what: object, right: float, wrong: float, digits: int) -> Rich:
    """ "δ: right 0.00877 / with the mistake 0.00729, parts at digit 1"."""
    k = mistakes.parting_digit(right, wrong)
    if k is None:
        return line(what, ": the same with the mistake, ", num(right, digits), kind="item")
    d = max(digits, k)
    return line(
        what,
        ": right ",
        num(right, d),
        " / with the mistake ",
        span(num(wrong, d), "d"),
        f", parts at digit {k}",
        kind="item",
    )


def formula_lines(
    spec: NetworkSpec,
    trace: StepTrace | None,
    phase: str,
    key: str,
    selection: tuple,
    sample: int = 0,
    digits: int = 4,
) -> list[Rich]:
    """The selected neuron's ("neuron", layer ≥ 1, i) or weight's ("edge", weight layer, row,
    col) numbers that the mistake changes, right and mistaken, as far as ``phase`` has
    computed them; with the mistake's name and explanation first."""
    m = mistakes.MISTAKES.get(key)
    if m is None or trace is None or phase not in trace.phases:
        return []
    head = line(span(f"{MARK} ", "d"), f"With the mistake: {m.title}", kind="title")
    why = mistakes.applies(key, trace)
    if why:
        return [head, line(why, kind="muted")]
    out = outcome_for(spec, trace, key)
    assert out is not None
    lines = [head, line(m.explanation, kind="muted")]
    stage = Stage(phase, len(trace.layers))
    n, s = len(trace.layers), sample
    kind = selection[0]
    if kind == "neuron" and int(selection[1]) >= 1:
        li, i = int(selection[1]), int(selection[2])
        lay, got = trace.layers[li - 1], out.layers[li - 1]
        if li == n and stage.has(f"forward-L{n}"):
            lines.append(
                _compare(sym("y", cls="x"), lay.activation[s, i], out.outputs[s, i], digits)
            )
        if stage.has(f"backward-L{li}"):
            lines.append(_compare(sym("δ", cls="d"), lay.delta[s, i], got.delta[s, i], digits))
    elif kind == "edge":
        wl, row, col = int(selection[1]), int(selection[2]), int(selection[3])
        lay, got = trace.layers[wl], out.layers[wl]
        if stage.has(f"backward-L{wl + 1}"):
            lines.append(
                _compare("∂L/∂w", lay.weight_grad[row, col], got.weight_grad[row, col], digits)
            )
        if stage.has("update"):
            lines.append(
                _compare("Δw", lay.weight_update[row, col], got.weight_update[row, col], digits)
            )
            lines.append(
                _compare("new w", lay.weights_after[row, col], got.weights_after[row, col], digits)
            )
    if stage.has("loss"):
        lines.append(
            _compare("this sample's L", trace.sample_losses[s], out.sample_losses[s], digits)
        )
    if stage.has("update"):
        lines.append(
            _compare("batch L after the update", out.right_loss_after, out.loss_after, digits)
        )
    if len(lines) == 2:
        lines.append(line("Nothing it changes is computed yet at this phase.", kind="muted"))
    return lines
