"""Session files: a network (with its initial weights), the weight edits made, how many steps
were trained and what was on screen. Opening one replays the run exactly (training is
deterministic), so the file stays small however long the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnviz.core.errors import SpecError
from nnviz.core.limits import SESSION_MAX_EDITS, SESSION_MAX_STEPS
from nnviz.core.netfile import read_json
from nnviz.core.output import write_json
from nnviz.core.spec import NetworkSpec, from_dict, to_dict

SESSION_VERSION = 1
MAX_SESSION_STEPS = SESSION_MAX_STEPS


@dataclass(frozen=True)
class Edit:
    """A weight (``col`` set) or bias (``col`` None) given ``value`` after ``after_step`` steps."""

    after_step: int
    layer: int
    row: int
    col: int | None
    value: float


@dataclass
class SessionData:
    spec: NetworkSpec
    n_steps: int = 0
    step: int = 0
    phase: int = -1
    edits: list[Edit] = field(default_factory=list)
    view: dict = field(default_factory=dict)


def is_session(obj: Any) -> bool:
    return isinstance(obj, dict) and "nnviz_session" in obj


def to_json(data: SessionData) -> dict:
    return {
        "nnviz_session": SESSION_VERSION,
        "network": to_dict(data.spec),
        "steps": data.n_steps,
        "position": {"step": data.step, "phase": data.phase},
        "edits": [
            {
                "after_step": e.after_step,
                "layer": e.layer,
                "row": e.row,
                "col": e.col,
                "value": e.value,
            }
            for e in data.edits
        ],
        "view": data.view,
    }


def save(data: SessionData, path: Path) -> None:
    write_json(path, to_json(data))


def _int(obj: dict, key: str, lo: int, hi: int, where: str) -> int:
    v = obj.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise SpecError(f'"{key}" must be a whole number from {lo} to {hi}, found {v!r}', where)
    return v


def from_json(obj: Any, where: str = "session") -> SessionData:
    """Validate a parsed session file."""
    if not is_session(obj):
        raise SpecError("not an nnviz session file", where)
    if obj["nnviz_session"] != SESSION_VERSION:
        raise SpecError(f"session format {obj['nnviz_session']!r} is not supported", where)
    spec = from_dict(obj.get("network"), where=where)
    n_steps = _int(obj, "steps", 0, MAX_SESSION_STEPS, where)
    pos = obj.get("position", {"step": 0, "phase": -1})
    if not isinstance(pos, dict):
        raise SpecError('"position" must be an object', where)
    n_phases = 2 * len(spec.layers)
    step = _int(pos, "step", 0, n_steps, where)
    phase = _int(pos, "phase", -1, n_phases - 1, where)
    edits = []
    raw = obj.get("edits", [])
    if not isinstance(raw, list):
        raise SpecError('"edits" must be a list', where)
    if len(raw) > SESSION_MAX_EDITS:
        raise SpecError(f"{len(raw):,} edits, more than the limit of {SESSION_MAX_EDITS:,}", where)
    for k, e in enumerate(raw):
        w = f"{where}: edits[{k}]"
        if not isinstance(e, dict):
            raise SpecError("must be an object", w)
        layer = _int(e, "layer", 0, len(spec.layers) - 2, w)
        row = _int(e, "row", 0, spec.layers[layer + 1] - 1, w)
        col = e.get("col")
        if col is not None:
            col = _int(e, "col", 0, spec.layers[layer] - 1, w)
        value = e.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise SpecError(f'"value" must be a number, found {value!r}', w)
        edits.append(Edit(_int(e, "after_step", 0, n_steps, w), layer, row, col, float(value)))
    view = obj.get("view", {})
    if not isinstance(view, dict):
        raise SpecError('"view" must be an object', where)
    return SessionData(spec, n_steps, step, phase, sorted(edits, key=lambda e: e.after_step), view)


def load(path: Path) -> SessionData:
    return from_json(read_json(Path(path)), where=Path(path).name)


def check_openable(name_or_path: str) -> None:
    """Raise SpecError unless ``name_or_path`` is a valid network file, session file or preset."""
    from nnviz.core.netfile import resolve

    path = resolve(name_or_path)
    doc = read_json(path)
    if is_session(doc):
        from_json(doc, where=path.name)
    else:
        from_dict(doc, where=path.name)
