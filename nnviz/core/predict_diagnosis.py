"""Which slip explains a wrong prediction: the first wrong intermediate.

Each quantity is worked out along the formulas the inspector writes (``nnviz.core.formulas``):
z = Σ w·x + b, a = σ(z), σ′(z), δ_out = ∂L/∂a · σ′(z), δ_hidden = σ′(z) · Σ w·δ_next,
∂L/∂w = δ · a_prev (the batch's mean), Δw by the optimizer's rule, new w = w + Δw, the loss.
A :class:`Slip` is one plausible learner mistake at one intermediate (a used for σ′(z), the
updated weights, a wrong sign, the bias forgotten, z for a, a sum over the batch for the mean,
η left out, …) with the answer it leads to, computed from the trace's own numbers. The first
slip, in the formula's order, whose answer matches what was typed names the intermediate, both
numbers written by numfmt; when none does, the diagnosis lists the intermediates to check.
No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.mathtext import Rich, cat, joined, num
from nnviz.core.quantities import Quantity, value
from nnviz.core.trace import StepTrace

DIGITS = 4


@dataclass(frozen=True)
class Slip:
    """Using ``used`` for the intermediate ``name`` (right value ``right``; None: left out)
    gives ``result``; ``why`` says the mistake in words."""

    name: str
    right: float
    used: float | None
    why: str
    result: float


def _n(x: float) -> Rich:
    return num(float(x), DIGITS)


def diagnose(trace: StepTrace, q: Quantity, answer, sample: int = 0) -> Rich:
    """The first wrong intermediate that explains ``answer`` (a predict.Answer), or the
    intermediates to check."""
    from nnviz.core.predict import within

    true = value(trace, q, sample)
    for slip in slips(trace, q, sample):
        if not np.isfinite(slip.result):
            continue
        if abs(slip.result - true) <= 1e-12 * max(abs(true), 1.0):
            continue  # this slip changes nothing here (a zero bias, a = σ′ by chance…)
        if within(answer, slip.result, trace.dtype) and slip.used is None:
            return cat(slip.name, " should be ", _n(slip.right), f"; you left it out ({slip.why})")
        if within(answer, slip.result, trace.dtype):
            return cat(
                slip.name, " should be ", _n(slip.right), "; you used ", _n(slip.used),
                f" ({slip.why})",
            )  # fmt: skip
    steps = intermediates(trace, q, sample)
    if not steps:
        return cat("it is ", _n(true))
    shown = joined(", ", [cat(name, " = ", _n(v)) for name, v in steps])
    return cat("no usual slip explains it; check your working against ", shown)


# ----- the candidates, by quantity --------------------------------------------------------------
def slips(trace: StepTrace, q: Quantity, sample: int = 0) -> list[Slip]:
    """Every slip considered for ``q``, in the formula's order (upstream intermediates first)."""
    k = q.kind
    if k == "z":
        return _z_slips(trace, *q.index, sample)
    if k == "a":
        return _a_slips(trace, *q.index, sample)
    if k == "sigma_prime":
        return _sp_slips(trace, *q.index, sample)
    if k == "delta":
        return _delta_slips(trace, *q.index, sample)
    if k == "grad":
        return _grad_slips(trace, *q.index, sample)
    if k in ("dw", "new_w"):
        return _update_slips(trace, q, sample)
    if k in ("loss", "sample_loss"):
        return _loss_slips(trace, k == "loss", sample)
    return []


def intermediates(trace: StepTrace, q: Quantity, sample: int = 0) -> list[tuple[str, float]]:
    """The values ``q``'s formula is worked out from, in order (not ``q`` itself), for a
    learner to check a hand calculation against."""
    k = q.kind
    if k in ("z", "a", "sigma_prime", "delta"):
        layer, i = q.index
        lay = trace.layers[layer - 1]
        w, x = lay.weights_before[i], lay.inputs[sample]
        terms = [(f"w{j + 1}·x{j + 1}", float(w[j] * x[j])) for j in range(min(len(w), 4))]
        if k == "z":
            return [*terms, ("b", float(lay.biases_before[i]))]
        z, a = float(lay.pre_activation[sample, i]), float(lay.activation[sample, i])
        if k == "a":
            return [("z", z)]
        if k == "sigma_prime":
            return [("z", z), ("a", a)]
        out = [("a", a), ("σ′(z)", float(lay.activation_grad[sample, i]))]
        if layer == len(trace.layers):
            return [*out, ("∂L/∂a", float(trace.output_grad[sample, i]))]
        nxt = trace.layers[layer]
        return [*out, ("Σ w·δ", float(nxt.weights_before[:, i] @ nxt.delta[sample]))]
    if k in ("grad", "dw", "new_w"):
        wl, row, col = q.index
        lay = trace.layers[wl]
        if k == "new_w":
            return [("w", float(lay.weights_before[row, col])),
                    ("∂L/∂w", float(lay.weight_grad[row, col]))]  # fmt: skip
        out = [
            ("δ", float(lay.delta[sample, row])),
            ("a" if wl else "x", float(lay.inputs[sample, col])),
        ]
        return out if k == "grad" else [*out, ("∂L/∂w", float(lay.weight_grad[row, col]))]
    if k in ("loss", "sample_loss"):
        last = trace.layers[-1]
        return [
            *((f"y{i + 1}", float(v)) for i, v in enumerate(last.activation[sample][:4])),
            *((f"t{i + 1}", float(v)) for i, v in enumerate(trace.targets[sample][:4])),
        ]
    return []


