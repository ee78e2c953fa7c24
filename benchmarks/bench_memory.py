"""Memory of long runs: train N steps (default 1,000,000) in each of R runs of one session
(the first run, and with --runs 4 three race lanes from the same initial weights: SGD,
momentum, Adam), recording as the window does (whole-set evaluations included), and report
peak RSS, the keyframe bytes and the per-step records of all the runs. Prints a table;
--json writes the figures.

Run: python benchmarks/bench_memory.py --network xor --steps 1000000 [--runs 4]
"""

from __future__ import annotations

import argparse
import resource
import time

import torch
from common import write_json

from nnviz.core.netfile import load
from nnviz.core.race import start_race, variants
from nnviz.core.runs import RunTree


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--network", default="xor")
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, choices=(1, 2, 3, 4), default=1)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    spec, base = load(args.network)
    tree = RunTree(spec, base)
    runs = [tree.current]
    if args.runs > 1:
        runs += start_race(tree, variants(spec, "optimizers")[: args.runs - 1] or [])
    rows = []
    start_rss = rss_mib()
    t0 = time.perf_counter()
    done = 0
    checkpoints = sorted({args.steps // 10 * k for k in range(1, 11)} | {args.steps})
    for target in checkpoints:
        for run in runs:
            run.train(target - done)
        done = target
        hists = [r.history for r in runs]
        rows.append(
            {
                "steps": done,
                "seconds": time.perf_counter() - t0,
                "peak_rss_mib": rss_mib(),
                "keyframes": sum(h.n_keyframes for h in hists),
                "keyframe_mib": sum(h.keyframe_bytes for h in hists) / 2**20,
                "record_mib": sum(
                    h._losses.nbytes + h._epochs.nbytes + h._norms.nbytes for h in hists
                )
                / 2**20,
                "evaluations": sum(len(r.evals) for r in runs),
            }
        )
    t = time.perf_counter()
    trace = runs[-1].history.trace(args.steps // 3)
    recompute_s = time.perf_counter() - t
    print(f"network {args.network}, {len(runs)} run(s), start RSS {start_rss:.0f} MiB")
    print(
        f"{'steps/run':>9} {'seconds':>8} {'peak RSS MiB':>13} {'keyframes':>9} "
        f"{'keyframe MiB':>12} {'records MiB':>11} {'evals':>6}"
    )
    for r in rows:
        print(
            f"{r['steps']:9d} {r['seconds']:8.1f} {r['peak_rss_mib']:13.0f} {r['keyframes']:9d} "
            f"{r['keyframe_mib']:12.2f} {r['record_mib']:11.1f} {r['evaluations']:6d}"
        )
    print(f"recomputing step {trace.step} from its keyframe: {recompute_s * 1000:.0f} ms")
    write_json(
        args.json,
        {
            "network": args.network,
            "runs": len(runs),
            "start_rss_mib": start_rss,
            "rows": rows,
            "recompute_ms": recompute_s * 1000,
        },
    )


if __name__ == "__main__":
    main()
