"""Predict, then reveal: a learner types the number a phase is about to show, and nnviz says
whether it is right, to the precision the learner typed, and which intermediate went wrong.

``parse_answer`` reads numbers as people type them; ``tolerance`` is half a unit in the last
digit typed (a demanding teacher: "0.29" for 0.2910 is right, "0.28" is not, "0.2911" is not);
``check`` compares with the engine's number and, when wrong, asks
:mod:`nnviz.core.predict_diagnosis` for the first wrong intermediate. :class:`Reveals` is which
phases the learner has already revealed. Fractions such as ``3/4`` are refused (write 0.75): a
hand calculation ends in a decimal, and a fraction carries no precision to judge it by. No Qt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from nnviz.core.mathtext import Rich
from nnviz.core.numfmt import fmt
from nnviz.core.quantities import Quantity, from_human, revealed_at, value
from nnviz.core.trace import StepTrace

_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MINUSES = ("\u2212", "\u2013", "\u2012", "\u2014", "\ufe63", "\uff0d")
_NUMBER = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?$")
_AMBIGUOUS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")
FLOAT32_FLOOR = 2.0**-22
"""Relative floor of the tolerance for a float32 trace: its own rounding, a few ulps."""
FLOAT64_FLOOR = 1e-12


class AnswerError(ValueError):
    """A typed answer that is not a number nnviz can judge; the message says what to type."""


@dataclass(frozen=True)
class Answer:
    """A parsed answer: its value and the half unit of its last typed digit."""

    value: float
    tolerance: float
    text: str


_E_FORM = re.compile(r"^(.+?)[eE]([+-]?\d+)$")
_TIMES_FORM = re.compile(r"^(.+?)(?:[x×*·⋅])10(?:\^|\*\*)?\(?([+-]?\d+)\)?$")
_POWER_FORM = re.compile(r"^()10(?:\^|\*\*)\(?([+-]?\d+)\)?$")


def _split_power(t: str) -> tuple[str, int | None]:
    """(mantissa text, power of ten or None): "1.2e-3", "1,2·10^-3", "1.2×10-3", "10^-3"."""
    for form in (_E_FORM, _TIMES_FORM, _POWER_FORM):
        m = form.match(t)
        if m:
            return m.group(1) or "1", int(m.group(2))
    return t, None


def parse_answer(text: str) -> Answer:
    """A number typed by a person: ``0.2413``, ``0,2413`` (decimal comma), ``.5``, ``−0.3``
    (true minus), ``1.2e-3``, ``1,2·10^-3``, ``1.2×10⁻³``. AnswerError for anything else, also
    for a thousands separator that could be a decimal comma (``1,234``), for both a comma and a
    point, and for fractions."""
    raw = text if isinstance(text, str) else str(text)
    t = raw.strip().replace("\u00a0", " ").replace("\u202f", " ")
    for minus in _MINUSES:
        t = t.replace(minus, "-")
    t = t.translate(_SUPER)
    if not t:
        raise AnswerError("type a number, e.g. 0.2413 or 0,2413")
    if "/" in t:
        raise AnswerError(
            f"{raw.strip()}: fractions are not accepted; write a decimal (3/4 → 0.75)"
        )
    t = re.sub(r"\s*([x×*·⋅^]|\*\*)\s*", r"\1", t)
    if re.search(r"\d\s+\d", t):
        raise AnswerError(f"{raw.strip()}: write the number without spaces inside it")
    t = t.replace(" ", "")
    mant, power = _split_power(t)
    if "," in mant and "." in mant:
        raise AnswerError(
            f"{raw.strip()}: both a comma and a point; write one decimal separator "
            "and no thousands separators"
        )
    if mant.count(",") > 1 or mant.count(".") > 1:
        raise AnswerError(f"{raw.strip()}: write the number without thousands separators")
    if power is None and _AMBIGUOUS_COMMA.match(mant):  # a mantissa has no thousands
        whole, frac = mant.split(",")
        raise AnswerError(
            f"{raw.strip()}: a thousands separator or a decimal comma? "
            f"write {whole}{frac} or {whole}.{frac}"
        )
    mant = mant.replace(",", ".")
    m = _NUMBER.match(mant)
    if not m or not (m.group(2) or m.group(3)):
        raise AnswerError(
            f"not a number: {raw.strip()!r} (write e.g. 0.2413, 0,2413, −0.3 or 1.2×10⁻³)"
        )
    decimals = len(m.group(3) or "")
    exp = power or 0
    try:
        val = float(f"{mant}e{exp}")
    except ValueError as exc:  # pragma: no cover - the pattern above admits only numbers
        raise AnswerError(f"not a number: {raw.strip()!r}") from exc
    if not math.isfinite(val):
        raise AnswerError(f"{raw.strip()}: not a finite number")
    return Answer(val, 0.5 * 10.0 ** (exp - decimals), raw.strip())


def tolerance(text: str) -> float:
    """Half a unit in the last digit typed: 0.24 → 0.005, 0.2413 → 0.00005, 2.4e-3 → 0.00005."""
    return parse_answer(text).tolerance


def floor_for(true: float, dtype: str = "float64") -> float:
    """The smallest tolerance: the engine's own rounding of ``true`` in its dtype."""
    rel = FLOAT32_FLOOR if dtype == "float32" else FLOAT64_FLOOR
    return rel * max(abs(true), 1e-30)


