"""Third-party licence texts and notices for what the desktop bundle ships, gathered at build time.

The bundle spec hands over the names of the modules and files PyInstaller collected; each is
mapped to the Python distribution it came from (its licence files from the distribution's
metadata), to Python itself, or — for a system library copied beside them on Debian-like
systems — to the Debian package it belongs to (its copyright file). Qt and PySide6 carry no
licence file of their own, so the LGPL-3.0 and GPL-3.0 texts kept in packaging/licenses/ are
added for them, with a note on how the bundle lets a user replace the Qt libraries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LICENCE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|notice|authors|copyright)[^/]*$", re.I)
LGPL_DISTS = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}
QT_NOTE = """\
Qt and PySide6 (Qt for Python) are used under the GNU Lesser General Public License, version 3
(LGPL-3.0-only); its text and the GPL-3.0 text it builds on are in licenses/PySide6_Essentials/.
The bundle keeps them as separate shared libraries (the PySide6 folder inside the bundle), so
you may replace them with other builds of the same Qt and PySide6 versions. The source code of
Qt and PySide6 is published by the Qt Project.
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions_for(top_levels: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions providing these top-level modules or folders."""
    owners = metadata.packages_distributions()
    names = {d for top in top_levels for d in owners.get(top, [])}
    found: dict[str, metadata.Distribution] = {}
    for name in sorted(names, key=_norm):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.setdefault(_norm(dist.metadata["Name"]), dist)
    return [found[k] for k in sorted(found)]


def licence_of(dist: metadata.Distribution) -> str:
    """The distribution's licence as its metadata states it (SPDX expression where given)."""
    meta = dist.metadata
    expr = meta.get("License-Expression") or ""
    if expr:
        return expr
    text = (meta.get("License") or "").strip()
    if text and len(text) < 120 and "\n" not in text:
        return text
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if "License" in c]
    return "; ".join(classifiers) or "see the licence files"


def licence_files(dist: metadata.Distribution) -> list[tuple[str, Path]]:
    """(path inside the dist, file on disk) of every licence, notice or copyright file."""
    out = []
    for f in dist.files or []:
        rel = str(f)
        if LICENCE_FILE.search(rel) and "/tests/" not in rel:
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                out.append((rel, path))
    return out


def python_licence() -> Path | None:
    for folder in (sysconfig.get_path("stdlib"), sys.base_prefix):
        for name in ("LICENSE.txt", "LICENSE"):
            path = Path(folder) / name
            if path.is_file():
                return path
    debian = Path(f"/usr/share/doc/python{sys.version_info.major}.{sys.version_info.minor}")
    return debian / "copyright" if (debian / "copyright").is_file() else None


def debian_packages(files: Iterable[str]) -> dict[str, list[str]]:
    """Debian package -> the given system files it owns (empty where dpkg is absent). Each file
    is looked up as given, resolved, and under /usr or without it (merged-/usr systems)."""
    files = [f for f in files if f.startswith("/")]
    if not files or shutil.which("dpkg") is None:
        return {}
    asked: dict[str, str] = {}
    for f in files:
        real = os.path.realpath(f)
        for path in (f, real):
            other = path.removeprefix("/usr") if path.startswith("/usr/") else "/usr" + path
            for candidate in (path, other):
                asked.setdefault(candidate, Path(f).name)
    res = subprocess.run(
        ["dpkg", "-S", *asked], capture_output=True, text=True, check=False, timeout=120
    )
    owned: dict[str, set[str]] = {}
    for line in res.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        if path in asked:
            for pkg in pkgs.split(", "):
                owned.setdefault(pkg.split(":")[0], set()).add(asked[path])
    return {pkg: sorted(names) for pkg, names in owned.items()}


def write_notices(
    dest: Path, top_levels: Iterable[str], system_files: Iterable[str] = ()
) -> list[Path]:
    """Write ``THIRD-PARTY-NOTICES.txt`` and ``licenses/<component>/…`` into ``dest``; returns
    every file written."""
    written: list[Path] = []
    licenses = dest / "licenses"

    def copy(src: Path, component: str, rel: str) -> str | None:
        target = licenses / component / rel
        if target in written:  # a vendored copy of the same file
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        written.append(target)
        return f"licenses/{component}/{rel}"

    parts = [
        "Third-party software in the nnviz desktop bundle",
        "=================================================",
        "",
        "nnviz itself is under the MIT licence (LICENSE). The bundle also contains the",
        "following software, each under its own licence; their texts are in licenses/.",
        "",
    ]
    py = python_licence()
    parts.append(f"Python {sys.version.split()[0]} — PSF-2.0")
    if py:
        parts.append(f"  {copy(py, 'Python', 'LICENSE.txt')}")
    parts.append("")
    for dist in distributions_for(top_levels):
        name, version = dist.metadata["Name"], dist.version
        if _norm(name) == "nnviz":
            continue
        parts.append(f"{name} {version} — {licence_of(dist)}")
        files = licence_files(dist)
        for rel, path in files:
            inner = rel.split(".dist-info/", 1)[-1].removeprefix("licenses/")
            if ".dist-info/" not in rel:  # a file inside the package: keep its place
                inner = "package/" + rel
            shown = copy(path, name, inner)
            if shown:
                parts.append(f"  {shown}")
        if _norm(name) in LGPL_DISTS:
            for text in ("LGPL-3.0.txt", "GPL-3.0.txt"):
                parts.append(f"  {copy(HERE / 'licenses' / text, name, text)}")
            parts.extend("  " + line for line in QT_NOTE.splitlines())
        elif not files:
            parts.append("  (this distribution ships no licence file; see its metadata above)")
        parts.append("")
    for pkg, names in sorted(debian_packages(system_files).items()):
        parts.append(f"{', '.join(names)} — from the Debian package {pkg}")
        copyright_file = Path("/usr/share/doc") / pkg / "copyright"
        if copyright_file.is_file():
            parts.append(f"  {copy(copyright_file, 'system-' + pkg, 'copyright')}")
        parts.append("")
    dest.mkdir(parents=True, exist_ok=True)
    summary = dest / "THIRD-PARTY-NOTICES.txt"
    summary.write_text("\n".join(parts), encoding="utf-8")
    shutil.copyfile(ROOT / "LICENSE", dest / "LICENSE")
    return [summary, dest / "LICENSE", *written]
