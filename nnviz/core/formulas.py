"""The formulas of a selected neuron or weight written out with the trace's numbers, honest to
the phase: nothing appears before the phase that computes it (a muted line says when it will),
and the update is the rule the optimizer applied (SGD, momentum or Adam) with its state.

Every line is a :class:`~nnviz.core.mathtext.Rich`: plain text for tests and terminals, HTML
for the inspector, the lecture panel and exports. No Qt.
"""

from __future__ import annotations

import numpy as np

from nnviz.core import activations
from nnviz.core.mathtext import Rich, cat, from_ascii, joined, line, nobr, num, span, sym
from nnviz.core.phases import phase_names
from nnviz.core.trace import LayerTrace, StepTrace
from nnviz.core.update_formulas import (
    DELTA,
    EQ,
    B,
    W,
    compact_update,
    grad_of,
    rule_text,
    update_lines,
)

MAX_TERMS = 12


class Stage:
    """Where a phase stands in a step of ``n_layers`` weight layers: what is known at it."""

    def __init__(self, phase: str, n_layers: int) -> None:
        self.names = phase_names(n_layers)
        self.n = n_layers
        self.index = self.names.index(phase) if phase in self.names else -1

    def forward(self, layer: int) -> str:
        """The phase computing z and a of weight layer ``layer`` (from 1)."""
        return f"forward-L{layer}"

    def backward(self, layer: int) -> str:
        return f"backward-L{layer}"

    def has(self, phase: str) -> bool:
        """Whether ``phase`` has been reached."""
        return self.index >= self.names.index(phase)


def layer_label(index: int, n_layers: int) -> str:
    """'hidden layer 2' or 'output layer' for weight layer ``index`` (from 1)."""
    return "output layer" if index == n_layers else f"hidden layer {index}"


def _later(what: object, phase: str) -> Rich:
    return line(what, f": computed in {phase}", kind="muted")


def _src(layer: int) -> Rich:
    """The symbol of weight layer ``layer``'s (from 0) inputs: x, or a⁽ˡ⁾."""
    return sym("x", cls="x") if layer == 0 else sym("a", layer=layer, cls="x")


def _src_j(layer: int, j: str) -> Rich:
    return sym("x", j, cls="x") if layer == 0 else sym("a", j, layer=layer, cls="x")


def _terms(ws: np.ndarray, xs: np.ndarray, f) -> Rich:
    """w₁·x₁ + w₂·x₂ + … with numbers (at most MAX_TERMS)."""
    n = min(len(ws), MAX_TERMS)
    parts = [cat(span(f(ws[j], j > 0), "w"), "·", span(f(xs[j], True), "x")) for j in range(n)]
    if len(ws) > MAX_TERMS:
        parts.append(f"… ({len(ws) - MAX_TERMS} more terms)")
    return joined(" + ", parts)


