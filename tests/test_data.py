"""Data: generated sets, inline data, CSV files (good and broken), splits and batches."""

import contextlib
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core import csv_data
from nnviz.core.data import (
    CLASSIFICATION,
    DATASETS,
    MAX_SAMPLES,
    Dataset,
    batch_order,
    build_dataset,
    generate,
)
from nnviz.core.errors import DataError

DATA = Path(__file__).parent / "data"


def build(data, n_in=2, n_out=1, act="sigmoid", loss="half_sse", base_dir=DATA):
    return build_dataset(
        data, n_inputs=n_in, n_outputs=n_out, output_activation=act, loss=loss, base_dir=base_dir
    )


def error(data, **kw) -> str:
    with pytest.raises(DataError) as err:
        build(data, **kw)
    msg = str(err.value)
    assert "\n" not in msg
    return msg


# generated sets


@pytest.mark.parametrize("name", DATASETS)
def test_generated_sets_are_seeded(name):
    x1, y1 = generate(name, 100, 0.1, seed=3)
    x2, y2 = generate(name, 100, 0.1, seed=3)
    x3, y3 = generate(name, 100, 0.1, seed=4)
    assert x1.shape == (100, 2) and x1.dtype == np.float64
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    if name in CLASSIFICATION:
        assert y1.shape == (100,) and y1.dtype == np.int64
        assert set(np.unique(y1)) <= {0, 1}
        expected = {"and": 25, "or": 75}.get(name, 50)
        assert expected - 15 <= (y1 == 1).sum() <= expected + 15
    else:
        assert y1.shape == (100, 1) and y1.dtype == np.float64
        assert not np.array_equal(y1, y3)
        assert np.abs(y1).max() < 2


@pytest.mark.parametrize("name", ["gaussians", "spiral"])
@pytest.mark.parametrize("k", [3, 5, 10])
def test_multiclass_sets_are_balanced(name, k):
    x, y = generate(name, 600, 0.05, seed=1, n_classes=k)
    assert x.shape == (600, 2) and set(np.unique(y)) == set(range(k))
    counts = np.bincount(y)
    assert counts.min() >= 600 // k - 1 and counts.max() <= 600 // k + 1


