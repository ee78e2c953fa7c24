"""What the PyInstaller spec (packaging/nnviz.spec) decides, as plain functions the tests can
check on any platform: which executables each platform gets, what the bundle leaves out, the
macOS Info.plist and document types, the icons and the third-party notices.

Per platform:

- Linux: one folder ``dist/nnviz/`` with the ``nnviz`` executable (window and command line).
- Windows: ``dist\\nnviz\\`` with ``nnviz.exe`` (windowed: no console opens beside the app,
  errors come as dialogs) and ``nnviz-cli.exe`` (a console program for ``trace``/``export``),
  both with the icon from a ``.ico`` written at build time (no Pillow needed).
- macOS: ``dist/nnviz.app`` with an Info.plist, the ``.icns`` icon written at build time, the
  ``.nnviz`` session type declared (nnviz is its owner; JSON network files list nnviz as an
  alternative) and argv emulation, so a document opened from Finder arrives as the file argument.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "org.nnviz.nnviz"
SESSION_UTI = "org.nnviz.session"
SESSION_MIME = "application/x-nnviz-session"

# Modules nnviz never imports: leaving them out keeps the bundle smaller.
EXCLUDES = [
    "scipy",
    "pandas",
    "torch.utils.tensorboard",
    "torchvision",
    "tkinter",
    "matplotlib",
    "IPython",
    "pytest",
    "_pytest",
    "pluggy",
    "iniconfig",
    "hypothesis",
    "PySide6.QtWebEngineCore",
    "PySide6.Qt3DCore",
    "PySide6.QtQuick",
    "PySide6.QtQml",
    "PySide6.QtMultimedia",
]
HIDDEN_IMPORTS = [
    "nnviz.gui.app",
    "nnviz.export_cli",
    "nnviz.about",
    "nnviz.desktop",
    "PySide6.QtSvg",
]
# The training kernel is compiled by TorchScript at run time, which reads the function's source:
# keep kernel.py as a file beside its compiled form, or the bundle runs the slower plain kernel.
MODULE_COLLECTION_MODE = {"nnviz.core.kernel": "pyz+py"}

# Files torch's wheel carries for its own test suite and build tools: never loaded by nnviz.
UNUSED = [
    "torch/bin/*",
    "torch/lib/*_test.*",
    "torch/lib/*test*.so*",
    "torch/lib/*test*.dll",
    "torch/lib/*test*.dylib",
    "torch/lib/libbackend_with_compiler*",
    "torch/lib/libaoti_custom_ops*",
    "torch/lib/*aoti_custom_ops*",
    "torch/lib/backend_with_compiler*",
    "torch/test/*",
    "torch/include/*",
    "torch/share/cmake/*",
    "torch/testing/_internal/data/*",
]
KEEP = ["torch/bin/torch_shm_manager*"]  # torch refuses to import without it


def version() -> str:
    text = (ROOT / "nnviz" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise ValueError("nnviz/_version.py holds no version")
    return match.group(1)


def datas() -> list[tuple[str, str]]:
    """(source folder, folder in the bundle) of nnviz's resource files."""
    res = ROOT / "resources"
    names = ("presets", "lessons", "icons", "desktop")
    return [(str(res / name), f"nnviz/resources/{name}") for name in names]


def unused(dest: str) -> bool:
    """Whether a collected file (its path inside the bundle) is one nnviz never uses."""
    dest = dest.replace("\\", "/")
    if any(fnmatch.fnmatch(dest, pattern) for pattern in KEEP):
        return False
    return any(fnmatch.fnmatch(dest, pattern) for pattern in UNUSED)


def drop_unused(toc: Iterable[tuple]) -> list[tuple]:
    """A PyInstaller table of contents without the unused files."""
    return [entry for entry in toc if not unused(entry[0])]


def exe_variants(platform: str = sys.platform) -> list[dict]:
    """The executables of the bundle: their names and whether each is a console program."""
    if platform.startswith("win"):
        return [
            {"name": "nnviz", "console": False, "argv_emulation": False},
            {"name": "nnviz-cli", "console": True, "argv_emulation": False},
        ]
    if platform == "darwin":
        return [{"name": "nnviz", "console": False, "argv_emulation": True}]
    return [{"name": "nnviz", "console": True, "argv_emulation": False}]


def icon_for(platform: str, icons: dict[str, Path]) -> str | None:
    """The icon file PyInstaller embeds: ``.ico`` on Windows, ``.icns`` on macOS, none on Linux
    (desktops take the launcher's icon there)."""
    if platform.startswith("win"):
        return str(icons["ico"])
    if platform == "darwin":
        return str(icons["icns"])
    return None


def info_plist(ver: str) -> dict:
    """The macOS Info.plist entries beyond PyInstaller's own."""
    return {
        "CFBundleName": "nnviz",
        "CFBundleDisplayName": "nnviz",
        "CFBundleIdentifier": APP_ID,
        "CFBundleShortVersionString": ver,
        "CFBundleVersion": ver,
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "LSApplicationCategoryType": "public.app-category.education",
        "NSHumanReadableCopyright": "Copyright (c) 2026 The nnviz authors. MIT licence.",
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "nnviz session",
                "CFBundleTypeRole": "Editor",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [SESSION_UTI],
                "CFBundleTypeIconFile": "nnviz.icns",
            },
            {
                "CFBundleTypeName": "Network file (JSON)",
                "CFBundleTypeRole": "Viewer",
                "LSHandlerRank": "Alternate",
                "LSItemContentTypes": ["public.json"],
            },
        ],
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": SESSION_UTI,
                "UTTypeDescription": "nnviz session",
                "UTTypeConformsTo": ["public.json", "public.data"],
                "UTTypeIconFile": "nnviz.icns",
                "UTTypeTagSpecification": {
                    "public.filename-extension": ["nnviz"],
                    "public.mime-type": [SESSION_MIME],
                },
            }
        ],
    }


def top_levels(pure: Iterable[tuple], binaries: Iterable[tuple]) -> set[str]:
    """Top-level package names of what was collected (for the notices)."""
    names = {entry[0].split(".")[0] for entry in pure}
    for entry in binaries:
        first = entry[0].replace("\\", "/").split("/")[0]
        if first:
            names.add(first)
    return names


def system_files(binaries: Iterable[tuple]) -> list[str]:
    """Collected libraries that came from the system rather than Python or a wheel."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    out = []
    for entry in binaries:
        src = str(entry[1])
        real = os.path.realpath(src)
        if not os.path.isabs(src) or "site-packages" in real:
            continue
        if any(real.startswith(p + os.sep) for p in prefixes):
            continue
        out.append(src)
    return sorted(set(out))


def machine() -> str:
    import platform

    return platform.machine() or "unknown machine"