def neuron_formulas(
    trace: StepTrace,
    layer: int,
    neuron: int,
    sample: int = 0,
    digits: int = 4,
    *,
    phase: str = "update",
    shared_bias: bool = False,
) -> list[Rich]:
    """The formulas of neuron ``neuron`` in weight layer ``layer`` (from 0), with the numbers
    known at ``phase``: the weighted sum term by term and the activation from its forward phase,
    δ and each incoming weight's ∂L/∂w from its backward phase, the update in the update phase.
    ``shared_bias``: the layer's neurons share one bias (its gradient is the sum of theirs)."""

    def f(v: float, paren: bool = False) -> Rich:
        return num(v, digits, paren=paren)

    lay = trace.layers[layer]
    n_layers = len(trace.layers)
    k = layer + 1
    st = Stage(phase, n_layers)
    x = lay.inputs[sample]
    w = lay.weights_before[neuron]
    b = lay.biases_before[neuron]
    src = _src_j(layer, "j")
    lines = [
        line(
            f"neuron {neuron + 1} of {layer_label(k, n_layers)}, ",
            nobr(f"sample {sample + 1} of {trace.batch_size}"),
            kind="title",
        )
    ]
    zsym, asym = sym("z", cls="x"), sym("a", cls="x")
    sum_form = cat(zsym, " = Σ", sym("", "j"), " ", sym("w", "j", cls="w"), "·", src, " + ", B)
    if not st.has(st.forward(k)):
        lines.append(line(sum_form, ",  ", asym, " = σ(", zsym, ")"))
        lines.append(_later(cat(zsym, " and ", asym), st.forward(k)))
        if layer == n_layers - 1:
            lines.append(_later(cat("the loss ", sym("L")), "loss"))
        lines.append(_later(cat(DELTA, " and ", grad_of(sym("w", "j", cls="w"))), st.backward(k)))
        lines.append(_later("the update", "update"))
        return lines
    z = lay.pre_activation[sample, neuron]
    a = lay.activation[sample, neuron]
    d = lay.activation_grad[sample, neuron]
    act = lay.activation_name
    lines.append(line(sum_form, EQ, _terms(w, x, f), " + ", span(f(b, True), "w"), EQ, f(z)))
    lines.append(
        line(
            asym,
            " = ",
            act,
            "(",
            zsym,
            ")",
            EQ,
            f(a),
            "   ",
            span(nobr("(", from_ascii(activations.FORMULAS[act]), ")"), "m"),
        )
    )
    lines.append(
        line(
            "σ′(",
            zsym,
            ")",
            EQ,
            f(d),
            "   ",
            span(nobr("(", from_ascii(activations.DERIVATIVE_FORMULAS[act]), ")"), "m"),
        )
    )
    last = layer == n_layers - 1
    if last and st.has("loss"):
        t = trace.targets[sample, neuron]
        lines.append(
            line(
                "target ", sym("t"), EQ, f(t), ";  this sample's loss ", sym("L"), EQ,
                f(trace.sample_losses[sample]),
            )
        )  # fmt: skip
    elif last:
        lines.append(_later(cat("the loss ", sym("L")), "loss"))
    if not st.has(st.backward(k)):
        lines.append(_later(cat(DELTA, " and ", grad_of(sym("w", "j", cls="w"))), st.backward(k)))
        lines.append(_later("the update", "update"))
        return lines
    delta = lay.delta[sample, neuron]
    lines.append(_delta_line(trace, layer, neuron, sample, f, d, a, delta))
    gline = cat(grad_of(sym("w", "j", cls="w")), EQ)
    gline += (
        cat("mean over the batch of ", DELTA, "·", src)
        if trace.batch_size > 1
        else cat(DELTA, "·", src)
    )
    lines.append(line(gline))
    upd = st.has("update")
    if upd:
        lines.append(line("update: ", rule_text(trace)))
    for j in range(min(len(w), MAX_TERMS)):
        g = lay.weight_grad[neuron, j]
        if trace.batch_size == 1:
            grad = cat(f(delta), "·", span(f(x[j], True), "x"), EQ, span(f(g), "d"))
        else:
            grad = span(f(g), "d")
        item = cat(sym("w", str(j + 1), cls="w"), ":  ", grad_of(W), EQ, grad)
        if upd:
            item += cat(";  ", compact_update(trace, lay, "weight", (neuron, j), f))
        lines.append(item.as_line("item"))
    if len(w) > MAX_TERMS:
        lines.append(line(f"… {len(w) - MAX_TERMS} more weights", kind="item"))
    lines += _bias_lines(trace, lay, neuron, f, shared_bias, upd)
    if not upd:
        lines.append(_later(cat("the update (", rule_text(trace), ")"), "update"))
    return lines


def _delta_line(trace: StepTrace, layer: int, neuron: int, sample: int, f, d, a, delta) -> Rich:
    lay = trace.layers[layer]
    if layer == len(trace.layers) - 1:
        t = trace.targets[sample, neuron]
        g = trace.output_grad[sample, neuron]
        if (trace.loss_name, lay.activation_name) in (
            ("cross_entropy", "softmax"),
            ("bce", "sigmoid"),
        ):
            return line(
                DELTA,
                " = ",
                sym("y", cls="x"),
                " − ",
                sym("t"),
                EQ,
                f(a),
                " − ",
                f(t, True),
                EQ,
                span(f(delta), "d"),
            )
        if lay.activation_name == "softmax":
            return line(
                DELTA,
                " = Σ",
                sym("", "k"),
                " ∂L/∂",
                sym("y", "k"),
                "·∂",
                sym("y", "k"),
                "/∂",
                sym("z"),
                " (softmax couples the outputs)",
                EQ,
                span(f(delta), "d"),
            )
        return line(
            DELTA,
            " = ∂L/∂",
            sym("y", cls="x"),
            " · σ′(",
            sym("z", cls="x"),
            ")",
            EQ,
            f(g),
            " · ",
            f(d, True),
            EQ,
            span(f(delta), "d"),
        )
    nxt = trace.layers[layer + 1]
    w_out = nxt.weights_before[:, neuron]
    d_next = nxt.delta[sample]
    n = min(len(w_out), MAX_TERMS)
    parts = [
        cat(span(f(w_out[i], i > 0), "w"), "·", span(f(d_next[i], True), "d")) for i in range(n)
    ]
    if len(w_out) > MAX_TERMS:
        parts.append(f"… ({len(w_out) - MAX_TERMS} more)")
    back = float(w_out @ d_next)
    return line(
        DELTA, " = σ′(", sym("z", cls="x"), ") · Σ", sym("", "k"), " ", sym("w", "k", cls="w"), "·",
        sym("δ", "k", cls="d"), EQ, f(d), " · (", joined(" + ", parts), ")", EQ, f(d), " · ",
        f(back, True), EQ, span(f(delta), "d"),
    )  # fmt: skip


