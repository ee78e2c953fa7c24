"""What the renderer draws: a network's state at one phase, and how to show it. No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.core.phases import parse_phase, phase_names
from nnviz.core.trace import StepTrace

LABEL_MODES = ("none", "activation", "pre_activation", "delta", "activation_grad", "all")


@dataclass
class SceneState:
    """The renderer's input. ``phase`` indexes ``phase_names(L)``; −1 means no step yet."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...] = ()
    weights: list[np.ndarray] = field(default_factory=list)
    biases: list[np.ndarray] = field(default_factory=list)
    trace: StepTrace | None = None
    phase: int = -1
    sample: int = 0
    label_mode: str = "activation"
    decimals: int = 3
    selection: tuple | None = None
    theme: str = "light"
    header: str = ""
    caption: str = ""
    show_caption: bool = True
    show_legend: bool = True
    zoom: float = 1.0
    pan: tuple[float, float] = (0.0, 0.0)
    input_names: list[str] | None = None
    output_names: list[str] | None = None
    scale: float = 1.0
    max_visible: int = 24
    side_text: list[str] | None = None
    transparent: bool = False

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

    def edge_values(self, wl: int) -> tuple[np.ndarray, str]:
        """The values weight layer ``wl`` (from 0) shows, and what they are."""
        kind, k = self.phase_kind()
        tr = self.trace
        if tr is None:
            return self.weights[wl], "weight w"
        lay = tr.layers[wl]
        if kind == "update":
            return lay.weight_update, "update Δw"
        if kind == "backward" and wl + 1 >= (k or 0):
            return lay.weight_grad, "gradient ∂L/∂w"
        return lay.weights_before, "weight w"
