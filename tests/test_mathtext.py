"""Formula text's two forms: plain Unicode and typeset HTML, from one source."""

from nnviz.core.mathtext import Rich, cat, document, hyper, line, nobr, num, sym


def test_symbols_and_numbers_in_both_forms():
    w = sym("w", "12", cls="w", layer=2)
    assert str(w) == "w⁽²⁾₁₂"
    assert w.html == '<nobr><span class="w"><i>w</i><sup>(2)</sup><sub>12</sub></span></nobr>'
    assert str(sym("β", "1", "t")) == "β₁ᵗ"
    assert str(sym("m", hat=True)) == "m\u0302"
    assert str(num(-0.0822, 3, paren=True)) == "(−0.0822)"
    small = num(3.1e-6, 3)
    assert str(small) == "3.10×10⁻⁶" and small.html == "<nobr>3.10×10<sup>−6</sup></nobr>"
    assert [str(hyper(v)) for v in (1e-8, 5e-4, 0.999, 0.5)] == ["10⁻⁸", "5×10⁻⁴", "0.999", "0.5"]


def test_concatenation_keeps_both_forms_and_escapes_plain_text():
    text = cat("a < b & ", sym("x", cls="x"), " = ", num(2, 3))
    assert isinstance(text, Rich) and str(text) == "a < b & x = 2.00"
    assert text.html.startswith("a &lt; b &amp; ") and '<span class="x">' in text.html
    assert str("pre " + sym("z")) == "pre z" and isinstance("pre " + sym("z"), Rich)


def test_unbreakable_spans_join_slashes_in_text_not_in_tags():
    r = nobr("m/(1 − ", sym("β", "1"), ")")
    assert "/\u2060(" in r.html and "</sub>" in r.html and "<\u2060" not in r.html


def test_document_gives_each_line_its_kind():
    html = document([line("title", kind="title"), Rich("later", kind="muted"), "plain"])
    assert '<p class="title">title</p>' in html and '<p class="muted">later</p>' in html
    assert "<p>plain</p>" in html
