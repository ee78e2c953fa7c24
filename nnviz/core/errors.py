"""Errors the engine raises for bad input: each carries one line naming the problem and where.

Messages quote files that came from strangers (a file name, a column header, a cell), so every
message is made printable here, once: control characters (newlines, escape sequences that would
retitle or clear a terminal, direction overrides) are shown escaped and the line is bounded.
"""

from __future__ import annotations

import unicodedata

NAME_MAX_CHARS = 60  # a column name, a layer name as shown
WHERE_MAX_CHARS = 160  # a path naming where a problem is
MESSAGE_MAX_CHARS = 400  # one error line


def printable(text: object, limit: int = NAME_MAX_CHARS, *, keep_end: bool = False) -> str:
    """``text`` with control and format characters escaped (``\\n``, ``\\x1b``, ``\\u202e``) and
    at most ``limit`` characters (an ellipsis marks a cut; ``keep_end`` keeps the end, as for a
    path whose file name matters most)."""
    s = str(text)
    if not s.isprintable():
        s = "".join(
            c
            if c.isprintable() or c == " "
            else ascii(c)[1:-1]
            if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
            else " "
            for c in s
        )
    if len(s) > limit:
        s = "…" + s[-(limit - 1) :] if keep_end else s[: limit - 1] + "…"
    return s


class NnvizError(ValueError):
    """A user-facing problem with input (a file, an option, a value).

    The message is one printable line, fit to print after ``nnviz:`` on stderr or in a dialog.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        self.where = None if where is None else printable(where, WHERE_MAX_CHARS, keep_end=True)
        self.detail = printable(message, MESSAGE_MAX_CHARS)
        text = f"{self.where}: {self.detail}" if self.where else self.detail
        super().__init__(printable(text, MESSAGE_MAX_CHARS + WHERE_MAX_CHARS))


class SpecError(NnvizError):
    """A network description (file or dictionary) that cannot be used."""


class DataError(NnvizError):
    """Training or test data that cannot be used (CSV, inline data, data set options)."""


class DivergenceError(NnvizError):
    """NaN or Inf appeared in a step's loss, activations or weights."""


class BudgetError(NnvizError):
    """Work that would need more memory or time than its limit allows (refused before it starts)."""


class OutsideDataError(DataError):
    """A data file outside the network file's folder: read only after the user confirms."""

    def __init__(self, message: str, where: str | None = None, path: str = "") -> None:
        super().__init__(message, where)
        self.path = path
