"""Session files: the runs of a session (each with its settings, where it branched off and how
many steps it trained), which run and step were on screen, and the view. Opening one replays
every run exactly (training is deterministic), so the file stays small however long the runs.

Format 2 holds every run (and, optionally, the lecture ink drawn over its phases: see
nnviz.core.ink; ink that is malformed or beyond the limits is left out with a message, the
session still opens); format 1 (one network, its weight edits at any step) still opens, as
a first run and one edit run per edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnviz.core.errors import SpecError
from nnviz.core.ink import InkBook, read_ink
from nnviz.core.limits import SESSION_MAX_EDITS, SESSION_MAX_STEPS
from nnviz.core.netfile import read_json
from nnviz.core.output import write_json
from nnviz.core.spec import NetworkSpec, from_dict, to_dict

SESSION_VERSION = 2
MAX_SESSION_STEPS = SESSION_MAX_STEPS
"""Steps of all the runs of a session file together."""
MAX_RUNS = 64
RUN_KINDS = ("start", "edit", "settings", "restart", "reshape")
MAX_NOTES = 10_000
MAX_NOTE_CHARS = 20_000


@dataclass(frozen=True)
class Edit:
    """A weight (``col`` set) or bias (``col`` None) given ``value`` after ``after_step`` steps."""

    after_step: int
    layer: int
    row: int
    col: int | None
    value: float


@dataclass
class RunData:
    """One run of a session file: ``spec`` holds its settings (and, for a first run or another
    shape, its initial weights); it branched off run ``parent`` after ``at`` steps; ``n_steps``
    counts every step it shows (the parent's first ones included where it continues them)."""

    id: int
    name: str
    spec: NetworkSpec
    how: str = "start"
    parent: int | None = None
    at: int = 0
    edits: list[Edit] = field(default_factory=list)
    n_steps: int = 0
    note: str = ""


@dataclass
class SessionData:
    spec: NetworkSpec
    n_steps: int = 0
    step: int = 0
    phase: int = -1
    edits: list[Edit] = field(default_factory=list)
    view: dict = field(default_factory=dict)
    runs: list[RunData] = field(default_factory=list)
    current: int = 1
    notes: dict[tuple[int, int, int], str] = field(default_factory=dict)
    """The lecturer's notes: (run id, step, phase) → text."""
    ink: InkBook = field(default_factory=InkBook)  # lecture ink, by (run id, step, phase)
    ink_note: str | None = None  # why a file's ink was left out, to tell the user
    notes_note: str | None = None  # why a file's notes were left out

    def all_runs(self) -> list[RunData]:
        """The runs to replay, parents first; a format-1 file's edits become edit runs."""
        if self.runs:
            return self.runs
        out = [RunData(1, "run 1", self.spec, n_steps=self.n_steps)]
        for e in self.edits:
            prev = out[-1]
            if prev.how == "edit" and prev.at == e.after_step:
                prev.edits.append(e)
                continue
            out.append(RunData(len(out) + 1, f"run {len(out) + 1}", self.spec, "edit", prev.id,
                               e.after_step, [e], self.n_steps))  # fmt: skip
        return out

    def current_run(self) -> int:
        return self.current if self.runs else len(self.all_runs())


def is_session(obj: Any) -> bool:
    return isinstance(obj, dict) and "nnviz_session" in obj


def _edit_json(e: Edit) -> dict:
    return {
        "after_step": e.after_step,
        "layer": e.layer,
        "row": e.row,
        "col": e.col,
        "value": e.value,
    }


def to_json(data: SessionData) -> dict:
    """Format 2: every run (``data.all_runs()``), the shown run and position, the view."""
    runs = data.all_runs()
    return {
        "nnviz_session": SESSION_VERSION,
        "runs": [
            {
                "id": r.id,
                "name": r.name,
                "how": r.how,
                "parent": r.parent,
                "at": r.at,
                "network": to_dict(r.spec),
                "edits": [_edit_json(e) for e in r.edits],
                "steps": r.n_steps,
                "note": r.note,
            }
            for r in runs
        ],
        "current": data.current_run(),
        "position": {"step": data.step, "phase": data.phase},
        "view": data.view,
        "notes": _notes_json(data.notes, runs),
        **({"ink": data.ink.to_json({r.id for r in runs})} if data.ink else {}),
    }


def _notes_json(notes: dict[tuple[int, int, int], str], runs: list[RunData]) -> list[dict]:
    """The notes of the runs written (and of their steps), in order."""
    steps = {r.id: r.n_steps for r in runs}
    return [
        {"run": run, "step": step, "phase": phase, "text": text}
        for (run, step, phase), text in sorted(notes.items())
        if run in steps and 0 <= step <= steps[run] and text.strip()
    ]


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
    if obj["nnviz_session"] == 2:
        return _from_json_2(obj, where)
    if obj["nnviz_session"] != 1:
        raise SpecError(f"session format {obj['nnviz_session']!r} is not supported", where)
    spec = from_dict(obj.get("network"), where=where)
    n_steps = _int(obj, "steps", 0, MAX_SESSION_STEPS, where)
    pos = obj.get("position", {"step": 0, "phase": -1})
    if not isinstance(pos, dict):
        raise SpecError('"position" must be an object', where)
    n_phases = 2 * len(spec.layers)
    step = _int(pos, "step", 0, n_steps, where)
    phase = _int(pos, "phase", -1, n_phases - 1, where)
    edits = _edits(obj, spec, n_steps, where)
    return SessionData(spec, n_steps, step, phase, edits, _view(obj, where))


def _edits(obj: dict, spec: NetworkSpec, n_steps: int, where: str) -> list[Edit]:
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
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or value != value
            or abs(value) == float("inf")
        ):
            raise SpecError(f'"value" must be a finite number, found {value!r}', w)
        edits.append(Edit(_int(e, "after_step", 0, n_steps, w), layer, row, col, float(value)))
    return sorted(edits, key=lambda e: e.after_step)


