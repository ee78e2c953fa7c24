"""Reading and writing network files (JSON, UTF-8) and finding presets by name."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.errors import SpecError, printable
from nnviz.core.limits import JSON_MAX_BYTES, JSON_MAX_DEPTH, JSON_MAX_OBJECT_BYTES, size_text
from nnviz.core.output import write_json
from nnviz.core.spec import NetworkSpec, from_dict, to_dict

MAX_FILE_BYTES = JSON_MAX_BYTES
MAX_DEPTH = JSON_MAX_DEPTH


def presets_dir() -> Path:
    from nnviz.resources_path import resource

    return resource("presets")


def preset_names() -> list[str]:
    """Names of the shipped presets (file names without ``.json``)."""
    return sorted(p.stem for p in presets_dir().glob("*.json"))


def resolve(name_or_path: str) -> Path:
    """A network file's path from a path or a preset name; SpecError if neither exists."""
    path = Path(name_or_path)
    if path.suffix.lower() in (".json", ".nnviz") or os.sep in name_or_path or "/" in name_or_path:
        if not path.is_file():
            what = "not a regular file" if path.exists() else "no such file"
            raise SpecError(what, str(path))
        return path
    preset = presets_dir() / f"{name_or_path}.json"
    if preset.is_file():
        return preset
    if path.is_file():
        return path
    raise SpecError(
        f"no such file or preset; presets are: {', '.join(preset_names())}", name_or_path
    )


def read_json(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse a UTF-8 JSON file, refusing huge, non-UTF-8, invalid or too deeply nested files,
    files whose parsed objects would exceed their budget, and objects with duplicate keys: all
    checked on the text before the parser builds a single list."""
    where = path.name
    try:
        if not path.is_file():
            raise SpecError("not a regular file", where)
        size = path.stat().st_size
        if size > max_bytes:
            raise SpecError(f"file is {size:,} bytes, more than the limit of {max_bytes:,}", where)
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)
        if len(raw) > max_bytes:
            raise SpecError(f"file is more than the limit of {max_bytes:,} bytes", where)
    except OSError as exc:
        raise SpecError(exc.strerror or "cannot be read", where) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start})", where) from None
    del raw
    _check_shape(text, where)
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", where
        ) from None
    except ValueError as exc:
        raise SpecError(str(exc), where) from None
    except RecursionError:
        raise SpecError("JSON nested too deeply", where) from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in a network file; numbers must be finite")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {printable(key)!r} in one object")
        out[key] = value
    return out


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_CHUNK = 1 << 22


def _check_shape(text: str, where: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH and more values than the parse budget, counted on
    the text with strings blanked out (numpy over 4 MB chunks: fast even for 64 MB)."""
    bare = _STRING.sub('""', text).encode("ascii", "replace")
    containers = bare.count(b"[") + bare.count(b"{")
    values = bare.count(b",") + bare.count(b":") + 1
    need = containers * 72 + values * 32  # an empty list is 56 bytes, a float 24, a slot 8
    if need > JSON_MAX_OBJECT_BYTES:
        raise SpecError(
            f"holds {containers:,} lists/objects and {values:,} values: parsing it would need "
            f"about {size_text(need)}, more than the limit of {size_text(JSON_MAX_OBJECT_BYTES)}",
            where,
        )
    depth = 0
    for start in range(0, len(bare), _CHUNK):
        chunk = np.frombuffer(bare, dtype=np.uint8, count=min(_CHUNK, len(bare) - start),
                              offset=start)  # fmt: skip
        step = (chunk == ord("[")).astype(np.int32) + (chunk == ord("{"))
        step -= (chunk == ord("]")).astype(np.int32) + (chunk == ord("}"))
        levels = depth + np.cumsum(step)
        if len(levels) and levels.max() > MAX_DEPTH:
            at = start + int(np.argmax(levels > MAX_DEPTH))
            line = bare.count(b"\n", 0, at) + 1
            raise SpecError(f"JSON nested more than {MAX_DEPTH} levels deep (line {line})", where)
        depth = int(levels[-1]) if len(levels) else depth


def load(name_or_path: str) -> tuple[NetworkSpec, Path]:
    """The spec in a network file or preset, and the folder its relative data paths start from."""
    path = resolve(name_or_path)
    spec = from_dict(read_json(path), where=path.name)
    return spec, path.resolve().parent


def save(spec: NetworkSpec, path: Path) -> None:
    """Write a network file (atomically where it is a regular file: see nnviz.core.output)."""
    write_json(path, to_dict(spec))


def in_file(exc: Exception, name_or_path: str) -> Exception:
    """The same error, named after the file it came from when it does not say so already."""
    from nnviz.core.errors import NnvizError

    name = Path(name_or_path).name
    if isinstance(exc, NnvizError) and not str(exc).startswith(name):
        return type(exc)(str(exc), name)
    return exc
