"""CSV import: choose input and target columns, detect a header, refuse broken files clearly.

Errors about the file name it and the 1-based line (and column); errors about the options name
``where`` (the data object). The csv module reads the file; values are checked cell by cell.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from nnviz.core.data import MAX_SAMPLES, Dataset, _class_names, _number, _split, labels_to_targets
from nnviz.core.errors import DataError, OutsideDataError, printable
from nnviz.core.limits import (
    CSV_MAX_BYTES,
    CSV_MAX_COLUMNS,
    CSV_MAX_LINE_CHARS,
    check_memory,
)

MAX_BYTES = CSV_MAX_BYTES
MAX_ROWS = MAX_SAMPLES
MAX_COLUMNS = CSV_MAX_COLUMNS
MAX_LINE_CHARS = CSV_MAX_LINE_CHARS
DELIMITERS = (",", ";", "\t")
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
    """The cell as a finite number, or None (text, empty, NaN, Inf, digits with underscores)."""
    if "_" in cell:
        return None
    try:
        v = float(cell)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _lines(path: Path, delimiter: str | None) -> tuple[Iterator[tuple[int, list[str]]], str]:
    """(line number, cells) of each non-blank row, and the delimiter (detected when None).

    The file is read line by line (never whole): a line longer than MAX_LINE_CHARS, a row with
    more than MAX_COLUMNS cells or a cell longer than the csv module's field limit is refused
    as soon as it is met, so a one-line 190 MB file costs no more memory than a short one."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise DataError("no such file", name) from None
    if not path.is_file():
        raise DataError("not a file", name)
    if size > MAX_BYTES:
        raise DataError(f"file is {size:,} bytes, more than the limit of {MAX_BYTES:,}", name)
    try:
        with path.open("rb") as f:
            first = next((line for line in _text_lines(f, name) if line.strip()), None)
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc})", name) from None
    if first is None:
        raise DataError("the file is empty", name)
    if delimiter is None:
        counts = {d: first.count(d) for d in DELIMITERS}
        delimiter = max(counts, key=counts.__getitem__) if max(counts.values()) else ","
    if first.count(delimiter) >= MAX_COLUMNS:
        raise DataError(f"line 1: more than {MAX_COLUMNS:,} columns", name)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            f = path.open("rb")
        except OSError as exc:
            raise DataError(f"cannot be read ({exc.strerror or exc})", name) from None
        with f:
            reader = csv.reader(_text_lines(f, name), delimiter=delimiter)
            line = 1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise DataError(
                        f"line {reader.line_num}: not readable as CSV ({exc})", name
                    ) from None
                if len(row) > MAX_COLUMNS:
                    raise DataError(f"line {line}: more than {MAX_COLUMNS:,} columns", name)
                if len(row) > 1 or (row and row[0].strip()):
                    yield line, row
                line = reader.line_num + 1

    return rows(), delimiter


def _text_lines(f: BinaryIO, name: str) -> Iterator[str]:
    """The file's lines as text (UTF-8, a byte-order mark skipped), each at most
    MAX_LINE_CHARS bytes: a longer line or a byte that is not UTF-8 is refused with its line."""
    number = 0
    while True:
        try:
            raw = f.readline(MAX_LINE_CHARS + 1)
        except OSError as exc:
            raise DataError(f"cannot be read ({exc.strerror or exc})", name) from None
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_CHARS and not raw.endswith(b"\n"):
            raise DataError(f"line {number} is longer than {MAX_LINE_CHARS:,} bytes", name)
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(
                f"line {number}, byte {exc.start + 1}: not UTF-8 text "
                f"(byte 0x{raw[exc.start]:02x})",
                name,
            ) from None
        if "\r" in text:  # old Mac line ends (a lone CR) end lines too, as the csv module expects
            yield from (part for part in _LONE_CR.split(text) if part)
        else:
            yield text


_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def read_table(
    path: Path, delimiter: str | None = None, max_rows: int | None = None
) -> tuple[list[list[str]], str]:
    """The file's non-blank rows as text cells (the first ``max_rows`` of them, for a
    preview), and the delimiter used (, ; or tab)."""
    rows_iter, delimiter = _lines(path, delimiter)
    limit = MAX_ROWS + 2 if max_rows is None else max_rows
    rows = [row for _, row in itertools.islice(rows_iter, limit)]
    rows_iter.close()
    if not rows:
        raise DataError("the file is empty", path.name)
    if len(rows) > MAX_ROWS + 1:
        raise DataError(f"more than {MAX_ROWS:,} rows", path.name)
    return rows, delimiter


