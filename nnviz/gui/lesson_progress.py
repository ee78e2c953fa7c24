"""What a learner has done in each lesson file, remembered in the window's settings: the last
stop shown and the questions answered right, so a lesson opens where it was left and the
chooser can say how far each one got."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings


def _key(path: Path | str) -> str:
    """One settings group per lesson file (a hash: paths hold characters keys must not)."""
    digest = hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"lessons/{digest}"


class Progress:
    """Progress in one lesson file."""

    def __init__(self, settings: QSettings, path: Path | str) -> None:
        self.settings = settings
        self.key = _key(path)

    @property
    def stop(self) -> int:
        """The last stop shown (from 0)."""
        try:
            return max(int(self.settings.value(f"{self.key}/stop", 0)), 0)
        except (TypeError, ValueError):
            return 0

    @stop.setter
    def stop(self, k: int) -> None:
        self.settings.setValue(f"{self.key}/stop", int(k))

    @property
    def right(self) -> set[int]:
        """The stops whose question was answered right."""
        raw = self.settings.value(f"{self.key}/right", "")
        try:
            return {int(v) for v in str(raw or "").split(",") if v.strip()}
        except ValueError:
            return set()

    def answered_right(self, k: int) -> None:
        self.settings.setValue(f"{self.key}/right", ",".join(map(str, sorted(self.right | {k}))))

    def restart(self) -> None:
        self.settings.remove(self.key)

    def summary(self, n_stops: int, n_questions: int) -> str:
        """'stop 2 of 5 · 1 of 2 questions right', or 'not started'."""
        if not self.settings.contains(f"{self.key}/stop"):
            return "not started"
        text = f"stop {min(self.stop, n_stops - 1) + 1} of {n_stops}"
        if n_questions:
            text += f" · {len(self.right)} of {n_questions} questions right"
        return text
