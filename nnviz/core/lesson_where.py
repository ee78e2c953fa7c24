"""Where a problem in a lesson file is: the error type of lesson files, and the finder of the
line of a key (at top level, in a stop, in one of a stop's ink strokes) that every message
names. No Qt."""

from __future__ import annotations

import re
from pathlib import Path

from nnviz.core.errors import NnvizError, printable


class LessonError(NnvizError):
    """A lesson file that cannot be used: the message names the file, the line and the key."""


class Where:
    """Finds the line of a key in the file's text, for messages."""

    _TABLE = re.compile(r"^\s*\[")
    _STOP = re.compile(r"^\s*\[\[\s*stop\s*\]\]")
    _INK = re.compile(r"^\s*\[\[\s*stop\s*\.\s*ink\s*\]\]")

    def __init__(self, path: Path, text: str) -> None:
        self.name = path.name
        self.lines = text.splitlines()
        self.stop_lines = [i for i, s in enumerate(self.lines) if self._STOP.match(s)]

    def line_of(self, key: str | None, stop: int | None) -> int:
        """1-based line of ``key`` at top level (``stop`` None) or in stop ``stop`` (from 0)."""
        if stop is None:
            start, end = (
                0,
                next(
                    (i for i, s in enumerate(self.lines) if self._TABLE.match(s)), len(self.lines)
                ),
            )
        elif stop < len(self.stop_lines):
            start = self.stop_lines[stop]
            end = next(
                (i for i in range(start + 1, len(self.lines)) if self._TABLE.match(self.lines[i])),
                len(self.lines),
            )
        else:
            return 0
        if key:
            pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
            for i in range(start, end):
                if pat.match(self.lines[i]):
                    return i + 1
        return start + 1 if stop is not None else 0

    def ink_line(self, key: str | None, stop: int, stroke: int) -> int:
        """1-based line of ``key`` in stroke ``stroke`` (from 0) of stop ``stop``."""
        if stop >= len(self.stop_lines):
            return 0
        start = self.stop_lines[stop]
        end = self.stop_lines[stop + 1] if stop + 1 < len(self.stop_lines) else len(self.lines)
        heads = [i for i in range(start, end) if self._INK.match(self.lines[i])]
        if stroke >= len(heads):
            return self.line_of("ink", stop)
        first = heads[stroke]
        stop_at = next((i for i in range(first + 1, end) if self._TABLE.match(self.lines[i])), end)
        pat = re.compile(rf"^\s*[\"']?{re.escape(key or '')}[\"']?\s*=")
        for i in range(first, stop_at):
            if key and pat.match(self.lines[i]):
                return i + 1
        return first + 1

    def ink_error(self, message: str, key: str | None, stop: int, stroke: int) -> LessonError:
        place = f"line {self.ink_line(key, stop, stroke)}, stop {stop + 1}, ink {stroke + 1}"
        what = f"key 'ink.{printable(key, 30)}'" if key else "key 'ink'"
        return LessonError(f"{place}, {what}: {message}", self.name)

    def error(self, message: str, key: str | None = None, stop: int | None = None) -> LessonError:
        line = self.line_of(key, stop)
        place = [f"line {line}"] if line else []
        if stop is not None:
            place.append(f"stop {stop + 1}")
        if key:
            place.append(f"key '{printable(key, 30)}'")
        return LessonError(f"{', '.join(place)}: {message}" if place else message, self.name)
