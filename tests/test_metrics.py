"""Metrics against hand-computed confusion matrices."""

import numpy as np
import pytest

from nnviz.core.metrics import (
    classification_report,
    confusion_matrix,
    predictions,
    regression_errors,
)


def test_binary_by_hand():
    true = [1, 1, 1, 0, 0, 0, 0, 1]
    pred = [1, 0, 1, 0, 0, 1, 0, 1]
    # class 1: TP 3, FN 1, FP 1 → P 3/4, R 3/4; class 0: TP 3, FN 1, FP 1
    m = confusion_matrix(np.array(true), np.array(pred), 2)
    np.testing.assert_array_equal(m, [[3, 1], [1, 3]])
    r = classification_report(np.array(true), np.array(pred), 2)
    assert r.accuracy == 6 / 8
    np.testing.assert_allclose(r.precision, [0.75, 0.75])
    np.testing.assert_allclose(r.f1, [0.75, 0.75])


def test_three_classes_macro_by_hand():
    true = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    pred = np.array([0, 0, 1, 2, 1, 1, 0, 2, 2, 1])
    # confusion (rows true): [[2,1,1],[1,2,0],[0,1,2]]
    r = classification_report(true, pred, 3)
    np.testing.assert_array_equal(r.confusion, [[2, 1, 1], [1, 2, 0], [0, 1, 2]])
    # precision: col sums 3,4,3 → 2/3, 2/4, 2/3; recall: row sums 4,3,3 → 2/4, 2/3, 2/3
    np.testing.assert_allclose(r.precision, [2 / 3, 1 / 2, 2 / 3])
    np.testing.assert_allclose(r.recall, [1 / 2, 2 / 3, 2 / 3])
    f1 = [2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2), 2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3), 2 / 3]
    np.testing.assert_allclose(r.f1, f1)
    assert r.macro_precision == pytest.approx((2 / 3 + 1 / 2 + 2 / 3) / 3)
    assert r.macro_recall == pytest.approx((1 / 2 + 2 / 3 + 2 / 3) / 3)
    assert r.macro_f1 == pytest.approx(sum(f1) / 3)
    assert r.accuracy == 0.6


def test_class_never_predicted_scores_zero():
    r = classification_report(np.array([0, 1, 2]), np.array([0, 0, 0]), 3)
    np.testing.assert_allclose(r.precision, [1 / 3, 0, 0])
    np.testing.assert_allclose(r.recall, [1, 0, 0])


def test_predictions_and_regression():
    np.testing.assert_array_equal(predictions(np.array([[0.2, 0.7, 0.1]]), "softmax"), [1])
    np.testing.assert_array_equal(predictions(np.array([[0.6], [0.4]]), "sigmoid"), [1, 0])
    np.testing.assert_array_equal(predictions(np.array([[0.1], [-0.4]]), "tanh"), [1, 0])
    mse, mae = regression_errors(np.array([[1.0], [2.0]]), np.array([[0.0], [4.0]]))
    assert mse == 2.5 and mae == 1.5
