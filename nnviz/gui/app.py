"""Starting the window: the application object, the first network, and a dialog if start-up fails."""

from __future__ import annotations

import sys
import traceback


def run_app(network: str | None = None, argv: list[str] | None = None) -> int:
    """Open the explorer window on a network file or preset (default ``xor``); run until closed."""
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
        window.show()
        if not window.restore_autosave() and network:
            window.open_network(network)
    except Exception as exc:  # start-up failed: say so in a dialog, not only on a terminal
        _startup_error(exc)
        return 1
    return app.exec()


def _startup_error(exc: Exception) -> None:
    from PySide6.QtWidgets import QMessageBox

    detail = "".join(traceback.format_exception(exc))
    print(detail, file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Critical, "nnviz could not start", f"{exc}")
    box.setDetailedText(detail)
    box.exec()