def _sig_prime_of(act: str, a: float, z: float) -> float | None:
    """σ′ written from a (or z), as a learner computes it; None where the rule is not local."""
    if act == "sigmoid":
        return a * (1 - a)
    if act == "tanh":
        return 1 - a * a
    if act in ("relu", "leaky_relu"):
        return 1.0 if z > 0 else (0.01 if act == "leaky_relu" else 0.0)
    if act == "identity":
        return 1.0
    return None


def _act(act: str, z: float) -> float | None:
    if act == "sigmoid":
        return float(1 / (1 + np.exp(-z)))
    if act == "tanh":
        return float(np.tanh(z))
    if act == "relu":
        return max(z, 0.0)
    if act == "leaky_relu":
        return z if z > 0 else 0.01 * z
    if act == "identity":
        return z
    return None


def _z_slips(trace: StepTrace, layer: int, i: int, s: int) -> list[Slip]:
    lay = trace.layers[layer - 1]
    w, x, b = lay.weights_before[i], lay.inputs[s], float(lay.biases_before[i])
    z = float(lay.pre_activation[s, i])
    out = []
    if layer > 1:
        prev = trace.layers[layer - 2]
        zp = prev.pre_activation[s]
        out.append(Slip("a of the previous layer", float(x[0]), float(zp[0]),
                        "z of the previous layer instead of its a", float(w @ zp) + b))  # fmt: skip
    wt = lay.weights_before
    if wt.shape[0] == wt.shape[1]:  # a square matrix: row and column are easily swapped
        out.append(Slip("the weights", float(w[-1]), float(wt[-1, i]),
                        "wⱼᵢ instead of wᵢⱼ: the weights into another neuron",
                        float(wt[:, i] @ x) + b))  # fmt: skip
    out.append(Slip("w", float(w[0]), float(lay.weights_after[i, 0]),
                    "the weights after the update", float(lay.weights_after[i] @ x) + b))  # fmt: skip
    out.append(Slip("b", b, None, "z = Σ w·x + b", z - b))
    out.append(Slip("the sign", z, -z, "a wrong sign", -z))
    return out


def _a_slips(trace: StepTrace, layer: int, i: int, s: int) -> list[Slip]:
    lay = trace.layers[layer - 1]
    act = lay.activation_name
    z, a = float(lay.pre_activation[s, i]), float(lay.activation[s, i])
    out = [Slip("a = σ(z)", a, z, "z itself, σ not applied", z)]
    out.append(Slip("a = σ(z)", a, float(lay.activation_grad[s, i]), "σ′(z) instead of σ(z)",
                    float(lay.activation_grad[s, i])))  # fmt: skip
    if act == "sigmoid":
        out.append(Slip("e^(−z)", float(np.exp(-z)), float(np.exp(z)), "e^z instead of e^(−z)",
                        float(1 / (1 + np.exp(z)))))  # fmt: skip
    for sl in _z_slips(trace, layer, i, s):  # then the slips inside z, worked through
        res = _act(act, sl.result)
        if res is not None and sl.name != "the sign":
            out.append(Slip(sl.name, sl.right, sl.used, sl.why, res))
    return out


def _sp_slips(trace: StepTrace, layer: int, i: int, s: int) -> list[Slip]:
    lay = trace.layers[layer - 1]
    act = lay.activation_name
    z, a = float(lay.pre_activation[s, i]), float(lay.activation[s, i])
    sp = float(lay.activation_grad[s, i])
    out = []
    from_z = _sig_prime_of(act, z, z)
    if act in ("sigmoid", "tanh") and from_z is not None:
        out.append(Slip("a in σ′ = " + ("a(1 − a)" if act == "sigmoid" else "1 − a²"), a, z,
                        "z instead of a", from_z))  # fmt: skip
    out.append(Slip("σ′(z)", sp, a, "a, the activation, instead of σ′(z)", a))
    if act == "sigmoid":
        out.append(Slip("σ′(z) = a(1 − a)", sp, 1 - a, "the factor a left out", 1 - a))
    if act == "tanh":
        out.append(Slip("σ′(z) = 1 − a²", sp, 1 - a, "1 − a instead of 1 − a²", 1 - a))
    return out