def detect_header(rows: list[list[str]]) -> bool:
    """A header is a first row with a non-numeric cell above a second row that is all numeric
    apart from a possible text label column."""
    if not rows:
        return False
    if len(rows) < 2:
        return any(_float(c.strip()) is None for c in rows[0])
    first_text = [_float(c.strip()) is None for c in rows[0]]
    second_text = [_float(c.strip()) is None for c in rows[1]]
    return any(a and not b for a, b in zip(first_text, second_text, strict=False))


def _columns(spec: Any, names: list[str] | None, n_cols: int, key: str, where: str) -> list[int]:
    if not isinstance(spec, list) or not spec:
        raise DataError(f'"{key}" must list column names or 0-based numbers', where)
    out = []
    for c in spec:
        if isinstance(c, int) and not isinstance(c, bool):
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
        if out.count(out[-1]) > 1:
            raise DataError(f'"{key}" lists column {c!r} twice', where)
    return out


def data_path(file: str, base_dir: Path | None, allow_outside: bool, where: str) -> Path:
    """Where a network file's data file is: relative to the network file's folder. An absolute
    path, or one that leaves that folder (``..``, a link), is read only with ``allow_outside``
    (the window asks first, the command line needs --allow-outside-data): a network file from
    a stranger must not read, and show in its messages and images, a file of the user's."""
    path = Path(file)
    if base_dir is None:
        return path
    base = Path(base_dir).resolve()
    full = path if path.is_absolute() else base / path
    try:
        inside = full.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a link loop
        inside = False
    if not inside and not allow_outside:
        raise OutsideDataError(
            f"the data file {printable(file, keep_end=True)!r} is outside the network file's "
            "folder; it is read only when you allow it (the window asks; on the command line "
            "add --allow-outside-data)",
            where,
            path=str(full),
        )
    return full


def rebase_data(data: dict, base_dir: Path | None, folder: Path) -> dict:
    """``data`` with its CSV path rewritten for a file saved in ``folder``: relative when the CSV
    lies inside that folder, absolute otherwise (so a session saved elsewhere, or the autosave in
    the app-data folder, still finds it; reading an absolute path asks first, see data_path)."""
    file = data.get("csv") if isinstance(data, dict) else None
    if not isinstance(file, str) or not file:
        return data
    full = Path(file) if base_dir is None else Path(base_dir) / file
    full = Path(os.path.abspath(full))
    target = Path(os.path.abspath(folder))
    try:
        new = str(full.relative_to(target))
    except ValueError:
        new = str(full)
    return {**data, "csv": new}


def _options(
    data: dict, base_dir: Path | None, where: str, allow_outside: bool = False
) -> tuple[Path, str | None, Any, str]:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise DataError(f"unknown key {unknown[0]!r} for CSV data", where)
    file = data["csv"]
    if not isinstance(file, str) or not file or "\0" in file:
        raise DataError('"csv" must be a file name', where)
    path = data_path(file, base_dir, allow_outside, where)
    delimiter = data.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        raise DataError('"delimiter" must be ",", ";" or a tab', where)
    header = data.get("header", "auto")
    if not (header is True or header is False or header == "auto"):
        raise DataError('"header" must be true, false or "auto"', where)
    task = data.get("task", "auto")
    if task not in ("auto", "classification", "regression"):
        raise DataError('"task" must be "classification", "regression" or "auto"', where)
    return path, delimiter, header, task


