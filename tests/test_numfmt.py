"""The number formatter: significant figures, true minus, scientific form with superscripts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnviz.core.numfmt import fmt, fmt_html, fmt_signed, parse_number


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (0.0087749, 3, "0.00877"),  # the 2-2-2 hidden δ: never "0.009"
        (3.1e-6, 3, "3.10×10⁻⁶"),  # a vanishing gradient: never "0.000"
        (0.15, 3, "0.150"),
        (0.298371109, 4, "0.2984"),
        (-1.25, 3, "−1.25"),
        (9.996e-4, 3, "0.00100"),  # rounding up crosses into plain form
        (9.994e-4, 3, "9.99×10⁻⁴"),
        (12345.6, 3, "12346"),
        (123456.0, 3, "1.23×10⁵"),
        (-2.5e-10, 2, "−2.5×10⁻¹⁰"),
        (0.0, 3, "0"),
        (-0.0, 3, "0"),
        (float("nan"), 3, "NaN"),
        (float("-inf"), 3, "−∞"),
    ],
)
def test_known_numbers(x, digits, text):
    assert fmt(x, digits) == text


def test_rich_text_and_signed_forms():
    assert fmt_html(3.1e-6) == "3.10×10<sup>−6</sup>"
    assert fmt_html(0.5) == "0.500"
    assert fmt_signed(0.0412) == "+0.0412"
    assert fmt_signed(-3.1e-6) == "−3.10×10⁻⁶"
    assert fmt_signed(0.0) == "0"


def _sig_round(x: float, digits: int) -> float:
    """x rounded to ``digits`` significant figures, by arithmetic (not by formatting)."""
    e = math.floor(math.log10(abs(x)))
    q = 10.0 ** (digits - 1 - e)
    return round(x * q) / q


@given(
    st.floats(min_value=1e-300, max_value=1e300) | st.floats(min_value=-1e300, max_value=-1e-300),
    st.integers(1, 8),
)
def test_the_text_is_the_number_to_its_significant_figures(x, digits):
    text = fmt(x, digits)
    value = parse_number(text)
    # within half a unit in the last significant place (plus float noise)
    assert value == pytest.approx(x, rel=0.5 * 10.0 ** (1 - digits) + 1e-12)
    mantissa = text.split("×")[0].lstrip("−")
    if "×" in text:  # scientific: exactly ``digits`` significant figures
        assert len(mantissa.replace(".", "")) == digits
    if 1e-3 <= abs(x) < 1e5 and "×" not in text:
        assert (
            value == pytest.approx(_sig_round(x, digits), rel=1e-9)
            or len(mantissa.replace(".", "").lstrip("0")) >= digits
        )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0,5", 0.5),
        ("−1.2×10⁻³", -1.2e-3),
        ("2x10^-3", 2e-3),
        ("1e-2", 0.01),
        (" 0.298 ", 0.298),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["", "abc", "1,2,3", "inf", "nan"])
def test_parse_number_refuses(bad):
    with pytest.raises(ValueError):
        parse_number(bad)
