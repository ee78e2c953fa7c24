"""Answers that are not one number of a step but a measure of the whole network: its loss,
accuracy, precision, recall, F1, MSE or cross-entropy on the training or the test set.

A lesson asks "what is the test accuracy after 2000 steps?" as ``accuracy[test]``; the answer
is computed from the engine's parameters after the stop's step, never typed in. Classes are
numbered as the app names them ("class 0", "class 1", …). No Qt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from nnviz.core.metrics import classification_report, predictions, regression_errors

METRIC_KINDS = ("loss", "mse", "cross_entropy", "accuracy", "precision", "recall", "f1")
PER_CLASS = ("precision", "recall", "f1")
SETS = ("train", "test")
SYMBOLS = {
    "loss": "mean loss",
    "mse": "MSE",
    "cross_entropy": "cross-entropy",
    "accuracy": "accuracy",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
}
_EPS = 1e-12
_REF = re.compile(
    r"^\s*([a-z_0-9]+)\s*\[\s*([a-z]+)\s*(?:,\s*(\d+)\s*)?\]\s*$", re.IGNORECASE
)  # fmt: skip


@dataclass(frozen=True)
class Metric:
    """``kind`` (one of METRIC_KINDS) on the training or test set (``data``); ``cls`` is a class
    for precision, recall and F1 (None: the macro average over the classes)."""

    kind: str
    data: str = "train"
    cls: int | None = None

    def text(self) -> str:
        """The reference :func:`parse_metric` reads back: ``accuracy[test]``, ``f1[train,1]``."""
        extra = "" if self.cls is None else f",{self.cls}"
        return f"{self.kind}[{self.data}{extra}]"

    def describe(self) -> str:
        """For people: 'precision of class 1 on the test set', 'macro F1 on the training set'."""
        where = "training set" if self.data == "train" else "test set"
        sym = SYMBOLS[self.kind]
        if self.kind in PER_CLASS:
            sym = f"macro {sym}" if self.cls is None else f"{sym} of class {self.cls}"
        return f"{sym} on the {where}"


def parse_metric(text: str) -> Metric | None:
    """A Metric for ``accuracy[test]``, ``precision[train,1]``, ``loss[test]``…; None when the
    text is not written as a metric (it may still be a quantity); ValueError when it is but is
    wrong."""
    m = _REF.match(text or "")
    if not m or m.group(1).lower() not in METRIC_KINDS:
        return None
    kind, data, cls = m.group(1).lower(), m.group(2).lower(), m.group(3)
    if data not in SETS:
        raise ValueError(f"{text.strip()}: the set is train or test, not {data!r}")
    if cls is not None and kind not in PER_CLASS:
        raise ValueError(f"{text.strip()}: only precision, recall and f1 take a class")
    return Metric(kind, data, None if cls is None else int(cls))


def check_metric_fits(metric: Metric, sizes: tuple[int, ...] | list[int]) -> None:
    """ValueError when a class is one the network's outputs cannot predict."""
    k = max(sizes[-1], 2)
    if metric.cls is not None and metric.cls >= k:
        raise ValueError(f"{metric.text()}: the classes are 0 to {k - 1}")


def metric_value(engine, metric: Metric) -> float:
    """The metric of ``engine``'s current parameters on the whole set it names. ValueError
    when the network cannot have it (no test set, not a classifier, outputs that are not
    probabilities)."""
    ds = engine.dataset
    train = metric.data == "train"
    x, t = (ds.x_train, ds.t_train) if train else (ds.x_test, ds.t_test)
    if len(x) == 0:
        raise ValueError(
            f"{metric.text()}: the network has no {'training' if train else 'test'} set"
        )
    if metric.kind == "loss":
        return engine.mean_loss(x, t)
    y = engine.predict(x)
    act = engine.spec.activations[-1]
    if metric.kind == "mse":
        return regression_errors(y, t)[0]
    if metric.kind == "cross_entropy":
        return cross_entropy(y, t, act)
    labels = ds.labels_train if train else ds.labels_test
    if ds.task != "classification" or labels is None:
        raise ValueError(f"{metric.text()}: the network's targets are not classes")
    rep = classification_report(labels, predictions(y, act), max(ds.n_classes, 2))
    if metric.kind == "accuracy":
        return rep.accuracy
    per = {"precision": rep.precision, "recall": rep.recall, "f1": rep.f1}[metric.kind]
    return float(per.mean() if metric.cls is None else per[metric.cls])


def cross_entropy(y: np.ndarray, t: np.ndarray, output_activation: str) -> float:
    """Mean cross-entropy of probabilities ``y`` against targets ``t``: −Σ_k t_k ln y_k for a
    softmax output, −[t ln y + (1 − t) ln(1 − y)] for one sigmoid output."""
    if output_activation not in ("softmax", "sigmoid"):
        raise ValueError("cross-entropy needs probabilities: a sigmoid or softmax output layer")
    p = np.clip(y, _EPS, 1.0)
    if output_activation == "softmax":
        return float(-(t * np.log(p)).sum(axis=1).mean())
    q = np.clip(1.0 - y, _EPS, 1.0)
    return float(-(t * np.log(p) + (1 - t) * np.log(q)).sum(axis=1).mean())
