"""`nnviz export LESSON.toml`: each stop of a lesson as a frame (PNG or SVG per stop, at its
step, phase, sample, selection, labels and zoom), or a PDF handout of the stops with their
text and the computed answers. Reuses the trace export's job (TraceExport) and options."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from nnviz.core.errors import NnvizError

LESSON_FORMATS = ("png", "svg", "pdf")
LESSON_FILE = re.compile(r"stop\d{2,}-[a-z0-9-]+\.(?:png|svg)|lesson\.pdf")
"""The names a lesson export writes: --force removes these (and only these) first."""
NOT_FOR_LESSONS = {
    "--steps": ("steps", 1),
    "--phases": ("phases", "all"),
    "--neuron": ("neuron", None),
    "--grid": ("grid", None),
    "--frame-ms": ("frame_ms", None),
}
"""Trace options a lesson does not use: each stop sets its own step, phase and selection."""


def is_lesson(name: str) -> bool:
    """Whether ``nnviz export NAME`` means a lesson file."""
    return name.lower().endswith(".toml")


def run_lesson_export(ns: argparse.Namespace) -> int:
    """The lesson branch of ``nnviz export`` (``ns`` parsed by nnviz.export_cli.parser)."""
    from nnviz.export_cli import _check_applies, _size, check_out_folder

    for option, (name, default) in NOT_FOR_LESSONS.items():
        if getattr(ns, name) != default:
            raise NnvizError(f"{option} does not apply to a lesson: each stop sets its own view")
    if ns.format not in LESSON_FORMATS:
        raise NnvizError(f"a lesson exports as png, svg or pdf, not --format {ns.format}")
    _check_applies(ns)
    from nnviz.core.numfmt import MAX_DIGITS, MIN_DIGITS

    if not MIN_DIGITS <= ns.digits <= MAX_DIGITS:
        raise NnvizError(f"--digits must be between {MIN_DIGITS} and {MAX_DIGITS}")
    if ns.png_quality is not None and not 0 <= ns.png_quality <= 100:
        raise NnvizError(f"--png-quality must be between 0 and 100, found {ns.png_quality}")
    width, height = _size(ns.size)
    from nnviz.core.lesson import load_lesson, resolve_lesson
    from nnviz.core.lesson_answers import LessonRun

    lesson = load_lesson(resolve_lesson(ns.network))
    out = Path(ns.out)
    check_out_folder(out)
    if out.is_dir() and any(out.iterdir()) and not ns.force:
        raise NnvizError(
            "folder is not empty; add --force to replace an earlier export in it", str(out)
        )
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.render.view import ViewState

    run = LessonRun(lesson, device=ns.device, dtype=ns.dtype,
                    allow_outside_data=ns.allow_outside_data)  # fmt: skip
    view = ViewState(label_mode=ns.labels, digits=ns.digits, theme=ns.theme)
    answers = run.all_answers()  # every question answered before anything is written
    try:
        out.mkdir(parents=True, exist_ok=True)
        if ns.force:
            remove_lesson_files(out)
    except OSError as exc:
        raise NnvizError(exc.strerror or "cannot be created", str(out)) from None
    written = _write(run, view, answers, out, ns, width, height)
    print(f"wrote {len(written)} {ns.format.upper()} file(s) to {out}")
    return 0


def _write(run, view, answers, out: Path, ns, width: int, height: int) -> list[Path]:
    from nnviz.core.lesson_answers import where_text
    from nnviz.render.lesson_scene import stop_scene, stop_stem
    from nnviz.render.trace_pages import TraceExport

    lesson = run.lesson
    scenes = [(stop_stem(k, s), stop_scene(run, s, view)) for k, s in enumerate(lesson.stops)]
    if ns.format != "pdf":
        job = TraceExport(scenes, out, fmt=ns.format, width=width, height=height,
                          transparent=ns.transparent, png_quality=ns.png_quality)  # fmt: skip
        return job.run()
    from nnviz.render.lesson_handout import HandoutPage, save_lesson_pdf

    pages, lines = [], []
    n = len(lesson.stops)
    for k, (stop, (_, scene)) in enumerate(zip(lesson.stops, scenes, strict=True)):
        n_layers = len(scene.sizes) - 1
        caption = f"stop {k + 1} of {n} · {where_text(stop, n_layers)}"
        pages.append(HandoutPage(f"{k + 1}. {stop.title}", scene, caption, handout_text(stop)))
        if answers[k] is not None:
            a = answers[k]
            lines.append(
                f"- Stop {k + 1}, {stop.title}: {a.description} = **{a.text(ns.digits + 3)}**"
            )
    path = out / "lesson.pdf"
    save_lesson_pdf(lesson.title, pages, lines, path, width, height, page=ns.page,
                    orientation=ns.orientation, follow_links=False)  # fmt: skip
    return [path]


def handout_text(stop) -> str:
    """A stop's Markdown on paper: its text, then its question and hint (answers go last)."""
    parts = [stop.text.strip()] if stop.text.strip() else []
    if stop.question:
        parts.append(f"**Question.** {stop.question.strip()}")
    if stop.hint:
        parts.append(f"*Hint:* {stop.hint.strip()}")
    return "\n\n".join(parts)


def remove_lesson_files(folder: Path) -> list[str]:
    """Remove an earlier lesson export's files (a link is removed, never followed) and stale
    temporary files; anything else in the folder stays."""
    from nnviz.core.output import remove_stale_temps

    removed = []
    for entry in sorted(folder.iterdir()):
        if LESSON_FILE.fullmatch(entry.name) and (entry.is_symlink() or entry.is_file()):
            entry.unlink()
            removed.append(entry.name)
    remove_stale_temps(folder)
    return removed
