"""Undoable changes that make runs: typing a value, other settings, another shape. The change
makes a new run (and shows it) before it is pushed here; undo shows the run that was shown
before, at the same step, and redo the new run again, so nothing is recomputed away or lost."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from nnviz.core.runs import Run
from nnviz.gui.session import Session


class MadeRun(QUndoCommand):
    """A run made by a change; undo goes back to ``before`` at ``before_at`` (step, phase)."""

    def __init__(
        self, session: Session, text: str, before: Run, before_at: tuple[int, int], made: Run
    ) -> None:
        super().__init__(text)
        self.session, self.before, self.before_at, self.made = session, before, before_at, made
        self.made_at = (session.step, session.phase)
        self._first = True

    def redo(self) -> None:
        if self._first:  # pushed just after the change: it is done already
            self._first = False
            return
        self._show(self.made, self.made_at)

    def undo(self) -> None:
        s = self.session
        if s.run is self.made:
            self.made_at = (s.step, s.phase)
        self._show(self.before, self.before_at)

    def _show(self, run: Run, at: tuple[int, int]) -> None:
        s = self.session
        if run.id in s.runs.runs and s.runs.runs[run.id] is run:  # not deleted since
            s.switch_run(run, at[0])
            s.goto_step(*at)


def make_run(stack: QUndoStack, session: Session, text: str, change: Callable[[], Run]) -> Run:
    """Do a change that makes a run (errors propagate, nothing pushed), then make it undoable."""
    before, at = session.run, (session.step, session.phase)
    made = change()
    stack.push(MadeRun(session, text, before, at, made))
    return made
