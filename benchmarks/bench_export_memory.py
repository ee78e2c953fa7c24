"""Peak memory of `nnviz export` as the number of steps grows: the export streams (each step
computed, rendered, written and dropped), so peak RSS should not depend on --steps.

Run: python benchmarks/bench_export_memory.py [--steps 10 100] [--formats png gif pdf]
     [--size 1920x1080] [--json FILE]

Each export runs in its own process (784-128-64-10, ReLU, softmax, batch 4, trace.json on) and
reports its own peak RSS (getrusage); the table lists peak RSS, time and bytes written.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import write_json  # noqa: E402

NETWORK = {
    "name": "784-128-64-10",
    "layers": [784, 128, 64, 10],
    "activations": ["relu", "relu", "softmax"],
    "loss": "cross_entropy",
    "init": {"scheme": "he", "seed": 0},
    "data": {"inputs": [[0.5] * 784] * 4, "targets": [1, 2, 3, 4]},
    "batch_size": 4,
    "dtype": "float32",
}

CHILD = """
import resource, sys
from nnviz.cli import main
rc = main(sys.argv[1:])
print("PEAK_KIB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(rc)
"""


def measure(net: Path, fmt: str, steps: int, size: str, trace_json: bool) -> dict:
    """One export in a fresh process: its peak RSS (MiB), seconds and output size (MB)."""
    with tempfile.TemporaryDirectory(prefix="nnviz-bench-export-") as tmp:
        out = Path(tmp) / "out"
        args = ["export", str(net), "--steps", str(steps), "--format", fmt, "--size", size]
        args += ["--out", str(out), "--trace-json" if trace_json else "--no-trace-json"]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(HERE.parent))
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True,
                             text=True, env=env)  # fmt: skip
        seconds = time.perf_counter() - t0
        if res.returncode != 0:
            raise SystemExit(f"export failed: {res.stderr.strip()}")
        peak = next(int(ln.split()[1]) for ln in res.stdout.splitlines() if ln.startswith("PEAK"))
        files = list(out.iterdir())
        trace = out / "trace.json"
        return {
            "format": fmt,
            "steps": steps,
            "size": size,
            "peak_rss_mib": round(peak / 1024, 1),
            "seconds": round(seconds, 1),
            "files": len(files),
            "output_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
            "trace_json_mb": round(trace.stat().st_size / 1e6, 1) if trace.exists() else 0.0,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--formats", nargs="+", default=["png", "gif", "pdf"])
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--no-trace-json", action="store_true")
    ap.add_argument("--json", help="write the figures to this file")
    ns = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        net = Path(tmp) / "784-128-64-10.json"
        net.write_text(json.dumps(NETWORK))
        print(f"{'format':6} {'steps':>5} {'peak RSS MiB':>12} {'s':>6} {'files':>5} {'MB out':>8}")
        for fmt in ns.formats:
            for steps in ns.steps:
                r = measure(net, fmt, steps, ns.size, not ns.no_trace_json)
                rows.append(r)
                print(f"{fmt:6} {steps:5d} {r['peak_rss_mib']:12.1f} {r['seconds']:6.1f} "
                      f"{r['files']:5d} {r['output_mb']:8.1f}", flush=True)  # fmt: skip
    figures = {"network": NETWORK["name"], "rows": rows}
    print(json.dumps(figures))
    write_json(ns.json, figures)


if __name__ == "__main__":
    main()
