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
from nnviz.core.mathtext import Rich, cat, line, span
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
