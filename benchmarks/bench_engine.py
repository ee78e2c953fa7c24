"""Engine throughput: traced steps, untraced run mode, and a plain PyTorch loop for comparison.

Prints a table and, with --json, writes the figures as JSON. Run: python benchmarks/bench_engine.py
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import torch

from nnviz.core.engine import Engine
from nnviz.core.history import History
from nnviz.core.netfile import load, preset_names
from nnviz.core.spec import from_dict

PLAYGROUND = {
    "name": "playground-max",
    "layers": [2, 8, 8, 8, 8, 8, 8, 1],
    "activations": ["tanh"] * 6 + ["tanh"],
    "loss": "half_sse",
    "optimizer": {"name": "sgd", "lr": 0.03},
    "init": {"scheme": "xavier", "seed": 0},
    "data": {"dataset": "spiral", "n": 500, "noise": 0.1, "seed": 0},
    "batch_size": 10,
    "dtype": "float32",
}


def _rate(fn, steps: int, batch: int, min_time: float = 1.0) -> float:
    """Examples per second of fn(steps), repeated until min_time has passed."""
    fn(max(steps // 10, 1))  # warm-up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_time:
        fn(steps)
        done += steps
    return done * batch / (time.perf_counter() - start)


def plain_loop_rate(spec_doc: dict, steps: int) -> float:
    """A plain per-batch autograd loop on an nn.Sequential: the baseline."""
    eng = Engine(from_dict(spec_doc))
    x = torch.as_tensor(eng.dataset.x_train, dtype=torch.float32)
    t = torch.as_tensor(eng.dataset.t_train, dtype=torch.float32)
    mods = []
    sizes = spec_doc["layers"]
    for m, n in zip(sizes[:-1], sizes[1:], strict=True):
        mods += [torch.nn.Linear(m, n), torch.nn.Tanh()]
    model = torch.nn.Sequential(*mods)
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    b = spec_doc["batch_size"]
    n = len(x)

    def run(k: int) -> None:
        for i in range(k):
            j = (i * b) % n
            xb, tb = x[j : j + b], t[j : j + b]
            loss = 0.5 * ((model(xb) - tb) ** 2).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()

    return _rate(run, steps, b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    args = ap.parse_args()
    torch.set_num_threads(1)
    steps = 200 if args.quick else 1000
    rows = []
    for name in preset_names():
        spec, base = load(name)
        eng = Engine(spec, base_dir=base)
        b = min(spec.batch_size, eng.dataset.n_train)
        traced = _rate(lambda k, e=eng: [e.step() for _ in range(k)], max(steps // 10, 10), b)
        hist = History(Engine(spec, base_dir=base))
        run = _rate(hist.run, steps, b)
        rows.append(
            {"network": name, "batch": b, "traced_examples_s": traced, "run_examples_s": run}
        )
    spec = from_dict(PLAYGROUND)
    hist = History(Engine(spec))
    run = _rate(hist.run, steps, 10)
    plain = plain_loop_rate(PLAYGROUND, steps)
    rows.append(
        {
            "network": "playground-max (2-8x6-1, spiral, batch 10, float32)",
            "batch": 10,
            "traced_examples_s": _rate(lambda k: [hist.step() for _ in range(k)], 100, 10),
            "run_examples_s": run,
            "plain_torch_loop_examples_s": plain,
            "ratio_vs_plain": run / plain,
        }
    )
    print(f"{'network':52} {'batch':>5} {'traced ex/s':>12} {'run ex/s':>12} {'plain ex/s':>11}")
    for r in rows:
        plain_s = (
            f"{r['plain_torch_loop_examples_s']:11.0f}"
            if "plain_torch_loop_examples_s" in r
            else ""
        )
        print(
            f"{r['network']:52} {r['batch']:5d} {r['traced_examples_s']:12.0f} "
            f"{r['run_examples_s']:12.0f} {plain_s}"
        )
    result = {
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "threads": 1,
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
        "rows": rows,
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
