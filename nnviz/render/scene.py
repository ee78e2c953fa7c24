"""What the renderer draws: a network's state at one phase, and how to show it. No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.core.mistakes import Outcome
from nnviz.core.phases import parse_phase, phase_names
from nnviz.core.trace import StepTrace

LABEL_MODES = ("none", "activation", "pre_activation", "delta", "activation_grad", "all")
QUANTITY_TEXT = {"w": "weight w", "grad": "gradient ∂L/∂w", "dw": "update Δw"}


@dataclass
class SceneState:
    """The renderer's input. ``phase`` indexes ``phase_names(L)``; −1 means no step yet (the
    network and ``weights`` only). Layers index ``sizes`` (0 = input); a selection is
    ("neuron", layer, i) or ("edge", weight_layer, row, col) with weight layer l joining layer l
    to l + 1. ``label_mode`` is one of LABEL_MODES (what each shows: see render.neurons);
    ``scale`` multiplies the theme's type sizes; ``pan`` is in target pixels; ``hidden``: the
    phase's own new numbers are drawn as "?" until the learner reveals them. Trace arrays are
    treated as immutable (the renderer caches by identity); ``weights`` may be edited in place.
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...] = ()
    weights: list[np.ndarray] = field(default_factory=list)
    biases: list[np.ndarray] = field(default_factory=list)
    trace: StepTrace | None = None
    phase: int = -1
    sample: int = 0
    label_mode: str = "activation"
    digits: int = 3
    selection: tuple | None = None
    theme: str = "light"
    header: str = ""
    caption: str = ""
    show_caption: bool = True
    show_legend: bool = True
    legend_corner: bool = False  # the compact legend in the corner (lecture mode)
    zoom: float = 1.0
    pan: tuple[float, float] = (0.0, 0.0)
    input_names: list[str] | None = None
    output_names: list[str] | None = None
    scale: float = 1.0
    max_visible: int = 24
    side_text: list[str] | None = None
    transparent: bool = False
    mistake: Outcome | None = None
    """A classic mistake's numbers, drawn under the right ones (render.mistake_view)."""
    hidden: bool = False
    """Predict mode: the numbers this phase introduces are drawn as "?" (render.display)."""

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def phase_name(self) -> str:
        if self.trace is None or self.phase < 0:
            return "start"
        return phase_names(self.n_layers)[self.phase]

    def phase_kind(self) -> tuple[str, int | None]:
        """('forward'|'loss'|'backward'|'update'|'start', weight layer from 1 or None)."""
        name = self.phase_name
        return ("start", None) if name == "start" else parse_phase(name)

    def values_known(self, layer: int) -> bool:
        """Whether layer ``layer`` (0 = input) has its activations at this phase."""
        kind, k = self.phase_kind()
        if kind == "start":
            return False
        if kind == "forward":
            return layer <= (k or 0)
        return True

    def delta_known(self, layer: int) -> bool:
        """Whether layer ``layer`` (≥ 1) has its δ at this phase."""
        kind, k = self.phase_kind()
        if layer == 0:
            return False
        if kind == "backward":
            return layer >= (k or 0)
        return kind == "update"

    def edge_quantity(self, wl: int) -> str:
        """What weight layer ``wl`` (from 0) shows: "w" (weights), "grad" (∂L/∂w, from the
        backward phase that reaches it on) or "dw" (the update)."""
        kind, k = self.phase_kind()
        if self.trace is None:
            return "w"
        if kind == "update":
            return "dw"
        if kind == "backward" and wl + 1 >= (k or 0):
            return "grad"
        return "w"

    def edge_array(self, wl: int, quantity: str) -> np.ndarray:
        """Weight layer ``wl``'s matrix [N, M] of ``quantity`` ("w", "grad" or "dw")."""
        tr = self.trace
        if tr is None:
            return np.asarray(self.weights[wl])
        lay = tr.layers[wl]
        return {"dw": lay.weight_update, "grad": lay.weight_grad}.get(quantity, lay.weights_before)

    def edge_values(self, wl: int) -> tuple[np.ndarray, str]:
        """The values weight layer ``wl`` (from 0) shows, and what they are."""
        q = self.edge_quantity(wl)
        return self.edge_array(wl, q), QUANTITY_TEXT[q]
