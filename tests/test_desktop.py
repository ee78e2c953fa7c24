"""Desktop integration: the launcher, MIME type and AppStream files, ``--install-desktop``, what
the window tells the desktop about itself, ``--version --verbose``, and errors where nobody reads
standard error (a dialog) or where there is no display (a message and exit status 2)."""

from __future__ import annotations

import configparser
import io
import os
import shlex
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nnviz import desktop
from nnviz._version import __version__
from nnviz.cli import main
from nnviz.gui import app as app_mod

ROOT = Path(__file__).resolve().parent.parent
DESKTOP_DIR = ROOT / "resources" / "desktop"
ENTRY = DESKTOP_DIR / "org.nnviz.nnviz.desktop"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop/X11")


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_launcher_declares_only_nnvizs_own_file_type():
    entry = _entry(ENTRY)
    assert entry["MimeType"] == "application/x-nnviz-session;"
    mime = ET.parse(DESKTOP_DIR / "org.nnviz.nnviz.mime.xml").getroot()
    [mtype] = mime.findall(f"{MIME_NS}mime-type")
    assert mtype.get("type") == "application/x-nnviz-session"
    assert [g.get("pattern") for g in mtype.findall(f"{MIME_NS}glob")] == ["*.nnviz"]


def test_one_id_ties_launcher_metainfo_icon_and_window():
    meta = ET.parse(DESKTOP_DIR / "org.nnviz.nnviz.metainfo.xml").getroot()
    app_id = meta.findtext("id")
    assert app_id == app_mod.APP_ID == desktop.APP_ID == ENTRY.stem
    assert meta.findtext("launchable") == ENTRY.name
    assert meta.find("provides/mediatype").text == "application/x-nnviz-session"
    assert _entry(ENTRY)["Icon"] == app_id
    for part in ("releases/release", "content_rating", "developer/name", "keywords/keyword"):
        assert meta.find(part) is not None, part


def test_window_names_itself_as_the_launcher_expects(qapp):
    app_mod.configure_app(qapp)
    entry = _entry(ENTRY)
    assert qapp.desktopFileName() == ENTRY.stem  # the Wayland app id
    assert qapp.applicationName() == entry["StartupWMClass"]  # the X11 WM_CLASS class


def _validate(tool: str, *args: str) -> subprocess.CompletedProcess:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60)


def test_launcher_passes_desktop_file_validate():
    res = _validate("desktop-file-validate", str(ENTRY))
    assert res.returncode == 0 and not res.stdout.strip(), res.stdout + res.stderr


def test_metainfo_passes_appstreamcli_pedantic_validation():
    res = _validate(
        "appstreamcli",
        "validate",
        "--pedantic",
        "--no-net",
        str(DESKTOP_DIR / "org.nnviz.nnviz.metainfo.xml"),
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "E:" not in res.stdout and "W:" not in res.stdout, res.stdout


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
@pytest.mark.parametrize("arg", ["/opt/nn viz/bin/nnviz", 'a"b$c`d\\e', "it's 100%", "plain"])
def test_exec_quoting_reads_back_as_the_argument(arg):
    quoted = desktop.exec_quote(arg)
    # A desktop file reader first undoes the string escapes (\\ -> \) and %%, then splits the
    # way a POSIX shell does (the Desktop Entry spec's quoting rules are the shell's): ask one.
    unescaped = quoted.replace("\\\\", "\\").replace("%%", "%")
    res = subprocess.run(
        ["sh", "-c", f"printf '%s\\n' {unescaped}"], capture_output=True, text=True, timeout=30
    )
    assert res.stdout == arg + "\n"


@linux_only
def test_install_desktop_puts_launcher_icons_type_and_metadata_in_place(
    tmp_path, monkeypatch, capsys
):
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert main(["--install-desktop"]) == 0
    installed = home / "applications" / "org.nnviz.nnviz.desktop"
    entry = _entry(installed)
    command = shlex.split(entry["Exec"].replace("\\\\", "\\"))
    assert command[-1] == "%f" and command[:-1] == desktop.launcher_command()
    assert Path(command[0]).is_absolute() and entry["TryExec"] == command[0]
    res = subprocess.run([*command[:-1], "--version"], capture_output=True, text=True, timeout=120)
    assert res.stdout.strip() == f"nnviz {__version__}"
    for size in desktop.ICON_SIZES:
        icon = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "org.nnviz.nnviz.png"
        assert (
            icon.read_bytes() == (ROOT / "resources" / "icons" / f"nnviz-{size}.png").read_bytes()
        )
    assert (home / "mime" / "packages" / "org.nnviz.nnviz.xml").is_file()
    assert (home / "metainfo" / "org.nnviz.nnviz.metainfo.xml").is_file()
    assert "launcher installed" in capsys.readouterr().out
    if shutil.which("desktop-file-validate"):
        res = subprocess.run(
            ["desktop-file-validate", str(installed)], capture_output=True, text=True
        )
        assert res.returncode == 0 and not res.stdout.strip(), res.stdout

    assert main(["--uninstall-desktop"]) == 0
    assert not installed.exists()
    assert not list(home.rglob("org.nnviz.nnviz*"))


@linux_only
def test_installed_mime_type_names_nnviz_files_for_the_desktop(tmp_path):
    if shutil.which("update-mime-database") is None:
        pytest.skip("shared-mime-info is not installed")
    home = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(home)}
    code = "from nnviz.desktop import install; install()"
    subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=120
    )
    assert (home / "mime" / "mime.cache").is_file()
    probe = (
        "from PySide6.QtCore import QMimeDatabase; db = QMimeDatabase();"
        "print(db.mimeTypeForFile('lesson.nnviz').name());"
        "print(db.mimeTypeForFile('net.json').name())"
    )
    res = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert res.stdout.split() == ["application/x-nnviz-session", "application/json"], res.stderr


