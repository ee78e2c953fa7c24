"""How numbers are written everywhere nnviz shows them: significant figures, a true minus sign,
and scientific form with a real superscript for the very small and the very large.

A learner compares what is on screen with a hand calculation, so a number keeps its significant
figures however small it is: 0.00877 is "0.00877" (never "0.009"), 3.1e-6 is "3.10×10⁻⁶"
(never "0.000"). The same rules give plain text (Unicode superscripts, for the canvas, SVG and
PDF, where numbers stay searchable text) and rich text (``<sup>``, for typeset formulas).
No Qt.
"""

from __future__ import annotations

import math

DEFAULT_DIGITS = 3
MIN_DIGITS, MAX_DIGITS = 1, 12
SMALL = 1e-3
"""Below this magnitude a number is written in scientific form."""
LARGE = 1e5
"""From this magnitude on a number is written in scientific form."""
MINUS = "\u2212"
TIMES = "\u00d7"
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _non_finite(x: float) -> str | None:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    return None


def parts(x: float, digits: int = DEFAULT_DIGITS) -> tuple[str, int | None]:
    """The number as (mantissa text, exponent): exponent None for plain form, e.g.
    (``"0.00877"``, None) or (``"3.10"``, -6) for 3.10×10⁻⁶. The mantissa uses a true minus."""
    x = float(x)
    digits = min(max(int(digits), MIN_DIGITS), MAX_DIGITS)
    bad = _non_finite(x)
    if bad is not None:
        return bad, None
    if x == 0:
        return "0", None
    mant, exp_text = f"{x:.{digits - 1}e}".split("e")  # rounded first, so 9.996e-4 → 1.00e-03
    exp = int(exp_text)
    if SMALL <= abs(float(f"{mant}e{exp}")) < LARGE:
        decimals = max(digits - 1 - exp, 0)
        return f"{x:.{decimals}f}".replace("-", MINUS), None
    return mant.replace("-", MINUS), exp


def fmt(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """Plain text with ``digits`` significant figures: "0.00877", "−1.25", "3.10×10⁻⁶"."""
    mant, exp = parts(x, digits)
    if exp is None:
        return mant
    return f"{mant}{TIMES}10{str(exp).translate(_SUPERSCRIPT)}"


def fmt_html(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """Rich text for typeset formulas: "3.10×10<sup>−6</sup>"; plain form as in :func:`fmt`."""
    mant, exp = parts(x, digits)
    if exp is None:
        return mant
    return f"{mant}{TIMES}10<sup>{str(exp).replace('-', MINUS)}</sup>"


def fmt_signed(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """Like :func:`fmt` with an explicit sign for changes: "+0.0412", "−3.10×10⁻⁶", "0"."""
    text = fmt(x, digits)
    return text if text.startswith((MINUS, "N")) or float(x) == 0 else "+" + text


def parse_number(text: str) -> float:
    """A number typed by a person, in the notations nnviz writes and the common others: a
    decimal comma, a true minus, "×10⁻³", "x10^-3", "e-3". ValueError when it is none."""
    t = text.strip().replace(MINUS, "-").replace("\u2013", "-").replace(" ", "")
    t = t.replace("\u00a0", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    for times in (TIMES, "x", "X", "*", "·"):
        if times + "10" in t:
            mant, _, power = t.partition(times + "10")
            power = power.lstrip("^").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+"))
            t = f"{mant or '1'}e{power}"
            break
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value
