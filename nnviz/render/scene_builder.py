"""The one scene builder: a network, a step's trace, a phase and a view state become the
:class:`SceneState` the renderer draws. The window, lecture mode, the presenter view, the
window's export and ``nnviz export`` all build their scenes here, so the same step drawn with
the same view gives the same picture wherever it is drawn. No Qt."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnviz.core.data import Dataset
from nnviz.core.explain import header, phase_caption
from nnviz.core.phases import phase_names
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace
from nnviz.render import mistake_view
from nnviz.render.scene import SceneState
from nnviz.render.view import ViewState


def data_names(dataset: Dataset) -> tuple[list[str], list[str] | None]:
    """The names drawn beside the inputs and (for regression, where each output is a named
    quantity) beside the outputs."""
    outputs = list(dataset.target_names) if dataset.task == "regression" else None
    return list(dataset.input_names), outputs


def build_scene(
    spec: NetworkSpec,
    view: ViewState,
    *,
    trace: StepTrace | None = None,
    phase: int = -1,
    sample: int = 0,
    selection: tuple | None = None,
    weights: Sequence[np.ndarray] = (),
    biases: Sequence[np.ndarray] = (),
    dataset: Dataset | None = None,
    side_text: list[str] | None = None,
    hidden: bool = False,
) -> SceneState:
    """The scene of ``trace`` at ``phase`` (an index of the network's phases; −1 or no trace:
    the network before training, drawn from ``weights`` and ``biases``). ``hidden``: predict
    mode, the numbers this phase introduces are drawn as "?" (the header's loss too)."""
    names = phase_names(len(spec.layers) - 1)
    shown = trace is not None and 0 <= phase < len(names)
    phase_name = names[phase] if shown else "start"
    head = header(spec.name, trace if shown else None, phase_name, len(names))
    if hidden and shown and phase_name == "loss":
        head = head.rsplit(" · loss ", 1)[0] + " · loss ?"
    inputs, outputs = data_names(dataset) if dataset is not None else (None, None)
    return SceneState(
        sizes=tuple(spec.layers),
        activations=tuple(spec.activations),
        weights=list(weights) if not shown else [],
        biases=list(biases) if not shown else [],
        trace=trace if shown else None,
        phase=phase if shown else -1,
        sample=sample,
        label_mode=view.label_mode,
        digits=view.digits,
        selection=selection,
        theme=view.theme,
        header=head,
        caption=mistake_view.with_caption(
            phase_caption(spec.activations, spec.loss, phase_name, optimizer=spec.optimizer),
            mistake_view.caption_note(view.mistake, trace if shown else None),
        ),
        show_caption=view.show_caption,
        show_legend=view.show_legend,
        legend_corner=view.legend_corner,
        zoom=view.zoom,
        pan=view.pan,
        input_names=inputs,
        output_names=outputs,
        scale=view.scale,
        side_text=side_text,
        mistake=None  # a mistake's numbers would give a hidden phase away
        if hidden and shown
        else mistake_view.outcome_for(spec, trace if shown else None, view.mistake),
        hidden=hidden and shown,
    )
