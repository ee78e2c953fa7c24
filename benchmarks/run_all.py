"""Every speed and memory figure in one command: runs each benchmark script, keeps its JSON, and
prints the goals of the project's speed targets beside the measured figures.

Run: python benchmarks/run_all.py [--out bench-results] [--quick]

--quick uses shorter runs and 100,000 steps instead of a million for the memory figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS = {
    "engine": ["bench_engine.py"],
    "canvas": ["bench_canvas.py"],
    "play": ["bench_play.py"],
    "startup": ["bench_startup.py"],
    "memory": ["bench_memory.py", "--network", "xor"],
    "export_memory": ["bench_export_memory.py", "--size", "960x540"],
}


def _row(rows: list[dict], name: str) -> dict:
    return next(r for r in rows if r["network"] == name)


def _new_step(network: str) -> Callable[[dict], float]:
    """The slower of the forward and update phases' median redraw of a new step's numbers."""

    def get(res: dict) -> float:
        row = _row(res["canvas"]["rows"], network)
        return max(row["new_step_forward_ms"], row["new_step_update_ms"])

    return get


def _worst_export(res: dict) -> float:
    from nnviz.core.netfile import preset_names

    presets = set(preset_names())
    return max(r["png_total_ms"] for r in res["canvas"]["rows"] if r["network"] in presets)


def _export_peak(res: dict) -> float:
    """The highest peak RSS of the exports of the most steps (784-128-64-10)."""
    rows = res["export_memory"]["rows"]
    most = max(r["steps"] for r in rows)
    return max(r["peak_rss_mib"] for r in rows if r["steps"] == most)


def _worst_key(res: dict) -> float:
    return max(r["key_to_paint_ms"] for r in res["canvas"]["rows"])


def _min_repaints(res: dict) -> float:
    return min(res["play"]["rows"][0]["repaints_per_s"].values())


GOALS: list[tuple[str, Callable[[dict], float], str, float, str]] = [
    (
        "engine, 2-8x6-1 playground network, play mode",
        lambda r: r["engine"]["playground"]["play_examples_s"],
        ">=",
        180_000,
        "examples/s",
    ),
    (
        "  ... and the plain per-batch autograd loop",
        lambda r: r["engine"]["playground"]["plain_torch_loop_examples_s"],
        "",
        0,
        "examples/s",
    ),
    ("window play, spiral 250 points", lambda r: r["play"]["rows"][0]["epochs_per_s"], ">=", 60, "epochs/s"),
    ("  ... slowest of canvas, loss and boundary repaints", _min_repaints, ">=", 30, "frames/s"),
    ("new-step canvas redraw, 2-8x6-1", _new_step("2-8x6-1"), "<", 4, "ms"),
    ("new-step canvas redraw, 784-128-64-10", _new_step("784-128-64-10"), "<", 33, "ms"),
    ("new-step canvas redraw, 784-512-512-10", _new_step("784-512-512-10"), "<", 100, "ms"),
    ("next-phase key to painted canvas, worst network", _worst_key, "<", 16, "ms"),
    ("start-up to a painted window", lambda r: r["startup"]["best_s"], "<", 2.5, "s"),
    ("1920x1080 PNG export, slowest preset", _worst_export, "<", 100, "ms"),
    ("export of 100 steps, 784-128-64-10: peak RSS", _export_peak, "<", 1229, "MiB"),
    (
        "peak RSS after the memory run",
        lambda r: r["memory"]["rows"][-1]["peak_rss_mib"],
        "",
        0,
        "MiB",
    ),
]  # fmt: skip


def run_scripts(out: Path, quick: bool, only: list[str]) -> dict:
    results = {}
    for name, argv in SCRIPTS.items():
        if only and name not in only:
            continue
        target = out / f"{name}.json"
        cmd = [sys.executable, str(HERE / argv[0]), *argv[1:], "--json", str(target)]
        if quick and name == "memory":
            cmd += ["--steps", "100000"]
        elif quick and name == "export_memory":
            cmd += ["--formats", "png"]
        elif quick and name == "engine":
            cmd.append("--quick")
        print(f"$ {' '.join([Path(cmd[0]).name, *cmd[1:]])}", flush=True)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=HERE.parent)
        print(f"  ({time.perf_counter() - start:.0f} s, exit {proc.returncode})\n", flush=True)
        if proc.returncode == 0 and target.exists():
            results[name] = json.loads(target.read_text(encoding="utf-8"))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="bench-results", help="folder for the JSON files")
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    ap.add_argument("--only", nargs="*", default=[], choices=list(SCRIPTS), help="some scripts")
    ap.add_argument("--reuse", action="store_true", help="summarise the JSON already in --out")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        results = {
            name: json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
            for name in SCRIPTS
            if (out / f"{name}.json").exists()
        }
    else:
        results = run_scripts(out, args.quick, args.only)
    print(f"{'goal':52} {'measured':>14} {'target':>12}  verdict")
    summary = []
    for label, get, op, target, unit in GOALS:
        try:
            value = float(get(results))
        except (KeyError, StopIteration, IndexError, TypeError, ValueError):
            print(f"{label:52} {'not measured':>14}")
            continue
        met = None if not op else (value >= target if op == ">=" else value < target)
        verdict = "" if met is None else ("met" if met else "MISSED")
        goal = f"{op} {target:,g}" if op else ""
        print(f"{label:52} {value:14,.1f} {goal:>12}  {verdict} {unit}")
        summary.append({"goal": label, "value": value, "target": goal, "unit": unit, "met": met})
    machine = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    (out / "summary.json").write_text(
        json.dumps({"machine": machine, "goals": summary}, indent=1), encoding="utf-8"
    )
    print(f"\nJSON: {out}/")


if __name__ == "__main__":
    main()
