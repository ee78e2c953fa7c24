"""Data: generated sets, inline data, CSV files (good and broken), splits and batches."""

import contextlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.data import DATASETS, batch_order, build_dataset, generate
from nnviz.core.errors import DataError

DATA = Path(__file__).parent / "data"


def build(data, n_in=2, n_out=1, act="sigmoid", loss="half_sse"):
    return build_dataset(
        data, n_inputs=n_in, n_outputs=n_out, output_activation=act, loss=loss, base_dir=DATA
    )


@pytest.mark.parametrize("name", DATASETS)
def test_generated_sets_are_seeded(name):
    x1, y1 = generate(name, 100, 0.1, seed=3)
    x2, y2 = generate(name, 100, 0.1, seed=3)
    x3, _ = generate(name, 100, 0.1, seed=4)
    assert x1.shape == (100, 2) and x1.dtype == np.float64
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    if name in ("linear", "nonlinear"):
        assert y1.shape == (100, 1)
    else:
        assert set(np.unique(y1)) <= {0, 1}
        expected = {"and": 25, "or": 75}.get(name, 50)
        assert expected - 15 <= (y1 == 1).sum() <= expected + 15


@pytest.mark.parametrize(
    ("name", "table"), [("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])]
)
def test_truth_tables(name, table):
    x, y = generate(name, 4, 0.0, 0)
    np.testing.assert_array_equal(x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, table)


def test_multiclass_spiral_and_one_hot():
    ds = build(
        {"dataset": "spiral", "n": 300, "classes": 3}, n_out=3, act="softmax", loss="cross_entropy"
    )
    assert ds.n_classes == 3 and ds.t_train.shape == (300, 3)
    np.testing.assert_array_equal(ds.t_train.argmax(1), ds.labels_train)
    np.testing.assert_array_equal(ds.t_train.sum(1), 1)


def test_tanh_output_gets_plus_minus_one():
    ds = build({"dataset": "circle", "n": 50}, act="tanh")
    assert set(np.unique(ds.t_train)) == {-1.0, 1.0}


@pytest.mark.parametrize(
    ("data", "kw", "words"),
    [
        ({"dataset": "spiral", "classes": 3}, {}, "single output"),
        ({"dataset": "spiral"}, {"n_out": 3}, "3 outputs but spiral has 2 classes"),
        ({"dataset": "xor"}, {"n_in": 3}, "network has 3"),
        ({"dataset": "moons", "classes": 3}, {}, "moons has 2 classes"),
        ({"dataset": "swirl"}, {}, "unknown data set"),
        ({"dataset": "xor", "n": 10**12}, {}, '"n"'),
        ({"dataset": "xor", "noise": -1}, {}, '"noise"'),
        ({"dataset": "xor", "colour": 1}, {}, "colour"),
        ({"inputs": [[1, 2]], "targets": [[1], [0]]}, {}, "has 2 rows"),
        ({"inputs": [[1, 2, 3]], "targets": [[1]]}, {}, "inputs[0] has 3 values"),
        ({"inputs": [[1, "a"]], "targets": [[1]]}, {}, "not a number"),
        ({"inputs": [[1, float("nan")]], "targets": [[1]]}, {}, "nan"),
        ({"inputs": [], "targets": []}, {}, "non-empty"),
        ({}, {}, "needs"),
    ],
)
def test_bad_data_is_named(data, kw, words):
    args = {"n_in": 2, "n_out": 1, **kw}
    with pytest.raises(DataError) as err:
        build(data, args["n_in"], args["n_out"])
    assert words in str(err.value)


def test_inline_class_indices_for_cross_entropy():
    ds = build(
        {"inputs": [[0, 0], [1, 1], [2, 2]], "targets": [0, 2, 1]},
        n_out=3,
        act="softmax",
        loss="cross_entropy",
    )
    np.testing.assert_array_equal(ds.labels_train, [0, 2, 1])
    np.testing.assert_array_equal(ds.t_train, np.eye(3)[[0, 2, 1]])


def test_split_and_standardize():
    ds = build({"dataset": "gaussians", "n": 200, "test_fraction": 0.25, "standardize": True})
    assert ds.n_train == 150 and ds.n_test == 50
    np.testing.assert_allclose(ds.x_train.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(0), 1, atol=1e-12)


def test_batch_order():
    epochs = [batch_order(10, 3, seed=1, epoch=e) for e in (1, 2)]
    for batches in epochs:
        assert [len(b) for b in batches] == [3, 3, 3, 1]
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    again = batch_order(10, 3, seed=1, epoch=1)
    assert all(np.array_equal(a, b) for a, b in zip(again, epochs[0], strict=True))
    np.testing.assert_array_equal(
        np.concatenate(batch_order(5, 2, 1, 1, shuffle=False)), np.arange(5)
    )


def test_csv_with_text_labels():
    ds = build(
        {
            "csv": "iris_small.csv",
            "inputs": ["petal_length", "petal_width"],
            "targets": ["species"],
        },
        n_out=3,
        act="softmax",
        loss="cross_entropy",
    )
    assert ds.task == "classification" and ds.n_classes == 3
    assert ds.target_names == ["setosa", "versicolor", "virginica"]
    assert ds.input_names == ["petal_length", "petal_width"]
    assert ds.n_train == 15 and ds.labels_train[0] == 0 and ds.labels_train[-1] == 2
    assert ds.x_train[0].tolist() == [1.4, 0.2]


def test_csv_without_header_by_index():
    ds = build({"csv": "no_header.csv"})
    assert ds.n_train == 4 and ds.task == "classification"
    np.testing.assert_array_equal(ds.t_train[:, 0], [0, 1, 1, 0])


def test_csv_semicolon_and_regression():
    ds = build({"csv": "semicolon.csv"})
    assert ds.n_train == 4 and ds.task == "regression"
    ds = build({"csv": "regression.csv", "task": "regression", "standardize": True})
    assert ds.task == "regression" and ds.n_train == 5
    assert ds.mean is not None


@pytest.mark.parametrize(
    ("file", "words"),
    [
        ("missing_value.csv", "line 3, x2: missing value"),
        ("text_in_numeric.csv", "line 3, x2: 'abc' is not a finite number"),
        ("single_column.csv", "only one column"),
        ("empty.csv", "empty"),
        ("ragged.csv", "line 3: 2 columns"),
        ("not_utf8.csv", "line 3: not UTF-8"),
        ("infinite.csv", "line 2, x2"),
        ("nowhere.csv", "no such file"),
    ],
)
def test_broken_csv_files(file, words):
    with pytest.raises(DataError) as err:
        build({"csv": file})
    msg = str(err.value)
    assert file in msg and words in msg, msg
    assert "\n" not in msg


def test_csv_column_errors():
    with pytest.raises(DataError, match="no column 'nope'"):
        build({"csv": "iris_small.csv", "inputs": ["nope", "sepal_width"]})
    with pytest.raises(DataError, match="no header"):
        build({"csv": "no_header.csv", "inputs": ["a", "b"]})
    with pytest.raises(DataError, match="column 9 does not exist"):
        build({"csv": "no_header.csv", "inputs": [0, 9]})


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_csv_bytes(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(blob)
    try:
        ds = build_dataset(
            {"csv": str(path)},
            n_inputs=2,
            n_outputs=1,
            output_activation="sigmoid",
            loss="half_sse",
        )
        assert np.isfinite(ds.x_train).all()
    except DataError:
        pass


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats() | st.text(max_size=3),
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(
            st.sampled_from(["inputs", "targets", "test", "dataset", "n", "csv", "x"]),
            kids,
            max_size=3,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_fuzzed_inline_data(doc):
    with contextlib.suppress(DataError):
        build(doc) if isinstance(doc, dict) else build({"inputs": doc, "targets": doc})