@pytest.mark.parametrize(
    ("name", "table"), [("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])]
)
def test_truth_tables(name, table):
    x, y = generate(name, 4, 0.0, 0)
    np.testing.assert_array_equal(x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, table)
    ds = build({"dataset": name})
    assert ds.n_train == 4 and ds.t_train[:, 0].tolist() == table
    x, y = generate(name, 10, 0.0, 0)
    np.testing.assert_array_equal(x[4:8], x[:4])
    np.testing.assert_array_equal(y, (table * 3)[:10])
    x, _ = generate(name, 10, 0.1, 0)
    assert not np.array_equal(x[4:8], x[:4])
    assert np.abs(x - np.tile([[0, 0], [0, 1], [1, 0], [1, 1]], (3, 1))[:10]).max() < 1


def test_generated_defaults_and_description():
    ds = build({"dataset": "spiral"})
    assert ds.n_train == 200 and ds.n_test == 0 and ds.x_test.shape == (0, 2)
    assert ds.description == "spiral, 200 points, noise 0, seed 0"
    assert ds.input_names == ["x1", "x2"] and ds.target_names == ["class 0", "class 1"]
    ds = build({"dataset": "nonlinear", "n": 50, "noise": 0.1, "seed": 2})
    assert ds.task == "regression" and ds.n_classes == 0 and ds.labels_train is None
    assert (
        ds.t_train.shape == (50, 1) and ds.description == "nonlinear, 50 points, noise 0.1, seed 2"
    )


def test_generate_refuses_bad_arguments():
    for args in [("swirl", 10), ("xor", 0), ("xor", 10**12)]:
        with pytest.raises(DataError):
            generate(*args, 0.0, 0)
    with pytest.raises(DataError, match="circle cannot have 3 classes"):
        generate("circle", 10, 0.0, 0, n_classes=3)


def test_absurd_n_is_refused_at_once():
    start = time.perf_counter()
    for n in (10**12, 10**400, MAX_SAMPLES + 1):
        assert '"n" must' in error({"dataset": "spiral", "n": n})
    assert time.perf_counter() - start < 1


# class labels to targets


def test_tanh_output_gets_plus_minus_one():
    ds = build({"dataset": "circle", "n": 50}, act="tanh")
    assert set(np.unique(ds.t_train)) == {-1.0, 1.0}
    np.testing.assert_array_equal(ds.t_train[:, 0], 2 * ds.labels_train - 1)
    ds = build({"dataset": "circle", "n": 50}, act="sigmoid")
    np.testing.assert_array_equal(ds.t_train[:, 0], ds.labels_train)


def test_one_hot_for_as_many_outputs_as_classes():
    ds = build(
        {"dataset": "spiral", "n": 300, "classes": 3}, n_out=3, act="softmax", loss="cross_entropy"
    )
    assert ds.n_classes == 3 and ds.t_train.shape == (300, 3) and ds.task == "classification"
    np.testing.assert_array_equal(ds.t_train.argmax(1), ds.labels_train)
    np.testing.assert_array_equal(ds.t_train.sum(1), 1)
    ds = build({"dataset": "moons", "n": 20}, n_out=2, act="softmax", loss="cross_entropy")
    np.testing.assert_array_equal(ds.t_train, np.eye(2)[ds.labels_train])


@pytest.mark.parametrize(
    ("data", "kw", "words"),
    [
        ({"dataset": "spiral", "classes": 3}, {}, "single output can only tell 2 apart"),
        ({"dataset": "spiral"}, {"n_out": 3}, "the network has 3 outputs but spiral has 2 classes"),
        ({"dataset": "linear"}, {"n_out": 2}, "linear has 1 target but the network has 2"),
        ({"dataset": "xor"}, {"n_in": 3}, "xor has 2 inputs but the network has 3"),
        ({"dataset": "moons", "classes": 3}, {}, "moons has 2 classes"),
        ({"dataset": "spiral", "classes": 11}, {}, '"classes"'),
        ({"dataset": "swirl"}, {}, "unknown data set 'swirl'"),
        ({"dataset": ["xor"]}, {}, "unknown data set"),
        ({"dataset": "xor", "noise": -1}, {}, '"noise" must be between 0 and 10'),
        ({"dataset": "xor", "noise": "lots"}, {}, '"noise"'),
        ({"dataset": "xor", "n": 2.5}, {}, "whole number"),
        ({"dataset": "xor", "n": True}, {}, '"n"'),
        ({"dataset": "xor", "test_fraction": 0.95}, {}, '"test_fraction"'),
        ({"dataset": "xor", "standardize": "yes"}, {}, '"standardize"'),
        ({"dataset": "xor", "colour": 1}, {}, "unknown key 'colour'"),
        ({"inputs": [[1, 2]], "targets": [[1], [0]]}, {}, "has 2 rows"),
        ({"inputs": [[1, 2, 3]], "targets": [[1]]}, {}, "inputs[0] has 3 values, the network has 2 inputs"),
        ({"inputs": [[1, 2]], "targets": [[1, 0]]}, {}, "targets[0] has 2 values, the network has 1 outputs"),
        ({"inputs": [[1, "a"]], "targets": [[1]]}, {}, "inputs[0][1] is 'a', not a finite number"),
        ({"inputs": [[1, True]], "targets": [[1]]}, {}, "inputs[0][1] is True"),
        ({"inputs": [[1, float("nan")]], "targets": [[1]]}, {}, "nan"),
        ({"inputs": [[1, float("inf")]], "targets": [[1]]}, {}, "inf"),
        ({"inputs": [[1, 10**400]], "targets": [[1]]}, {}, "not a finite number"),
        ({"inputs": [1, 2], "targets": [[1]]}, {}, "inputs[0] must be a list"),
        ({"inputs": [], "targets": []}, {}, "non-empty"),
        ({"inputs": [[1, 2]]}, {}, '"targets" must be a non-empty list'),
        ({"inputs": [[1, 2]], "targets": [[1]], "test": [1]}, {}, '"test" must be an object'),
        ({"inputs": [[1, 2]], "targets": [[1]], "test": {"inputs": [[1, 2]], "x": 1}}, {}, "unknown key 'x' in \"test\""),
        ({"inputs": [[1, 2]], "targets": [[1]], "test": {"inputs": [[1]], "targets": [[1]]}}, {}, "test.inputs[0] has 1 values"),
        ({"inputs": [[1, 2]], "targets": [[1]], "standardize": True}, {}, "unknown key 'standardize'"),
        ({"inputs": [[1, 2]], "targets": [[1]], "input_names": ["a"]}, {}, '"input_names" must list 2'),
        ({"inputs": [[1, 2]], "targets": [0]}, {"n_out": 2}, "class indices need loss cross_entropy"),
        ({}, {}, "needs"),
        ([], {}, "must be an object"),
    ],
)  # fmt: skip
def test_bad_data_is_named(data, kw, words):
    msg = error(data, **kw)
    assert msg.startswith("data: ") and words in msg, msg


# inline data


def test_inline_class_indices_for_cross_entropy():
    ds = build(
        {"inputs": [[0, 0], [1, 1], [2, 2]], "targets": [0, 2, 1]},
        n_out=3,
        act="softmax",
        loss="cross_entropy",
    )
    assert ds.task == "classification" and ds.n_classes == 3
    np.testing.assert_array_equal(ds.labels_train, [0, 2, 1])
    np.testing.assert_array_equal(ds.t_train, np.eye(3)[[0, 2, 1]])
    msg = error({"inputs": [[0, 0]], "targets": [3]}, n_out=3, act="softmax", loss="cross_entropy")
    assert "targets[0] is 3, not a class index 0..2" in msg


def test_inline_one_hot_and_binary_targets_are_classes():
    ds = build(
        {"inputs": [[0, 0], [1, 1]], "targets": [[0, 1], [1, 0]]},
        n_out=2,
        act="softmax",
        loss="cross_entropy",
    )
    assert ds.task == "classification" and ds.labels_train.tolist() == [1, 0]
    ds = build({"inputs": [[0, 0], [1, 1], [0, 1]], "targets": [[0], [1], [1]]})
    assert ds.task == "classification" and ds.n_classes == 2
    assert ds.labels_train.tolist() == [0, 1, 1] and ds.labels_train.dtype == np.int64
    ds = build({"inputs": [[0, 0], [1, 1]], "targets": [-1, 1]}, act="tanh")
    assert ds.task == "classification" and ds.labels_train.tolist() == [0, 1]
    assert ds.t_train[:, 0].tolist() == [-1, 1]


def test_inline_regression_and_test_part():
    ds = build(
        {
            "inputs": [[0.05, 0.10]],
            "targets": [[0.01, 0.99]],
            "test": {"inputs": [[1, 2], [3, 4]], "targets": [[0.5, 0.5], [0, 1]]},
            "input_names": ["a", "b"],
        },
        n_out=2,
    )
    assert ds.task == "regression" and ds.labels_train is None and ds.labels_test is None
    assert ds.n_train == 1 and ds.n_test == 2 and ds.input_names == ["a", "b"]
    assert ds.t_test.dtype == np.float64 and ds.target_names == ["y1", "y2"]
    ds = build(
        {
            "inputs": [[0, 0], [1, 1]],
            "targets": [[0], [1]],
            "test": {"inputs": [[1, 0]], "targets": [1]},
        }
    )
    assert ds.task == "classification" and ds.labels_test.tolist() == [1]
    ds = build({"inputs": [[0, 0], [1, 1]], "targets": [0.5, 2]})
    assert ds.task == "regression" and ds.t_train[:, 0].tolist() == [0.5, 2]


# splits and standardization


def test_split_is_seeded_disjoint_and_keeps_a_training_row():
    whole = build({"dataset": "gaussians", "n": 200, "seed": 5})
    ds = build({"dataset": "gaussians", "n": 200, "seed": 5, "test_fraction": 0.25})
    assert ds.n_train == 150 and ds.n_test == 50
    both = np.concatenate([ds.x_train, ds.x_test])
    assert sorted(map(tuple, both)) == sorted(map(tuple, whole.x_train))
    again = build({"dataset": "gaussians", "n": 200, "seed": 5, "test_fraction": 0.25})
    np.testing.assert_array_equal(ds.x_test, again.x_test)
    np.testing.assert_array_equal(ds.labels_test, again.labels_test)
    tiny = build({"dataset": "xor", "n": 2, "test_fraction": 0.9})
    assert tiny.n_train == 1 and tiny.n_test == 1


def test_standardize_uses_training_statistics():
    raw = build({"dataset": "gaussians", "n": 200, "test_fraction": 0.25})
    ds = build({"dataset": "gaussians", "n": 200, "test_fraction": 0.25, "standardize": True})
    assert ds.n_train == 150 and ds.n_test == 50
    np.testing.assert_allclose(ds.x_train.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(0), 1, atol=1e-12)
    np.testing.assert_allclose(ds.mean, raw.x_train.mean(0))
    np.testing.assert_allclose(ds.x_test, (raw.x_test - ds.mean) / ds.std)
    assert raw.mean is None and raw.std is None and ds.description.endswith("standardized")


def test_constant_column_keeps_std_one(tmp_path):
    (tmp_path / "c.csv").write_text("a,b,y\n1,5,0.1\n2,5,0.2\n3,5,0.3\n")
    ds = build({"csv": "c.csv", "standardize": True}, base_dir=tmp_path)
    assert ds.std.tolist()[1] == 1.0 and ds.x_train[:, 1].tolist() == [0, 0, 0]


# batches


def test_batch_order():
    epochs = [batch_order(10, 3, seed=1, epoch=e) for e in (1, 2)]
    for batches in epochs:
        assert [len(b) for b in batches] == [3, 3, 3, 1]
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    again = batch_order(10, 3, seed=1, epoch=1)
    assert all(np.array_equal(a, b) for a, b in zip(again, epochs[0], strict=True))
    expected = np.random.default_rng([1, 1]).permutation(10)
    np.testing.assert_array_equal(np.concatenate(epochs[0]), expected)
    np.testing.assert_array_equal(
        np.concatenate(batch_order(5, 2, 1, 1, shuffle=False)), np.arange(5)
    )
    assert [len(b) for b in batch_order(4, 10, 0, 0)] == [4]
    with pytest.raises(DataError):
        batch_order(4, 0, 0, 0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 300), st.integers(1, 64), st.integers(0, 2**32 - 1), st.integers(0, 99))
def test_batch_order_covers_each_index_once(n, size, seed, epoch):
    batches = batch_order(n, size, seed, epoch)
    assert all(0 < len(b) <= size for b in batches)
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))