def _bias_lines(
    trace: StepTrace, lay: LayerTrace, neuron: int, f, shared: bool, upd: bool
) -> list[Rich]:
    gb = lay.bias_grad[neuron]
    frozen = _frozen(lay, neuron)
    if shared:
        total = float(lay.bias_grad.sum())
        shares = joined(" + ", [f(v, True) for v in lay.bias_grad[:MAX_TERMS]])
        if lay.n_neurons > MAX_TERMS:
            shares += f" + … ({lay.n_neurons - MAX_TERMS} more)"
        head = cat(
            B,
            " (one bias shared by the layer's ",
            str(lay.n_neurons),
            " neurons):  ",
            grad_of(B),
            " = Σ",
            sym("", "i"),
            " ∂L/∂",
            sym("z", "i", cls="x"),
            EQ,
            shares,
            EQ,
            span(f(total), "d"),
        )
        out = [
            head.as_line("item"),
            line("this neuron's share ∂L/∂", sym("z", cls="x"), EQ, span(f(gb), "d"), kind="item"),
        ]
        g_used = total
    else:
        out = [
            line(
                B,
                ":  ",
                grad_of(B),
                " = ",
                DELTA if trace.batch_size == 1 else "mean of δ",
                EQ,
                span(f(gb), "d"),
                kind="item",
            )
        ]
        g_used = gb
    if upd:
        if frozen:
            out[0] = cat(out[0], ";  frozen, stays ", f(lay.biases_before[neuron])).as_line("item")
        else:
            out[0] = cat(
                out[0], ";  ", compact_update(trace, lay, "bias", (neuron,), f, g_used)
            ).as_line("item")
    return out


def _frozen(lay: LayerTrace, neuron: int) -> bool:
    """A bias that did not move though its gradient is not zero: the bias is frozen."""
    return bool(lay.bias_update[neuron] == 0 and lay.bias_grad.any())


def edge_formulas(
    trace: StepTrace,
    layer: int,
    row: int,
    col: int,
    digits: int = 4,
    *,
    phase: str = "update",
    sample: int = 0,
) -> list[Rich]:
    """The formulas of the weight from input ``col`` to neuron ``row`` of weight layer
    ``layer`` (from 0), with the numbers known at ``phase``."""

    def f(v: float, paren: bool = False) -> Rich:
        return num(v, digits, paren=paren)

    lay = trace.layers[layer]
    k = layer + 1
    st = Stage(phase, len(trace.layers))
    w = lay.weights_before[row, col]
    ws = sym("w", f"{row + 1}{col + 1}", cls="w", layer=k)
    lines = [
        line(f"weight w[{row + 1},{col + 1}] of layer {k}: from input {col + 1} to neuron {row + 1}", kind="title"),
        line(ws, EQ, span(f(w), "w")),
    ]  # fmt: skip
    if st.has(st.forward(k)):
        xs = lay.inputs[:, col]
        src = _src_j(layer, str(col + 1))
        lines.append(line("its term in ", sym("z", str(row + 1), cls="x", layer=k), ":  ", W, "·", src, EQ, f(w), "·", span(f(xs[sample], True), "x"), EQ, f(w * xs[sample]), f"  (sample {sample + 1})"))  # fmt: skip
    else:
        lines.append(_later("its use in the weighted sum", st.forward(k)))
    if not st.has(st.backward(k)):
        lines.append(_later(grad_of(W), st.backward(k)))
        lines.append(_later("the update", "update"))
        return lines
    g = lay.weight_grad[row, col]
    per = lay.delta[:, row] * lay.inputs[:, col]
    src = _src_j(layer, str(col + 1))
    if trace.batch_size == 1:
        lines.append(line(grad_of(W), " = ", DELTA, "·", src, EQ, f(lay.delta[0, row]), "·", f(lay.inputs[0, col], True), EQ, span(f(g), "d")))  # fmt: skip
    else:
        terms = joined(" + ", [f(v, True) for v in per[:MAX_TERMS]])
        more = f" + … ({len(per) - MAX_TERMS} more)" if len(per) > MAX_TERMS else ""
        lines.append(line(grad_of(W), " = (1/", str(trace.batch_size), ")·Σ ", DELTA, "·", src, EQ, "(1/", str(trace.batch_size), ")·(", terms, more, ")", EQ, span(f(g), "d")))  # fmt: skip
    if st.has("update"):
        lines += update_lines(trace, layer, "weight", (row, col), f, float(g))
    else:
        lines.append(_later(cat("the update (", rule_text(trace), ")"), "update"))
    return lines
