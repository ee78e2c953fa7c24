"""Memory of a long run: play N steps (default 1,000,000) and report peak RSS, the history's
keyframe bytes and its per-step records. Prints a table; --json writes the figures.

Run: python benchmarks/bench_memory.py --network xor --steps 1000000
"""

from __future__ import annotations

import argparse
import resource
import time

import torch
from common import write_json

from nnviz.core.engine import Engine
from nnviz.core.history import History
from nnviz.core.netfile import load


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--network", default="xor")
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    spec, base = load(args.network)
    hist = History(Engine(spec, base_dir=base))
    rows = []
    start_rss = rss_mib()
    t0 = time.perf_counter()
    done = 0
    checkpoints = sorted({args.steps // 10 * k for k in range(1, 11)} | {args.steps})
    for target in checkpoints:
        hist.run(target - done)
        done = target
        rows.append(
            {
                "steps": done,
                "seconds": time.perf_counter() - t0,
                "peak_rss_mib": rss_mib(),
                "keyframes": hist.n_keyframes,
                "keyframe_mib": hist.keyframe_bytes / 2**20,
                "record_mib": (hist._losses.nbytes + hist._epochs.nbytes + hist._norms.nbytes)
                / 2**20,
            }
        )
    t = time.perf_counter()
    trace = hist.trace(args.steps // 3)
    recompute_s = time.perf_counter() - t
    print(f"network {args.network}, start RSS {start_rss:.0f} MiB")
    print(
        f"{'steps':>9} {'seconds':>8} {'peak RSS MiB':>13} {'keyframes':>9} {'keyframe MiB':>12} "
        f"{'records MiB':>11}"
    )
    for r in rows:
        print(
            f"{r['steps']:9d} {r['seconds']:8.1f} {r['peak_rss_mib']:13.0f} {r['keyframes']:9d} "
            f"{r['keyframe_mib']:12.2f} {r['record_mib']:11.1f}"
        )
    print(f"recomputing step {trace.step} from its keyframe: {recompute_s * 1000:.0f} ms")
    write_json(
        args.json,
        {
            "network": args.network,
            "start_rss_mib": start_rss,
            "rows": rows,
            "recompute_ms": recompute_s * 1000,
        },
    )


if __name__ == "__main__":
    main()
