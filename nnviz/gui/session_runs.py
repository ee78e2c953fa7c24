"""The session's runs: showing another run, the changes that make one (a value typed, new
settings, another shape), comparing, renaming and deleting runs. ``RunsMixin`` is part of
:class:`nnviz.gui.session.Session`, which provides ``runs``, the position and the signals."""

from __future__ import annotations

from nnviz.core.runs import Run
from nnviz.core.session_file import Edit
from nnviz.core.spec import NetworkSpec


class RunsMixin:
    """Session methods about runs (see the module's docstring)."""

    def reset(self) -> None:
        """A new run from the initial weights with the same settings (the others stay)."""
        self.apply_settings(self.spec, restart=True)

    def switch_run(self, run: Run, step: int | None = None) -> None:
        """Show another run, at ``step`` (default: the step shown now, where it has it)."""
        self.pause()
        keep = self.step if step is None else step
        self.runs.current = run
        self.step = max(0, min(keep, run.n_steps))
        self.phase = -1 if self.step == 0 else max(self.phase, 0)
        if self.selection is not None and not _fits(self.selection, run.spec.layers):
            self.selection = None
        self.sample = 0
        self._evals = {}
        self._shown_run_changed()

    def _shown_run_changed(self) -> None:
        self.network_changed.emit()
        self.runs_changed.emit()
        self.history_grew.emit(self.n_steps)
        self.changed.emit()

    def apply_settings(self, spec: NetworkSpec, *, restart: bool = False) -> Run:
        """Other training settings from the step shown on (or from the initial weights, with
        ``restart``): a new run; the shown one keeps every step."""
        self.pause()
        run = self.runs.branch_settings(self.run, self.step, spec, restart=restart)
        self.dirty = True
        self.switch_run(run, 0 if restart or run.how == "reshape" else self.step)
        return run

    def reshape(self, spec: NetworkSpec, note: str) -> Run:
        """Another shape (``spec`` holds the weights made from the shown ones): a new run,
        counted from step 0; the shown one keeps every step."""
        self.pause()
        run = self.runs.branch_reshape(self.run, self.step, spec, note)
        self.dirty = True
        self.switch_run(run, 0)
        return run

    def set_compared(self, run: Run, on: bool) -> None:
        """Overlay a run's curves on the plots (the shown run always is)."""
        before = set(self.compared)
        if on:
            self.compared.add(run.id)
        else:
            self.compared.discard(run.id)
        if self.compared != before:
            self.compare_changed.emit()

    def compared_runs(self) -> list[Run]:
        """The runs ticked for overlays, other than the shown one, in id order."""
        return [
            self.runs.runs[i]
            for i in sorted(self.compared)
            if i in self.runs.runs and i != self.run.id
        ]

    def delete_run(self, run: Run) -> None:
        """Delete a run and the runs made from it (the first run stays)."""
        was = self.run
        gone = self.runs.remove(run)
        self.compared -= {r.id for r in gone}
        self.dirty = True
        if self.runs.current is not was:
            self.switch_run(self.runs.current)
        else:
            self.runs_changed.emit()

    def rename_run(self, run: Run, name: str) -> None:
        self.runs.rename(run, name)
        self.dirty = True
        self.runs_changed.emit()

    def set_parameter(self, layer: int, row: int, col: int | None, value: float) -> Run:
        """Give one weight (or bias, ``col`` None) a new value going into the shown step and
        show that step recomputed, in a run that branches off there: the shown run keeps every
        step (a fresh edit run with no later steps takes further edits itself). Returns the run
        now shown."""
        self.pause()
        shown = self.step
        at = max(shown - 1, 0)
        edit = Edit(at, layer, row, col, float(value))
        run = self.run
        if run.how == "edit" and run.branch_step == at and run.n_steps <= shown:
            self.runs.amend_edit(run, edit)
        else:
            run = self.runs.branch_edit(run, at, edit)
            self.runs.current = run
        self._evals = {}
        if shown:
            self._traced_step()
        self.dirty = True
        self.step = shown
        self._shown_run_changed()
        self._check_finite()
        return run


def _fits(sel, layers: tuple[int, ...]) -> bool:
    """Whether a selection names a neuron or weight that this network has."""
    n = len(layers)
    if sel.kind == "neuron":
        return 0 <= sel.layer < n and 0 <= sel.row < layers[sel.layer]
    return (
        0 <= sel.layer < n - 1
        and 0 <= sel.row < layers[sel.layer + 1]
        and 0 <= (sel.col or 0) < layers[sel.layer]
    )
