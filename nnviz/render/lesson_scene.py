"""A lesson stop as a scene: its network at its step and phase, with its sample, selection,
labels and zoom, built by the one scene builder (so an exported stop is the picture the window
shows at that stop). No Qt."""

from __future__ import annotations

import re

from nnviz.core.explain import neuron_formulas
from nnviz.core.lesson import Stop
from nnviz.core.lesson_answers import LessonRun
from nnviz.core.phases import phase_names
from nnviz.render.scene import SceneState
from nnviz.render.scene_builder import build_scene
from nnviz.render.view import ViewState


def stop_view(stop: Stop, view: ViewState) -> ViewState:
    """The view at a stop: the stop's labels and zoom over the given view's other choices."""
    return view.copy(label_mode=stop.labels or view.label_mode, zoom=stop.zoom, pan=(0.0, 0.0))


def stop_scene(run: LessonRun, stop: Stop, view: ViewState, *, formulas: bool = True) -> SceneState:
    """The scene of ``stop``; with ``formulas`` a selected neuron's formulas, with the numbers
    of the stop's phase, are drawn beside the network (as ``nnviz export --neuron`` does)."""
    spec = run.spec(stop)
    trace = run.trace(stop)
    engine = run.engine(stop)
    v = stop_view(stop, view)
    side = None
    if trace is not None:
        run.check_sample(stop, trace)
    sel = stop.select
    if formulas and trace is not None and sel and sel[0] == "neuron" and sel[1] >= 1:
        phase = phase_names(len(spec.layers) - 1)[stop.phase or 0]
        side = neuron_formulas(trace, sel[1] - 1, sel[2], stop.sample, max(v.digits, 4),
                               phase=phase, shared_bias=spec.bias_shared)  # fmt: skip
    weights, biases = run.parameters(stop) if trace is None else ((), ())
    return build_scene(
        spec,
        v,
        trace=trace,
        phase=-1 if stop.phase is None else stop.phase,
        sample=stop.sample,
        selection=sel,
        weights=weights,
        biases=biases,
        dataset=engine.dataset,
        side_text=side,
    )


_GREEK = str.maketrans({"δ": " delta ", "σ": " sigma ", "η": " eta ", "∂": " d "})


def stop_stem(k: int, stop: Stop) -> str:
    """The file stem of stop ``k`` (from 0): 'stop02-delta-of-output-neuron-1'."""
    title = stop.title.lower().translate(_GREEK)
    slug = re.sub(r"[^a-z0-9]+", "-", title).strip("-")[:40].strip("-")
    return f"stop{k + 1:02d}-{slug or 'stop'}"
