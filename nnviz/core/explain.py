"""Plain-text explanations of a step: the caption of each phase and the formulas of a neuron or
weight written out with the trace's numbers. Shared by the window's inspector and the exporter."""

from __future__ import annotations

import numpy as np

from nnviz.core import activations, losses
from nnviz.core.numfmt import fmt
from nnviz.core.phases import parse_phase
from nnviz.core.trace import StepTrace

MAX_TERMS = 12


def layer_label(index: int, n_layers: int) -> str:
    """'hidden layer 2' or 'output layer' for weight layer ``index`` (from 1)."""
    return "output layer" if index == n_layers else f"hidden layer {index}"


def caption(phase: str, n_layers: int, activation: str = "", loss: str = "half_sse") -> str:
    """One or two lines saying in plain words and with the formula what a phase computes."""
    kind, k = parse_phase(phase)
    if kind == "forward":
        where = layer_label(k, n_layers)
        src = "the inputs x" if k == 1 else f"layer {k - 1}'s activations"
        return (
            f"Forward, layer {k} ({where}): each neuron sums {src} times its weights plus its bias, "
            f"then applies {activation or 'its activation'}.   z = W·x + b,  a = σ(z)"
        )
    if kind == "loss":
        return (
            f"Loss: compare the outputs y with the targets t.   {losses.FORMULAS.get(loss, '')}"
            "   (the batch loss is the mean over its samples)"
        )
    if kind == "backward":
        if k == n_layers:
            if (loss, activation) in (("cross_entropy", "softmax"), ("bce", "sigmoid")):
                form = "δ = y − t"
            else:
                form = "δ = ∂L/∂y ⊙ σ'(z)" + ("  (= (y − t) ⊙ σ'(z))" if loss == "half_sse" else "")
            return (
                f"Backward, layer {k} (output layer): each output's error is how the loss changes "
                f"with its z.   {form};   ∂L/∂W = δ·xᵀ"
            )
        return (
            f"Backward, layer {k} ({layer_label(k, n_layers)}): each neuron's error is the next "
            f"layer's errors weighted by its outgoing weights, times σ'(z).   "
            f"δ⁽{k}⁾ = σ'(z⁽{k}⁾) ⊙ (W⁽{k + 1}⁾ᵀ δ⁽{k + 1}⁾);   ∂L/∂W⁽{k}⁾ = δ⁽{k}⁾·xᵀ"
        )
    return "Update: every weight takes a step against its gradient.   W ← W − η·∂L/∂W"


def neuron_formulas(
    trace: StepTrace, layer: int, neuron: int, sample: int = 0, digits: int = 4
) -> list[str]:
    """The formulas of neuron ``neuron`` in weight layer ``layer`` (from 0), with the numbers.

    Lines: the weighted sum term by term, the activation, σ', δ (output or hidden form), the
    gradient and update of each incoming weight and of the bias.
    """
    f = lambda v: fmt(v, digits)  # noqa: E731
    lay = trace.layers[layer]
    n_layers = len(trace.layers)
    x = lay.inputs[sample]
    w = lay.weights_before[neuron]
    b = lay.biases_before[neuron]
    z = lay.pre_activation[sample, neuron]
    a = lay.activation[sample, neuron]
    d = lay.activation_grad[sample, neuron]
    delta = lay.delta[sample, neuron]
    src = "x" if layer == 0 else f"a⁽{layer}⁾"
    name = f"neuron {neuron + 1} of {layer_label(layer + 1, n_layers)}"
    terms = [f"{f(w[j])}·{f(x[j])}" for j in range(min(len(w), MAX_TERMS))]
    if len(w) > MAX_TERMS:
        terms.append(f"… ({len(w) - MAX_TERMS} more terms)")
    lines = [
        f"{name}, sample {sample + 1} of {trace.batch_size}",
        f"z = Σ_j w_j·{src}_j + b = " + " + ".join(terms) + f" + {f(b)} = {f(z)}",
        f"a = {lay.activation_name}(z) = {f(a)}      {activations.FORMULAS[lay.activation_name]}",
        f"σ'(z) = {f(d)}      {activations.DERIVATIVE_FORMULAS[lay.activation_name]}",
    ]
    if layer == n_layers - 1:
        t = trace.targets[sample, neuron]
        g = trace.output_grad[sample, neuron]
        if (trace.loss_name, lay.activation_name) in (
            ("cross_entropy", "softmax"),
            ("bce", "sigmoid"),
        ):
            lines.append(f"δ = y − t = {f(a)} − {f(t)} = {f(delta)}")
        elif lay.activation_name == "softmax":
            lines.append(f"δ = Σ_k ∂L/∂y_k·∂y_k/∂z (softmax couples the outputs) = {f(delta)}")
        else:
            lines.append(f"δ = ∂L/∂y · σ'(z) = {f(g)} · {f(d)} = {f(delta)}   (t = {f(t)})")
    else:
        nxt = trace.layers[layer + 1]
        w_out = nxt.weights_before[:, neuron]
        d_next = nxt.delta[sample]
        parts = [f"{f(w_out[k])}·{f(d_next[k])}" for k in range(min(len(w_out), MAX_TERMS))]
        if len(w_out) > MAX_TERMS:
            parts.append(f"… ({len(w_out) - MAX_TERMS} more)")
        back = float(w_out @ d_next)
        lines.append(
            f"δ = σ'(z) · Σ_k w_k·δ_k = {f(d)} · ({' + '.join(parts)}) = {f(d)} · {f(back)} = {f(delta)}"
        )
    lr = trace.learning_rate
    opt = trace.optimizer
    lines.append(
        f"∂L/∂w_j = mean over the batch of δ·{src}_j;  update with {_opt_text(opt, lr, trace.momentum)}"
    )
    for j in range(min(len(w), MAX_TERMS)):
        g = lay.weight_grad[neuron, j]
        new = lay.weights_after[neuron, j]
        grad = f"{f(delta)}·{f(x[j])} = {f(g)}" if trace.batch_size == 1 else f"{f(g)}"
        lines.append(f"  w_{j + 1}: ∂L/∂w = {grad};  {_update_text(opt, lr, w[j], g, new, f)}")
    if len(w) > MAX_TERMS:
        lines.append(f"  … {len(w) - MAX_TERMS} more weights")
    gb = lay.bias_grad[neuron]
    if lay.bias_update[neuron] == 0 and gb != 0:
        lines.append(f"  b: ∂L/∂b = {f(gb)};  frozen, stays {f(b)}")
    else:
        lines.append(
            f"  b: ∂L/∂b = {f(gb)};  {_update_text(opt, lr, b, gb, lay.biases_after[neuron], f)}"
        )
    return lines


