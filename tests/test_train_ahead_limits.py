"""Lecture mode's training ahead to a typed step is bounded by the limits in nnviz.core.limits:
the session's step limit, the memory budget for the history, and a time budget."""

import pytest

from nnviz.core.errors import BudgetError
from nnviz.core.limits import (
    SESSION_MAX_STEPS,
    TRAIN_AHEAD_MAX_SECONDS,
    check_train_ahead,
)


def test_the_estimate_is_steps_times_a_steps_work():
    # 2-3-1: 2·3+3 + 3·1+1 = 13 parameters; a step at batch 4 costs 50 µs of overhead plus
    # 3 multiply-adds per parameter and sample at 2·10¹⁰ a second
    per_step = 5e-5 + 3 * 13 * 4 / 2e10
    assert check_train_ahead((2, 3, 1), 4, have=10, target=1010) == pytest.approx(1000 * per_step)
    assert check_train_ahead((2, 3, 1), 4, have=50, target=20) == 0.0  # nothing to train


def test_too_many_steps_too_long_or_too_much_memory_is_refused(monkeypatch):
    with pytest.raises(BudgetError, match="past the limit"):
        check_train_ahead((2, 3, 1), 4, have=0, target=SESSION_MAX_STEPS + 1)
    per_step = 5e-5 + 3 * 13 * 4 / 2e10
    too_many = int(TRAIN_AHEAD_MAX_SECONDS / per_step) + 10
    with pytest.raises(BudgetError, match="would take about"):
        check_train_ahead((2, 3, 1), 4, have=0, target=too_many)
    check_train_ahead((2, 3, 1), 4, have=0, target=too_many - 20)  # just within
    monkeypatch.setenv("NNVIZ_MEMORY_BUDGET", "64M")
    # the history of 2,000,000 steps: 2 · 2·10⁶ · (8 + 4 + 4·2) bytes = 80 MB > 64 MiB
    with pytest.raises(BudgetError, match="of memory"):
        check_train_ahead((2, 3, 1), 4, have=0, target=2_000_000)
    check_train_ahead((2, 3, 1), 4, have=0, target=1_500_000, engine_bytes=0)  # 60 MB fits
