"""Run as a script (the scale is read when the QApplication starts): builds the real main
window on an offscreen screen of the given size, lays it out and prints JSON of what the
layout test checks. Usage: layout_probe.py WIDTH HEIGHT [PNG]; QT_SCALE_FACTOR as set."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    width, height = int(sys.argv[1]), int(sys.argv[2])
    shot = sys.argv[3] if len(sys.argv) > 3 else ""
    tmp = Path(tempfile.mkdtemp())
    config = tmp / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "probe",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QDockWidget, QTabBar, QWidget

    app = QApplication([])
    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.session import Session

    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    from nnviz.core.netfile import load

    spec, base = load("two-two-two")
    win = MainWindow(Session(spec, base, "two-two-two"), settings)
    win.show()
    for _ in range(5):
        app.processEvents()
    area = win.screen().availableGeometry()
    inside = win.rect()

    def ancestors(w: QWidget) -> list[QWidget]:
        out = []
        while (w := w.parentWidget()) is not None and w is not win:
            out.append(w)
        return out

    def box(w: QWidget) -> list[int]:
        top_left = w.mapTo(win, QPoint(0, 0))
        return [top_left.x(), top_left.y(), w.width(), w.height()]

    docks = {}
    for dock in win.findChildren(QDockWidget):
        if not dock.isVisible():
            continue
        bar = dock.titleBarWidget()
        docks[dock.windowTitle()] = {
            "box": box(dock),
            "shown": not dock.visibleRegion().isEmpty(),
            "tabbed": bool(win.tabifiedDockWidgets(dock)),
            "title_width": dock.fontMetrics().horizontalAdvance(dock.windowTitle()),
            "custom_title": bar is not None,
        }
    outside = []
    for w in win.findChildren(QWidget):
        if not w.isVisible() or w.isWindow() or w.visibleRegion().isEmpty():
            continue  # hidden, or a dock tab behind another
        if any(isinstance(a, QAbstractScrollArea) for a in ancestors(w)):
            continue  # scrolled content may lie beyond its scroll area's view
        x, y, ww, hh = box(w)
        if x < 0 or y < 0 or x + ww > inside.width() or y + hh > inside.height():
            outside.append(f"{type(w).__name__} {w.objectName()} {[x, y, ww, hh]}")
    canvas_header = win.canvas.mapTo(win, QPoint(0, 0))
    tabbars = [
        {
            "tabs": [bar.tabText(i) for i in range(bar.count())],
            "clipped": [
                bar.tabText(i)
                for i in range(bar.count())
                if bar.tabRect(i).right() > bar.width()
                or bar.tabRect(i).width() < bar.fontMetrics().horizontalAdvance(bar.tabText(i))
            ],
        }
        for bar in win.findChildren(QTabBar)
        if bar.isVisible()
    ]
    report = {
        "scale": win.devicePixelRatioF(),
        "available": [area.x(), area.y(), area.width(), area.height()],
        "window": [
            win.frameGeometry().x(),
            win.frameGeometry().y(),
            win.frameGeometry().width(),
            win.frameGeometry().height(),
        ],
        "minimum": [win.minimumSizeHint().width(), win.minimumSizeHint().height()],
        "docks": docks,
        "tabbars": tabbars,
        "canvas": [canvas_header.x(), canvas_header.y(), win.canvas.width(), win.canvas.height()],
        "setup_scroll_needed": win.setup.widget().verticalScrollBar().maximum(),
        "outside": outside,
    }
    if shot:
        win.grab().save(shot)
    print(json.dumps(report))
    os._exit(0)  # no close dialog, no autosave: only the report


if __name__ == "__main__":
    main()
