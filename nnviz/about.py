"""``nnviz --version --verbose``: what this installation is made of, for bug reports and for
checking a build (which training kernel runs, which Qt and PyTorch, bundle or Python package)."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

from nnviz._version import __version__


def version_line() -> str:
    return f"nnviz {__version__}"


def version_report() -> str:
    """Several ``key: value`` lines; each part that cannot be loaded says why instead."""
    lines = [
        version_line(),
        f"python: {platform.python_version()} ({platform.python_implementation()}, "
        f"{platform.system()} {platform.machine()})",
        f"install: {_install_kind()}",
        f"torch: {_torch()}",
        f"training kernel: {_kernel()}",
        f"numpy: {_dist_version('numpy')}",
        f"qt: {_qt()}",
        f"pyqtgraph: {_dist_version('pyqtgraph')}",
    ]
    return "\n".join(lines)


def _install_kind() -> str:
    if getattr(sys, "frozen", False):
        return f"desktop bundle in {os.path.dirname(sys.executable)}"
    here = os.path.dirname(os.path.abspath(__file__))
    return f"Python package in {here}"


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        try:  # a frozen bundle keeps modules, not always their metadata
            return str(__import__(name).__version__)
        except Exception as exc:  # noqa: BLE001 (reported, not raised)
            return f"not available ({exc})"


def _torch() -> str:
    try:
        import torch
    except Exception as exc:  # noqa: BLE001
        return f"not available ({exc})"
    cuda = "CUDA " + (torch.version.cuda or "") if torch.cuda.is_available() else "CPU only"
    return f"{torch.__version__} ({cuda}, {torch.get_num_threads()} threads)"


def _kernel() -> str:
    """Which form of the fused training kernel this installation runs (compiling it if needed)."""
    try:
        from nnviz.core import kernel as kernel_mod

        kernel_mod.kernel()
        kind = kernel_mod.KERNEL_KIND
    except Exception as exc:  # noqa: BLE001
        return f"not available ({exc})"
    if kind == "torchscript":
        return "torchscript (the fast path)"
    why = (
        "NNVIZ_KERNEL=python is set"
        if os.environ.get("NNVIZ_KERNEL") == "python"
        else "TorchScript could not compile it here"
    )
    return f"python (plain, slower: {why})"


def _qt() -> str:
    try:
        import PySide6
        from PySide6 import QtCore
    except Exception as exc:  # noqa: BLE001
        return f"not available ({exc})"
    return f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()}"
