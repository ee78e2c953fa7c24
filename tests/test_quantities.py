"""Named quantities: the hand-worked 2-2-2 numbers read through their names, the phase that
reveals each, and references written by hand."""

import pytest

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.phases import phase_names
from nnviz.core.quantities import Quantity, check_fits, parse, revealed_at, shown_at, value


@pytest.fixture(scope="module")
def trace():
    spec, base = load("two-two-two")
    return Engine(spec, base_dir=base).step()


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("z[1,0]", 0.3775),  # 0.15·0.05 + 0.20·0.10 + 0.35, by hand
        ("a[1,0]", 0.593269992),
        ("a[2,1]", 0.772928465),
        ("loss", 0.298371109),
        ("delta[2,0]", 0.138498562),
        ("grad[1,0,0]", 0.082167041),  # ∂E/∂w5
        ("new_w[1,0,0]", 0.35891648),  # w5 after the update
        ("w[0,0,0]", 0.15),  # w1
        ("x[0,1]", 0.10),
        ("target[2,1]", 0.99),
    ],
)
def test_values_are_the_worked_example(trace, ref, expected):
    assert f"{value(trace, parse(ref)):.8g}" == f"{expected:.8g}"


def test_sigma_prime_and_update_by_hand(trace):
    a = value(trace, parse("a[1,0]"))
    assert value(trace, parse("sigma_prime[1,0]")) == pytest.approx(a * (1 - a), rel=1e-12)
    g = value(trace, parse("grad[1,0,0]"))
    assert value(trace, parse("dw[1,0,0]")) == pytest.approx(-0.5 * g, rel=1e-12)


def test_revealed_at_follows_the_phases():
    names = phase_names(2)
    at = {ref: names[revealed_at(parse(ref), 2)] for ref in ("z[1,0]", "a[2,0]", "loss")}
    assert at == {"z[1,0]": "forward-L1", "a[2,0]": "forward-L2", "loss": "loss"}
    assert names[revealed_at(parse("delta[1,1]"), 2)] == "backward-L1"
    assert names[revealed_at(parse("grad[1,0,1]"), 2)] == "backward-L2"
    assert names[revealed_at(parse("grad[0,0,1]"), 2)] == "backward-L1"
    assert names[revealed_at(parse("new_w[0,0,1]"), 2)] == "update"
    assert revealed_at(parse("w[0,0,1]"), 2) == 0


def test_shown_at_lists_each_phase_once(trace):
    seen = [q for ph in range(len(phase_names(2))) for q in shown_at(trace, ph)]
    assert len(seen) == len(set(seen))
    backward_l1 = {q.text() for q in shown_at(trace, phase_names(2).index("backward-L1"))}
    assert {"delta[1,0]", "delta[1,1]", "grad[0,1,1]", "b_grad[1,0]"} <= backward_l1
    assert "delta[2,0]" not in backward_l1


@pytest.mark.parametrize("text", ["δ(1, 0)", "delta[1,0]", " delta [ 1 , 0 ] "])
def test_parse_forms(text):
    assert parse(text) == Quantity("delta", (1, 0))
    assert parse(parse(text).text()) == parse(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("phi[1,0]", "unknown quantity"),
        ("delta[1]", "needs 2"),
        ("w[0,0]", "needs 3"),
        ("delta[1,x]", "not a quantity"),
        ("", "not a quantity"),
    ],
)
def test_parse_errors_name_the_problem(text, words):
    with pytest.raises(ValueError, match=words):
        parse(text)


@pytest.mark.parametrize("text", ["delta[3,0]", "a[1,5]", "w[2,0,0]", "x[1,0]", "z[0,0]"])
def test_check_fits_refuses_what_the_network_lacks(text):
    with pytest.raises(ValueError):
        check_fits(parse(text), (2, 2, 2))


def test_describe():
    assert parse("delta[1,1]").describe(2) == "δ of neuron 2 in hidden layer 1"
    assert parse("grad[1,0,1]").describe(2) == (
        "∂L/∂w of the weight from neuron 2 in hidden layer 1 to neuron 1 in the output layer"
    )


@pytest.mark.parametrize(
    ("text", "q"),
    [
        ("delta[1,2]", Quantity("delta", (1, 1))),
        ("x[0,1]", Quantity("x", (0, 0))),
        ("w[1,2,1]", Quantity("w", (0, 1, 0))),
        ("grad[2,1,2]", Quantity("grad", (1, 0, 1))),
        ("loss", Quantity("loss")),
    ],
)
def test_human_numbering(text, q):
    from nnviz.core.quantities import from_human, human

    assert from_human(text) == q
    assert human(q) == text


@pytest.mark.parametrize("text", ["delta[1,0]", "w[0,1,1]", "w[1,0,1]"])
def test_human_numbering_starts_at_one(text):
    from nnviz.core.quantities import from_human

    with pytest.raises(ValueError, match="from 1"):
        from_human(text)
