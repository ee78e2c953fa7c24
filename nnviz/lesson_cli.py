"""`nnviz lesson check FILE…` (every stop of each lesson with its computed answer) and
`nnviz lesson list` (the shipped lessons), headless."""

from __future__ import annotations

import argparse
import sys

from nnviz.core.errors import NnvizError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="nnviz lesson", description="Check lesson files and list the shipped ones.")
    sub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="load lessons and compute every answer, one line per stop")
    check.add_argument(
        "files", nargs="+", metavar="FILE", help="lesson file (.toml) or shipped lesson name"
    )
    check.add_argument("--digits", type=int, default=6, help="significant figures (default 6)")
    check.add_argument("--device", choices=("cpu", "cuda", "auto"), default="cpu")
    check.add_argument("--dtype", choices=("float32", "float64"))
    from nnviz.cli import add_outside_flag

    add_outside_flag(check)
    sub.add_parser("list", help="list the lessons shipped with nnviz")
    return p


def run_lesson(argv: list[str]) -> int:
    ns = parser().parse_args(argv)
    if ns.action == "list":
        return _list()
    from nnviz.core.numfmt import MAX_DIGITS, MIN_DIGITS

    if not MIN_DIGITS <= ns.digits <= MAX_DIGITS:
        raise NnvizError(f"--digits must be between {MIN_DIGITS} and {MAX_DIGITS}")
    bad = 0
    for name in ns.files:
        try:
            lines = check_lines(name, ns)
        except NnvizError as exc:  # one line for this file; the others are still checked
            print(f"nnviz: {exc}", file=sys.stderr)
            bad += 1
            continue
        print("\n".join(lines), flush=True)
    return 2 if bad else 0


def check_lines(name: str, ns: argparse.Namespace) -> list[str]:
    """The report of one lesson: a heading line, then one line per stop (title, step and
    phase, question, computed answer). LessonError when the file or an answer is wrong."""
    from nnviz.core.lesson import load_lesson, resolve_lesson
    from nnviz.core.lesson_answers import LessonRun, where_text

    lesson = load_lesson(resolve_lesson(name))
    run = LessonRun(lesson, device=ns.device, dtype=ns.dtype,
                    allow_outside_data=ns.allow_outside_data)  # fmt: skip
    out = [f"{lesson.path.name}: {lesson.title} ({len(lesson.stops)} stops)"]
    for k, stop in enumerate(lesson.stops):
        answer = run.answer(stop)
        n_layers = len(run.spec(stop).layers) - 1
        line = f"  {k + 1}. {stop.title} · {where_text(stop, n_layers)}"
        if answer is not None:
            line += f" · {stop.question} → {answer.reference} = {answer.text(ns.digits)}"
        out.append(line)
    return out


def _list() -> int:
    from nnviz.core.lesson import load_lesson, shipped_lessons

    for path in shipped_lessons():
        lesson = load_lesson(path)
        print(f"{path.stem:22} {len(lesson.stops):2} stops  {lesson.title}")
    return 0