def test_version_verbose_says_which_training_kernel_runs():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("NNVIZ_KERNEL", None)
    out = subprocess.run(
        [sys.executable, "-m", "nnviz", "--version", "--verbose"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = dict(line.split(": ", 1) for line in out.stdout.splitlines()[1:])
    assert out.stdout.splitlines()[0] == f"nnviz {__version__}"
    import torch

    assert lines["torch"].startswith(torch.__version__)
    assert lines["training kernel"] == "torchscript (the fast path)"
    plain = subprocess.run(
        [sys.executable, "-m", "nnviz", "--verbose", "--version"],
        env={**env, "NNVIZ_KERNEL": "python"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "training kernel: python (plain, slower: NNVIZ_KERNEL=python is set)" in plain.stdout


def _window_env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(
        NNVIZ_DATA_DIR=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "cfg"), **extra
    )
    return env


@linux_only
@pytest.mark.parametrize(
    ("extra", "said"),
    [({}, "no display to open the window on"), ({"DISPLAY": ":4711"}, "cannot reach the display")],
)
def test_window_without_a_display_says_so_and_exits_2(tmp_path, extra, said):
    res = subprocess.run(
        [sys.executable, "-m", "nnviz"],
        env=_window_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and said in res.stderr, res.stderr


@linux_only
def test_window_opens_and_paints_on_a_real_x_server(tmp_path):
    if shutil.which("xvfb-run") is None:
        pytest.skip("Xvfb is not installed")
    env = _window_env(tmp_path, QT_QPA_PLATFORM="xcb", NNVIZ_STARTUP_PROBE="1")
    res = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-m", "nnviz"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0 and res.stdout.splitlines() == ["nnviz: painted"], res.stderr[-2000:]


@pytest.fixture
def fake_x_server(monkeypatch):
    """A listening socket where an X server's would be, and DISPLAY naming it."""
    for number in range(4200, 4300):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(f"\0/tmp/.X11-unix/X{number}")
        except OSError:
            sock.close()
            continue
        sock.listen(4)
        monkeypatch.setenv("DISPLAY", f":{number}")
        monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        yield number
        sock.close()
        return
    pytest.skip("no free display number")


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@linux_only
def test_errors_go_to_a_dialog_only_where_nobody_reads_stderr_and_a_display_exists(
    fake_x_server, monkeypatch
):
    assert app_mod.display_problem() is None
    monkeypatch.setattr(sys, "stderr", _Stream(tty=False))
    assert app_mod.wants_dialog()
    monkeypatch.setattr(sys, "stderr", None)  # a windowed program (pythonw, the Windows bundle)
    assert app_mod.wants_dialog()
    monkeypatch.setattr(sys, "stderr", _Stream(tty=True))
    assert not app_mod.wants_dialog()
    monkeypatch.setattr(sys, "stderr", _Stream(tty=False))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not app_mod.wants_dialog()
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":4711")  # nothing listens there
    assert app_mod.display_problem() and not app_mod.wants_dialog()


def test_a_bad_file_from_a_launcher_shows_a_dialog_and_exits_2(qtbot, qapp, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    bad = tmp_path / "lesson.nnviz"
    bad.write_text('{"nnviz_session": 1, "network": ', encoding="utf-8")
    monkeypatch.setattr(app_mod, "wants_dialog", lambda: True)
    err = _Stream(tty=False)
    monkeypatch.setattr(sys, "stderr", err)
    seen = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, answer)
    assert main([str(bad)]) == 2
    assert len(seen) == 1 and "lesson.nnviz" in seen[0]
    assert err.getvalue().count("\n") == 1 and "lesson.nnviz" in err.getvalue()


def test_a_document_opened_from_the_desktop_while_running_opens_in_the_window(
    qtbot, qapp, tmp_path
):
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFileOpenEvent

    from nnviz.core.netfile import load
    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.session import Session
    from nnviz.resources_path import resource

    spec, base = load("xor")
    w = MainWindow(
        Session(spec, base, "xor"), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(w)
    app_mod.open_files_from_desktop(qapp, w)
    preset = resource("presets", "two-two-two.json")
    qapp.sendEvent(qapp, QFileOpenEvent(str(preset)))
    assert list(w.session.spec.layers) == [2, 2, 2]
