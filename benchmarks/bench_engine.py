"""Engine throughput: traced steps, play mode (untraced, recorded in history), and a plain
PyTorch loop for comparison; the CUDA speed-up on a large network where a GPU is present.

Rates are the best of several timed repetitions (this kind of shared machine's speed drifts
by up to 1.6x between minutes; the best repetition is the least disturbed one). Prints a table;
--json writes the figures. Run: python benchmarks/bench_engine.py
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import torch
from common import PLAYGROUND, write_json

from nnviz.core import kernel
from nnviz.core.data import Dataset
from nnviz.core.device import AUTO_CUDA_MIN_WORK, cuda_available, resolve
from nnviz.core.engine import Engine
from nnviz.core.history import History
from nnviz.core.netfile import load, preset_names
from nnviz.core.spec import from_dict

# the 784-4096x4-10 network needs about 6 GB, beyond nnviz's default memory budget (2 GiB)
os.environ.setdefault("NNVIZ_MEMORY_BUDGET", "32G")

BIG = {
    "name": "784-4096x4-10",
    "layers": [784, 4096, 4096, 4096, 4096, 10],
    "activations": ["relu"] * 4 + ["softmax"],
    "loss": "cross_entropy",
    "init": {"scheme": "he", "seed": 0},
    "data": {"inputs": [[0.0] * 784], "targets": [0]},  # replaced by random_data()
    "batch_size": 1024,
    "dtype": "float32",
}


def best_rate(fn: Callable[[], object], examples: int, reps: int, min_time: float = 0.2) -> float:
    """Examples per second of fn() (which trains ``examples`` examples), best of ``reps``."""
    fn()  # warm-up (TorchScript specialises on its first calls)
    best = float("inf")
    for _ in range(reps):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / n)
    return examples / best


def plain_loop(spec_doc: dict) -> tuple[Callable[[], None], int]:
    """A plain per-batch autograd loop on an nn.Sequential with torch.optim: the baseline.
    Returns a function training 1,000 batches and the examples it trains."""
    eng = Engine(from_dict(spec_doc))
    x = torch.as_tensor(eng.dataset.x_train, dtype=torch.float32)
    t = torch.as_tensor(eng.dataset.t_train, dtype=torch.float32)
    mods: list[torch.nn.Module] = []
    sizes = spec_doc["layers"]
    for m, n in zip(sizes[:-1], sizes[1:], strict=True):
        mods += [torch.nn.Linear(m, n), torch.nn.Tanh()]
    model = torch.nn.Sequential(*mods)
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    b = spec_doc["batch_size"]
    n_rows = len(x)

    def run() -> None:
        for i in range(1000):
            j = (i * b) % n_rows
            xb, tb = x[j : j + b], t[j : j + b]
            loss = 0.5 * ((model(xb) - tb) ** 2).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()

    return run, 1000 * b


def preset_rows(reps: int) -> list[dict]:
    rows = []
    for name in preset_names():
        spec, base = load(name)
        eng = Engine(spec, base_dir=base)
        b = min(spec.batch_size, eng.dataset.n_train)
        hist = History(Engine(spec, base_dir=base))
        rows.append(
            {
                "network": name,
                "batch": b,
                "traced_examples_s": best_rate(lambda e=eng: [e.step() for _ in range(50)], 50 * b, reps),
                "play_examples_s": best_rate(lambda h=hist: h.run(2000), 2000 * b, reps),
            }
        )  # fmt: skip
    return rows


def playground_row(reps: int) -> dict:
    spec = from_dict(PLAYGROUND)
    hist = History(Engine(spec))
    eng = Engine(spec)
    traced = History(Engine(spec))
    play = best_rate(lambda: hist.run(5000), 50_000, reps)
    engine_run = best_rate(lambda: eng.run(5000), 50_000, reps)
    plain_fn, plain_n = plain_loop(PLAYGROUND)
    plain = best_rate(plain_fn, plain_n, reps)
    kind = kernel.KERNEL_KIND
    saved = kernel._KERNEL
    kernel._KERNEL = kernel.train_steps  # the same kernel as plain Python, for comparison
    try:
        python = best_rate(lambda: eng.run(2000), 20_000, reps)
    finally:
        kernel._KERNEL = saved
    return {
        "network": "2-8x6-1 tanh, spiral 500, batch 10, float32",
        "batch": 10,
        "traced_examples_s": best_rate(lambda: [traced.step() for _ in range(50)], 500, reps),
        "play_examples_s": play,
        "engine_run_examples_s": engine_run,
        "python_kernel_examples_s": python,
        "plain_torch_loop_examples_s": plain,
        "play_vs_plain": play / plain,
        "kernel": kind,
    }


def random_data(n: int, n_in: int, n_classes: int) -> Dataset:
    """Random inputs with one-hot targets, seeded (the big network's speed needs no meaning)."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, n_classes, n)
    x = rng.normal(size=(n, n_in))
    t = np.eye(n_classes)[labels]
    return Dataset(
        x, t, x[:0], t[:0], labels, labels[:0], "classification", n_classes,
        [f"x{i}" for i in range(n_in)], [f"c{i}" for i in range(n_classes)], "random",
    )  # fmt: skip


def device_rows(steps: int) -> list[dict]:
    """Seconds per step of the large network on each device."""
    spec = from_dict(BIG)
    data = random_data(2048, 784, 10)
    rows = []
    devices = ["cpu"] + (["cuda"] if cuda_available() else [])
    for dev in devices:
        eng = Engine(spec, data, device=dev)
        eng.run(1)
        if dev == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        eng.run(steps)
        if dev == "cuda":
            torch.cuda.synchronize()
        rows.append({"device": dev, "seconds_per_step": (time.perf_counter() - start) / steps})
    return rows


def auto_choices() -> list[dict]:
    out = []
    for name in [*preset_names(), "BIG"]:
        spec = from_dict(BIG) if name == "BIG" else load(name)[0]
        work = spec.n_parameters * spec.batch_size
        device, _ = resolve("auto", work)
        out.append({"network": spec.name or name, "work": work, "auto": device.type})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--no-big", action="store_true", help="skip the 784-4096x4-10 network")
    args = ap.parse_args()
    reps = 2 if args.quick else 5
    rows = preset_rows(reps)
    pg = playground_row(reps)
    print(f"{'network':46} {'batch':>5} {'traced ex/s':>12} {'play ex/s':>12}")
    for r in [*rows, pg]:
        print(
            f"{r['network']:46} {r['batch']:5d} {r['traced_examples_s']:12,.0f} "
            f"{r['play_examples_s']:12,.0f}"
        )
    print(
        f"\n2-8x6-1 playground network, examples/s: play (history) {pg['play_examples_s']:,.0f}; "
        f"Engine.run {pg['engine_run_examples_s']:,.0f}; same kernel as plain Python "
        f"{pg['python_kernel_examples_s']:,.0f}; plain autograd loop "
        f"{pg['plain_torch_loop_examples_s']:,.0f}; play / plain = {pg['play_vs_plain']:.1f}x "
        f"(kernel: {pg['kernel']})"
    )
    big = [] if args.no_big else device_rows(1 if args.quick else 3)
    for r in big:
        print(f"784-4096x4-10, batch 1024, {r['device']}: {r['seconds_per_step']:.3f} s/step")
    if len(big) == 2:
        print(f"CUDA speed-up: {big[0]['seconds_per_step'] / big[1]['seconds_per_step']:.1f}x")
    elif big:
        print("CUDA speed-up: no CUDA device here")
    choices = auto_choices()
    picks = ", ".join(f"{c['network']}→{c['auto']}" for c in choices)
    print(f"auto (CUDA from {AUTO_CUDA_MIN_WORK:,} multiply-adds per step): {picks}")
    write_json(
        args.json,
        {"rows": rows, "playground": pg, "big_network": big, "auto": choices},
        torch_threads=torch.get_num_threads(),
        torch=torch.__version__,
        cuda=torch.cuda.get_device_name(0) if cuda_available() else None,
    )


if __name__ == "__main__":
    main()