def load_csv(
    data: dict,
    n_inputs: int,
    n_outputs: int,
    out_act: str,
    loss: str,
    base_dir: Path | None,
    where: str,
    allow_outside: bool = False,
) -> Dataset:
    """The Dataset of a ``{"csv": …}`` data object."""
    path, delimiter, header, task = _options(data, base_dir, where, allow_outside)
    frac = float(_number(data.get("test_fraction", 0.0), "test_fraction", 0, 0.9, where))
    seed = int(_number(data.get("seed", 0), "seed", 0, 2**32 - 1, where, whole=True))
    standardize = data.get("standardize", False)
    if not isinstance(standardize, bool):
        raise DataError('"standardize" must be true or false', where)
    name = path.name
    rows, _ = _lines(path, delimiter)
    head = list(itertools.islice(rows, 2))
    if not head:
        raise DataError("the file is empty", name)
    first_line, first = head[0]
    n_cols = len(first)
    if n_cols < 2:
        raise DataError(
            f"line {first_line}: only one column; nnviz needs input columns and a target column",
            name,
        )
    has_header = detect_header([r for _, r in head]) if header == "auto" else bool(header)
    names = [printable(c.strip()) for c in first] if has_header else None
    inputs = _columns(data.get("inputs", list(range(n_cols - 1))), names, n_cols, "inputs", where)
    targets = _columns(data.get("targets", [n_cols - 1]), names, n_cols, "targets", where)
    both = set(inputs) & set(targets)
    if both:
        raise DataError(f"column {sorted(both)[0]} is both an input and a target", where)
    if len(inputs) != n_inputs:
        raise DataError(f"{len(inputs)} input columns, the network has {n_inputs} inputs", where)
    col_name = (lambda c: names[c]) if names else (lambda c: f"column {c + 1}")
    body = itertools.chain(head[1:] if has_header else head, rows)
    xs = array("d")
    per_row = n_inputs * 8 * 4 + len(targets) * (64 + 8 * 4)  # copies: split, torch, cells
    cells: list[tuple[int, list[str]]] = []  # (line, target cells)
    for line, row in body:
        if len(row) != n_cols:
            raise DataError(f"line {line}: {len(row)} columns, the first line has {n_cols}", name)
        if len(cells) == MAX_ROWS:
            raise DataError(f"line {line}: more than {MAX_ROWS:,} data rows", name)
        if len(cells) % 4096 == 4095:  # the rows read so far, as the dataset will hold them
            check_memory(len(cells) * per_row, f"line {line}: the data read so far", name)
        for c in inputs:
            cell = row[c].strip()
            v = _float(cell)
            if v is None:
                what = "missing value" if not cell else f"{cell[:40]!r} is not a finite number"
                raise DataError(f"line {line}, {col_name(c)}: {what}", name)
            xs.append(v)
        tc = [row[c].strip() for c in targets]
        for c, cell in zip(targets, tc, strict=True):
            if not cell:
                raise DataError(f"line {line}, {col_name(c)}: missing value", name)
        cells.append((line, tc))
    if not cells:
        raise DataError("no data rows after the header", name)
    x = np.frombuffer(xs, dtype=np.float64).reshape(len(cells), n_inputs).copy()
    values = [[_float(c) for c in tc] for _, tc in cells]
    numeric = all(v is not None for vs in values for v in vs)
    if task == "auto":
        integral = numeric and all(v.is_integer() for vs in values for v in vs)
        few = len({v for vs in values for v in vs}) <= 20
        single = len(targets) == 1
        task = "classification" if single and (not numeric or (integral and few)) else "regression"
    in_names = [col_name(c) for c in inputs]
    split = {"frac": frac, "seed": seed, "standardize": standardize}
    if task == "classification":
        if len(targets) != 1:
            raise DataError("classification takes one target column of class labels", where)
        raw: list[Any] = [vs[0] for vs in values] if numeric else [tc[0] for _, tc in cells]
        classes = sorted(set(raw))
        if len(classes) < 2:
            raise DataError(f"{col_name(targets[0])} holds a single class, {classes[0]!r}", name)
        index = {c: i for i, c in enumerate(classes)}
        labels = np.array([index[c] for c in raw], dtype=np.int64)
        t = labels_to_targets(labels, len(classes), n_outputs, out_act, name, where)
        if not numeric:
            class_names = [printable(c) for c in classes]
        elif classes == list(range(len(classes))):
            class_names = _class_names(len(classes))
        else:
            class_names = [f"{v:g}" for v in classes]
        return _split(
            x, t, labels, "classification", len(classes), in_names, class_names, name, **split
        )
    for (line, tc), vs in zip(cells, values, strict=True):
        for c, cell, v in zip(targets, tc, vs, strict=True):
            if v is None:
                raise DataError(
                    f"line {line}, {col_name(c)}: {cell[:40]!r} is not a finite number", name
                )
    if len(targets) != n_outputs:
        raise DataError(
            f"{len(targets)} target columns, the network has {n_outputs} outputs", where
        )
    y = np.array(values, dtype=np.float64)
    out_names = [col_name(c) for c in targets]
    return _split(x, y, None, "regression", 0, in_names, out_names, name, **split)
