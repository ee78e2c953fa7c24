"""The classic mistakes of backpropagation, computed beside the right numbers of a step.

Each mistake takes a recorded :class:`~nnviz.core.trace.StepTrace` (the right numbers, from
autograd) and redoes the backward pass and the update by hand with numpy, making that one mistake
on purpose, so a learner sees where the numbers part. The trace is never changed. No Qt, no
autograd: the mistaken numbers are written out the way a hand calculation would make them.

The famous case: in the 2-2-2 worked example, propagating the hidden δ through the output
weights *after* their update gives a total error of 0.291027924 after the first update, where
the right update gives 0.291027774 (the loss of the same sample at the start of step 2); the two
part at the seventh significant digit. ``Outcome.loss_after`` and ``right_loss_after`` are these
two numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from nnviz.core import activations
from nnviz.core.numfmt import MAX_DIGITS, fmt
from nnviz.core.trace import StepTrace

QUANTITIES = ("outputs", "loss", "delta", "grad", "update", "weights", "loss_after")
"""What a mistake may change: the outputs y, the batch loss L, each layer's δ, ∂L/∂W, Δw, the
new weights, and the batch loss computed again after the update."""


@dataclass(frozen=True)
class Mistake:
    """A well-known mistake: its key, its name in menus, one line saying what goes wrong, and
    the quantities it changes."""

    key: str
    title: str
    explanation: str
    changes: tuple[str, ...]


MISTAKES: dict[str, Mistake] = {
    m.key: m
    for m in (
        Mistake(
            "updated-weights",
            "Hidden δ with already-updated weights",
            "The hidden δ is propagated back through the next layer's weights after their update "
            "(W_newᵀ δ) instead of the weights the forward pass used.",
            ("delta", "grad", "update", "weights", "loss_after"),
        ),
        Mistake(
            "no-sigma-prime",
            "Forgetting σ′ in δ",
            "Every δ leaves out the activation's derivative: δ = ∂L/∂a instead of σ′(z) ⊙ ∂L/∂a.",
            ("delta", "grad", "update", "weights", "loss_after"),
        ),
        Mistake(
            "wrong-sign",
            "The wrong sign of the update",
            "The update climbs the gradient, w ← w + η ∂L/∂w, so the loss grows instead of "
            "shrinking.",
            ("update", "weights", "loss_after"),
        ),
        Mistake(
            "sum-batch",
            "Summing instead of averaging over the batch",
            "The gradient is the sum of the samples' gradients instead of their mean: B times too "
            "large (a batch of one cannot tell them apart).",
            ("grad", "update", "weights", "loss_after"),
        ),
        Mistake(
            "softmax-twice",
            "Applying softmax twice",
            "Softmax is applied again to outputs that are already probabilities, squashing "
            "them towards 1/K, and the loss and every δ follow the squashed outputs.",
            ("outputs", "loss", "delta", "grad", "update", "weights", "loss_after"),
        ),
    )
}


@dataclass(frozen=True)
class LayerNumbers:
    """One weight layer's numbers with the mistake made (same shapes as in LayerTrace)."""

    delta: np.ndarray
    weight_grad: np.ndarray
    bias_grad: np.ndarray
    weight_update: np.ndarray
    bias_update: np.ndarray
    weights_after: np.ndarray
    biases_after: np.ndarray


@dataclass(frozen=True)
class Outcome:
    """A step's numbers with a mistake made: outputs [B, K], per-sample and batch loss, each
    layer's numbers, and the batch loss on the same batch after the (mistaken) update, beside
    ``right_loss_after``, the same with the right update."""

    mistake: Mistake
    outputs: np.ndarray
    sample_losses: np.ndarray
    loss: float
    layers: tuple[LayerNumbers, ...]
    loss_after: float
    right_loss_after: float


def applies(key: str, trace: StepTrace) -> str | None:
    """None when the mistake can be made on this step, else why not (one line)."""
    return why_not(key, [lay.activation_name for lay in trace.layers])


