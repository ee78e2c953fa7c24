"""One number on the picture, named: which quantity of which neuron or weight, when a step
reveals it, and its value in a trace.

Predict-then-reveal asks the learner for such a number, and a lesson's question names one, so
both need the same answer to "what is δ of hidden neuron 2?". Neurons are named as the renderer's
selection names them: layer 0 is the input, layers 1…L have weights; a weight is
(weight layer ``wl`` from 0, ``row`` = receiving neuron, ``col`` = sending neuron), the entry
``trace.layers[wl].weights_before[row, col]``. No Qt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from nnviz.core.phases import phase_names
from nnviz.core.trace import StepTrace

NEURON_KINDS = ("x", "z", "a", "sigma_prime", "delta", "b", "b_grad", "db", "new_b", "target")
EDGE_KINDS = ("w", "grad", "dw", "new_w")
GLOBAL_KINDS = ("loss", "sample_loss")
KINDS = NEURON_KINDS + EDGE_KINDS + GLOBAL_KINDS

SYMBOLS = {
    "x": "x",
    "z": "z",
    "a": "a",
    "sigma_prime": "σ′(z)",
    "delta": "δ",
    "b": "b",
    "b_grad": "∂L/∂b",
    "db": "Δb",
    "new_b": "new b",
    "target": "target y",
    "w": "w",
    "grad": "∂L/∂w",
    "dw": "Δw",
    "new_w": "new w",
    "loss": "loss L",
    "sample_loss": "this sample's loss",
}
"""How each kind is written for people."""

ALIASES = {
    "δ": "delta",
    "d": "delta",
    "σ'": "sigma_prime",
    "σ′": "sigma_prime",
    "dsigma": "sigma_prime",
    "sigma'": "sigma_prime",
    "y": "target",
    "dl/dw": "grad",
    "∂l/∂w": "grad",
    "dl/db": "b_grad",
    "∂l/∂b": "b_grad",
    "Δw": "dw",
    "δw": "dw",
    "Δb": "db",
    "δb": "db",
    "w'": "new_w",
    "w_new": "new_w",
    "b'": "new_b",
    "b_new": "new_b",
    "l": "loss",
}


@dataclass(frozen=True)
class Quantity:
    """``kind`` (one of KINDS) of neuron ``index`` = (layer, i), of weight (wl, row, col), or of
    the whole step (``index`` = ())."""

    kind: str
    index: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown quantity {self.kind!r} (one of {', '.join(KINDS)})")
        want = 2 if self.kind in NEURON_KINDS else 3 if self.kind in EDGE_KINDS else 0
        if len(self.index) != want or any(not isinstance(v, int) or v < 0 for v in self.index):
            raise ValueError(
                f"{self.kind} needs {want} non-negative whole numbers, not {self.index}"
            )

    @property
    def is_edge(self) -> bool:
        return self.kind in EDGE_KINDS

    @property
    def is_neuron(self) -> bool:
        return self.kind in NEURON_KINDS

    def selection(self) -> tuple | None:
        """The renderer's selection that shows this number (None for the loss)."""
        if self.is_edge:
            return ("edge", *self.index)
        if self.is_neuron:
            return ("neuron", *self.index)
        return None

    def text(self) -> str:
        """A compact reference that :func:`parse` reads back: ``delta[1,0]``, ``loss``."""
        if not self.index:
            return self.kind
        return f"{self.kind}[{','.join(str(v) for v in self.index)}]"

    def describe(self, n_layers: int) -> str:
        """For people, numbered from 1: 'δ of neuron 2 in hidden layer 1'."""
        sym = SYMBOLS[self.kind]
        if self.is_neuron:
            layer, i = self.index
            return f"{sym} of {_neuron_name(layer, i, n_layers)}"
        if self.is_edge:
            wl, row, col = self.index
            return (
                f"{sym} of the weight from {_neuron_name(wl, col, n_layers)} "
                f"to {_neuron_name(wl + 1, row, n_layers)}"
            )
        return sym


def _neuron_name(layer: int, i: int, n_layers: int) -> str:
    if layer == 0:
        return f"input {i + 1}"
    where = "the output layer" if layer == n_layers else f"hidden layer {layer}"
    return f"neuron {i + 1} in {where}"


_REF = re.compile(r"^\s*([^\[\(\s]+)\s*(?:[\[\(]\s*([\d\s,]*)\s*[\]\)])?\s*$")


def parse(text: str) -> Quantity:
    """Read ``delta[1,0]``, ``δ(1, 0)``, ``w[0,1,0]``, ``loss`` (names as in KINDS or ALIASES).
    ValueError names what is wrong."""
    m = _REF.match(text or "")
    if not m:
        raise ValueError(f"not a quantity: {text!r} (write e.g. delta[1,0] or loss)")
    name = m.group(1)
    kind = name if name in KINDS else ALIASES.get(name, ALIASES.get(name.lower(), name.lower()))
    if kind not in KINDS:
        raise ValueError(f"unknown quantity {name!r} (one of {', '.join(KINDS)})")
    nums = m.group(2)
    index = tuple(int(v) for v in nums.replace(",", " ").split()) if nums else ()
    return Quantity(kind, index)


