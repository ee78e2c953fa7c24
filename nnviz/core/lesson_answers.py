"""The answers to a lesson's questions, computed by the engine when they are asked.

A stop's question names a number (``delta[2,1]``) or a metric (``accuracy[test]``); its answer
is never written in the lesson file. :class:`LessonRun` runs each stop's network to the stop's
step, as the window's history does (untraced steps, then the stop's step traced), keeps the
trace, and reads the answer from it with :func:`nnviz.core.quantities.value`, or evaluates the
metric on the parameters after that step. The window, ``nnviz lesson check`` and
``nnviz export LESSON`` all use it. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnviz.core.engine import Engine, EngineState
from nnviz.core.errors import NnvizError, printable
from nnviz.core.lesson import Lesson, LessonError, Stop
from nnviz.core.lesson_metrics import metric_value
from nnviz.core.netfile import load as load_network
from nnviz.core.numfmt import fmt
from nnviz.core.phases import phase_names
from nnviz.core.quantities import human, value
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import StepTrace


@dataclass(frozen=True)
class Answer:
    """A stop's computed answer: the number, the reference the file gave (people's numbering)
    and what it is in words ('δ of neuron 1 in the output layer')."""

    value: float
    reference: str
    description: str

    def text(self, digits: int = 6) -> str:
        return fmt(self.value, digits)


@dataclass
class _Run:
    spec: NetworkSpec
    engine: Engine
    start: tuple[list[np.ndarray], list[np.ndarray]]
    states: dict[int, EngineState]
    """The training state after each step a stop has visited (keyframes for going back)."""


class LessonRun:
    """A lesson's networks, run on demand to each stop's step. Stops may be visited in any
    order: going back restarts from the training state kept at the latest step visited before
    it (the same batches, so the same numbers)."""

    def __init__(
        self,
        lesson: Lesson,
        *,
        device: str | None = "cpu",
        dtype: str | None = None,
        allow_outside_data: bool = False,
    ) -> None:
        self.lesson = lesson
        self.device, self.dtype, self.allow_outside = device, dtype, allow_outside_data
        self._runs: dict[Path, _Run] = {}
        self._traces: dict[tuple[Path, int], StepTrace] = {}
        self._answers: dict[int, Answer | None] = {}

    # ----- networks -----------------------------------------------------------------------
    def spec(self, stop: Stop) -> NetworkSpec:
        return self._run(stop).spec

    def engine(self, stop: Stop) -> Engine:
        """The stop's engine, holding the parameters after ``stop.step`` steps (going back
        starts from the latest visited step before it: the same batches, the same numbers)."""
        run = self._run(stop)
        eng = run.engine
        key = max(k for k in run.states if k <= stop.step)
        if eng.step_count > stop.step or key > eng.step_count:
            eng.set_state(run.states[key])
        if stop.step > eng.step_count + 1:
            eng.run(stop.step - 1 - eng.step_count)
        if stop.step == eng.step_count + 1:
            self._traces[(stop.network_path, stop.step)] = eng.step()
        if stop.step not in run.states:
            run.states[stop.step] = eng.get_state()
        return eng

    def trace(self, stop: Stop) -> StepTrace | None:
        """The trace of the stop's step (None at step 0, before the first step)."""
        if stop.step == 0:
            return None
        key = (stop.network_path, stop.step)
        if key not in self._traces:
            self.engine(stop)
        return self._traces[key]

    def parameters(self, stop: Stop) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Weights and biases the stop's picture shows before training (step 0)."""
        return self._run(stop).start

    def _run(self, stop: Stop) -> _Run:
        path = stop.network_path
        if path not in self._runs:
            try:
                spec, base = load_network(str(path))
                eng = Engine(
                    spec,
                    base_dir=base,
                    device=self.device,
                    dtype=self.dtype,
                    allow_outside_data=self.allow_outside,
                )
            except NnvizError as exc:
                raise self.error(stop, "network", f"{path.name}: {exc.detail}") from None
            self._runs[path] = _Run(spec, eng, eng.parameters(), {0: eng.get_state()})
        return self._runs[path]

    # ----- answers ------------------------------------------------------------------------
    def answer(self, stop: Stop) -> Answer | None:
        """The computed answer to the stop's question (None when it asks none)."""
        k = self.lesson.stops.index(stop)
        if k not in self._answers:
            self._answers[k] = self._compute(stop)
        return self._answers[k]

    def _compute(self, stop: Stop) -> Answer | None:
        if stop.metric is not None:
            eng = self.engine(stop)
            try:
                v = metric_value(eng, stop.metric)
            except ValueError as exc:
                raise self.error(stop, "answer", str(exc)) from None
            return Answer(v, stop.metric.text(), stop.metric.describe())
        if stop.answer is None:
            return None
        tr = self.trace(stop)
        if tr is None:
            raise self.error(stop, "answer", "a question about a step's number needs step ≥ 1")
        self.check_sample(stop, tr)
        n_layers = len(tr.layers)
        return Answer(value(tr, stop.answer, stop.sample), human(stop.answer),
                      stop.answer.describe(n_layers))  # fmt: skip

    def check_sample(self, stop: Stop, tr: StepTrace) -> None:
        rows = tr.inputs.shape[0]
        if stop.sample >= rows:
            raise self.error(stop, "sample", f"the step's batch has {rows} sample(s)")

    def all_answers(self) -> list[Answer | None]:
        """Every stop's answer, in order (each computed once)."""
        return [self.answer(s) for s in self.lesson.stops]

    def error(self, stop: Stop, key: str, message: str) -> LessonError:
        """A problem found while running a stop: named by file, the stop's line and the key."""
        k = self.lesson.stops.index(stop)
        return LessonError(
            f"line {stop.line}, stop {k + 1}, key '{key}': {printable(message, 160)}",
            self.lesson.path.name,
        )


def where_text(stop: Stop, n_layers: int) -> str:
    """'step 1, backward-L2' or 'step 0, before training'."""
    if stop.step == 0 or stop.phase is None:
        return f"step {stop.step}, before training"
    return f"step {stop.step}, {phase_names(n_layers)[stop.phase]}"
