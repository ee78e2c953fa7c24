"""The update a step applied to one weight or bias, written with the optimizer's own rule and
state: SGD ``w ← w − η·g``; momentum in torch.optim's form ``v ← μ·v + g, w ← w − η·v``; Adam
``m``, ``v``, the bias-corrected ``m̂ = m/(1 − β₁ᵗ)``, ``v̂ = v/(1 − β₂ᵗ)`` and
``w ← w − η·m̂/(√v̂ + ε)``. Each line's numbers give the next, ending at the recorded new value.
No Qt."""

from __future__ import annotations

import math

from nnviz.core.mathtext import Rich, cat, hyper, joined, line, nobr, span, sym
from nnviz.core.trace import LayerTrace, StepTrace

EQ = " = "
STATE = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v")}
"""The names of each rule's buffers in ``LayerTrace.optimizer_state`` (weight_…, bias_…)."""
DELTA = sym("δ", cls="d")
W = sym("w", cls="w")
B = sym("b", cls="w")
G = sym("g", cls="d")


def grad_of(of: Rich) -> Rich:
    """∂L/∂ of a symbol, in the backward flow's colour."""
    return span(cat("∂L/∂", of), "d")


def rule_text(trace: StepTrace) -> Rich:
    """The update rule the step applied, with its settings."""
    return update_rule(
        trace.optimizer_rule, trace.learning_rate, trace.momentum, trace.betas, trace.eps
    )


def update_rule(
    rule: str,
    lr: float,
    momentum: float = 0.0,
    betas=(0.9, 0.999),
    eps: float = 1e-8,
    *,
    matrix: bool = False,
) -> Rich:
    """SGD ``w ← w − η·g``, momentum ``v ← μv + g, w ← w − η·v`` (torch.optim's form) or Adam,
    with the settings; ``matrix`` writes it for whole matrices (W, G, V, M)."""
    w = sym("W" if matrix else "w", cls="w")
    g = sym("G" if matrix else "g", cls="d")
    eta = cat("η = ", hyper(lr))
    if rule == "sgd":
        return cat("SGD (", eta, "):  ", nobr(w, " ← ", w, " − η·", g))
    v = sym("V" if matrix else "v", cls="o")
    if rule == "momentum":
        return cat(
            "SGD with momentum (", eta, ", μ = ", hyper(momentum), "):  ",
            nobr(v, " ← μ·", v, " + ", g), ",  ", nobr(w, " ← ", w, " − η·", v),
        )  # fmt: skip
    m = sym("M" if matrix else "m", cls="o")
    mh = sym("M" if matrix else "m", cls="o", hat=True)
    vh = sym("V" if matrix else "v", cls="o", hat=True)
    b1, b2 = sym("β", "1"), sym("β", "2")
    sq = cat(g, "⊙", g) if matrix else cat(g, sym("", sup="2"))
    settings = cat(
        "η = ", hyper(lr), ", β₁ = ", hyper(betas[0]), ", β₂ = ", hyper(betas[1]), ", ε = ", hyper(eps)
    )  # fmt: skip
    clauses = [
        nobr(m, " ← ", b1, m, " + (1 − ", b1, ")", g),
        nobr(v, " ← ", b2, v, " + (1 − ", b2, ")", sq),
        nobr(mh, " = ", m, "/(1 − ", sym("β", "1", "t"), ")"),
        nobr(vh, " = ", v, "/(1 − ", sym("β", "2", "t"), ")"),
        nobr(w, " ← ", w, " − η·", mh, "/(√", vh, " + ε)"),
    ]
    return cat("Adam (", settings, "):  ", joined(",  ", clauses))


def _state(lay: LayerTrace, which: str, name: str, idx: tuple, before: bool = False) -> float:
    src = lay.optimizer_state_before if before else lay.optimizer_state
    return float(src[f"{which}_{name}"][idx])


def _values(trace: StepTrace, lay: LayerTrace, which: str, idx: tuple) -> tuple[float, float]:
    if which == "weight":
        return float(lay.weights_before[idx]), float(lay.weights_after[idx])
    return float(lay.biases_before[idx]), float(lay.biases_after[idx])


