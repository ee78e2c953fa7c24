"""Checking a number a learner typed against the one the engine computed.

A learner works a number out by hand and types it as they would write it: ``0,25`` with a
decimal comma, ``−0.0131`` with a true minus, ``3.1e-6`` or ``3.1×10⁻⁶``. The answer counts as
right when it is within half a unit of its last typed digit of the true value (``0.25`` is right
for anything from 0.245 to 0.255): the learner chooses the precision by the digits they type.
No Qt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from nnviz.core.numfmt import fmt
from nnviz.core.quantities import Quantity, value
from nnviz.core.trace import StepTrace

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_NUMBER = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$")


@dataclass(frozen=True)
class Checked:
    """The verdict: ``right``, the engine's ``value``, the ``tolerance`` the typed digits gave
    and a one-line ``message`` for the learner."""

    right: bool
    value: float
    typed: float
    tolerance: float
    message: str


def parse_typed(text: str) -> tuple[float, float]:
    """The typed number and half a unit of its last digit. ValueError (a sentence) when the text
    is not a number. Accepts a decimal comma, a true minus, ``e`` and ``×10ⁿ`` exponents."""
    s = (text or "").strip().replace(" ", "").replace("\u2009", "").replace("\u00a0", "")
    s = s.replace("\u2212", "-").replace(",", ".")
    m = re.match(r"^(.*?)(?:[×x*·]10\^?([⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+|[+-]?\d+))$", s)
    if m:
        s = f"{m.group(1)}e{m.group(2).translate(_SUPER)}"
    s = s.replace("E", "e")
    n = _NUMBER.match(s)
    if not s or not n or not (n.group(2) or n.group(3)):
        raise ValueError(f"“{text.strip()[:40]}” is not a number (write e.g. 0,25 or −1.3e-4)")
    decimals = len(n.group(3) or "")
    exponent = int(n.group(4) or 0)
    typed = float(s)
    return typed, 0.5 * 10.0 ** (exponent - decimals)


def check_answer(trace: StepTrace, quantity: Quantity, typed: str, sample: int = 0) -> Checked:
    """Whether ``typed`` is ``quantity``'s value in ``trace`` (batch row ``sample``) to the
    precision typed. ValueError when ``typed`` is not a number."""
    number, tol = parse_typed(typed)
    true = value(trace, quantity, sample)
    # a hair of slack for the decimal rounding of the bound itself (0.255 typed as 0.25)
    right = math.isfinite(true) and abs(number - true) <= tol * (1 + 1e-9)
    shown = fmt(number, max(_digits(typed), 1))
    if right:
        msg = f"Right: {shown} — the engine has {fmt(true, 6)}."
    else:
        side = "too large" if number > true else "too small"
        msg = f"Not quite: {shown} is {side}. Try again, or ask for the hint."
    return Checked(right, true, number, tol, msg)


def _digits(text: str) -> int:
    """Significant digits typed (to show the number back as it was typed)."""
    mant = re.split(r"[eE×x*·]", text.replace(",", "."))[0]
    digits = re.sub(r"\D", "", mant).lstrip("0")
    return min(len(digits), 12)
