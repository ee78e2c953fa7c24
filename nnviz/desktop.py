"""Freedesktop integration for the current user: ``nnviz --install-desktop`` and
``--uninstall-desktop``.

Installs the launcher (pointing at the nnviz that runs this, by absolute path, so it works
without ``nnviz`` on the desktop session's PATH), the icons, the ``.nnviz`` session MIME type and
the AppStream metadata under ``$XDG_DATA_HOME`` (``~/.local/share``), then refreshes the desktop's
caches where their tools exist. No Qt: it runs before, and without, any window.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from nnviz.core.errors import NnvizError
from nnviz.core.output import write_bytes, write_text
from nnviz.resources_path import resource

APP_ID = "org.nnviz.nnviz"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` where it is unset or not absolute (the spec)."""
    env = os.environ.get("XDG_DATA_HOME", "")
    return Path(env) if os.path.isabs(env) else Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """The command a launcher runs to start this nnviz: the bundle's own executable, the
    ``nnviz`` script this Python installed, or ``python -m nnviz`` with this interpreter."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    candidates = [Path(sys.argv[0]).resolve()] if Path(sys.argv[0]).name == "nnviz" else []
    for scheme in (None, f"{os.name}_user"):
        try:
            folder = (
                sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
            )
        except KeyError:
            continue
        candidates.append(Path(folder) / "nnviz")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK) and _is_ours(path):
            return [str(path)]
    # not resolved: a virtual environment's python is a link to the base interpreter, which
    # would not see the environment's packages
    return [os.path.abspath(sys.executable), "-m", "nnviz"]


def _is_ours(script: Path) -> bool:
    """A script is this installation's when its first line names an interpreter in this
    interpreter's folder (pip writes the path there); another environment's ``nnviz`` would
    start other code."""
    try:
        with script.open("rb") as f:
            first = f.readline(4096).decode("utf-8", "replace")
    except OSError:
        return False
    if not first.startswith("#!"):
        return True  # a compiled launcher: it sits in this environment's scripts folder
    named = first[2:].strip().split()[0] if first[2:].strip() else ""
    try:  # the same bin folder (an environment's python links to a base interpreter shared
        # by every environment made from it, so the interpreters themselves cannot tell)
        here = Path(os.path.abspath(sys.executable)).parent.resolve()
        return bool(named) and Path(named).parent.resolve() == here
    except OSError:
        return False


def exec_quote(arg: str) -> str:
    """One argument of a desktop file's ``Exec`` key, quoted as the Desktop Entry spec asks (then
    escaped once more, as every string value is)."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`="):
        return arg
    quoted = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    return quoted.replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The shipped launcher with ``Exec`` pointing at ``command`` and ``TryExec`` at its program."""
    lines = []
    for line in resource("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            lines.append("TryExec=" + command[0].replace("\\", "\\\\"))
            line = "Exec=" + " ".join(exec_quote(a) for a in command) + " %f"
        lines.append(line)
    return "\n".join(lines) + "\n"


def planned_files(home: Path) -> dict[Path, Path | None]:
    """Every file the install writes, mapped to its source (None for the launcher, which is
    written from the template)."""
    files: dict[Path, Path | None] = {home / "applications" / f"{APP_ID}.desktop": None}
    for size in ICON_SIZES:
        files[home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = resource(
            "icons", f"nnviz-{size}.png"
        )
    files[home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"] = resource(
        "icons", "nnviz.svg"
    )
    files[home / "mime" / "packages" / f"{APP_ID}.xml"] = resource("desktop", f"{APP_ID}.mime.xml")
    files[home / "metainfo" / f"{APP_ID}.metainfo.xml"] = resource(
        "desktop", f"{APP_ID}.metainfo.xml"
    )
    return files


def _check_platform() -> None:
    if sys.platform.startswith(("win", "darwin")):
        raise NnvizError(
            "--install-desktop is for Linux and BSD desktops; on Windows and macOS use the "
            "desktop bundle (see the README's Install section)"
        )


def install(home: Path | None = None) -> int:
    """Install the launcher, icons, MIME type and metadata for the current user."""
    _check_platform()
    home = home or data_home()
    command = launcher_command()
    for target, source in planned_files(home).items():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NnvizError(f"cannot create {target.parent}: {exc.strerror}") from None
        if source is None:
            write_text(target, desktop_entry(command))
        else:
            write_bytes(target, source.read_bytes())
    notes = refresh_caches(home)
    print(f"nnviz: launcher installed in {home / 'applications'}, starting {' '.join(command)}")
    for note in notes:
        print(f"nnviz: {note}")
    return 0


def uninstall(home: Path | None = None) -> int:
    """Remove what ``install`` wrote (and nothing else)."""
    _check_platform()
    home = home or data_home()
    removed = 0
    for target in planned_files(home):
        try:
            target.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise NnvizError(f"cannot remove {target}: {exc.strerror}") from None
    notes = refresh_caches(home)
    print(f"nnviz: removed {removed} launcher, icon and metadata files from {home}")
    for note in notes:
        print(f"nnviz: {note}")
    return 0


def refresh_caches(home: Path) -> list[str]:
    """Rebuild the user's MIME database, launcher MIME cache and icon cache where the tools are
    installed; returns a note for each tool that is missing."""
    notes = []
    steps = [
        ("update-mime-database", [str(home / "mime")], home / "mime"),
        ("update-desktop-database", [str(home / "applications")], home / "applications"),
        (
            "gtk-update-icon-cache",
            ["-f", "-t", "-q", str(home / "icons" / "hicolor")],
            home / "icons" / "hicolor",
        ),
    ]
    for tool, args, folder in steps:
        if not folder.is_dir():
            continue
        path = shutil.which(tool)
        if path is None:
            if tool == "update-mime-database":
                notes.append(
                    "update-mime-database is not installed (shared-mime-info): .nnviz files "
                    "get their type once it runs"
                )
            continue
        subprocess.run([path, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return notes