def _delta_slips(trace: StepTrace, layer: int, i: int, s: int) -> list[Slip]:
    lay = trace.layers[layer - 1]
    a, z = float(lay.activation[s, i]), float(lay.pre_activation[s, i])
    sp, d = float(lay.activation_grad[s, i]), float(lay.delta[s, i])
    out_layer = layer == len(trace.layers)
    if out_layer:
        g = float(trace.output_grad[s, i])
        if (trace.loss_name, lay.activation_name) in (
            ("bce", "sigmoid"),
            ("cross_entropy", "softmax"),
        ):
            t = float(trace.targets[s, i])
            return [
                Slip("δ = y − t", d, t - a, "t − y: a wrong sign", t - a),
                Slip("δ = y − t", d, (a - t) * sp, "σ′(z) multiplied in, which this loss cancels",
                     (a - t) * sp),
            ]  # fmt: skip
        other = g
        other_name = "∂L/∂a"
    else:
        nxt = trace.layers[layer]
        w_col, dn = nxt.weights_before[:, i], nxt.delta[s]
        other = float(w_col @ dn)
        other_name = "Σ w·δ"
    out = []
    for sl in _sp_slips(trace, layer, i, s):
        out.append(Slip(sl.name, sl.right, sl.used, sl.why, sl.result * other))
    out.append(Slip("σ′(z)", sp, None, f"δ = {other_name} · σ′(z)", other))
    if out_layer:
        t = float(trace.targets[s, i])
        out += [
            Slip("∂L/∂a", g, -g, "t − a instead of a − t: a wrong sign", -g * sp),
            Slip("∂L/∂a", g, g / 2, "half of it: the ½ of the loss counted twice", g / 2 * sp),
            Slip("∂L/∂a", g, 2 * g, "twice it: the ½ of the loss forgotten", 2 * g * sp),
            Slip("∂L/∂a", g, t, "the target t instead of a − t", t * sp),
        ]
        return out
    nxt = trace.layers[layer]
    w_col, dn = nxt.weights_before[:, i], nxt.delta[s]
    used = float(nxt.weights_after[:, i] @ dn)
    out.append(Slip(other_name, other, used, "the weights after the update", sp * used))
    if nxt.weights_before.shape[0] > i and nxt.weights_before.shape[1] == len(dn):
        row = float(nxt.weights_before[i] @ dn)
        out.append(
            Slip(other_name, other, row, "the weights of row i instead of column i", sp * row)
        )
    if len(dn) > 1:
        for k in range(len(dn)):
            part = float(w_col[k] * dn[k])
            out.append(Slip(other_name, other, part, f"only the term of next neuron {k + 1}",
                            sp * part))  # fmt: skip
    out.append(Slip("the sign", d, -d, "a wrong sign", -d))
    del z
    return out


def _grad_slips(trace: StepTrace, wl: int, row: int, col: int, s: int) -> list[Slip]:
    lay = trace.layers[wl]
    g = float(lay.weight_grad[row, col])
    B = trace.batch_size
    deltas, xs = lay.delta[:, row], lay.inputs[:, col]
    src = "a" if wl else "x"
    out = []
    d = deltas.astype(float)
    if wl:
        zs = trace.layers[wl - 1].pre_activation[:, col]
        out.append(Slip(src, float(xs[s]), float(zs[s]), "z of the sending neuron instead of its a",
                        float(np.mean(d * zs))))  # fmt: skip
    recv = lay.activation[:, row]
    out.append(Slip(src, float(xs[s]), float(recv[s]),
                    "the receiving neuron's a instead of the sending one's",
                    float(np.mean(d * recv))))  # fmt: skip
    if wl == len(trace.layers) - 1 and trace.output_grad.shape[1] > row:
        og = trace.output_grad[:, row]
        out.append(Slip("δ", float(d[s]), float(og[s]), "∂L/∂a instead of δ (σ′ left out)",
                        float(np.mean(og * xs))))  # fmt: skip
    if B > 1:
        total = float(np.sum(d * xs))
        out.append(Slip("the mean over the batch", g, total,
                        f"the sum over the batch instead of its mean (÷{B})", total))  # fmt: skip
        one = float(d[s] * xs[s])
        out.append(Slip("the mean over the batch", g, one,
                        f"sample {s + 1}'s product alone instead of the batch's mean", one))  # fmt: skip
    out.append(Slip("the sign", g, -g, "a wrong sign", -g))
    if B == 1:  # then the slips inside δ, worked through to ∂L/∂w
        x = float(xs[0])
        for sl in _delta_slips(trace, wl + 1, row, 0):
            if sl.name != "the sign":
                out.append(Slip(sl.name, sl.right, sl.used, sl.why, sl.result * x))
    return out


