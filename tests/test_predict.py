"""Predict, then reveal (core and drawing): answers parsed as people type them, tolerances that
follow the digits typed, the first wrong intermediate on the 2-2-2 worked example (numbers worked
out here by hand with numpy, never taken from the trace), the score's report, and "?" in place
of a hidden phase's numbers on the picture and in an exported SVG."""

import csv
import io
import re

import numpy as np
import pytest

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.numfmt import fmt
from nnviz.core.predict import AnswerError, Reveals, check, parse_answer, tolerance, within
from nnviz.core.predict_score import Score
from nnviz.core.quantities import Quantity, from_human

# ----- the 2-2-2 example by hand ---------------------------------------------------------------
X = np.array([0.05, 0.10])
T = np.array([0.01, 0.99])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
W2 = np.array([[0.40, 0.45], [0.50, 0.55]])
B1, B2, ETA = 0.35, 0.60, 0.5


def sig(z):
    return 1 / (1 + np.exp(-z))


Z1 = W1 @ X + B1
A1 = sig(Z1)
SP1 = A1 * (1 - A1)
Z2 = W2 @ A1 + B2
A2 = sig(Z2)
SP2 = A2 * (1 - A2)
D2 = (A2 - T) * SP2
BACK = W2.T @ D2
D1 = SP1 * BACK
G2 = np.outer(D2, A1)
G1 = np.outer(D1, X)
NEW_W2 = W2 - ETA * G2
LOSS = 0.5 * np.sum((A2 - T) ** 2)


@pytest.fixture(scope="module")
def trace():
    spec, base = load("two-two-two")
    return Engine(spec, base_dir=base).step()


def f4(x):
    return fmt(x, 4)


# ----- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, value",
    [
        ("0.2413", 0.2413),
        ("0,2413", 0.2413),
        (" .5 ", 0.5),
        ("-0.3", -0.3),
        ("\u22120.3", -0.3),
        ("+0.25", 0.25),
        ("1.2e-3", 1.2e-3),
        ("1,2·10^-3", 1.2e-3),
        ("1.2×10⁻³", 1.2e-3),
        ("1.2 x 10^(-3)", 1.2e-3),
        ("−4.39×10⁻⁴", -4.39e-4),
        ("2E3", 2000.0),
        ("12,5", 12.5),
        ("0,234", 0.234),
    ],
)
def test_parse_answer(text, value):
    assert parse_answer(text).value == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "type a number"),
        ("abc", "not a number"),
        ("1,234", "thousands separator or a decimal comma"),
        ("1,234.5", "both a comma and a point"),
        ("1.234.567", "thousands separators"),
        ("3/4", "fractions are not accepted"),
        ("1 234", "without spaces"),
        ("5e", "not a number"),
        ("0.5.", "thousands"),
    ],
)
def test_parse_answer_refuses_with_a_message(text, words):
    with pytest.raises(AnswerError, match=re.escape(words)):
        parse_answer(text)


@pytest.mark.parametrize(
    "text, tol",
    [("0.24", 0.005), ("0.2413", 0.00005), ("2.4e-3", 0.05e-3), ("0,29", 0.005), ("3", 0.5),
     ("1.20×10⁻²", 0.005e-2), ("-0.0410", 0.00005)],
)  # fmt: skip
def test_tolerance_is_half_a_unit_in_the_last_digit_typed(text, tol):
    assert tolerance(text) == pytest.approx(tol, rel=1e-12)


@pytest.mark.parametrize(
    "text, right", [("0.29", True), ("0.28", False), ("0.2910", True), ("0.2911", False),
                    ("0,291", True), ("0.3", True), ("0.2", False), ("2.91e-1", True)]
)  # fmt: skip
def test_a_demanding_teacher(text, right):
    assert within(parse_answer(text), 0.291027774) is right


# ----- checking and the diagnosis ---------------------------------------------------------------
def test_right_answers_with_decimal_commas(trace):
    v = check(trace, "delta[2,1]", "0,1385")
    assert v.right and v.value == pytest.approx(D2[0], rel=1e-9)
    assert v.tolerance == pytest.approx(5e-5)
    assert check(trace, Quantity("delta", (1, 0)), "8,771e-3").right
    assert check(trace, "loss", "0,298371").right
    assert check(trace, "new_w[2,1,1]", "0,35892").right
    assert not check(trace, "new_w[2,1,1]", "0,35890").right