def _view(obj: dict, where: str) -> dict:
    view = obj.get("view", {})
    if not isinstance(view, dict):
        raise SpecError('"view" must be an object', where)
    return view


def _from_json_2(obj: dict, where: str) -> SessionData:
    raw = obj.get("runs")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_RUNS:
        raise SpecError(f'"runs" must be a list of 1 to {MAX_RUNS} runs', where)
    runs: dict[int, RunData] = {}
    total = 0
    for k, r in enumerate(raw):
        w = f"{where}: runs[{k}]"
        if not isinstance(r, dict):
            raise SpecError("must be an object", w)
        rid = _int(r, "id", 1, 10**9, w)
        if rid in runs:
            raise SpecError(f"run id {rid} appears twice", w)
        how = r.get("how")
        if how not in RUN_KINDS:
            raise SpecError(f'"how" must be one of {", ".join(RUN_KINDS)}', w)
        parent = r.get("parent")
        if (how == "start") != (parent is None):
            raise SpecError('only a "start" run has no parent', w)
        spec = from_dict(r.get("network"), where=w)
        n_steps = _int(r, "steps", 0, MAX_SESSION_STEPS, w)
        at = 0
        if parent is not None:
            parent = _int(r, "parent", 1, 10**9, w)
            if parent not in runs:
                raise SpecError(f"run {rid}'s parent {parent} must come before it", w)
            at = _int(r, "at", 0, runs[parent].n_steps, w)
            if how != "reshape" and n_steps < at:
                raise SpecError(f'"steps" must be at least "at" ({at})', w)
        total += n_steps - (at if how not in ("start", "reshape") else 0)
        if total > MAX_SESSION_STEPS:
            raise SpecError(f"the runs hold more than {MAX_SESSION_STEPS:,} steps together", where)
        edits = _edits(r, spec, n_steps, w)
        if how == "edit" and (not edits or any(e.after_step != at for e in edits)):
            raise SpecError('an "edit" run needs edits made at its "at" step', w)
        name = r.get("name", f"run {rid}")
        note = r.get("note", "")
        runs[rid] = RunData(
            rid,
            name if isinstance(name, str) else f"run {rid}",
            spec,
            how,
            parent,
            at,
            edits if how == "edit" else [],
            n_steps,
            note if isinstance(note, str) else "",
        )
    current = _int(obj, "current", 1, 10**9, where)
    if current not in runs:
        raise SpecError(f'"current" names no run ({current})', where)
    shown = runs[current]
    pos = obj.get("position", {"step": 0, "phase": -1})
    if not isinstance(pos, dict):
        raise SpecError('"position" must be an object', where)
    step = _int(pos, "step", 0, shown.n_steps, where)
    phase = _int(pos, "phase", -1, 2 * len(shown.spec.layers) - 1, where)
    first = next(iter(runs.values()))
    try:
        notes, notes_note = _notes(obj, runs, where), None
    except SpecError as exc:  # the session opens whatever its notes hold
        notes, notes_note = {}, f"The session's notes were left out: {exc}"
    data = SessionData(
        first.spec, first.n_steps, step, phase, [], _view(obj, where), list(runs.values()), current,
        notes,
    )  # fmt: skip
    data.notes_note = notes_note

    def page_ok(page: tuple[int, int, int]) -> bool:
        run = runs.get(page[0])
        n_phases = 2 * len(run.spec.layers) if run else 0
        return run is not None and page[1] <= run.n_steps and -1 <= page[2] < n_phases

    data.ink, data.ink_note = read_ink(obj.get("ink"), page_ok)
    return data


def _notes(obj: dict, runs: dict[int, RunData], where: str) -> dict[tuple[int, int, int], str]:
    """The "notes" entry (files written before it have none)."""
    raw = obj.get("notes", [])
    if not isinstance(raw, list) or len(raw) > MAX_NOTES:
        raise SpecError(f'"notes" must be a list of at most {MAX_NOTES:,} notes', where)
    notes = {}
    for k, n in enumerate(raw):
        w = f"{where}: notes[{k}]"
        if not isinstance(n, dict):
            raise SpecError("must be an object", w)
        run = _int(n, "run", 1, 10**9, w)
        if run not in runs:
            raise SpecError(f"names no run ({run})", w)
        step = _int(n, "step", 0, runs[run].n_steps, w)
        phase = _int(n, "phase", -1, 2 * len(runs[run].spec.layers) - 1, w)
        text = n.get("text")
        if not isinstance(text, str) or len(text) > MAX_NOTE_CHARS:
            raise SpecError(f'"text" must be text of at most {MAX_NOTE_CHARS:,} characters', w)
        notes[(run, step, phase)] = text
    return notes


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
