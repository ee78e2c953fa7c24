"""Canvas and export speed: paint time per network, key press to repainted canvas, and seconds per
exported 1920x1080 PNG frame. Prints a table; --json writes the figures.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.core.engine import Engine  # noqa: E402
from nnviz.core.netfile import load, preset_names  # noqa: E402
from nnviz.core.spec import from_dict  # noqa: E402
from nnviz.gui.main_window import MainWindow  # noqa: E402
from nnviz.gui.session import Session  # noqa: E402
from nnviz.render.export import save_png  # noqa: E402
from nnviz.render.renderer import NetworkRenderer  # noqa: E402
from nnviz.render.scene import SceneState  # noqa: E402


def big(sizes: list[int]) -> dict:
    return {
        "name": "-".join(map(str, sizes)),
        "layers": sizes,
        "activations": ["relu"] * (len(sizes) - 2) + ["softmax"],
        "loss": "cross_entropy",
        "init": {"scheme": "he", "seed": 0},
        "data": {"inputs": [[0.5] * sizes[0]] * 4, "targets": [1, 2, 3, 4]},
        "batch_size": 4,
        "dtype": "float32",
    }


NETWORKS = {
    "2-8x6-1": {
        "layers": [2, 8, 8, 8, 8, 8, 8, 1],
        "activations": "tanh",
        "loss": "half_sse",
        "data": {"dataset": "spiral", "n": 250},
        "batch_size": 10,
    },
    "784-128-64-10": big([784, 128, 64, 10]),
    "784-512-512-10": big([784, 512, 512, 10]),
}


def _ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def paint_times(spec, base, width=1280, height=800, reps=20) -> dict:
    eng = Engine(spec, base_dir=base)
    tr = eng.step()
    n = len(spec.layers) - 1
    renderer = NetworkRenderer()
    img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    out = {}
    for label, phase in (("forward", 0), ("update", 2 * n + 1)):
        st = SceneState(
            sizes=spec.layers,
            activations=spec.activations,
            trace=tr,
            phase=phase,
            header="x",
            caption="y",
        )
        times = []
        for _ in range(reps):
            p = QPainter(img)
            t0 = time.perf_counter()
            renderer.paint(p, QRectF(0, 0, width, height), st)
            p.end()
            times.append(time.perf_counter() - t0)
        out[label] = _ms(times)
    return out


def key_to_paint(spec, base, reps=30) -> float:
    win = MainWindow(
        Session(spec, base, "bench"), QSettings(tempfile.mktemp(), QSettings.Format.IniFormat)
    )
    win.resize(1400, 860)
    win.show()
    QApplication.processEvents()
    win.activateWindow()
    win.canvas.setFocus()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        QTest.keyClick(win.canvas, Qt.Key.Key_Right)
        win.canvas.repaint()
        times.append(time.perf_counter() - t0)
    win.close()
    return _ms(times)


def export_time(spec, base, reps=5) -> float:
    eng = Engine(spec, base_dir=base)
    tr = eng.step()
    st = SceneState(
        sizes=spec.layers, activations=spec.activations, trace=tr, phase=1, header="h", caption="c"
    )
    with tempfile.TemporaryDirectory() as d:
        times = []
        for k in range(reps):
            t0 = time.perf_counter()
            save_png(st, Path(d) / f"{k}.png", 1920, 1080)
            times.append(time.perf_counter() - t0)
    return _ms(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", help="write the results to this file")
    args = ap.parse_args()
    QApplication.instance() or QApplication([])
    rows = []
    items = [(name, *load(name)) for name in preset_names()]
    items += [(name, from_dict(doc), None) for name, doc in NETWORKS.items()]
    for name, spec, base in items:
        paint = paint_times(spec, base)
        rows.append(
            {
                "network": name,
                "paint_forward_ms": paint["forward"],
                "paint_update_ms": paint["update"],
                "key_to_paint_ms": key_to_paint(spec, base),
                "export_png_1080p_ms": export_time(spec, base),
            }
        )
    print(
        f"{'network':18} {'paint fwd ms':>12} {'paint upd ms':>12} {'key→paint ms':>13} "
        f"{'PNG 1080p ms':>13}"
    )
    for r in rows:
        print(
            f"{r['network']:18} {r['paint_forward_ms']:12.1f} {r['paint_update_ms']:12.1f} "
            f"{r['key_to_paint_ms']:13.1f} {r['export_png_1080p_ms']:13.1f}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": {
                        "cpu": platform.processor() or platform.machine(),
                        "cores": os.cpu_count(),
                        "qt_platform": os.environ.get("QT_QPA_PLATFORM"),
                    },
                    "canvas": "1280x800 for paint, 1400x860 window for key to paint",
                    "rows": rows,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