def test_wrong_answers_name_the_first_wrong_intermediate(trace):
    cases = [
        # hidden δ with a used for σ′(z)
        ("delta[1,1]", A1[0] * BACK[0], f"σ′(z) should be {f4(SP1[0])}; you used {f4(A1[0])}"),
        # output δ without σ′
        ("delta[2,1]", A2[0] - T[0], f"σ′(z) should be {f4(SP2[0])}; you left it out"),
        # ∂L/∂w with z instead of a
        ("grad[2,1,1]", D2[0] * Z1[0], f"a should be {f4(A1[0])}; you used {f4(Z1[0])}"),
        # Δw with the wrong sign
        ("dw[2,1,1]", ETA * G2[0, 0], f"should be {f4(-ETA * G2[0, 0])}; you used {f4(ETA * G2[0, 0])}"),
        # hidden δ with the updated weights
        ("delta[1,2]", SP1[1] * (NEW_W2.T @ D2)[1],
         f"Σ w·δ should be {f4(BACK[1])}; you used {f4((NEW_W2.T @ D2)[1])} (the weights after the update)"),
        # z with the bias forgotten
        ("z[1,2]", W1[1] @ X, f"b should be {f4(B1)}; you left it out"),
        # the loss without its ½
        ("loss", 2 * LOSS, "½ should be 0.5000; you left it out"),
        # new w from the learning rate left out
        ("new_w[2,2,1]", W2[1, 0] - G2[1, 0], f"η should be {f4(ETA)}; you left it out"),
        # a: z itself
        ("a[2,1]", Z2[0], f"a = σ(z) should be {f4(A2[0])}; you used {f4(Z2[0])}"),
        # σ′ from z instead of a
        ("sigma_prime[1,1]", Z1[0] * (1 - Z1[0]), f"should be {f4(A1[0])}; you used {f4(Z1[0])}"),
    ]  # fmt: skip
    for ref, typed, expect in cases:
        v = check(trace, ref, f"{typed:.4g}")
        assert not v.right, ref
        assert expect in str(v.diagnosis), (ref, str(v.diagnosis))
        assert "<nobr>" in v.diagnosis.html  # typeset numbers for the panel


def test_an_unexplained_answer_lists_the_intermediates_to_check(trace):
    v = check(trace, "delta[1,1]", "0.0123")
    text = str(v.diagnosis)
    assert "no usual slip" in text
    for name, x in (("a", A1[0]), ("σ′(z)", SP1[0]), ("Σ w·δ", BACK[0])):
        assert f"{name} = {f4(x)}" in text
    assert f4(D1[0]) not in text  # the answer itself is not given away


def test_check_refuses_what_it_cannot_judge(trace):
    with pytest.raises(AnswerError):
        check(trace, "delta[2,1]", "zero point one")
    with pytest.raises(ValueError):
        check(trace, "delta[3,1]", "0.1")
    with pytest.raises(ValueError):
        check(trace, "delta[2,1]", "0.1", sample=1)


def test_batch_mean_slip():
    spec, base = load("xor")
    spec = spec.with_changes(batch_size=4)
    tr = Engine(spec, base_dir=base).step()
    lay = tr.layers[0]
    total = float(np.sum(lay.delta[:, 0] * lay.inputs[:, 1]))
    mean = total / 4
    assert float(lay.weight_grad[0, 1]) == pytest.approx(mean, rel=1e-9, abs=1e-15)
    v = check(tr, "grad[1,1,2]", fmt(total, 6).replace("−", "-").replace("×10", "e"))
    assert "the sum over the batch instead of its mean (÷4)" in str(v.diagnosis)


# ----- score and report ------------------------------------------------------------------------
def test_score_report_counts_groups_and_tries(trace, tmp_path):
    score = Score()
    asks = [
        ("delta[1,1]", "0.02"),
        ("delta[1,1]", "0,008771"),
        ("delta[1,2]", "0.009954"),
        ("delta[2,1]", "0.1385"),
        ("dw[2,1,1]", "0.0411"),
    ]
    for ref, typed in asks:
        q = from_human(ref)
        v = check(trace, q, typed)
        score.record(q, 2, 1, 0, typed, v.right, v.value)
    assert score.asked == 4 and score.right_first == 2
    assert score.line() == "2 of 4 right at the first try"
    text = score.report()
    assert "hidden δ: 1 of 2 right" in text
    assert "output δ: 1 of 1 right" in text
    assert "Δw: 0 of 1 right" in text
    assert "typed 0.02 | 0,008771 (right later)" in text
    md = score.report("markdown")
    assert md.startswith("# Predict, then reveal") and "| 1 | delta[1,1] |" in md
    rows = list(csv.DictReader(io.StringIO(score.report("csv"))))
    assert [r["group"] for r in rows] == ["hidden δ", "hidden δ", "output δ", "Δw"]
    assert rows[0]["tries"] == "2" and rows[0]["right_first"] == "0" and rows[0]["solved"] == "1"
    assert float(rows[3]["value"]) == pytest.approx(-ETA * G2[0, 0], rel=1e-9)
    out = tmp_path / "report.csv"
    assert score.export(out) == "csv"
    assert out.read_text(encoding="utf-8") == score.report("csv")
    assert score.export(tmp_path / "r.md") == "markdown"
    with pytest.raises(ValueError):
        score.report("html")


