"""Render resources/icons/nnviz.svg to the PNG sizes desktops ask for (run after editing it)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def main() -> int:
    QGuiApplication(sys.argv[:1])
    svg = QSvgRenderer(str(ICONS / "nnviz.svg"))
    for size in (16, 32, 48, 64, 128, 256, 512):
        img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        svg.render(p)
        p.end()
        img.save(str(ICONS / f"nnviz-{size}.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
