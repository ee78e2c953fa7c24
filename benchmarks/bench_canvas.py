"""Canvas and export speed per network: warm repaints, the redraw after a new step (new numbers, so
the previous step's edge images are of no use), key press to repainted canvas, and each exported
1920x1080 PNG frame (render, encode, write, size). Prints a table; --json writes the figures.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py [--png-quality Q]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import write_json  # noqa: E402
from PySide6.QtCore import QRectF, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.core.engine import Engine  # noqa: E402
from nnviz.core.netfile import load, preset_names  # noqa: E402
from nnviz.core.spec import from_dict  # noqa: E402
from nnviz.gui.main_window import MainWindow  # noqa: E402
from nnviz.gui.session import Session  # noqa: E402
from nnviz.render.export import (  # noqa: E402
    PNG_QUALITY,
    drop_alpha,
    encode_png,
    render_image,
    save_png,
)
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


def _p90(samples: list[float]) -> float:
    return 1000 * statistics.quantiles(samples, n=10)[-1]


def _scene(spec, tr, phase: int) -> SceneState:
    return SceneState(
        sizes=spec.layers,
        activations=spec.activations,
        trace=tr,
        phase=phase,
        header="x",
        caption="y",
    )


def _timed_paint(renderer, img, st, width, height) -> float:
    p = QPainter(img)
    t0 = time.perf_counter()
    renderer.paint(p, QRectF(0, 0, width, height), st)
    dt = time.perf_counter() - t0
    p.end()
    return dt


def paint_times(spec, base, width=1280, height=800, reps=20, steps=40) -> dict:
    """Warm repaints of one step's forward and update phases, and the redraw of each new step
    at those phases with the same (warm) renderer: median and 90th percentile."""
    eng = Engine(spec, base_dir=base)
    traces = [eng.step() for _ in range(steps + 1)]
    n = len(spec.layers) - 1
    renderer = NetworkRenderer()
    img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    out = {}
    for label, phase in (("forward", 0), ("update", 2 * n + 1)):
        st = _scene(spec, traces[0], phase)
        out[label] = _ms([_timed_paint(renderer, img, st, width, height) for _ in range(reps)])
        times = [
            _timed_paint(renderer, img, _scene(spec, tr, phase), width, height) for tr in traces[1:]
        ]
        out[f"new_{label}"] = (_ms(times), _p90(times))
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
    win.session.dirty = False  # nothing to save: closing asks no question
    win.close()
    return _ms(times)


def export_time(spec, base, quality: int, reps=7) -> dict:
    """One 1920x1080 PNG frame: save_png in all (median), and its parts (render, encode, write)
    timed one by one; the file's size."""
    eng = Engine(spec, base_dir=base)
    st = _scene(spec, eng.step(), 1)
    parts: dict[str, list[float]] = {"total": [], "render": [], "encode": [], "write": []}
    with tempfile.TemporaryDirectory() as d:
        for k in range(reps):
            path = Path(d) / f"{k}.png"
            t0 = time.perf_counter()
            save_png(st, path, 1920, 1080, quality=quality)
            parts["total"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            img = render_image(st, 1920, 1080)
            t1 = time.perf_counter()
            drop_alpha(img)
            data = encode_png(img, quality)
            t2 = time.perf_counter()
            (Path(d) / "parts.png").write_bytes(data)
            t3 = time.perf_counter()
            for key, dt in (("render", t1 - t0), ("encode", t2 - t1), ("write", t3 - t2)):
                parts[key].append(dt)
        size = path.stat().st_size
    return {f"png_{k}_ms": _ms(v) for k, v in parts.items()} | {"png_kib": size / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument(
        "--png-quality", type=int, default=PNG_QUALITY, help="Qt's PNG setting (0-100, -1)"
    )
    ap.add_argument("--only", nargs="+", metavar="NETWORK", help="just these networks")
    args = ap.parse_args()
    QApplication.instance() or QApplication([])
    rows = []
    items = [(name, *load(name)) for name in preset_names()]
    items += [(name, from_dict(doc), None) for name, doc in NETWORKS.items()]
    for name, spec, base in items:
        if args.only and name not in args.only:
            continue
        paint = paint_times(spec, base)
        rows.append(
            {
                "network": name,
                "paint_forward_ms": paint["forward"],
                "paint_update_ms": paint["update"],
                "new_step_forward_ms": paint["new_forward"][0],
                "new_step_forward_p90_ms": paint["new_forward"][1],
                "new_step_update_ms": paint["new_update"][0],
                "new_step_update_p90_ms": paint["new_update"][1],
                "key_to_paint_ms": key_to_paint(spec, base),
            }
            | export_time(spec, base, args.png_quality)
        )
    print("canvas 1280x800, ms (new step: the redraw of each new step's numbers, median / p90)")
    print(
        f"{'network':16} {'paint fwd':>9} {'paint upd':>9} {'new-step fwd':>13} "
        f"{'new-step upd':>13} {'key→paint':>9}"
    )
    for r in rows:
        fwd = f"{r['new_step_forward_ms']:.1f} / {r['new_step_forward_p90_ms']:.1f}"
        upd = f"{r['new_step_update_ms']:.1f} / {r['new_step_update_p90_ms']:.1f}"
        print(
            f"{r['network']:16} {r['paint_forward_ms']:9.1f} {r['paint_update_ms']:9.1f} "
            f"{fwd:>13} {upd:>13} {r['key_to_paint_ms']:9.1f}"
        )
    print(f"\nPNG 1920x1080 frame, quality {args.png_quality}, ms (median) and size")
    print(f"{'network':16} {'total':>7} {'render':>7} {'encode':>7} {'write':>7} {'KiB':>7}")
    for r in rows:
        print(
            f"{r['network']:16} {r['png_total_ms']:7.1f} {r['png_render_ms']:7.1f} "
            f"{r['png_encode_ms']:7.1f} {r['png_write_ms']:7.1f} {r['png_kib']:7.0f}"
        )
    write_json(
        args.json,
        {
            "canvas": "1280x800 for paint, 1400x860 window for key to paint",
            "png_quality": args.png_quality,
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
