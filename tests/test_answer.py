"""Checking a typed answer (core/answer.py): decimal comma, true minus, exponents, and a
tolerance of half a unit of the last typed digit, against a hand-computed δ."""

import math

import pytest

from nnviz.core.answer import check_answer, parse_typed
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.quantities import Quantity


def _sig(z):
    return 1 / (1 + math.exp(-z))


def hand_delta_output_1() -> float:
    """δ of output neuron 1 of the 2-2-2 worked example, by the textbook formulas."""
    x = (0.05, 0.10)
    h = [_sig(0.15 * x[0] + 0.20 * x[1] + 0.35), _sig(0.25 * x[0] + 0.30 * x[1] + 0.35)]
    a = _sig(0.40 * h[0] + 0.45 * h[1] + 0.60)
    return (a - 0.01) * a * (1 - a)  # half squared error, sigmoid


@pytest.fixture(scope="module")
def trace():
    spec, base = load("two-two-two")
    return Engine(spec, base_dir=base).step()


@pytest.mark.parametrize(
    "text, number, tol",
    [
        ("0,25", 0.25, 0.005),
        ("0.25", 0.25, 0.005),
        ("−1,5", -1.5, 0.05),
        ("3", 3.0, 0.5),
        ("1.5e-3", 1.5e-3, 0.5e-4),
        ("3,10×10⁻⁶", 3.10e-6, 0.5e-8),
        (" 2.0 ", 2.0, 0.05),
        (",5", 0.5, 0.05),
    ],
)
def test_parse_typed(text, number, tol):
    got, got_tol = parse_typed(text)
    assert got == pytest.approx(number) and got_tol == pytest.approx(tol)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "--1", "e5", "1.5e"])
def test_not_a_number(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_typed(text)


def test_check_against_hand_computation(trace):
    true = hand_delta_output_1()
    assert true == pytest.approx(0.1384985616, abs=1e-9)
    q = Quantity("delta", (2, 0))
    right = check_answer(trace, q, "0,1385")  # 0.13845…0.13855 holds 0.138499
    assert right.right and right.value == pytest.approx(true, abs=1e-12)
    assert "0.1385" in right.message
    assert check_answer(trace, q, "0,14").right  # 0.135…0.145
    assert check_answer(trace, q, "0,1").right  # one decimal typed: 0.05…0.15 holds it
    wrong = check_answer(trace, q, "0,139")  # 0.1385…0.1395 misses 0.138499
    assert not wrong.right and "too large" in wrong.message
    off = check_answer(trace, q, "0,1375")
    assert not off.right and "too small" in off.message
    assert "0.1385" not in off.message  # a wrong answer does not give the right one away
