"""CSV import: choose input and target columns, detect a header, refuse broken files clearly."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.errors import DataError

MAX_BYTES = 200 * 2**20
MAX_ROWS = 1_000_000
_KEYS = {
    "csv",
    "inputs",
    "targets",
    "header",
    "standardize",
    "test_fraction",
    "seed",
    "task",
    "delimiter",
}


def _float(cell: str) -> float | None:
    try:
        v = float(cell)
    except ValueError:
        return None
    return v


def read_table(path: Path, delimiter: str | None = None) -> tuple[list[list[str]], str]:
    """The file's rows as text cells, and the delimiter used (, ; or tab, detected if None)."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise DataError("no such file", name) from None
    if size > MAX_BYTES:
        raise DataError(f"file is {size:,} bytes, more than the limit of {MAX_BYTES:,}", name)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"line {line}: not UTF-8 text", name) from None
    if not text.strip():
        raise DataError("the file is empty", name)
    if delimiter is None:
        first = text.lstrip().splitlines()[0]
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise DataError(f"not readable as CSV: {exc}", name) from None
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise DataError("the file is empty", name)
    if len(rows) > MAX_ROWS + 1:
        raise DataError(f"{len(rows):,} rows is more than the limit of {MAX_ROWS:,}", name)
    return rows, delimiter


def detect_header(rows: list[list[str]]) -> bool:
    """A header is a first row with a non-numeric cell above a second row that is all numeric
    apart from a possible text label column."""
    if len(rows) < 2:
        return any(_float(c) is None for c in rows[0])
    first_text = [_float(c) is None for c in rows[0]]
    second_text = [_float(c) is None for c in rows[1]]
    return any(a and not b for a, b in zip(first_text, second_text, strict=False))


def _columns(spec: Any, names: list[str] | None, n_cols: int, key: str, where: str) -> list[int]:
    if not isinstance(spec, list) or not spec:
        raise DataError(f'"{key}" must list column names or 0-based numbers', where)
    out = []
    for c in spec:
        if isinstance(c, bool):
            raise DataError(f'"{key}" holds {c!r}, not a column', where)
        if isinstance(c, int):
            if not 0 <= c < n_cols:
                raise DataError(
                    f'"{key}": column {c} does not exist (the file has {n_cols})', where
                )
            out.append(c)
        elif isinstance(c, str):
            if names is None:
                raise DataError(f'"{key}": column {c!r} named, but the file has no header', where)
            if c not in names:
                raise DataError(f'"{key}": no column {c!r}; columns are {", ".join(names)}', where)
            out.append(names.index(c))
        else:
            raise DataError(f'"{key}" holds {c!r}, not a column', where)
    return out