def test_reveals_per_run_step_and_phase():
    r = Reveals()
    assert not r.hidden(1, 1, 0)  # off
    r.on = True
    assert r.hidden(1, 1, 0) and not r.hidden(1, 0, -1)  # nothing before the first step
    r.reveal(1, 1, 0)
    assert not r.hidden(1, 1, 0) and r.hidden(1, 1, 1) and r.hidden(2, 1, 0) and r.hidden(1, 2, 0)


# ----- hiding on the picture -------------------------------------------------------------------
PHASE_NUMBERS = {
    0: [*Z1, *A1, *SP1],
    1: [*Z2, *A2, *SP2],
    2: [LOSS],
    3: [*D2, *G2.ravel()],
    4: [*D1, *G1.ravel()],
    5: [*(-ETA * G2).ravel(), *NEW_W2.ravel(), *(-ETA * G1).ravel()],
}


def _labels(trace, phase, hidden, mode="all", selection=None):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from nnviz.render.export import ensure_gui_app
    from nnviz.render.renderer import NetworkRenderer
    from nnviz.render.scene_builder import build_scene
    from nnviz.render.view import ViewState

    ensure_gui_app()
    spec, _ = load("two-two-two")
    st = build_scene(spec, ViewState(label_mode=mode), trace=trace, phase=phase,
                     hidden=hidden, selection=selection)  # fmt: skip
    img = QImage(1600, 900, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    try:
        info = NetworkRenderer().paint(p, QRectF(0, 0, 1600, 900), st)
    finally:
        p.end()
    return st, [lab.text for lab in info.labels]


@pytest.mark.parametrize("phase", range(6))
@pytest.mark.parametrize("mode", ["all", "activation"])
def test_hidden_phase_draws_question_marks_not_its_numbers(trace, phase, mode):
    sel = ("edge", 1, 0, 0) if phase in (3, 5) else ("edge", 0, 1, 0)
    st, hidden = _labels(trace, phase, True, mode, sel)
    texts = " ‖ ".join([*hidden, st.header])
    marks = {0: ["z ?", "a ?"], 1: ["z ?", "σ' ?"], 2: ["L = ?", "loss ?"], 3: ["δ ?", "∂L/∂w = ?"],
             4: ["δ ?"], 5: ["w 0.400 → ?"]}[phase]  # fmt: skip
    if mode == "activation" and phase < 2:
        marks = ["?"]
    for mark in marks:
        assert mark in hidden or mark in texts.split(" · "), (mark, texts)
    bare = (
        7 if phase == 5 else 3 if phase > 2 else 2 if mode == "activation" and phase < 2 else 0
    )  # the others: edges
    assert hidden.count("?") == bare, hidden
    if phase < 2:
        assert "δ ?" not in texts
    for x in PHASE_NUMBERS[phase]:
        for d in (3, 4):
            assert not re.search(rf"(?<![\d.]){re.escape(fmt(x, d))}(?!\d)", texts), (
                fmt(x, d),
                texts,
            )
    _, shown = _labels(trace, phase, False, mode, sel)
    assert "?" not in " ".join(shown)
    first = {0: A1[0], 1: A2[0], 2: LOSS, 3: D2[0], 4: D1[0], 5: NEW_W2[0, 0]}[phase]
    assert fmt(first, 3) in " ".join(shown)


def test_hidden_phase_in_svg_text(trace, tmp_path):
    from nnviz.render.export import ensure_gui_app, save_svg
    from nnviz.render.scene_builder import build_scene
    from nnviz.render.view import ViewState

    ensure_gui_app()
    spec, _ = load("two-two-two")
    for hidden in (True, False):
        st = build_scene(spec, ViewState(label_mode="all"), trace=trace, phase=3, hidden=hidden)
        path = tmp_path / f"b{hidden}.svg"
        save_svg(st, path, 1280, 720)
        text = path.read_text(encoding="utf-8")
        assert (fmt(D2[0], 3) in text) is not hidden
        assert (fmt(G2[0, 0], 3) in text) is not hidden
        assert ("δ ?" in text) is hidden
