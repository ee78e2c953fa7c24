"""The glossary's entries: every symbol nnviz shows, with a one-line meaning and how it is
computed, written for the learner and typeset with nnviz.core.mathtext (see
nnviz.core.glossary for finding them in a text). No Qt."""

from __future__ import annotations

from dataclasses import dataclass

from nnviz.core.mathtext import Rich, cat, from_ascii, sym


@dataclass(frozen=True)
class Entry:
    """One symbol: its anchor ``key``, how it is written (``symbol``, typeset), its name,
    what it means, how nnviz computes it, and the spellings ``tokens`` finds for it."""

    key: str
    symbol: Rich
    name: str
    meaning: str
    computed: Rich
    forms: tuple[str, ...]


def _e(key: str, symbol, name: str, meaning: str, computed, forms: tuple[str, ...]) -> Entry:
    sy = symbol if isinstance(symbol, Rich) else from_ascii(str(symbol))
    co = computed if isinstance(computed, Rich) else from_ascii(str(computed))
    return Entry(key, sy, name, meaning, co, forms)


HAT = "\u0302"

ENTRIES: tuple[Entry, ...] = (
    _e(
        "x",
        sym("x", cls="x"),
        "input",
        "One input value of the sample, a feature of the data; the first layer reads it.",
        "Taken from the data set (standardised first when that switch is on).",
        ("x",),
    ),
    _e(
        "z",
        sym("z", cls="x"),
        "pre-activation",
        "A neuron's weighted sum of its inputs plus its bias, before the activation.",
        cat(
            sym("z"),
            " = Σ",
            sym("", "j"),
            " ",
            sym("w", "j"),
            "·",
            sym("a", "j"),
            " + ",
            sym("b"),
            ";  a layer at once: ",
            sym("z", layer=2),
            " = ",
            sym("W", layer=2),
            sym("a", layer=1),
            " + ",
            sym("b", layer=2),
        ),
        ("z",),
    ),
    _e(
        "a",
        sym("a", cls="x"),
        "activation",
        "A neuron's output, the value it passes on to the next layer.",
        cat(sym("a"), " = σ(", sym("z"), ")"),
        ("a",),
    ),
    _e(
        "y",
        cat(sym("y", cls="x"), " (", sym("y", hat=True), ")"),
        "output",
        "The network's output: the last layer's activation (some books write ŷ).",
        cat(sym("y"), " = ", sym("a", layer=3), " for a network whose last layer is layer 3"),
        ("y", "ŷ"),
    ),
    _e(
        "t",
        sym("t"),
        "target; Adam's step count",
        "The value an output should have for this sample; in Adam's formulas, the number of "
        "updates made so far.",
        "Targets come from the data set (one-hot for classes); t counts the optimizer's steps "
        "from 1.",
        ("t",),
    ),
    _e(
        "L",
        sym("L"),
        "loss",
        "How far the outputs are from the targets, one number per sample; the batch loss is "
        "the mean over the batch's samples.",
        "e.g. L = ½ Σ_k (y_k − t_k)², or L = −Σ_k t_k ln y_k for classes.",
        ("L",),
    ),
    _e(
        "K",
        sym("K"),
        "number of outputs",
        "How many output neurons (classes, or predicted quantities) the network has.",
        "The size of the last layer.",
        ("K",),
    ),
    _e(
        "delta",
        sym("δ", cls="d"),
        "error (delta)",
        "How much the loss changes when a neuron's z changes a little: δ = ∂L/∂z.",
        cat(
            "output: δ = ∂L/∂y ⊙ σ′(z);  hidden: ",
            sym("δ", layer=1),
            " = σ′(",
            sym("z", layer=1),
            ") ⊙ (",
            sym("W", "", "(2)T"),
            sym("δ", layer=2),
            ")",
        ),
        ("δ", "∂L/∂z"),
    ),
    _e(
        "sigma",
        "σ",
        "activation function",
        "The function a neuron applies to its z: sigmoid, tanh, ReLU, softmax, the identity or "
        "the step.",
        "a = σ(z), chosen per layer.",
        ("σ",),
    ),
    _e(
        "sigma-prime",
        "σ′",
        "slope of the activation",
        "How much a neuron's a changes when its z changes a little (softmax: the diagonal "
        "∂σ_i/∂z_i).",
        "sigmoid: σ′(z) = σ(z)·(1 − σ(z));  tanh: 1 − tanh²(z);  ReLU: 1 or 0.",
        ("σ′", "∂σ/∂z"),
    ),
    _e(
        "grad",
        "∂L/∂w",
        "gradient",
        "How much the loss changes when one weight (or bias) changes a little; the update "
        "steps against it.",
        cat(
            "∂L/∂",
            sym("w", "j"),
            " = mean over the batch of δ·",
            sym("a", "j"),
            ";  a layer at once: ∂L/∂W = δ",
            sym("a", sup="T"),
        ),
        ("∂L/∂w", "∂L/∂W", "∂L/∂b"),
    ),
    _e(
        "g",
        "g, G",
        "gradient, for short",
        "The gradient ∂L/∂w of a weight (g) or of a whole layer (G), in the update rules.",
        "g = ∂L/∂w, G = ∂L/∂W, computed by PyTorch's autograd in the backward pass.",
        ("g", "G"),
    ),
    _e(
        "dLdy",
        "∂L/∂y",
        "slope of the loss",
        "How much the loss changes when an output changes a little.",
        "½ Σ (y − t)²: ∂L/∂y = y − t;  cross-entropy: ∂L/∂y_k = −t_k / y_k.",
        ("∂L/∂y",),
    ),
    _e(
        "dw",
        "Δw",
        "update",
        "How much one step changes a weight: its new value minus its old one.",
        "SGD: Δw = −η·∂L/∂w (momentum and Adam: see v, m̂ and v̂).",
        ("Δw",),
    ),
    _e(
        "eta",
        "η",
        "learning rate",
        "The step size: how far each update moves the weights against the gradient.",
        "Set in the optimizer (Setup dock or the network file).",
        ("η",),
    ),
    _e(
        "hadamard",
        "⊙",
        "element-wise product",
        "Multiply two arrays of the same shape entry by entry.",
        "(u ⊙ v)_i = u_i·v_i",
        ("⊙",),
    ),
    _e(
        "W",
        sym("W", cls="w"),
        "weight matrix",
        "All weights of one layer [N, M]: row i holds neuron i's incoming weights.",
        cat("Its entry ", sym("w", "ij"), " joins input j to neuron i."),
        ("W",),
    ),
    _e(
        "w",
        sym("w", cls="w"),
        "weight",
        "The strength of one connection: it multiplies the input it carries.",
        "Initialised at random (or from the file), then changed by every update.",
        ("w",),
    ),
    _e(
        "b",
        sym("b", cls="w"),
        "bias",
        "A neuron's own offset, added to its weighted sum (it may be shared by the layer, or "
        "frozen).",
        "∂L/∂b = mean over the batch of δ (shared: the sum over its neurons).",
        ("b",),
    ),
    _e(
        "m",
        "m, M",
        "Adam's first moment",
        "A running mean of the gradient: where the gradient has been pointing lately.",
        "m ← β₁m + (1 − β₁)g",
        ("m", "M"),
    ),
    _e(
        "m-hat",
        cat(sym("m", hat=True), ", ", sym("M", hat=True)),
        "corrected first moment",
        "Adam's m with its start at zero corrected, so early steps are not too small.",
        cat(sym("m", hat=True), " = m/(1 − ", sym("β", "1", "t"), ")"),
        ("m" + HAT, "M" + HAT),
    ),
    _e(
        "v",
        "v, V",
        "velocity (momentum); Adam's second moment",
        "Momentum: the running sum of gradients the weight moves by. Adam: a running mean of "
        "the squared gradient.",
        "momentum: v ← μ·v + g;  Adam: v ← β₂v + (1 − β₂)g²",
        ("v", "V"),
    ),
    _e(
        "v-hat",
        cat(sym("v", hat=True), ", ", sym("V", hat=True)),
        "corrected second moment",
        "Adam's v with its start at zero corrected.",
        cat(
            sym("v", hat=True),
            " = v/(1 − ",
            sym("β", "2", "t"),
            ");  the step: w ← w − η·",
            sym("m", hat=True),
            "/(√",
            sym("v", hat=True),
            " + ε)",
        ),
        ("v" + HAT, "V" + HAT),
    ),
    _e(
        "beta1",
        sym("β", "1"),
        "Adam's first decay rate",
        "How much of the old m each Adam step keeps (0.9 by default).",
        "Set in the optimizer.",
        ("β₁",),
    ),
    _e(
        "beta2",
        sym("β", "2"),
        "Adam's second decay rate",
        "How much of the old v each Adam step keeps (0.999 by default).",
        "Set in the optimizer.",
        ("β₂",),
    ),
    _e(
        "epsilon",
        "ε",
        "Adam's small constant",
        "A tiny number added under the division so it never divides by zero.",
        "Set in the optimizer (10⁻⁸ by default).",
        ("ε",),
    ),
    _e(
        "mu",
        "μ",
        "momentum",
        "How much of the velocity each momentum step keeps (0.9 is usual).",
        "Set in the optimizer.",
        ("μ",),
    ),
    _e(
        "batch",
        "B",
        "batch size",
        "How many samples one step trains on; their gradients are averaged.",
        "Set in Setup (batch size); the last batch of an epoch may be smaller.",
        ("B",),
    ),
    _e(
        "epoch",
        "epoch",
        "epoch",
        "One pass over all training samples, batch by batch.",
        "n training samples in batches of B: ⌈n/B⌉ steps an epoch.",
        ("epoch",),
    ),
    _e(
        "step",
        "step",
        "step",
        "One batch: the forward pass, the loss, the backward pass and the update.",
        "Each → key shows one phase of it; Shift+→ runs a whole step.",
        ("step",),
    ),
    _e(
        "sum",
        "Σ",
        "sum",
        "Add up the terms over the index written under it.",
        "Σ_j w_j·a_j = w_1·a_1 + w_2·a_2 + …",
        ("Σ",),
    ),
    _e(
        "index",
        "i, j, k",
        "indices",
        "Which entry: i this neuron, j one of its inputs, k a neuron of the next layer (or an "
        "output).",
        "Written as subscripts: w_j, δ_k.",
        ("i", "j", "k"),
    ),
    _e(
        "layer",
        sym("a", layer=2),
        "layer number",
        "A superscript in parentheses names the layer a symbol belongs to: a⁽²⁾ is layer 2's "
        "activations.",
        "Layers count from 1 after the input layer.",
        (),
    ),
    _e(
        "transpose",
        "ᵀ",
        "transpose",
        "Swap rows and columns of a matrix (a column becomes a row).",
        cat("(", sym("W", sup="T"), ")", sym("", "ij"), " = ", sym("W", "ji")),
        ("ᵀ",),
    ),
    _e(
        "sqrt",
        "√",
        "square root",
        "The number whose square is the value under it.",
        "√v̂ in Adam's step.",
        ("√",),
    ),
    _e(
        "assign",
        "←",
        "becomes",
        "The new value on the left is computed from the old values on the right.",
        "w ← w − η·g: the new w is the old w minus η times g.",
        ("←",),
    ),
    _e(
        "e",
        "e",
        "Euler's number",
        "2.71828…, the base of the exponential function.",
        "sigmoid: 1 / (1 + e^−z)",
        ("e",),
    ),
    _e(
        "ln",
        "ln",
        "natural logarithm",
        "The logarithm to base e (ln e = 1).",
        "In the cross-entropy loss: −Σ_k t_k ln y_k.",
        ("ln",),
    ),
    _e(
        "sigmoid",
        "sigmoid",
        "sigmoid (logistic) function",
        "Squashes any z into (0, 1).",
        "σ(z) = 1 / (1 + e^−z)",
        ("sigmoid()",),
    ),
    _e(
        "tanh",
        "tanh",
        "hyperbolic tangent",
        "Squashes any z into (−1, 1), centred on 0.",
        "tanh(z) = (e^z − e^−z)/(e^z + e^−z)",
        ("tanh()",),
    ),
    _e(
        "relu",
        "ReLU",
        "rectified linear unit",
        "Passes positive z through and turns negative z into 0.",
        "relu(z) = max(0, z)",
        ("relu()",),
    ),
    _e(
        "max",
        "max",
        "maximum",
        "The larger of its arguments.",
        "max(0, z) is z when z > 0, else 0.",
        ("max()",),
    ),
    _e(
        "softmax",
        "softmax",
        "softmax",
        "Turns a layer's z into probabilities that are positive and sum to 1.",
        "σ(z)_i = e^z_i / Σ_j e^z_j",
        ("softmax()",),
    ),
    _e(
        "identity",
        "identity",
        "identity function",
        "Leaves z as it is (a linear layer).",
        "σ(z) = z",
        ("identity()",),
    ),
)