# CSV files


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
    assert ds.x_train[0].tolist() == [1.4, 0.2] and ds.description == "iris_small.csv"
    np.testing.assert_array_equal(np.bincount(ds.labels_train), [5, 5, 5])


def test_csv_default_columns_and_split():
    ds = build(
        {"csv": "iris_small.csv", "test_fraction": 0.2, "seed": 1},
        n_in=4,
        n_out=3,
        act="softmax",
        loss="cross_entropy",
    )
    assert ds.n_train == 12 and ds.n_test == 3
    assert ds.input_names == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    msg = error({"csv": "iris_small.csv"}, n_out=3)
    assert "4 input columns, the network has 2 inputs" in msg
    msg = error({"csv": "iris_small.csv", "inputs": [2, 3]}, n_out=2)
    assert "the network has 2 outputs but iris_small.csv has 3 classes" in msg


def test_csv_without_header_by_index():
    ds = build({"csv": "no_header.csv"})
    assert ds.n_train == 4 and ds.task == "classification"
    assert ds.input_names == ["column 1", "column 2"]
    np.testing.assert_array_equal(ds.t_train[:, 0], [0, 1, 1, 0])
    ds = build({"csv": "no_header.csv", "header": False, "inputs": [0, 2], "targets": [1]})
    np.testing.assert_array_equal(ds.t_train[:, 0], [0, 1, 0, 1])
    ds = build({"csv": "no_header.csv", "header": True})  # first row taken as names
    assert ds.n_train == 3