def load_csv(
    data: dict,
    n_inputs: int,
    n_outputs: int,
    out_act: str,
    loss: str,
    base_dir: Path | None,
    where: str,
):
    """The Dataset of a ``{"csv": …}`` data object."""
    from nnviz.core.data import _class_names, _number, _split, labels_to_targets

    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise DataError(f"unknown key {unknown[0]!r} for CSV data", where)
    file = data["csv"]
    if not isinstance(file, str) or not file:
        raise DataError('"csv" must be a file name', where)
    path = Path(file)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    delimiter = data.get("delimiter")
    if delimiter is not None and delimiter not in (",", ";", "\t"):
        raise DataError('"delimiter" must be ",", ";" or a tab', where)
    rows, _ = read_table(path, delimiter)
    name = path.name
    header = data.get("header", "auto")
    if header not in (True, False, "auto"):
        raise DataError('"header" must be true, false or "auto"', where)
    has_header = detect_header(rows) if header == "auto" else header
    names = [c.strip() for c in rows[0]] if has_header else None
    body = rows[1:] if has_header else rows
    first_line = 2 if has_header else 1
    n_cols = len(rows[0])
    if n_cols < 2:
        raise DataError("only one column: nnviz needs input columns and a target column", name)
    if not body:
        raise DataError("no data rows after the header", name)
    for r, row in enumerate(body):
        if len(row) != n_cols:
            raise DataError(
                f"line {first_line + r}: {len(row)} columns, the first line has {n_cols}", name
            )
    inputs = _columns(data.get("inputs", list(range(n_cols - 1))), names, n_cols, "inputs", where)
    targets = _columns(data.get("targets", [n_cols - 1]), names, n_cols, "targets", where)
    col_name = (lambda c: names[c]) if names else (lambda c: f"column {c + 1}")
    x = np.empty((len(body), len(inputs)), dtype=np.float64)
    for r, row in enumerate(body):
        for k, c in enumerate(inputs):
            cell = row[c].strip()
            if not cell:
                raise DataError(f"line {first_line + r}, {col_name(c)}: missing value", name)
            v = _float(cell)
            if v is None or not math.isfinite(v):
                raise DataError(
                    f"line {first_line + r}, {col_name(c)}: {cell!r} is not a finite number", name
                )
            x[r, k] = v
    if x.shape[1] != n_inputs:
        raise DataError(f"{x.shape[1]} input columns, the network has {n_inputs} inputs", where)
    task = data.get("task", "auto")
    if task not in ("auto", "classification", "regression"):
        raise DataError('"task" must be "classification", "regression" or "auto"', where)
    cells = [[row[c].strip() for c in targets] for row in body]
    for r, rc in enumerate(cells):
        for k, cell in enumerate(rc):
            if not cell:
                raise DataError(
                    f"line {first_line + r}, {col_name(targets[k])}: missing value", name
                )
    numeric = all(_float(c) is not None for rc in cells for c in rc)
    if task == "auto":
        integral = numeric and all(float(c).is_integer() for rc in cells for c in rc)
        few = len({c for rc in cells for c in rc}) <= 20
        task = (
            "classification"
            if len(targets) == 1 and (not numeric or (integral and few))
            else "regression"
        )
    frac = float(_number(data.get("test_fraction", 0.0), "test_fraction", 0, 0.9, where))
    seed = int(_number(data.get("seed", 0), "seed", 0, 2**32 - 1, where, whole=True))
    standardize = data.get("standardize", False)
    if not isinstance(standardize, bool):
        raise DataError('"standardize" must be true or false', where)
    in_names = [col_name(c) for c in inputs]
    if task == "classification":
        if len(targets) != 1:
            raise DataError("classification takes one target column of class labels", where)
        raw = [rc[0] for rc in cells]
        classes = sorted(set(raw), key=lambda c: (_float(c) is None, _float(c) or 0.0, c))
        if len(classes) < 2:
            raise DataError(f"{col_name(targets[0])} holds a single class", name)
        labels = np.array([classes.index(c) for c in raw], dtype=np.int64)
        t = labels_to_targets(labels, len(classes), n_outputs, out_act, name, where)
        class_names = classes if not numeric else _class_names(len(classes))
        return _split(
            x,
            t,
            labels,
            "classification",
            len(classes),
            in_names,
            class_names,
            name,
            frac,
            seed,
            standardize,
        )
    if not numeric:
        for r, rc in enumerate(cells):
            for k, cell in enumerate(rc):
                if _float(cell) is None:
                    raise DataError(
                        f"line {first_line + r}, {col_name(targets[k])}: {cell!r} is not a number",
                        name,
                    )
    y = np.array([[float(c) for c in rc] for rc in cells], dtype=np.float64)
    if not np.isfinite(y).all():
        raise DataError("target values must be finite", name)
    if y.shape[1] != n_outputs:
        raise DataError(f"{y.shape[1]} target columns, the network has {n_outputs} outputs", where)
    return _split(
        x,
        y,
        None,
        "regression",
        0,
        in_names,
        [col_name(c) for c in targets],
        name,
        frac,
        seed,
        standardize,
    )