def from_human(text: str) -> Quantity:
    """Read a reference numbered as people and the inspector number things: neurons from 1
    (``delta[1,2]`` is δ of neuron 2 in layer 1; layer 0 is the input), weights by their
    matrix W⁽ˡ⁾ from 1 and its row and column from 1 (``w[1,2,1]`` is w₂₁ of W⁽¹⁾, from input 1
    to hidden neuron 2). Lesson files and typed predictions use this form."""
    q = parse(text)
    if q.is_neuron:
        layer, i = q.index
        if i < 1:
            raise ValueError(f"{text.strip()}: neurons are numbered from 1")
        return Quantity(q.kind, (layer, i - 1))
    if q.is_edge:
        if min(q.index) < 1:
            raise ValueError(f"{text.strip()}: weight matrices, rows and columns count from 1")
        return Quantity(q.kind, tuple(v - 1 for v in q.index))
    return q


def human(q: Quantity) -> str:
    """The reference :func:`from_human` reads back."""
    if q.is_neuron:
        return f"{q.kind}[{q.index[0]},{q.index[1] + 1}]"
    if q.is_edge:
        return f"{q.kind}[{','.join(str(v + 1) for v in q.index)}]"
    return q.kind


def check_fits(q: Quantity, sizes: tuple[int, ...] | list[int]) -> None:
    """ValueError when ``q`` names a neuron or weight the network ``sizes`` does not have."""
    n_layers = len(sizes) - 1
    if q.is_neuron:
        layer, i = q.index
        if layer > n_layers or i >= sizes[layer]:
            raise ValueError(f"{q.text()}: the network has no neuron {i} in layer {layer}")
        if layer == 0 and q.kind != "x":
            raise ValueError(f"{q.text()}: inputs have only x")
        if layer > 0 and q.kind == "x":
            raise ValueError(f"{q.text()}: x is an input (layer 0)")
        if q.kind == "target" and layer != n_layers:
            raise ValueError(f"{q.text()}: targets belong to the output layer {n_layers}")
    elif q.is_edge:
        wl, row, col = q.index
        if wl >= n_layers or row >= sizes[wl + 1] or col >= sizes[wl]:
            raise ValueError(f"{q.text()}: the network has no such weight")


def revealed_at(q: Quantity, n_layers: int) -> int:
    """The index into ``phase_names(n_layers)`` of the first phase that shows ``q``: the step's
    inputs, targets and current weights from its first phase on, z, a and σ′ at their forward
    phase, the loss at the loss phase, δ and the gradients at their backward phase, the
    update and the new parameters at the update."""
    names = phase_names(n_layers)
    k = q.kind
    if k in ("x", "w", "b", "target"):
        return 0
    if k in ("z", "a", "sigma_prime"):
        return names.index(f"forward-L{q.index[0]}")
    if k in GLOBAL_KINDS:
        return names.index("loss")
    if k in ("delta", "b_grad"):
        return names.index(f"backward-L{q.index[0]}")
    if k == "grad":
        return names.index(f"backward-L{q.index[0] + 1}")
    return names.index("update")


def value(trace: StepTrace, q: Quantity, sample: int = 0) -> float:
    """The number ``q`` has in ``trace`` for batch row ``sample`` (gradients, updates and the
    loss are the batch's, as the step applied them)."""
    k = q.kind
    if k == "loss":
        return float(trace.loss)
    if k == "sample_loss":
        return float(trace.sample_losses[sample])
    if q.is_edge:
        wl, row, col = q.index
        lay = trace.layers[wl]
        arr = {
            "w": lay.weights_before,
            "grad": lay.weight_grad,
            "dw": lay.weight_update,
            "new_w": lay.weights_after,
        }[k]
        return float(arr[row, col])
    layer, i = q.index
    if k == "x":
        return float(trace.inputs[sample, i])
    if k == "target":
        return float(trace.targets[sample, i])
    lay = trace.layers[layer - 1]
    per_sample = {
        "z": lay.pre_activation,
        "a": lay.activation,
        "sigma_prime": lay.activation_grad,
        "delta": lay.delta,
    }
    if k in per_sample:
        return float(per_sample[k][sample, i])
    return float(
        {
            "b": lay.biases_before,
            "b_grad": lay.bias_grad,
            "db": lay.bias_update,
            "new_b": lay.biases_after,
        }[k][i]
    )


def shown_at(trace: StepTrace, phase: int) -> list[Quantity]:
    """Every neuron, weight and bias quantity that ``phase`` reveals (its own numbers, not those
    shown before it): what predict-then-reveal hides until the learner asks to see them."""
    n = len(trace.layers)
    sizes = [trace.layers[0].n_inputs, *(lay.n_neurons for lay in trace.layers)]
    out: list[Quantity] = []
    for kind in NEURON_KINDS:
        for layer in range(n + 1):
            for i in range(sizes[layer]):
                q = _maybe(kind, (layer, i), sizes)
                if q is not None and revealed_at(q, n) == phase:
                    out.append(q)
    for kind in EDGE_KINDS:
        for wl in range(n):
            for row, col in np.ndindex(sizes[wl + 1], sizes[wl]):
                q = Quantity(kind, (wl, int(row), int(col)))
                if revealed_at(q, n) == phase:
                    out.append(q)
    for kind in GLOBAL_KINDS:
        q = Quantity(kind)
        if revealed_at(q, n) == phase:
            out.append(q)
    return out


def _maybe(kind: str, index: tuple[int, int], sizes: list[int]) -> Quantity | None:
    q = Quantity(kind, index)
    try:
        check_fits(q, sizes)
    except ValueError:
        return None
    return q
