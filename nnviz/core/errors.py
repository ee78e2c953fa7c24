"""Errors the engine raises for bad input: each carries one line naming the problem and where."""


class NnvizError(ValueError):
    """A user-facing problem with input (a file, an option, a value).

    The message is one line, fit to print after ``nnviz:`` on stderr or in a dialog.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)


class SpecError(NnvizError):
    """A network description (file or dictionary) that cannot be used."""


class DataError(NnvizError):
    """Training or test data that cannot be used (CSV, inline data, data set options)."""


class DivergenceError(NnvizError):
    """NaN or Inf appeared in a step's loss, activations or weights."""
