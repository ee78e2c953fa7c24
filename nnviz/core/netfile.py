"""Reading and writing network files (JSON, UTF-8) and finding presets by name."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nnviz.core.errors import SpecError
from nnviz.core.output import write_json
from nnviz.core.spec import NetworkSpec, from_dict, to_dict

MAX_FILE_BYTES = 64 * 2**20
MAX_DEPTH = 16


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
            raise SpecError("no such file", str(path))
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
    """Parse a UTF-8 JSON file, refusing huge, non-UTF-8, invalid or too deeply nested files."""
    where = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SpecError(f"file is {size:,} bytes, more than the limit of {max_bytes:,}", where)
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(exc.strerror or "cannot be read", where) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"not UTF-8 text (byte {exc.start})", where) from None
    _check_depth(text, where)
    try:
        return json.loads(text, parse_constant=_reject_constant)
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


def _check_depth(text: str, where: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the parser sees it (strings skipped)."""
    depth = 0
    in_string = escaped = False
    line = 1
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise SpecError(
                    f"JSON nested more than {MAX_DEPTH} levels deep (line {line})", where
                )
        elif ch in "]}":
            depth -= 1
        elif ch == "\n":
            line += 1


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
