"""Where nnviz's resource files are: the installed package's copy, or the source checkout's."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding ``presets/`` and ``icons/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if (candidate / "presets").is_dir():
            return candidate
    try:  # an install whose files are not on disk beside the package (e.g. an editable finder)
        from importlib.resources import files

        found = Path(str(files("nnviz.resources")))
        if (found / "presets").is_dir():
            return found
    except (ModuleNotFoundError, TypeError):
        pass
    raise FileNotFoundError("nnviz's resources folder is missing from this installation")


def resource(*parts: str) -> Path:
    """A path inside the resources folder."""
    return resources_dir().joinpath(*parts)