def within(answer: Answer, target: float, dtype: str = "float64") -> bool:
    """Whether ``target`` rounds to what was typed (both ends of the interval included)."""
    tol = max(answer.tolerance, floor_for(target, dtype))
    return abs(answer.value - target) <= tol * (1 + 1e-9)


@dataclass(frozen=True)
class Verdict:
    """What :func:`check` found: ``right``, the engine's ``value``, the ``typed`` number, the
    ``tolerance`` used, and for a wrong answer the ``diagnosis`` (plain text with its typeset
    HTML in ``diagnosis.html``)."""

    quantity: Quantity
    right: bool
    value: float
    typed: float
    tolerance: float
    diagnosis: Rich = field(default_factory=lambda: Rich(""))

    def summary(self, digits: int = 4) -> str:
        """One line: "right: δ = 0.1385" or "wrong: 0.2 is not δ = 0.1385"."""
        if self.right:
            return f"right: {fmt(self.value, digits)} (±{fmt(self.tolerance, 2)})"
        return f"not quite: the engine's value is {fmt(self.value, digits)}"


def check(trace: StepTrace, quantity: Quantity | str, typed: str, sample: int = 0) -> Verdict:
    """Judge ``typed`` as the value of ``quantity`` (a Quantity, or its people's reference such
    as ``delta[2,1]``) in ``trace`` for batch row ``sample``. AnswerError for text that is no
    number; ValueError for a quantity the trace does not have."""
    from nnviz.core.predict_diagnosis import diagnose

    q = from_human(quantity) if isinstance(quantity, str) else quantity
    sizes = [trace.layers[0].n_inputs, *(lay.n_neurons for lay in trace.layers)]
    from nnviz.core.quantities import check_fits

    check_fits(q, sizes)
    if not 0 <= sample < trace.batch_size:
        raise ValueError(f"sample {sample + 1} is not in a batch of {trace.batch_size}")
    answer = parse_answer(typed)
    true = value(trace, q, sample)
    tol = max(answer.tolerance, floor_for(true, trace.dtype))
    if within(answer, true, trace.dtype):
        return Verdict(q, True, true, answer.value, tol)
    return Verdict(q, False, true, answer.value, tol, diagnose(trace, q, answer, sample))


def earlier_phase(names: list[str], phase: int) -> str:
    """The phase before ``phase`` ("start" before the first): what is known while ``phase``
    is hidden."""
    return names[phase - 1] if phase > 0 else "start"


@dataclass
class Reveals:
    """Predict mode (``on``) and the phases the learner revealed, by (run id, step, phase):
    a revealed phase stays revealed when the learner steps back to it."""

    on: bool = False
    revealed: set[tuple[int, int, int]] = field(default_factory=set)

    def hidden(self, run: int, step: int, phase: int) -> bool:
        """Whether the numbers ``phase`` introduces are to be drawn as "?"."""
        return self.on and step > 0 and phase >= 0 and (run, step, phase) not in self.revealed

    def reveal(self, run: int, step: int, phase: int) -> None:
        self.revealed.add((run, step, phase))


def asked_at(q: Quantity, n_layers: int) -> int:
    """The phase at which a prediction of ``q`` is asked: the one that reveals it."""
    return revealed_at(q, n_layers)
