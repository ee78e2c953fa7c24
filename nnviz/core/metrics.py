"""Metrics: accuracy, per-class precision/recall/F1 with macro averages, the confusion matrix;
MSE and MAE for regression. numpy only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassificationReport:
    """Rows of ``confusion`` are true classes, columns predicted classes."""

    confusion: np.ndarray
    accuracy: float
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray

    @property
    def macro_precision(self) -> float:
        return float(self.precision.mean())

    @property
    def macro_recall(self) -> float:
        return float(self.recall.mean())

    @property
    def macro_f1(self) -> float:
        return float(self.f1.mean())


def confusion_matrix(true: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    """k×k counts: entry [i, j] is how many samples of class i were predicted as j."""
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (np.asarray(true, int), np.asarray(pred, int)), 1)
    return m


def classification_report(true: np.ndarray, pred: np.ndarray, k: int) -> ClassificationReport:
    """Precision, recall and F1 per class; a class never predicted (or never present) scores 0."""
    m = confusion_matrix(true, pred, k)
    tp = np.diag(m).astype(np.float64)
    predicted = m.sum(axis=0).astype(np.float64)
    actual = m.sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    total = m.sum()
    accuracy = float(tp.sum() / total) if total else float("nan")
    return ClassificationReport(m, accuracy, precision, recall, f1)


def predictions(outputs: np.ndarray, output_activation: str) -> np.ndarray:
    """Predicted classes from network outputs: argmax, or a threshold for a single output
    (0.5 for sigmoid and similar, 0 for tanh and identity)."""
    if outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    threshold = 0.0 if output_activation in ("tanh", "identity", "leaky_relu") else 0.5
    return (outputs[:, 0] >= threshold).astype(np.int64)


def regression_errors(outputs: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
    """(MSE, MAE) over all outputs and samples."""
    diff = outputs - targets
    return float((diff**2).mean()), float(np.abs(diff).mean())
