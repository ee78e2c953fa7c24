"""The score of a predict-then-reveal session and its report: every question (a quantity of a
step and sample), its tries, and whether the first try was right, grouped by the kind of number
a course names ("hidden δ", "output δ", "∂L/∂w", …), as text, Markdown or CSV. No Qt."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from nnviz.core.numfmt import fmt
from nnviz.core.output import write_text
from nnviz.core.quantities import Quantity, human

GROUPS = (
    "z", "a", "σ′(z)", "output δ", "hidden δ", "∂L/∂w", "Δw", "new w", "loss", "other",
)  # fmt: skip
FORMATS = ("text", "markdown", "csv")


def group_of(q: Quantity, n_layers: int) -> str:
    """The report's group of ``q``: "hidden δ" and "output δ" apart, since they are computed
    by different formulas."""
    k = q.kind
    if k == "delta":
        return "output δ" if q.index[0] == n_layers else "hidden δ"
    return {
        "z": "z",
        "a": "a",
        "sigma_prime": "σ′(z)",
        "grad": "∂L/∂w",
        "dw": "Δw",
        "new_w": "new w",
        "loss": "loss",
        "sample_loss": "loss",
    }.get(k, "other")


@dataclass
class Question:
    """One asked number: where it is, what was typed, and how it went."""

    quantity: Quantity
    group: str
    step: int
    sample: int
    value: float
    tries: list[str] = field(default_factory=list)
    results: list[bool] = field(default_factory=list)

    @property
    def right_first(self) -> bool:
        return bool(self.results) and self.results[0]

    @property
    def solved(self) -> bool:
        return any(self.results)


@dataclass
class Score:
    """Every question of a session, in the order first asked."""

    questions: list[Question] = field(default_factory=list)

    def record(
        self,
        q: Quantity,
        n_layers: int,
        step: int,
        sample: int,
        typed: str,
        right: bool,
        value: float,
    ) -> Question:
        """Count one try at ``q`` (a new question, or another try at one asked before)."""
        for qu in self.questions:
            if (qu.quantity, qu.step, qu.sample) == (q, step, sample) and qu.value == value:
                break
        else:
            qu = Question(q, group_of(q, n_layers), step, sample, value)
            self.questions.append(qu)
        if qu.solved:  # once right, further tries do not count
            return qu
        qu.tries.append(typed)
        qu.results.append(right)
        return qu

    @property
    def asked(self) -> int:
        return len(self.questions)

    @property
    def right_first(self) -> int:
        return sum(q.right_first for q in self.questions)

    def by_group(self) -> list[tuple[str, int, int]]:
        """(group, right at the first try, asked), in GROUPS order, only groups asked."""
        out = []
        for g in GROUPS:
            qs = [q for q in self.questions if q.group == g]
            if qs:
                out.append((g, sum(q.right_first for q in qs), len(qs)))
        return out

    def line(self) -> str:
        """The running score: "3 of 5 right at the first try"."""
        if not self.questions:
            return "no predictions yet"
        return f"{self.right_first} of {self.asked} right at the first try"

    def report(self, form: str = "text") -> str:
        """The report: per group "hidden δ: 2 of 5 right", then every question with its tries."""
        if form not in FORMATS:
            raise ValueError(f"unknown report format {form!r} (one of {', '.join(FORMATS)})")
        if form == "csv":
            return self._csv()
        md = form == "markdown"
        lines = ["# Predict, then reveal: report" if md else "Predict, then reveal: report", ""]
        lines.append(f"{self.line()}.")
        lines.append("")
        for g, right, n in self.by_group():
            lines.append(f"{'- ' if md else ''}{g}: {right} of {n} right")
        if self.questions:
            lines.append("")
            if md:
                lines += ["| step | quantity | value | tries | first try |", "| --- | --- | ---: | --- | --- |"]  # fmt: skip
            for q in self.questions:
                tries = " | ".join(q.tries) if not md else " · ".join(q.tries)
                first = "right" if q.right_first else ("right later" if q.solved else "wrong")
                if md:
                    lines.append(
                        f"| {q.step} | {human(q.quantity)} | {fmt(q.value, 4)} | {tries} | {first} |"
                    )
                else:
                    lines.append(
                        f"step {q.step}, {human(q.quantity)} = {fmt(q.value, 4)}: "
                        f"typed {tries} ({first})"
                    )
        return "\n".join(lines) + "\n"

    def _csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["step", "sample", "group", "quantity", "value", "tries", "typed", "right_first", "solved"])  # fmt: skip
        for q in self.questions:
            w.writerow(
                [q.step, q.sample + 1, q.group, human(q.quantity), repr(q.value), len(q.tries),
                 " | ".join(q.tries), int(q.right_first), int(q.solved)]
            )  # fmt: skip
        return buf.getvalue()

    def export(self, path: str | Path) -> str:
        """Write the report, its format chosen by the file's suffix (.csv, .md, else text);
        returns the format written. OutputError (printable) when it cannot be written."""
        suffix = Path(path).suffix.lower()
        form = (
            "csv" if suffix == ".csv" else "markdown" if suffix in (".md", ".markdown") else "text"
        )
        write_text(path, self.report(form))
        return form
