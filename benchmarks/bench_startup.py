"""Start-up time: from launching ``python -m nnviz`` to a painted main window.

Each run starts a new process with ``NNVIZ_STARTUP_PROBE=1`` (the app prints ``nnviz: painted``
once the canvas has painted for the first time, then quits) and times it from the launch to
that line. Settings and app data go to a temporary folder, so earlier runs and the user's own
settings play no part. The best of several runs is reported (this kind of shared machine's
speed drifts); for scale, the time to start Python and import torch, PySide6 and pyqtgraph.
Prints a table; --json writes the figures.

Run: python benchmarks/bench_startup.py [--runs 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import write_json

ROOT = Path(__file__).resolve().parent.parent
PAINTED = "nnviz: painted"


def launch_to_paint(env: dict, timeout: float = 60.0) -> float:
    """Seconds from starting the app to its first painted canvas."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnviz"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == PAINTED:
                elapsed = time.perf_counter() - start
                proc.wait(timeout=timeout)
                return elapsed
            if time.perf_counter() - start > timeout:
                break
        raise RuntimeError(f"the app exited (status {proc.wait()}) without painting")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def seconds_of(code: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5, help="launches; the best is reported")
    ap.add_argument("--json", help="write the results to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "NNVIZ_STARTUP_PROBE": "1",
            "NNVIZ_DATA_DIR": str(Path(home) / "data"),
            "XDG_CONFIG_HOME": str(Path(home) / "config"),
        }
        runs = [launch_to_paint(env) for _ in range(args.runs)]
        scale = {
            "python": min(seconds_of("pass", env) for _ in range(3)),
            "import torch": min(seconds_of("import torch", env) for _ in range(3)),
            "import PySide6 + pyqtgraph": min(
                seconds_of("import PySide6.QtWidgets, pyqtgraph", env) for _ in range(3)
            ),
        }
    best = min(runs)
    print(f"{'launch to painted window':32} {'best s':>7} {'median s':>9} {'runs':>5}")
    print(f"{'python -m nnviz (xor preset)':32} {best:7.2f} {sorted(runs)[len(runs) // 2]:9.2f} {len(runs):5d}")  # fmt: skip
    print(
        "for scale, best of 3 processes: " + ", ".join(f"{k} {v:.2f} s" for k, v in scale.items())
    )
    write_json(
        args.json,
        {
            "command": "python -m nnviz",
            "best_s": best,
            "runs_s": runs,
            "scale_s": scale,
        },
        qt_platform=os.environ.get("QT_QPA_PLATFORM", "offscreen"),  # what the app ran on
    )


if __name__ == "__main__":
    main()