def test_csv_semicolon_and_regression():
    ds = build({"csv": "semicolon.csv"})
    assert ds.n_train == 4 and ds.task == "regression" and ds.input_names == ["x1", "x2"]
    assert ds.t_train[:, 0].tolist() == [0.25, 0.5, 0.75, 1.0]
    assert build({"csv": "semicolon.csv", "delimiter": ";"}).n_train == 4
    ds = build({"csv": "regression.csv", "task": "regression", "standardize": True})
    assert ds.task == "regression" and ds.n_train == 5 and ds.target_names == ["y"]
    assert ds.mean is not None and ds.labels_train is None
    np.testing.assert_allclose(ds.x_train.mean(0), 0, atol=1e-12)


def test_csv_numeric_labels_and_layout(tmp_path):
    text = '\ufeffa,b,"the, label"\n\n1,2,3\r\n3,"4",5\n\n5,6,3\n5,6,3\n\n'
    (tmp_path / "n.csv").write_text(text, encoding="utf-8")
    ds = build({"csv": "n.csv", "targets": ["the, label"]}, base_dir=tmp_path, n_out=2)
    assert ds.n_train == 4 and ds.target_names == ["3", "5"]
    assert ds.labels_train.tolist() == [0, 1, 0, 0] and ds.x_train[1].tolist() == [3, 4]
    ds = build({"csv": str(tmp_path / "n.csv"), "task": "regression"}, base_dir=None)
    assert ds.task == "regression" and ds.t_train[:, 0].tolist() == [3, 5, 3, 3]
    (tmp_path / "bad.csv").write_text("a,b,y\n1,2,0\n\n1,2\n")
    assert "bad.csv: line 4: 2 columns" in error({"csv": "bad.csv"}, base_dir=tmp_path)
    (tmp_path / "one.csv").write_text("a,b,y\n1,2,0\n3,4,0\n")
    assert "holds a single class" in error({"csv": "one.csv"}, base_dir=tmp_path)
    (tmp_path / "tab.csv").write_text("a\tb\ty\n1\t2\t0.5\n")
    assert build({"csv": "tab.csv"}, base_dir=tmp_path).t_train.tolist() == [[0.5]]