def why_not(key: str, activations: Sequence[str]) -> str | None:
    """None when the mistake can be made on a network with these activations (one per weight
    layer), else why not (one line)."""
    if key not in MISTAKES:
        return f"unknown mistake {key!r} (known: {', '.join(MISTAKES)})"
    if key == "softmax-twice" and activations[-1] != "softmax":
        return "applying softmax twice needs a softmax output layer (e.g. the gaussians3 preset)"
    if key == "updated-weights" and len(activations) < 2:
        return "a network without hidden layers has no hidden δ"
    return None


def compute(
    key: str, trace: StepTrace, *, bias_trainable: bool = True, bias_shared: bool = False
) -> Outcome:
    """The step ``trace`` redone with mistake ``key`` (see MISTAKES); the bias settings are the
    network's (a frozen bias never moves; a shared one moves by its neurons' summed shares)."""
    why = applies(key, trace)
    if why is not None:
        raise ValueError(why)
    tr = trace
    n, b = len(tr.layers), tr.batch_size
    acts = [lay.activation for lay in tr.layers]
    y, t = acts[-1], tr.targets
    if key == "softmax-twice":
        y2 = _activate("softmax", y)
        outputs, sample_losses = y2, loss_per_sample(tr.loss_name, y2, t)
        g = _through("softmax", y2, loss_grad(tr.loss_name, y2, t))  # ∂L/∂y through the 2nd one
    else:
        outputs, sample_losses, g = y, tr.sample_losses, tr.output_grad
    plain = key == "no-sigma-prime"
    grad_scale = float(b) if key == "sum-batch" else 1.0
    sign = -1.0 if key == "wrong-sign" else 1.0
    changes = MISTAKES[key].changes
    out: list[LayerNumbers] = [None] * n  # type: ignore[list-item]
    for i in range(n - 1, -1, -1):
        lay = tr.layers[i]
        delta = g if plain else _through(lay.activation_name, lay.activation, g)
        if "delta" not in changes:  # what the mistake leaves alone is the trace's own number
            delta = lay.delta
        w_grad = grad_scale * (delta.T @ lay.inputs) / b
        b_grad = grad_scale * delta.sum(axis=0) / b
        if "grad" not in changes:
            w_grad, b_grad = lay.weight_grad, lay.bias_grad
        w_up = sign * _rule(tr, i, "weight", w_grad)
        if not bias_trainable:
            b_up = np.zeros_like(b_grad)
        else:
            param = np.full_like(b_grad, b_grad.sum()) if bias_shared else b_grad
            b_up = sign * _rule(tr, i, "bias", param)
        out[i] = LayerNumbers(
            delta=delta,
            weight_grad=w_grad,
            bias_grad=b_grad,
            weight_update=w_up,
            bias_update=b_up,
            weights_after=lay.weights_before + w_up,
            biases_after=lay.biases_before + b_up,
        )
        through = out[i].weights_after if key == "updated-weights" else lay.weights_before
        g = delta @ through
    layers = tuple(out)
    twice = key == "softmax-twice"
    after = _batch_loss(tr, [(ly.weights_after, ly.biases_after) for ly in layers], twice)
    right = _batch_loss(tr, [(ly.weights_after, ly.biases_after) for ly in tr.layers], False)
    return Outcome(
        mistake=MISTAKES[key],
        outputs=outputs,
        sample_losses=np.asarray(sample_losses, dtype=np.float64),
        loss=float(np.mean(sample_losses)),
        layers=layers,
        loss_after=after,
        right_loss_after=right,
    )


# ----- comparing a right number with a mistaken one ------------------------------------------
def parting_digit(right: float, wrong: float) -> int | None:
    """The first significant figure at which the two numbers, written with ``fmt``, differ
    (None when they agree to MAX_DIGITS figures)."""
    for k in range(1, MAX_DIGITS + 1):
        if fmt(right, k) != fmt(wrong, k):
            return k
    return None