def compact_update(
    trace: StepTrace, lay: LayerTrace, which: str, idx: tuple, f, g: float | None = None
) -> Rich:
    """One line: the update of a weight or bias with the numbers of its optimizer state."""
    old, new = _values(trace, lay, which, idx)
    if g is None:
        g = float(lay.weight_grad[idx] if which == "weight" else lay.bias_grad[idx])
    p = W if which == "weight" else B
    lr = hyper(trace.learning_rate)
    rule = trace.optimizer_rule
    if rule != "sgd" and f"{which}_{STATE[rule][0]}" not in lay.optimizer_state:
        return cat(p, ": ", f(old), " → ", f(new))  # a trace recorded without the state
    if rule == "sgd":
        return cat(
            nobr(p, " ← ", p, " − η·", G), EQ, f(old), " − ", lr, "·", f(g, True), EQ, f(new)
        )
    if rule == "momentum":
        v = _state(lay, which, "velocity", idx)
        vs = sym("v", cls="o")
        return cat(
            vs, EQ, f(v), ",  ", nobr(p, " ← ", p, " − η·", vs), EQ, f(old), " − ", lr, "·",
            f(v, True), EQ, f(new),
        )  # fmt: skip
    t = trace.optimizer_step
    mh = _state(lay, which, "m", idx) / (1 - trace.betas[0] ** t)
    vh = _state(lay, which, "v", idx) / (1 - trace.betas[1] ** t)
    return cat(
        sym("m", cls="o", hat=True), EQ, f(mh), ", ", sym("v", cls="o", hat=True), EQ, f(vh), ",  ",
        nobr(p, " ← ", p, " − η·", sym("m", cls="o", hat=True), "/(√", sym("v", cls="o", hat=True), " + ε)"),
        EQ, f(new),
    )  # fmt: skip


def update_lines(trace: StepTrace, layer: int, which: str, idx: tuple, f, g: float) -> list[Rich]:
    """The update of one weight (``which`` "weight", idx (row, col)) or bias ("bias", (row,))
    step by step with the optimizer's state: each line's numbers give the next."""
    lay = trace.layers[layer]
    old, new = _values(trace, lay, which, idx)
    p = W if which == "weight" else B
    lr = hyper(trace.learning_rate)
    rule = trace.optimizer_rule
    lines = [line("update: ", rule_text(trace))]
    if rule != "sgd" and f"{which}_{STATE[rule][0]}" not in lay.optimizer_state:
        lines.append(line(p, ": ", f(old), " → ", f(new)))  # a trace recorded without the state
    elif rule == "sgd":
        lines.append(
            line(
                nobr(p, " ← ", p, " − η·", grad_of(p)),
                EQ,
                f(old),
                " − ",
                lr,
                "·",
                f(g, True),
                EQ,
                f(new),
            )
        )
    elif rule == "momentum":
        v0 = _state(lay, which, "velocity", idx, before=True)
        v = _state(lay, which, "velocity", idx)
        vs = sym("v", cls="o")
        mu = hyper(trace.momentum)
        first = "  (first step: v starts at g)" if trace.optimizer_step == 1 else ""
        lines.append(
            line(
                vs,
                " ← μ·",
                vs,
                " + ",
                G,
                EQ,
                mu,
                "·",
                f(v0, True),
                " + ",
                f(g, True),
                EQ,
                f(v),
                first,
            )
        )
        lines.append(
            line(nobr(p, " ← ", p, " − η·", vs), EQ, f(old), " − ", lr, "·", f(v, True), EQ, f(new))
        )
    else:
        t = trace.optimizer_step
        b1, b2 = trace.betas
        m0, m = _state(lay, which, "m", idx, True), _state(lay, which, "m", idx)
        v0, v = _state(lay, which, "v", idx, True), _state(lay, which, "v", idx)
        mh, vh = m / (1 - b1**t), v / (1 - b2**t)
        ms, vs = sym("m", cls="o"), sym("v", cls="o")
        mhs, vhs = sym("m", cls="o", hat=True), sym("v", cls="o", hat=True)
        lines += [
            line("step ", sym("t"), EQ, str(t)),
            line(nobr(ms, " ← β₁", ms, " + (1 − β₁)", G), EQ, hyper(b1), "·", f(m0, True), " + ", hyper(round(1 - b1, 12)), "·", f(g, True), EQ, f(m)),
            line(nobr(vs, " ← β₂", vs, " + (1 − β₂)", G, "²"), EQ, hyper(b2), "·", f(v0, True), " + ", hyper(round(1 - b2, 12)), "·", f(g, True), "²", EQ, f(v)),
            line(nobr(mhs, " = ", ms, "/(1 − β₁", sym("", sup="t"), ")"), EQ, nobr(f(m), "/(1 − ", hyper(b1), sym("", sup=str(t)), ")"), EQ, f(mh)),
            line(nobr(vhs, " = ", vs, "/(1 − β₂", sym("", sup="t"), ")"), EQ, nobr(f(v), "/(1 − ", hyper(b2), sym("", sup=str(t)), ")"), EQ, f(vh)),
            line(nobr(p, " ← ", p, " − η·", mhs, "/(√", vhs, " + ε)"), EQ, f(old), " − ", lr, "·", f(mh, True), "/(", f(math.sqrt(vh)), " + ", hyper(trace.eps), ")", EQ, f(new)),
        ]  # fmt: skip
    lines.append(line("Δ", p, EQ, f(new - old)))
    return lines
