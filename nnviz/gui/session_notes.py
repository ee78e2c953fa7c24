"""The lecturer's notes: a few lines typed in the presenter view for one phase of one step of
one run, kept in the session (and its session file) so they are there at the next lecture."""

from __future__ import annotations

NoteKey = tuple[int, int, int]  # run id, step, phase


class NotesMixin:
    """Part of :class:`nnviz.gui.session.Session`, which provides ``run``, ``step``, ``phase``,
    ``dirty`` and ``changed``."""

    notes: dict[NoteKey, str]

    def note_key(self) -> NoteKey:
        return (self.run.id, self.step, self.phase)

    def note(self) -> str:
        """The notes of the phase shown ("" when none)."""
        return self.notes.get(self.note_key(), "")

    def set_note(self, text: str) -> None:
        """Keep ``text`` as the notes of the phase shown (blank text removes them)."""
        key = self.note_key()
        if text.strip():
            if self.notes.get(key) == text:
                return
            self.notes[key] = text
        elif self.notes.pop(key, None) is None:
            return
        self.dirty = True