def wrong_text(right: float, wrong: float, digits: int) -> str | None:
    """The mistaken number as the picture writes it under the right one: "✗ 0.2910279
    (digit 7)", with enough figures to show where it parts (None when they agree)."""
    k = parting_digit(right, wrong)
    if k is None:
        return None
    text = f"✗ {fmt(wrong, max(digits, k))}"
    return text if k <= digits else f"{text} (digit {k})"


# ----- the pieces: activations, losses, the optimizer's rule, the forward pass ----------------
def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """σ(z) by the engine's own definition (nnviz.core.activations), on numpy arrays."""
    return activations.apply(name, torch.from_numpy(np.ascontiguousarray(z))).numpy()


def _through(name: str, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """∂L/∂z from ∂L/∂a through the activation (the Jacobian's transpose), written from a."""
    if name == "identity":
        return g
    if name == "sigmoid":
        return g * a * (1.0 - a)
    if name == "tanh":
        return g * (1.0 - a * a)
    if name == "relu":
        return g * (a > 0)
    if name == "leaky_relu":
        return g * np.where(a > 0, 1.0, 0.01)
    if name == "softmax":
        return a * (g - (a * g).sum(axis=1, keepdims=True))
    if name == "step":
        return np.zeros_like(g)
    raise ValueError(f"unknown activation {name!r}")


def loss_per_sample(name: str, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Each sample's loss [B] (the formulas of nnviz.core.losses, on y)."""
    d = y - t
    if name == "half_sse":
        return 0.5 * (d * d).sum(axis=1)
    if name == "sse":
        return (d * d).sum(axis=1)
    if name == "mse":
        return (d * d).mean(axis=1)
    ly = np.log(np.clip(y, 1e-12, None))
    if name == "cross_entropy":
        return -(t * ly).sum(axis=1)
    if name == "bce":
        return -(t * ly + (1 - t) * np.log(np.clip(1 - y, 1e-12, None))).sum(axis=1)
    raise ValueError(f"unknown loss {name!r}")


def loss_grad(name: str, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∂L_sample/∂y [B, K]."""
    d = y - t
    if name == "half_sse":
        return d
    if name == "sse":
        return 2 * d
    if name == "mse":
        return 2 * d / y.shape[1]
    yc = np.clip(y, 1e-12, None)
    if name == "cross_entropy":
        return -t / yc
    if name == "bce":
        return -t / yc + (1 - t) / np.clip(1 - y, 1e-12, None)
    raise ValueError(f"unknown loss {name!r}")


def _rule(tr: StepTrace, i: int, part: str, grad: np.ndarray) -> np.ndarray:
    """The update Δ the step's optimizer makes from ``grad``, starting from its state before
    the step (SGD: −η g; momentum: −η (μ v + g); Adam: −η m̂ / (√v̂ + ε))."""
    lr, rule = tr.learning_rate, tr.optimizer_rule
    state = tr.layers[i].optimizer_state_before
    if rule == "sgd":
        return -lr * grad
    if rule == "momentum":
        v = state.get(f"{part}_velocity", np.zeros_like(grad))
        return -lr * (tr.momentum * v + grad)
    b1, b2 = tr.betas
    step = tr.optimizer_step
    m = b1 * state.get(f"{part}_m", np.zeros_like(grad)) + (1 - b1) * grad
    v = b2 * state.get(f"{part}_v", np.zeros_like(grad)) + (1 - b2) * grad * grad
    m_hat, v_hat = m / (1 - b1**step), v / (1 - b2**step)
    return -lr * m_hat / (np.sqrt(v_hat) + tr.eps)


def _batch_loss(tr: StepTrace, params: list[tuple[np.ndarray, np.ndarray]], twice: bool) -> float:
    """The batch loss of the step's batch with the given weights and biases."""
    h = tr.inputs
    for lay, (w, bias) in zip(tr.layers, params, strict=True):
        h = _activate(lay.activation_name, h @ w.T + bias)
    if twice:
        h = _activate("softmax", h)
    return float(np.mean(loss_per_sample(tr.loss_name, h, tr.targets)))
