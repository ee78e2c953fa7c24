"""Starting the window: the application object, the first network, and a dialog if start-up fails.

With the environment variable ``NNVIZ_STARTUP_PROBE`` set, the app prints ``nnviz: painted``
on stdout once the canvas has painted for the first time, then quits (a benchmark times this:
benchmarks/bench_startup.py).
"""

from __future__ import annotations

import gc
import os
import sys
import traceback


def run_app(
    network: str | None = None, argv: list[str] | None = None, allow_outside_data: bool = False
) -> int:
    """Open the explorer window on a network file or preset (default ``xor``); run until closed.
    ``allow_outside_data`` (--allow-outside-data) reads its CSV file without asking."""
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # no Qt: nothing to show a dialog with
        print(f"nnviz: cannot start the window: {exc}", file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    app.setApplicationDisplayName("nnviz")
    try:
        from nnviz.core.netfile import load
        from nnviz.gui.main_window import MainWindow
        from nnviz.gui.session import Session
        from nnviz.resources_path import resource

        icon = resource("icons", "nnviz.svg")
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
        settings = QSettings()
        spec, base = load("xor")
        window = MainWindow(Session(spec, base, "xor"), settings)
        if os.environ.get("NNVIZ_STARTUP_PROBE"):
            _quit_after_first_paint(window.canvas)
        window.show()
        if not window.restore_autosave() and network:
            window.open_network(network, allow_outside_data)
        settle_heap()
    except Exception as exc:  # start-up failed: say so in a dialog, not only on a terminal
        _startup_error(exc)
        return 1
    return app.exec()


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
    box = QMessageBox(QMessageBox.Icon.Critical, "nnviz could not start", f"{exc}")
    box.setDetailedText(detail)
    box.exec()
