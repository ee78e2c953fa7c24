"""Starting the window: the application object, the first network, and a dialog if start-up fails.

Started from a launcher or a file manager nobody reads standard error, so errors before the
window exists (a bad file, a failed start-up) are shown in a dialog as well; where there is no
display at all, the command says so on stderr and exits with status 2 instead of letting Qt
abort.

With the environment variable ``NNVIZ_STARTUP_PROBE`` set, the app prints ``nnviz: painted``
on stdout once the canvas has painted for the first time, then quits (a benchmark times this:
benchmarks/bench_startup.py).
"""

from __future__ import annotations

import gc
import os
import socket
import sys
import traceback

APP_ID = "org.nnviz.nnviz"  # the desktop file's name and the Wayland app id
DESKTOP_PLATFORMS = ("xcb", "wayland", "wayland-egl")  # Qt platforms that need a display server


def run_app(
    network: str | None = None, argv: list[str] | None = None, allow_outside_data: bool = False
) -> int:
    """Open the explorer window on a network file or preset (default ``xor``); run until closed.
    ``allow_outside_data`` (--allow-outside-data) reads its CSV file without asking."""
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # no Qt: nothing to show a dialog with
        print(f"nnviz: cannot start the window: {exc}", file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(argv or ["nnviz"])
    configure_app(app)
    try:
        from nnviz.core.netfile import load
        from nnviz.gui.main_window import MainWindow
        from nnviz.gui.session import Session

        settings = QSettings()
        spec, base = load("xor")
        window = MainWindow(Session(spec, base, "xor"), settings)
        if os.environ.get("NNVIZ_STARTUP_PROBE"):
            _quit_after_first_paint(window.canvas)
        open_files_from_desktop(app, window)
        window.show()
        restored = window.restore_autosave()
        if not restored and network:
            window.open_network(network, allow_outside_data)
        if not restored and not network and not os.environ.get("NNVIZ_STARTUP_PROBE"):
            from nnviz.gui.welcome import maybe_welcome

            maybe_welcome(window)  # the first start only
        settle_heap()
    except Exception as exc:  # start-up failed: say so in a dialog, not only on a terminal
        _startup_error(exc)
        return 1
    return app.exec()


def configure_app(app) -> None:
    """Names that tie the window to its launcher: the X11 class (``StartupWMClass=nnviz``), the
    Wayland app id (the desktop file's name), settings' location and the icon."""
    from PySide6.QtGui import QIcon

    from nnviz._version import __version__
    from nnviz.resources_path import resource

    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    app.setApplicationDisplayName("nnviz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    icon = resource("icons", "nnviz.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def _platform_names() -> list[str]:
    """The Qt platforms asked for in QT_QPA_PLATFORM (empty: Qt's default for this system)."""
    wanted = os.environ.get("QT_QPA_PLATFORM", "")
    return [p.split(":")[0].strip() for p in wanted.split(";") if p.strip()]


def headless_platform() -> bool:
    """QT_QPA_PLATFORM names only platforms that draw without a desktop (offscreen, minimal…)."""
    names = _platform_names()
    return bool(names) and not any(
        n in (*DESKTOP_PLATFORMS, "windows", "cocoa", "direct2d") for n in names
    )


def display_problem() -> str | None:
    """Why the window cannot open here (None when it can). Qt aborts the process on Linux and
    BSD without a reachable X11 or Wayland display; elsewhere there is always one."""
    if sys.platform.startswith(("win", "darwin")) or headless_platform():
        return None
    names = _platform_names() or list(DESKTOP_PLATFORMS)
    x11 = "xcb" in names and _x11_reachable(os.environ.get("DISPLAY", ""))
    wayland = any(n.startswith("wayland") for n in names) and _wayland_reachable()
    if x11 or wayland:
        return None
    display, wl = os.environ.get("DISPLAY"), os.environ.get("WAYLAND_DISPLAY")
    if not display and not wl:
        why = "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset)"
    else:
        shown = ", ".join(
            f"{k}={v}" for k, v in (("DISPLAY", display), ("WAYLAND_DISPLAY", wl)) if v
        )
        why = f"cannot reach the display ({shown})"
    return why + "; headless commands such as `nnviz export` and `nnviz trace` need none"


def _x11_reachable(display: str) -> bool:
    """Whether the X server named by DISPLAY (``[host]:N[.S]``) accepts a connection."""
    host, sep, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not sep or not number.isdigit():
        return bool(display)  # a form not understood here: let Qt try
    if host.startswith("/"):  # a socket path (XQuartz's launchd display)
        return os.path.exists(f"{host}:{number}")
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in (("\0" + path) if sys.platform.startswith("linux") else None, path):
            if address and _connects(socket.AF_UNIX, address):
                return True
        return host == "" and _connects(socket.AF_INET, ("localhost", 6000 + int(number)))
    return _connects(socket.AF_INET, (host, 6000 + int(number)))


def _wayland_reachable() -> bool:
    if os.environ.get("WAYLAND_SOCKET"):
        return True
    name = os.environ.get("WAYLAND_DISPLAY", "")
    if not name:
        return False
    path = (
        name if os.path.isabs(name) else os.path.join(os.environ.get("XDG_RUNTIME_DIR", ""), name)
    )
    return os.path.exists(path)


def _connects(family: int, address) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(2.0)
            s.connect(address)
        return True
    except (OSError, ValueError):
        return False


def wants_dialog() -> bool:
    """Errors also go to a dialog when nobody reads standard error (a launcher, a file manager, a
    windowed program) and a display exists to show one on."""
    err = sys.stderr
    try:
        on_terminal = err is not None and err.isatty()
    except (AttributeError, ValueError):
        on_terminal = False
    return not on_terminal and not headless_platform() and display_problem() is None


def show_error_dialog(message: str, detail: str | None = None) -> None:
    """A modal error box, creating the application object if there is none yet."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(["nnviz"])
    configure_app(app)
    box = QMessageBox(QMessageBox.Icon.Critical, "nnviz could not open the file", message)
    if detail:
        box.setDetailedText(detail)
    box.exec()


def open_files_from_desktop(app, window) -> None:
    """Open the files the desktop hands a running nnviz (macOS sends a file-open event when a
    document is opened from the Finder while the app runs; the first one arrives as the file
    argument)."""
    from PySide6.QtCore import QEvent, QObject

    class FileOpen(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.FileOpen and event.file():
                window.open_network(event.file())
                return True
            return False

    window._file_open_filter = FileOpen(window)
    app.installEventFilter(window._file_open_filter)


def settle_heap() -> None:
    """Start-up is over: what it made (modules, widgets, the first engine) lives as long as the
    app, so take it out of the cyclic garbage collector's sight. Its full collections during
    play then scan only newer objects: a few milliseconds instead of a stall of over 100 ms."""
    gc.freeze()


def _quit_after_first_paint(widget) -> None:
    """Print a line and quit as soon as ``widget`` has painted (the start-up benchmark)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                QTimer.singleShot(0, done)  # runs once this paint has finished
            return False

    def done() -> None:
        print("nnviz: painted", flush=True)
        QApplication.quit()

    widget._first_paint_probe = FirstPaint(widget)
    widget.installEventFilter(widget._first_paint_probe)


def _startup_error(exc: Exception) -> None:
    from PySide6.QtWidgets import QMessageBox

    detail = "".join(traceback.format_exception(exc))
    print(detail, file=sys.stderr)
    if headless_platform():  # offscreen: a modal box could never be closed
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "nnviz could not start", f"{exc}")
    box.setDetailedText(detail)
    box.exec()