def edge_formulas(trace: StepTrace, layer: int, row: int, col: int, digits: int = 4) -> list[str]:
    """The formulas of the weight from input ``col`` to neuron ``row`` of weight layer ``layer``."""
    f = lambda v: fmt(v, digits)  # noqa: E731
    lay = trace.layers[layer]
    w = lay.weights_before[row, col]
    g = lay.weight_grad[row, col]
    new = lay.weights_after[row, col]
    src = "x" if layer == 0 else f"a⁽{layer}⁾"
    per_sample = lay.delta[:, row] * lay.inputs[:, col]
    terms = " + ".join(f(v) for v in per_sample[:MAX_TERMS])
    more = f" + … ({len(per_sample) - MAX_TERMS} more)" if len(per_sample) > MAX_TERMS else ""
    return [
        f"weight w[{row + 1},{col + 1}] of layer {layer + 1}: from input {col + 1} to neuron {row + 1}",
        f"w = {f(w)}",
        f"∂L/∂w = δ·{src} = (1/{trace.batch_size})·({terms}{more}) = {f(g)}",
        _update_text(trace.optimizer, trace.learning_rate, w, g, new, f),
        f"Δw = {f(new - w)}",
    ]


def _opt_text(opt: str, lr: float, momentum: float = 0.0) -> str:
    if opt == "adam":
        return f"Adam (η = {lr:g}): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·m̂/(√v̂ + ε)"
    if momentum:
        return f"SGD with momentum (η = {lr:g}, μ = {momentum:g}): b ← μ·b + g, w ← w − η·b"
    return f"SGD (η = {lr:g}): w ← w − η·∂L/∂w"


def _update_text(opt: str, lr: float, old: float, g: float, new: float, f) -> str:
    if opt == "sgd" and np.isclose(new, old - lr * g, rtol=1e-9, atol=1e-15):
        return f"w − η·g = {f(old)} − {lr:g}·{f(g)} = {f(new)}"
    return f"{opt} step: {f(old)} → {f(new)} (Δ = {f(new - old)})"


def phase_caption(activations_: list[str] | tuple[str, ...], loss: str, phase: str) -> str:
    """The caption of a phase for a network with these activations (one per weight layer)."""
    if phase == "start":
        return "The network before training: press → (next phase) to start the forward pass."
    _, k = parse_phase(phase)
    act = activations_[k - 1] if k else activations_[-1]
    return caption(phase, len(activations_), act, loss)


def header(name: str, trace: StepTrace | None, phase: str, n_phases: int) -> str:
    """The line above the canvas: step, epoch, batch, phase and loss."""
    if trace is None:
        return f"{name or 'network'} · before training"
    from nnviz.core.phases import phase_names

    index = phase_names(len(trace.layers)).index(phase) + 1
    return (
        f"step {trace.step} · epoch {trace.epoch} · batch {trace.batch_in_epoch} · "
        f"phase {index}/{n_phases} {phase} · loss {fmt(trace.loss, 4)}"
    )
