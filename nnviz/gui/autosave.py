"""Autosave: the session is saved every few minutes to the app-data folder; a clean exit removes
the file, so finding one at start means the last run ended abruptly and can be restored."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

AUTOSAVE_INTERVAL_MS = 3 * 60 * 1000
FILE_NAME = "autosave.nnviz"


def data_dir() -> Path:
    """The app-data folder (``NNVIZ_DATA_DIR`` overrides it, e.g. for tests)."""
    override = os.environ.get("NNVIZ_DATA_DIR")
    if override:
        return Path(override)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".nnviz")


def autosave_path() -> Path:
    return data_dir() / FILE_NAME


def pending_autosave() -> Path | None:
    """The autosave a previous run left behind, if any (temporary files of saves that were
    interrupted are removed on the way)."""
    from nnviz.core.output import remove_stale_temps

    path = autosave_path()
    remove_stale_temps(path.parent)
    return path if path.is_file() else None


def clear_autosave() -> None:
    path = autosave_path()
    if path.exists():
        path.unlink()