def _update_slips(trace: StepTrace, q: Quantity, s: int) -> list[Slip]:
    wl, row, col = q.index
    lay = trace.layers[wl]
    w, g = float(lay.weights_before[row, col]), float(lay.weight_grad[row, col])
    dw = float(lay.weight_update[row, col])
    new = q.kind == "new_w"
    base = w if new else 0.0
    eta = trace.learning_rate
    out = []
    if trace.optimizer_rule == "sgd":
        out.append(Slip("Δw = −η·∂L/∂w", dw, -dw, "+η·∂L/∂w: the update must go against the gradient",
                        base - dw))  # fmt: skip
        out.append(Slip("η", eta, None, "Δw = −η·∂L/∂w", base - g))
        out.append(Slip("Δw = −η·∂L/∂w", dw, g, "∂L/∂w itself instead of −η·∂L/∂w", base + g))
    elif trace.optimizer_rule == "momentum":
        out.append(Slip("v", float(lay.optimizer_state.get("weight_velocity", np.full_like(
            lay.weight_grad, np.nan))[row, col]), g, "∂L/∂w instead of the velocity v",
            base - eta * g))  # fmt: skip
        out.append(Slip("Δw", dw, -dw, "a wrong sign", base - dw))
    else:
        out.append(Slip("Δw", dw, -dw, "a wrong sign", base - dw))
        out.append(Slip("Δw", dw, -eta * g, "plain SGD's −η·∂L/∂w instead of Adam's step",
                        base - eta * g))  # fmt: skip
    if new:
        out.append(Slip("new w = w + Δw", w + dw, dw, "Δw alone, without the old w", dw))
        out.append(Slip("new w = w + Δw", w + dw, w, "the old w, the update not applied", w))
    if trace.optimizer_rule == "sgd":  # then the slips inside ∂L/∂w, worked through
        for sl in _grad_slips(trace, wl, row, col, s):
            if sl.name != "the sign":
                out.append(Slip(sl.name, sl.right, sl.used, sl.why, base - eta * sl.result))
    return out


def _loss_slips(trace: StepTrace, batch: bool, s: int) -> list[Slip]:
    y = trace.layers[-1].activation.astype(float)
    z = trace.layers[-1].pre_activation.astype(float)
    t = trace.targets.astype(float)
    name = trace.loss_name
    true = float(trace.loss) if batch else float(trace.sample_losses[s])

    def loss_of(out: np.ndarray, per: str = name) -> np.ndarray:
        sq = (out - t) ** 2
        if per == "half_sse":
            return 0.5 * sq.sum(axis=1)
        if per == "sse":
            return sq.sum(axis=1)
        if per == "mse":
            return sq.mean(axis=1)
        return np.full(len(out), np.nan)

    def reduce(per_sample: np.ndarray) -> float:
        return float(per_sample.mean()) if batch else float(per_sample[s])

    if name not in ("half_sse", "sse", "mse"):
        return []
    out = [Slip("y", float(y[s, 0]), float(z[s, 0]), "z of the outputs instead of their a",
                reduce(loss_of(z)))]  # fmt: skip
    if name == "half_sse":
        out.append(Slip("½", 0.5, None, "L = ½ Σ (y − t)²", reduce(loss_of(y, "sse"))))
    if name == "sse":
        out.append(Slip("the factor", 1.0, 0.5, "½Σ(y − t)² instead of Σ(y − t)²",
                        reduce(loss_of(y, "half_sse"))))  # fmt: skip
    if name == "mse":
        out.append(Slip("the mean over the outputs", true, reduce(loss_of(y, "sse")),
                        "the sum over the outputs instead of their mean", reduce(loss_of(y, "sse"))))  # fmt: skip
    per = {"half_sse": 0.5, "sse": 1.0, "mse": 1.0 / y.shape[1]}[name]
    for k in range(y.shape[1] if y.shape[1] > 1 else 0):
        part = reduce(per * (y[:, k] - t[:, k]) ** 2)
        out.append(Slip("the sum over the outputs", true, part,
                        f"only output {k + 1}'s term", part))  # fmt: skip
    if batch and trace.batch_size > 1:
        total = float(loss_of(y).sum())
        out.append(Slip("the mean over the batch", true, total,
                        f"the sum over the batch instead of its mean (÷{trace.batch_size})", total))  # fmt: skip
    return out
