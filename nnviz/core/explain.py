"""Explanations of a step: the caption of each phase, the header line, and (from
:mod:`nnviz.core.formulas`) the formulas of a neuron or weight written out with the trace's
numbers. Every text is a :class:`~nnviz.core.mathtext.Rich` (plain text carrying its typeset
HTML), shared by the window, lecture mode and the exporter. No Qt."""

from __future__ import annotations

from nnviz.core import losses
from nnviz.core.formulas import edge_formulas, layer_label, neuron_formulas
from nnviz.core.mathtext import Rich, cat, from_ascii, sym
from nnviz.core.numfmt import fmt, fmt_signed
from nnviz.core.phases import LOSS, parse_phase, phase_names
from nnviz.core.trace import StepTrace
from nnviz.core.update_formulas import DELTA, update_rule

__all__ = [
    "caption",
    "edge_formulas",
    "fmt",
    "fmt_signed",
    "header",
    "layer_label",
    "loss_shown",
    "neuron_formulas",
    "phase_caption",
]

SEP = "   "


def _update_caption(optimizer: object | None) -> Rich:
    """The update phase's caption: the rule the optimizer applies, with its settings."""
    if optimizer is None:
        rule = cat(sym("W", cls="w"), " ← ", sym("W", cls="w"), " − η·∂L/∂", sym("W", cls="w"))
        return cat("Update: every weight takes a step against its gradient.", SEP, rule)
    name = getattr(optimizer, "name", "sgd")
    momentum = float(getattr(optimizer, "momentum", 0.0) or 0.0)
    kind = "adam" if name == "adam" else ("momentum" if momentum else "sgd")
    betas = (float(getattr(optimizer, "beta1", 0.9)), float(getattr(optimizer, "beta2", 0.999)))
    rule = update_rule(
        kind,
        float(getattr(optimizer, "lr", 0.1)),
        momentum,
        betas,
        float(getattr(optimizer, "eps", 1e-8)),
        matrix=True,
    )
    words = {
        "sgd": "Update: every weight takes a step against its gradient G = ∂L/∂W.",
        "momentum": "Update: each weight's velocity V gathers its gradients G = ∂L/∂W, and the "
        "weight steps against the velocity.",
        "adam": "Update: running means of each gradient G = ∂L/∂W (M) and of its square (V), "
        "corrected for their start at zero, set every weight's own step.",
    }[kind]
    return cat(words, SEP, rule)


def caption(
    phase: str,
    n_layers: int,
    activation: str = "",
    loss: str = "half_sse",
    *,
    optimizer: object | None = None,
) -> Rich:
    """One or two lines saying in plain words and with the formula what a phase computes.
    ``optimizer`` (an OptimizerSpec) names the update rule of the update phase."""
    kind, k = parse_phase(phase)
    if kind == "forward":
        where = layer_label(k, n_layers)
        src = "the inputs x" if k == 1 else f"layer {k - 1}'s activations"
        x = sym("x", cls="x") if k == 1 else sym("a", layer=k - 1, cls="x")
        z, a = sym("z", layer=k, cls="x"), sym("a", layer=k, cls="x")
        w, b = sym("W", layer=k, cls="w"), sym("b", layer=k, cls="w")
        return cat(
            f"Forward, layer {k} ({where}): each neuron sums {src} times its weights plus its "
            f"bias, then applies {activation or 'its activation'}.",
            SEP,
            cat(z, " = ", w, x, " + ", b, ",  ", a, " = σ(", z, ")"),
        )
    if kind == "loss":
        return cat(
            "Loss: compare the outputs y with the targets t.",
            SEP,
            from_ascii(losses.FORMULAS.get(loss, "")),
            "   (the batch loss is the mean over its samples)",
        )
    if kind == "backward":
        d, dn = sym("δ", layer=k, cls="d"), sym("δ", layer=k + 1, cls="d")
        x = sym("x", cls="x") if k == 1 else sym("a", layer=k - 1, cls="x")
        grad = cat("∂L/∂", sym("W", layer=k, cls="w"), " = ", d, x, sym("", sup="T"))
        if k == n_layers:
            if (loss, activation) in (("cross_entropy", "softmax"), ("bce", "sigmoid")):
                form = cat(DELTA, " = ", sym("y", cls="x"), " − ", sym("t"))
            else:
                form = cat(DELTA, " = ∂L/∂", sym("y", cls="x"), " ⊙ σ′(", sym("z", cls="x"), ")")
                if loss == "half_sse":
                    form += cat("  (= (", sym("y", cls="x"), " − ", sym("t"), ") ⊙ σ′(z))")
            return cat(
                f"Backward, layer {k} (output layer): each output's error is how the loss "
                "changes with its z.",
                SEP,
                form,
                ";  ",
                grad,
            )
        wn = sym("W", layer=k + 1, cls="w")
        return cat(
            f"Backward, layer {k} ({layer_label(k, n_layers)}): each neuron's error is the next "
            "layer's errors weighted by its outgoing weights, times σ′(z).",
            SEP,
            cat(d, " = σ′(", sym("z", layer=k, cls="x"), ") ⊙ (", wn, sym("", sup="T"), dn, ")"),
            ";  ",
            grad,
        )
    return _update_caption(optimizer)


def phase_caption(
    activations_: list[str] | tuple[str, ...],
    loss: str,
    phase: str,
    *,
    optimizer: object | None = None,
) -> Rich:
    """The caption of a phase for a network with these activations (one per weight layer);
    ``optimizer`` (the spec's OptimizerSpec) for the update phase's rule."""
    if phase == "start":
        return Rich("The network before training: press → (next phase) to start the forward pass.")
    _, k = parse_phase(phase)
    act = activations_[k - 1] if k else activations_[-1]
    return caption(phase, len(activations_), act, loss, optimizer=optimizer)


def loss_shown(phase: str, n_layers: int) -> bool:
    """Whether a view may show the step's loss at ``phase``: from the loss phase on."""
    names = phase_names(n_layers)
    return phase in names and names.index(phase) >= names.index(LOSS)


def header(name: str, trace: StepTrace | None, phase: str, n_phases: int) -> str:
    """The line above the canvas: step, epoch, batch, phase, and the loss once the loss phase
    has computed it."""
    if trace is None:
        return f"{name or 'network'} · before training"
    index = phase_names(len(trace.layers)).index(phase) + 1
    text = (
        f"step {trace.step} · epoch {trace.epoch} · batch {trace.batch_in_epoch} · "
        f"phase {index}/{n_phases} {phase}"
    )
    if loss_shown(phase, len(trace.layers)):
        text += f" · loss {fmt(trace.loss, 4)}"
    return text
