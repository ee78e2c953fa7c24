"""Network files: the documented format, presets, and clear errors for bad files."""

import contextlib
import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.engine import Engine
from nnviz.core.errors import NnvizError, SpecError
from nnviz.core.netfile import load, preset_names, read_json, save
from nnviz.core.sequential import from_sequential, to_sequential
from nnviz.core.spec import from_dict, to_dict

GOOD = {
    "nnviz": 1,
    "layers": [2, 2, 2],
    "activations": ["sigmoid", "sigmoid"],
    "loss": "half_sse",
    "optimizer": {"name": "sgd", "lr": 0.5},
    "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
    "biases": [[0.35, 0.35], [0.60, 0.60]],
    "data": {"inputs": [[0.05, 0.10]], "targets": [[0.01, 0.99]]},
    "batch_size": 1,
}


def test_documented_example_parses():
    spec = from_dict(GOOD)
    assert spec.layers == (2, 2, 2)
    np.testing.assert_array_equal(spec.weights[1], [[0.40, 0.45], [0.50, 0.55]])
    assert spec.optimizer.lr == 0.5


def test_round_trip(tmp_path):
    spec = from_dict(GOOD)
    path = tmp_path / "net.json"
    save(spec, path)
    again, _ = load(str(path))
    assert to_dict(again) == to_dict(spec)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"layers": [2]}, '"layers"'),
        ({"layers": [2, 0, 2]}, "layers[1]"),
        ({"layers": [2, 8000, 8000, 8000, 8000, 8000, 2], "activations": "relu"}, "parameters"),
        ({"layers": [2, 10**6, 2]}, "layers[1]"),
        ({"activations": ["sigmoid", "swish"]}, "swish"),
        ({"activations": ["softmax", "sigmoid"]}, "output layer only"),
        ({"loss": "hinge"}, "hinge"),
        ({"loss": "cross_entropy"}, "softmax output"),
        ({"weights": [[[0.15, 0.20]], [[0.4, 0.45], [0.5, 0.55]]]}, "weights[0] must have 2 rows"),
        (
            {"weights": [[[0.15, 0.20, 1], [0.25, 0.30]], [[0.4, 0.45], [0.5, 0.55]]]},
            "weights[0][0]",
        ),
        ({"weights": [[[0.15, "x"], [0.25, 0.30]], [[0.4, 0.45], [0.5, 0.55]]]}, "not a number"),
        ({"biases": [[0.35], [0.6, 0.6]]}, "biases[0]"),
        ({"optimizer": {"name": "rmsprop"}}, "optimizer.name"),
        ({"optimizer": {"name": "sgd", "lr": -1}}, "optimizer.lr"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
        ({"device": "tpu"}, "device"),
        ({"colour": "red"}, "colour"),
        ({"nnviz": 2}, '"nnviz"'),
    ],
)
def test_bad_specs_name_the_problem(change, words):
    doc = {**GOOD, **change}
    with pytest.raises(SpecError) as err:
        from_dict(doc, where="net.json")
    msg = str(err.value)
    assert words in msg and msg.startswith("net.json: ") and "\n" not in msg


def test_shared_bias_must_be_equal():
    doc = {**GOOD, "bias": {"shared": True}, "biases": [[0.3, 0.4], [0.6, 0.6]]}
    with pytest.raises(SpecError, match="equal values"):
        from_dict(doc)


@pytest.mark.parametrize("name", ["xor", "two-two-two", "spiral", "gaussians3", "regression"])
def test_required_presets_exist_and_train(name):
    assert name in preset_names()
    spec, base = load(name)
    eng = Engine(spec, base_dir=base)
    tr = eng.step()
    assert tr.is_finite()
    assert len(tr.phases) == 2 * len(spec.layers) - 2 + 2


def test_all_presets_load():
    for name in preset_names():
        spec, base = load(name)
        Engine(spec, base_dir=base).step()


def test_spiral_is_deep_tanh():
    spec, _ = load("spiral")
    assert len(spec.layers) >= 5 and set(spec.activations) == {"tanh"}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not valid JSON"),
        (b'{"layers": [2, 2', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[" * 100 + b"]" * 100, "nested"),
        (b'{"layers": NaN}', "NaN"),
        (b"[1, 2]", "expected a JSON object"),
    ],
)
def test_broken_files(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SpecError) as err:
        load(str(path))
    assert words in str(err.value) and "bad.json" in str(err.value)


def test_missing_file_and_unknown_preset():
    with pytest.raises(SpecError, match="no such file"):
        load("nowhere/net.json")
    with pytest.raises(SpecError, match="presets are"):
        load("not-a-preset")


def test_huge_file_refused_before_reading(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as fh:
        fh.truncate(100 * 2**20)
    with pytest.raises(SpecError, match="limit"):
        read_json(path)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-5, 5)
        | st.floats(allow_nan=False)
        | st.text(max_size=5),
        lambda kids: (
            st.lists(kids, max_size=4)
            | st.dictionaries(st.sampled_from(list(GOOD) + ["x"]), kids, max_size=6)
        ),
        max_leaves=20,
    )
)
def test_fuzzed_documents_raise_only_spec_errors(doc):
    with contextlib.suppress(SpecError):
        from_dict(doc)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(list(GOOD)),
        st.sampled_from([None, 0, -1, 2.5, "x", [], [1], [[1]], {"a": 1}, True, 10**12]),
        max_size=4,
    )
)
def test_fuzzed_fields_on_a_good_document(changes):
    try:
        spec = from_dict({**GOOD, **changes})
        Engine(spec).step()
    except NnvizError:
        pass


def test_sequential_round_trip():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Softmax(dim=1)
    ).double()
    spec = from_sequential(
        model,
        loss="cross_entropy",
        data={"inputs": [[0.1, 0.2, 0.3]], "targets": [1]},
        batch_size=1,
    )
    assert spec.layers == (3, 4, 2) and spec.activations == ("tanh", "softmax")
    eng = Engine(spec)
    x = torch.tensor([[0.1, 0.2, 0.3]], dtype=torch.float64)
    np.testing.assert_allclose(eng.predict(x.numpy()), model(x).detach().numpy(), rtol=1e-12)
    back = to_sequential(spec, *eng.parameters())
    np.testing.assert_allclose(back(x).detach().numpy(), model(x).detach().numpy(), rtol=1e-12)


def test_sequential_refuses_other_modules():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5), torch.nn.Linear(2, 1))
    with pytest.raises(SpecError, match="Dropout"):
        from_sequential(model)
    with pytest.raises(SpecError, match="Conv1d"):
        from_sequential(torch.nn.Sequential(torch.nn.Conv1d(1, 1, 1)))


def test_spec_json_is_plain(tmp_path):
    spec, _ = load("two-two-two")
    json.dumps(to_dict(spec))
