"""Lesson files: a sequence of stops on a network, each at a step and phase, with a short text,
presenter notes, a selection, and optionally a question whose answer the engine computes.

The same file is a guided lesson in the window and a lecture script in lecture mode. The
format is TOML, written by hand (documented in the README, "Lessons and lecture scripts")::

    title = "The hidden δ"
    network = "two-two-two"          # a preset name, or a network file beside the lesson

    [[stop]]
    title = "The output δ"
    step = 1                          # 0: before the first step
    phase = "backward-L2"
    select = "delta[2,1]"             # people's numbering: neurons from 1, layer 0 = inputs
    text = "δ = (a − y) · σ′(z) …"
    question = "What is δ of output neuron 1?"
    answer = "delta[2,1]"             # or a metric: accuracy[test], f1[train,1], loss[test]
    hint = "Multiply the error by σ′(z)."

    [[stop.ink]]                      # strokes over the network (see nnviz.core.lesson_ink)
    colour = "red"
    points = [[0.2, 0.3], [0.4, 0.3]]

A lesson file comes from anyone: it is bounded in size before it is parsed, every key is
checked, and every problem is one line naming the file, the line and the key. No Qt.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnviz.core.errors import NnvizError, printable
from nnviz.core.lesson_ink import check_ink
from nnviz.core.lesson_metrics import Metric, check_metric_fits, parse_metric
from nnviz.core.lesson_where import LessonError, Where
from nnviz.core.phases import phase_names
from nnviz.core.quantities import Quantity, check_fits, from_human

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_LESSON_BYTES = 1 << 20
MAX_STOPS = 200
MAX_TEXT_CHARS = 20_000
MAX_STEP = 100_000
LABELS = ("none", "activation", "pre_activation", "delta", "activation_grad", "all")
PARTS = ("canvas", "inspector", "timeline", "phases", "loss", "setup", "runs", "toolbar")
"""Parts of the window a stop may point at (``highlight``)."""

TOP_KEYS = {"format", "title", "about", "network", "stop"}
STOP_KEYS = {
    "title",
    "network",
    "step",
    "phase",
    "sample",
    "select",
    "highlight",
    "labels",
    "zoom",
    "text",
    "notes",
    "question",
    "answer",
    "hint",
    "ink",
}


@dataclass(frozen=True)
class Stop:
    """One stop. ``step`` 0 is before the first step; ``phase`` indexes the network's phases
    (``phase_names``) and is None before the first step; ``sample`` is a batch row from 0;
    ``select`` is the renderer's selection; ``answer`` the quantity a question asks for, or
    None when the question asks for a ``metric`` of the network after ``step`` steps."""

    title: str
    network: str
    network_path: Path
    step: int
    phase: int | None
    sample: int = 0
    select: tuple | None = None
    highlight: tuple[str, ...] = ()
    highlight_quantities: tuple[Quantity, ...] = ()
    labels: str | None = None
    zoom: float = 1.0
    text: str = ""
    notes: str = ""
    question: str = ""
    answer: Quantity | None = None
    hint: str = ""
    ink: tuple[dict, ...] = ()
    line: int = 0
    metric: Metric | None = None


@dataclass(frozen=True)
class Lesson:
    path: Path
    title: str
    about: str
    stops: tuple[Stop, ...] = field(default_factory=tuple)


def load_lesson(path: str | Path) -> Lesson:
    """Read and check a lesson file; LessonError (one line: file, line, key) when it cannot
    be used. Networks are found as presets or beside the lesson, and each stop's phase,
    selection and question are checked against its network."""
    path = Path(path)
    where = path.name
    try:
        if not path.is_file():
            raise LessonError("no such file" if not path.exists() else "not a regular file", where)
        if path.stat().st_size > MAX_LESSON_BYTES:
            raise LessonError(f"larger than {MAX_LESSON_BYTES >> 10} KiB", where)
        raw = path.read_bytes()
    except OSError as exc:
        raise LessonError(exc.strerror or "cannot be read", where) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonError("not UTF-8 text", where) from None
    w = Where(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = str(exc).split(" (at line")[0]
        at = f"line {m.group(1)}, column {m.group(2)}: " if m else ""
        raise LessonError(f"{at}not valid TOML: {printable(reason, 80)}", where) from None
    return _lesson(path, data, w)


def _lesson(path: Path, data: dict[str, Any], w: Where) -> Lesson:
    for key in data:
        if key not in TOP_KEYS:
            raise w.error(f"unknown key (known: {', '.join(sorted(TOP_KEYS))})", key)
    fmt = data.get("format", 1)
    if fmt != 1:
        raise w.error("this nnviz reads lesson format 1", "format")
    title = _text(data, "title", w, None, required=True)
    about = _text(data, "about", w, None)
    default_net = data.get("network")
    if default_net is not None and not isinstance(default_net, str):
        raise w.error("must be a preset name or a file name (text)", "network")
    stops_raw = data.get("stop")
    if not isinstance(stops_raw, list) or not stops_raw:
        raise w.error("a lesson needs at least one [[stop]]", "stop")
    if len(stops_raw) > MAX_STOPS:
        raise w.error(f"more than {MAX_STOPS} stops", "stop")
    sizes_of: dict[str, tuple[tuple[int, ...], Path]] = {}
    stops = tuple(_stop(path, raw, k, default_net, w, sizes_of) for k, raw in enumerate(stops_raw))
    return Lesson(path=path, title=title, about=about, stops=stops)


def _text(d: dict, key: str, w: Where, stop: int | None, required: bool = False) -> str:
    v = d.get(key)
    if v is None:
        if required:
            raise w.error("missing", key, stop)
        return ""
    if not isinstance(v, str):
        raise w.error("must be text", key, stop)
    if len(v) > MAX_TEXT_CHARS:
        raise w.error(f"longer than {MAX_TEXT_CHARS} characters", key, stop)
    return v


def _int(d: dict, key: str, w: Where, stop: int, default: int, lo: int, hi: int) -> int:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int):
        raise w.error("must be a whole number", key, stop)
    if not lo <= v <= hi:
        raise w.error(f"must be from {lo} to {hi}", key, stop)
    return v


def _network(path: Path, name: str, w: Where, k: int, cache: dict) -> tuple[tuple[int, ...], Path]:
    if name in cache:
        return cache[name]
    from nnviz.core import netfile

    beside = path.parent / name
    target = str(beside) if beside.suffix and beside.is_file() else name
    try:
        spec, _ = netfile.load(target)
        net_path = netfile.resolve(target)
    except NnvizError as exc:
        raise w.error(f"network {printable(name, 40)}: {exc.detail}", "network", k) from None
    cache[name] = (tuple(spec.layers), net_path)
    return cache[name]


def _ref(text: Any, key: str, w: Where, k: int, sizes: tuple[int, ...]) -> Quantity | tuple:
    """A quantity, or a bare ``neuron[l,i]`` / ``edge[l,r,c]`` selection."""
    if not isinstance(text, str):
        raise w.error("must be text such as delta[1,2] or neuron[1,2]", key, k)
    m = re.match(r"^\s*(neuron|edge)\s*\[([\d\s,]*)\]\s*$", text)
    try:
        if m:
            kind = "a" if m.group(1) == "neuron" else "w"
            q = from_human(f"{kind}[{m.group(2)}]")
            if q.index[:1] == (0,) and kind == "a":
                q = Quantity("x", q.index)
            check_fits(q, sizes)
            return q.selection() or ()
        q = from_human(text)
        check_fits(q, sizes)
        return q
    except ValueError as exc:
        raise w.error(printable(str(exc), 120), key, k) from None


def _stop(path: Path, d: Any, k: int, default_net: str | None, w: Where, cache: dict) -> Stop:
    if not isinstance(d, dict):
        raise w.error("must be a table", "stop", k)
    for key in d:
        if key not in STOP_KEYS:
            raise w.error(f"unknown key (known: {', '.join(sorted(STOP_KEYS))})", key, k)
    net = d.get("network", default_net)
    if not isinstance(net, str) or not net:
        raise w.error("no network: give one at the top or in this stop", "network", k)
    sizes, net_path = _network(path, net, w, k, cache)
    n_layers = len(sizes) - 1
    names = phase_names(n_layers)
    step = _int(d, "step", w, k, 0, 0, MAX_STEP)
    phase: int | None = None
    if "phase" in d:
        ph = d["phase"]
        if not isinstance(ph, str) or ph not in names:
            raise w.error(f"must be one of {', '.join(names)}", "phase", k)
        if step == 0:
            raise w.error("a phase needs a step of 1 or more", "phase", k)
        phase = names.index(ph)
    elif step > 0:
        phase = 0
    sample = _int(d, "sample", w, k, 1, 1, 1_000_000) - 1
    select = None
    if "select" in d:
        ref = _ref(d["select"], "select", w, k, sizes)
        select = ref.selection() if isinstance(ref, Quantity) else ref
    highlight: list[str] = []
    hq: list[Quantity] = []
    hl = d.get("highlight", [])
    if isinstance(hl, str):
        hl = [hl]
    if not isinstance(hl, list) or len(hl) > 64:
        raise w.error("must be a list of window parts or references", "highlight", k)
    for item in hl:
        if isinstance(item, str) and item in PARTS:
            highlight.append(item)
            continue
        ref = _ref(item, "highlight", w, k, sizes)
        if isinstance(ref, Quantity):
            hq.append(ref)
        else:
            raise w.error(
                f"{printable(item, 30)}: name a part ({', '.join(PARTS)}) or a quantity",
                "highlight",
                k,
            )
    labels = d.get("labels")
    if labels is not None and labels not in LABELS:
        raise w.error(f"must be one of {', '.join(LABELS)}", "labels", k)
    zoom = d.get("zoom", 1.0)
    if isinstance(zoom, bool) or not isinstance(zoom, int | float) or not 1.0 <= zoom <= 4.0:
        raise w.error("must be a number from 1 to 4", "zoom", k)
    question = _text(d, "question", w, k)
    answer, metric = None, None
    if "answer" in d:
        metric = _metric(d["answer"], w, k, sizes)
        if metric is None:
            ref = _ref(d["answer"], "answer", w, k, sizes)
            if not isinstance(ref, Quantity):
                raise w.error("must name a number such as delta[1,2] or loss", "answer", k)
            answer = ref
    if question and answer is None and metric is None:
        raise w.error("a question needs an answer the engine can compute", "question", k)
    if (answer is not None or metric is not None) and not question:
        raise w.error("an answer needs its question", "answer", k)
    ink = check_ink(d.get("ink", []), lambda msg, key, n: w.ink_error(msg, key, k, n))
    return Stop(
        title=_text(d, "title", w, k) or f"Stop {k + 1}",
        network=net,
        network_path=net_path,
        step=step,
        phase=phase,
        sample=sample,
        select=select,
        highlight=tuple(highlight),
        highlight_quantities=tuple(hq),
        labels=labels,
        zoom=float(zoom),
        text=_text(d, "text", w, k),
        notes=_text(d, "notes", w, k),
        question=question,
        answer=answer,
        hint=_text(d, "hint", w, k),
        ink=ink,
        line=w.line_of(None, k),
        metric=metric,
    )


def _metric(text: Any, w: Where, k: int, sizes: tuple[int, ...]) -> Metric | None:
    """A metric answer (``accuracy[test]``…), or None when the text names something else."""
    if not isinstance(text, str):
        return None
    try:
        metric = parse_metric(text)
        if metric is not None:
            check_metric_fits(metric, sizes)
    except ValueError as exc:
        raise w.error(printable(str(exc), 120), "answer", k) from None
    return metric


def lessons_dir() -> Path:
    """The folder of the lessons shipped with nnviz."""
    from nnviz.resources_path import resource

    return resource("lessons")


def shipped_lessons() -> list[Path]:
    """The shipped lesson files, by name."""
    return sorted(lessons_dir().glob("*.toml"))


def resolve_lesson(name: str | Path) -> Path:
    """A lesson file's path: the path itself when it exists (or names a folder or a file that
    is not a lesson), else the shipped lesson of that name (``forward-pass`` or
    ``forward-pass.toml``)."""
    path = Path(name)
    if path.exists() or len(path.parts) > 1:
        return path
    shipped = lessons_dir() / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    return shipped if shipped.is_file() else path