@pytest.mark.parametrize(
    ("file", "words"),
    [
        ("missing_value.csv", "line 3, x2: missing value"),
        ("text_in_numeric.csv", "line 3, x2: 'abc' is not a finite number"),
        ("single_column.csv", "line 1: only one column"),
        ("empty.csv", "the file is empty"),
        ("ragged.csv", "line 3: 2 columns, the first line has 3"),
        ("not_utf8.csv", "line 3, byte 9: not UTF-8 text"),
        ("infinite.csv", "line 2, x2: 'inf' is not a finite number"),
        ("nowhere.csv", "no such file"),
    ],
)
def test_broken_csv_files(file, words):
    msg = error({"csv": file})
    assert msg.startswith(f"{file}: ") and words in msg, msg


def test_csv_size_and_row_limits(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("a,b,y\n" + "1,2,0\n3,4,1\n" * 5)
    monkeypatch.setattr(csv_data, "MAX_BYTES", 20)
    assert "more than the limit of 20" in error({"csv": "big.csv"}, base_dir=tmp_path)
    monkeypatch.setattr(csv_data, "MAX_BYTES", 10**6)
    monkeypatch.setattr(csv_data, "MAX_ROWS", 6)
    assert "big.csv: line 8: more than 6 data rows" in error({"csv": "big.csv"}, base_dir=tmp_path)
    with pytest.raises(DataError, match="more than 6 rows"):
        csv_data.read_table(path)


def test_csv_option_and_column_errors():
    cases = [
        ({"inputs": ["nope", "sepal_width"]}, "no column 'nope'"),
        ({"inputs": ["sepal_width", "sepal_width"]}, "lists column 'sepal_width' twice"),
        ({"inputs": ["species", "sepal_width"]}, "column 4 is both an input and a target"),
        ({"inputs": "sepal_width"}, '"inputs" must list'),
        ({"inputs": [1.5, 2]}, "not a column"),
        ({"header": "maybe"}, '"header"'),
        ({"header": 1}, '"header"'),
        ({"task": "clustering"}, '"task"'),
        ({"delimiter": "|"}, '"delimiter"'),
        ({"seed": -1}, '"seed"'),
        ({"sheet": 1}, "unknown key 'sheet' for CSV data"),
    ]
    for extra, words in cases:
        msg = error({"csv": "iris_small.csv", **extra})
        assert msg.startswith("data: ") and words in msg, msg
    assert "no header" in error({"csv": "no_header.csv", "inputs": ["a", "b"]})
    assert "column 9 does not exist" in error({"csv": "no_header.csv", "inputs": [0, 9]})
    assert '"csv" must be a file name' in error({"csv": 3})


def test_read_table_and_detect_header():
    rows, delim = csv_data.read_table(DATA / "semicolon.csv")
    assert delim == ";" and rows[0] == ["x1", "x2", "y"] and len(rows) == 5
    assert csv_data.detect_header(rows)
    assert not csv_data.detect_header(csv_data.read_table(DATA / "no_header.csv")[0])
    assert csv_data.detect_header(csv_data.read_table(DATA / "iris_small.csv")[0])
    assert not csv_data.detect_header([["5.1", "setosa"], ["4.9", "setosa"]])


# fuzzing: a Dataset or a DataError, never another exception


def _check(ds: Dataset) -> None:
    assert np.isfinite(ds.x_train).all() and np.isfinite(ds.t_train).all()
    assert ds.x_train.dtype == np.float64 and ds.t_train.dtype == np.float64
    assert ds.n_train >= 1 and ds.x_test.shape[1] == ds.n_inputs
    if ds.labels_train is not None:
        assert ds.labels_train.dtype == np.int64 and len(ds.labels_train) == ds.n_train


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_csv_bytes(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(blob)
    with contextlib.suppress(DataError):
        _check(build({"csv": str(path)}, base_dir=None))


_cell = st.sampled_from(["", " ", "0", "1", "2", "-0.5", "1e3", "nan", "inf", "a", '"', "x y"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_cell, min_size=1, max_size=4), max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.fixed_dictionaries(
        {},
        optional={
            "header": st.sampled_from([True, False, "auto"]),
            "task": st.sampled_from(["auto", "classification", "regression"]),
            "standardize": st.booleans(),
            "test_fraction": st.sampled_from([0, 0.5, 0.9]),
        },
    ),
    st.integers(1, 3),
)
def test_fuzzed_csv_tables(tmp_path_factory, rows, delim, newline, options, n_out):
    path = tmp_path_factory.mktemp("fuzz") / "t.csv"
    path.write_text(newline.join(delim.join(r) for r in rows), encoding="utf-8")
    with contextlib.suppress(DataError):
        _check(build({"csv": str(path), **options}, n_out=n_out, base_dir=None))


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.integers()
    | st.floats()
    | st.text(max_size=3)
    | st.sampled_from(list(DATASETS)),
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["inputs", "targets", "test", "dataset", "n", "noise", "classes", "csv", "x"]
            ),
            kids,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_json, st.integers(1, 3), st.sampled_from(["sigmoid", "tanh", "softmax"]))
