"""Training data: built-in generated sets, inline data, CSV files, the train/test split, batches.

numpy only. Generated sets are drawn from a seed: the same seed gives the same arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.errors import DataError, printable
from nnviz.core.limits import MAX_SAMPLES, check_memory

DATASETS = ("xor", "and", "or", "circle", "gaussians", "spiral", "moons", "linear", "nonlinear")
CLASSIFICATION = {"xor", "and", "or", "circle", "gaussians", "spiral", "moons"}
MULTICLASS = {"gaussians", "spiral"}
TRUTH_TABLES = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1)}
_GENERATED_KEYS = {"dataset", "n", "noise", "seed", "classes", "test_fraction", "standardize"}


@dataclass
class Dataset:
    """Inputs and targets as the network sees them, split into training and test rows."""

    x_train: np.ndarray
    t_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray
    labels_train: np.ndarray | None
    labels_test: np.ndarray | None
    task: str
    n_classes: int
    input_names: list[str]
    target_names: list[str]
    description: str
    mean: np.ndarray | None = None
    std: np.ndarray | None = None

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.t_train.shape[1])

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.x_test.shape[0])


def generate(
    name: str, n: int, noise: float, seed: int, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """(x [n, 2], y): int64 labels [n] for classification sets, float64 values [n, 1] otherwise."""
    if name not in DATASETS:
        raise DataError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    if not 1 <= n <= MAX_SAMPLES:
        raise DataError(f"n must be between 1 and {MAX_SAMPLES:,}, found {n:,}")
    if n_classes != 2 and name not in MULTICLASS or not 2 <= n_classes <= 10:
        raise DataError(f"{name} cannot have {n_classes} classes")
    rng = np.random.default_rng(seed)
    if name in TRUTH_TABLES:
        corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
        rows = np.arange(n) % 4
        x = corners[rows] + rng.normal(0, noise, (n, 2)) * (noise > 0)
        return x, np.asarray(TRUTH_TABLES[name], dtype=np.int64)[rows]
    k = n_classes
    labels = np.arange(n) % k if name in MULTICLASS else np.arange(n) % 2
    if name == "circle":
        r = np.where(labels == 0, rng.uniform(0, 0.5, n), rng.uniform(0.7, 1.0, n))
        angle = rng.uniform(0, 2 * math.pi, n)
        x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    elif name == "gaussians":
        centres = 0.6 * np.stack(
            [np.cos(2 * math.pi * np.arange(k) / k), np.sin(2 * math.pi * np.arange(k) / k)], 1
        )
        x = centres[labels] + rng.normal(0, 0.15, (n, 2))
    elif name == "spiral":
        t = rng.uniform(0, 1, n)
        r = 0.1 + 0.9 * t
        angle = 1.75 * 2 * math.pi * t + 2 * math.pi * labels / k
        x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    elif name == "moons":
        t = rng.uniform(0, math.pi, n)
        x = np.where(
            (labels == 0)[:, None],
            np.stack([np.cos(t), np.sin(t)], 1),
            np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1),
        )
        x = (x - [0.5, 0.25]) / 1.2
    elif name == "linear":
        x = rng.uniform(-1, 1, (n, 2))
        y = 0.6 * x[:, 0] - 0.3 * x[:, 1] + 0.1
        return x, (y + rng.normal(0, noise, n))[:, None]
    else:  # nonlinear
        x = rng.uniform(-1, 1, (n, 2))
        y = 0.5 * np.sin(math.pi * x[:, 0]) + 0.5 * x[:, 1] ** 2 - 0.25
        return x, (y + rng.normal(0, noise, n))[:, None]
    if noise:
        x = x + rng.normal(0, noise, x.shape)
    return x, labels.astype(np.int64)


def batch_order(
    n: int, batch_size: int, seed: int, epoch: int, *, shuffle: bool = True
) -> list[np.ndarray]:
    """The index batches of one epoch: a permutation of range(n) drawn from (seed, epoch) (or
    range(n) itself without shuffle), cut into consecutive batches; the last may be smaller. A
    batch that holds the whole set keeps the file's order: there is nothing to shuffle, and
    sample 1 stays row 1."""
    if batch_size < 1:
        raise DataError(f"batch size must be at least 1, found {batch_size}")
    mix = shuffle and batch_size < n
    order = np.random.default_rng([seed, epoch]).permutation(n) if mix else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def build_dataset(
    data: dict,
    *,
    n_inputs: int,
    n_outputs: int,
    output_activation: str,
    loss: str,
    base_dir: Path | None = None,
    where: str = "data",
    allow_outside: bool = False,
) -> Dataset:
    """The Dataset a network file's ``data`` object describes, checked against the network.

    A CSV file is found relative to ``base_dir`` (the network file's folder); one outside it is
    read only with ``allow_outside`` (see :func:`nnviz.core.csv_data.data_path`)."""
    if not isinstance(data, dict):
        raise DataError("must be an object", where)
    if "dataset" in data:
        ds = _generated(data, n_inputs, n_outputs, output_activation, where)
    elif "csv" in data:
        from nnviz.core.csv_data import load_csv

        ds = load_csv(
            data, n_inputs, n_outputs, output_activation, loss, base_dir, where, allow_outside
        )
    elif "inputs" in data:
        ds = _inline(data, n_inputs, n_outputs, output_activation, loss, where)
    else:
        raise DataError('needs "inputs"/"targets", "dataset" or "csv"', where)
    check_targets(ds, loss, where)
    return ds


def check_targets(ds: Dataset, loss: str, where: str) -> None:
    """Targets the loss is defined for: binary cross-entropy takes targets in [0, 1] (outside,
    the loss goes negative); cross-entropy takes rows of probabilities (each in [0, 1], summing
    to 1, as one-hot rows and class indices give)."""
    if loss not in ("bce", "cross_entropy"):
        return
    for part, t in (("targets", ds.t_train), ("test targets", ds.t_test)):
        if not t.size:
            continue
        bad = np.argwhere((t < 0) | (t > 1))
        if len(bad):
            r, c = (int(v) for v in bad[0])
            raise DataError(
                f"{part} row {r + 1} holds {t[r, c]:g}; {loss} needs targets between 0 and 1",
                where,
            )
        if loss == "cross_entropy":
            sums = t.sum(axis=1)
            off = np.flatnonzero(np.abs(sums - 1) > 1e-6)
            if len(off):
                r = int(off[0])
                raise DataError(
                    f"{part} row {r + 1} sums to {sums[r]:g}; cross_entropy needs each row to "
                    "sum to 1 (one-hot rows or class indices)",
                    where,
                )


def _finite(x: Any) -> float | None:
    """x as a finite float, or None for bools, non-numbers, NaN, Inf and ints too big."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    try:
        v = float(x)
    except OverflowError:
        return None
    return v if math.isfinite(v) else None


def _number(x: Any, key: str, lo: float, hi: float, where: str, whole: bool = False) -> float:
    v = _finite(x)
    if v is None:
        shown = f"{x!r}" if len(repr(x)) <= 40 else f"{repr(x)[:40]}…"
        raise DataError(f'"{key}" must be a finite number, found {shown}', where)
    if whole and not v.is_integer():
        raise DataError(f'"{key}" must be a whole number, found {x!r}', where)
    if not lo <= v <= hi:
        raise DataError(
            f'"{key}" must be between {_show(lo)} and {_show(hi)}, found {_show(v)}', where
        )
    return v


def _show(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() and abs(v) < 1e18 else f"{v:g}"


def _generated(data: dict, n_inputs: int, n_outputs: int, out_act: str, where: str) -> Dataset:
    unknown = sorted(set(data) - _GENERATED_KEYS)
    if unknown:
        raise DataError(f"unknown key {unknown[0]!r} for a generated data set", where)
    name = data["dataset"]
    if not isinstance(name, str) or name not in DATASETS:
        raise DataError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}", where)
    default_n = 4 if name in TRUTH_TABLES else 200
    n = int(_number(data.get("n", default_n), "n", 1, MAX_SAMPLES, where, whole=True))
    noise = float(_number(data.get("noise", 0.0), "noise", 0, 10, where))
    seed = int(_number(data.get("seed", 0), "seed", 0, 2**32 - 1, where, whole=True))
    k = int(_number(data.get("classes", 2), "classes", 2, 10, where, whole=True))
    if k != 2 and name not in MULTICLASS:
        raise DataError(f"{name} has 2 classes; only gaussians and spiral take more", where)
    frac = float(_number(data.get("test_fraction", 0.0), "test_fraction", 0, 0.9, where))
    standardize = data.get("standardize", False)
    if not isinstance(standardize, bool):
        raise DataError('"standardize" must be true or false', where)
    if n_inputs != 2:
        raise DataError(f"{name} has 2 inputs but the network has {n_inputs}", where)
    x, y = generate(name, n, noise, seed, k)
    desc = f"{name}, {n} points, noise {noise:g}, seed {seed}"
    if name in CLASSIFICATION:
        t = labels_to_targets(y, k, n_outputs, out_act, name, where)
        return _split(
            x,
            t,
            y,
            "classification",
            k,
            ["x1", "x2"],
            _class_names(k),
            desc,
            frac,
            seed,
            standardize,
        )
    if n_outputs != 1:
        raise DataError(f"{name} has 1 target but the network has {n_outputs} outputs", where)
    return _split(x, y, None, "regression", 0, ["x1", "x2"], ["y"], desc, frac, seed, standardize)


def _class_names(k: int) -> list[str]:
    return [f"class {i}" for i in range(k)]


def labels_to_targets(
    labels: np.ndarray, k: int, n_outputs: int, out_act: str, source: str, where: str
) -> np.ndarray:
    """Targets for class labels: one 0/1 (or −1/+1 for tanh) output, or one-hot rows."""
    if n_outputs == 1:
        if k != 2:
            raise DataError(
                f"{source} has {k} classes; a single output can only tell 2 apart", where
            )
        t = labels.astype(np.float64)
        return (2 * t - 1 if out_act == "tanh" else t)[:, None]
    if n_outputs != k:
        raise DataError(f"the network has {n_outputs} outputs but {source} has {k} classes", where)
    return one_hot(labels, k, where)


def one_hot(labels: np.ndarray, k: int, where: str) -> np.ndarray:
    """One-hot rows [n, k] of class labels, refused before allocation beyond the budget (a few
    KB of class indices with 8192 outputs would otherwise expand to gigabytes)."""
    check_memory(
        len(labels) * k * 8 * 4, f"{len(labels):,} one-hot targets of {k:,} classes", where
    )
    t = np.zeros((len(labels), k))
    t[np.arange(len(labels)), labels] = 1.0
    return t


def _split(
    x: np.ndarray,
    t: np.ndarray,
    labels: np.ndarray | None,
    task: str,
    k: int,
    input_names: list[str],
    target_names: list[str],
    desc: str,
    frac: float,
    seed: int,
    standardize: bool,
) -> Dataset:
    n = len(x)
    n_test = min(int(round(n * frac)), n - 1)
    perm = np.random.default_rng([seed, 7919]).permutation(n) if n_test else np.arange(n)
    test, train = perm[:n_test], perm[n_test:]
    if n_test:
        train = np.sort(train)
        test = np.sort(test)
    mean = std = None
    x = np.asarray(x, dtype=np.float64)
    if standardize:
        mean = x[train].mean(axis=0)
        std = x[train].std(axis=0)
        std[std == 0] = 1.0
        x = (x - mean) / std
        desc += ", standardized"
    lab = None if labels is None else labels.astype(np.int64)
    return Dataset(
        x_train=x[train],
        t_train=np.asarray(t, np.float64)[train],
        x_test=x[test],
        t_test=np.asarray(t, np.float64)[test],
        labels_train=None if lab is None else lab[train],
        labels_test=None if lab is None else lab[test],
        task=task,
        n_classes=k,
        input_names=input_names,
        target_names=target_names,
        description=desc,
        mean=mean,
        std=std,
    )


def _matrix(rows: Any, width: int, key: str, what: str, where: str) -> np.ndarray:
    if not isinstance(rows, list) or not rows:
        raise DataError(f'"{key}" must be a non-empty list of rows', where)
    if len(rows) > MAX_SAMPLES:
        raise DataError(f'"{key}" has {len(rows):,} rows, more than {MAX_SAMPLES:,}', where)
    check_memory(len(rows) * width * 8 * 4, f'"{key}" ({len(rows):,} rows of {width:,})', where)
    out = np.empty((len(rows), width), dtype=np.float64)
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            raise DataError(f"{key}[{i}] must be a list of numbers", where)
        if len(row) != width:
            raise DataError(
                f"{key}[{i}] has {len(row)} values, the network has {width} {what}", where
            )
        for j, v in enumerate(row):
            f = _finite(v)
            if f is None:
                shown = repr(v) if len(repr(v)) <= 40 else f"{repr(v)[:40]}…"
                raise DataError(f"{key}[{i}][{j}] is {shown}, not a finite number", where)
            out[i, j] = f
    return out


def _inline_part(
    part: dict, n_inputs: int, n_outputs: int, loss: str, where: str, key: str
) -> tuple[np.ndarray, np.ndarray]:
    """(x, t) of one inline {"inputs", "targets"} object; key prefixes messages."""
    x = _matrix(part.get("inputs"), n_inputs, f"{key}inputs", "inputs", where)
    raw = part.get("targets")
    scalars = isinstance(raw, list) and raw and not any(isinstance(v, list) for v in raw)
    if scalars and n_outputs == 1:
        raw = [[v] for v in raw]  # a flat list of values for a single output
    if scalars and n_outputs > 1:
        if loss != "cross_entropy":
            raise DataError(f'"{key}targets" as class indices need loss cross_entropy', where)
        for i, v in enumerate(raw):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < n_outputs:
                raise DataError(
                    f"{key}targets[{i}] is {printable(repr(v))}, not a class index "
                    f"0..{n_outputs - 1} (the network has {n_outputs} outputs)",
                    where,
                )
        t = one_hot(np.asarray(raw, dtype=np.int64), n_outputs, where)
    else:
        t = _matrix(raw, n_outputs, f"{key}targets", "outputs", where)
    if len(t) != len(x):
        raise DataError(f'"{key}targets" has {len(t)} rows, "{key}inputs" has {len(x)}', where)
    return x, t


def _class_labels(t: np.ndarray, out_act: str) -> np.ndarray | None:
    """Class labels when every target row is a class code (0/1, ±1 for tanh, one-hot), else None."""
    if t.shape[1] == 1:
        codes = (-1.0, 1.0) if out_act == "tanh" and (t < 0).any() else (0.0, 1.0)
        return (t[:, 0] > 0).astype(np.int64) if np.isin(t, codes).all() else None
    if np.isin(t, (0.0, 1.0)).all() and (t.sum(axis=1) == 1).all():
        return t.argmax(axis=1).astype(np.int64)
    return None


def _inline(
    data: dict, n_inputs: int, n_outputs: int, out_act: str, loss: str, where: str
) -> Dataset:
    unknown = sorted(set(data) - {"inputs", "targets", "test", "input_names", "target_names"})
    if unknown:
        raise DataError(f"unknown key {unknown[0]!r} for inline data", where)
    x, t = _inline_part(data, n_inputs, n_outputs, loss, where, "")
    xt, tt = np.zeros((0, n_inputs)), np.zeros((0, n_outputs))
    if "test" in data:
        test = data["test"]
        if not isinstance(test, dict):
            raise DataError('"test" must be an object with "inputs" and "targets"', where)
        unknown = sorted(set(test) - {"inputs", "targets"})
        if unknown:
            raise DataError(f'unknown key {unknown[0]!r} in "test"', where)
        xt, tt = _inline_part(test, n_inputs, n_outputs, loss, where, "test.")
    labels = _class_labels(np.concatenate([t, tt]), out_act)
    task, k = ("classification", max(n_outputs, 2)) if labels is not None else ("regression", 0)
    names_in = data.get("input_names", [f"x{i + 1}" for i in range(n_inputs)])
    names_out = data.get("target_names", [f"y{i + 1}" for i in range(n_outputs)])
    for key, names, size in (
        ("input_names", names_in, n_inputs),
        ("target_names", names_out, n_outputs),
    ):
        if (
            not isinstance(names, list)
            or len(names) != size
            or not all(isinstance(s, str) for s in names)
        ):
            raise DataError(f'"{key}" must list {size} names', where)
    return Dataset(
        x_train=x,
        t_train=t,
        x_test=xt,
        t_test=tt,
        labels_train=None if labels is None else labels[: len(x)],
        labels_test=None if labels is None else labels[len(x) :],
        task=task,
        n_classes=k,
        input_names=[printable(s) for s in names_in],
        target_names=[printable(s) for s in names_out],
        description=f"{len(x)} inline samples",
    )