def test_fuzzed_data_objects(doc, n_out, act):
    loss = "cross_entropy" if act == "softmax" else "half_sse"
    with contextlib.suppress(DataError):
        data = doc if isinstance(doc, dict) else {"inputs": doc, "targets": doc}
        _check(build(data, n_out=n_out, act=act, loss=loss))


_row = st.lists(st.integers(-5, 5) | st.floats(-10, 10), min_size=2, max_size=2)


@settings(max_examples=100, deadline=None)
@given(st.lists(_row, min_size=1, max_size=10), st.data())
def test_fuzzed_inline_rows(inputs, draw):
    n_out = draw.draw(st.integers(1, 3))
    targets = draw.draw(
        st.lists(st.integers(0, 2), min_size=len(inputs), max_size=len(inputs))
        | st.lists(
            st.lists(st.sampled_from([0, 1, 0.5, -1]), min_size=n_out, max_size=n_out),
            min_size=len(inputs),
            max_size=len(inputs),
        )
    )
    try:
        ds = build(
            {"inputs": inputs, "targets": targets}, n_out=n_out, act="softmax", loss="cross_entropy"
        )
    except DataError:
        return
    _check(ds)
    np.testing.assert_array_equal(ds.x_train, np.asarray(inputs, dtype=np.float64))
    assert ds.t_train.shape == (len(inputs), n_out)
