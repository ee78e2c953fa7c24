"""`nnviz export`: a trace as images (PNG/SVG per phase), a PDF handout, an animation
(GIF, WebP, APNG) or a video (MP4), headless, streamed step by step (nnviz.render.export_job)."""

from __future__ import annotations

import argparse
import os
import re
import stat
from pathlib import Path

from nnviz.core.errors import NnvizError
from nnviz.core.limits import EXPORT_MAX_SIDE, EXPORT_MAX_STEPS
from nnviz.core.mistakes import MISTAKES, why_not
from nnviz.core.numfmt import DEFAULT_DIGITS, MAX_DIGITS, MIN_DIGITS
from nnviz.render.handout import default_page

FORMATS = ("png", "svg", "pdf", "gif", "webp", "apng", "mp4", "html")
THEME_NAMES = ("light", "dark", "lecture-light", "lecture-dark")
MAX_STEPS = EXPORT_MAX_STEPS
MAX_SIDE = EXPORT_MAX_SIDE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="nnviz export", description="Export a step-by-step trace as images.")
    p.add_argument("network", help="network file (.json), preset name, or lesson file (.toml)")
    p.add_argument("--steps", type=int, default=1, help="steps (batches) to export")
    p.add_argument("--out", required=True, help="output folder (HTML: the page's file name)")
    p.add_argument("--format", choices=FORMATS, default="png")
    p.add_argument("--size", default="1920x1080", help="image size WIDTHxHEIGHT in pixels")
    p.add_argument("--theme", choices=THEME_NAMES, default="light")
    p.add_argument("--phases", choices=("all", "update"), default="all")
    p.add_argument(
        "--neuron", metavar="L:I", help="show this neuron's formulas (layer L ≥ 1, neuron I ≥ 1)"
    )
    p.add_argument(
        "--labels",
        default="activation",
        choices=("none", "activation", "pre_activation", "delta", "activation_grad", "all"),
    )
    p.add_argument(
        "--digits",
        "--decimals",
        dest="digits",
        type=int,
        default=DEFAULT_DIGITS,
        help=f"significant figures of the numbers shown (default {DEFAULT_DIGITS})",
    )
    p.add_argument("--grid", help="PDF: phases per page as COLSxROWS (default 1x1)")
    p.add_argument(
        "--page",
        choices=("a4", "letter"),
        help="PDF: paper size (default: the locale's, A4 where it is not Letter)",
    )
    p.add_argument(
        "--orientation",
        choices=("auto", "portrait", "landscape"),
        help="PDF: page orientation (auto: the one with the larger frames)",
    )
    p.add_argument(
        "--frame-ms", type=int, help="GIF/WebP/APNG/MP4: milliseconds per frame (default 800)"
    )
    p.add_argument(
        "--trace-json",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also write every number as trace.json, a step at a time (default: on)",
    )
    p.add_argument("--transparent", action="store_true", help="PNG, SVG: transparent background")
    p.add_argument(
        "--png-quality",
        type=int,
        metavar="Q",
        help="PNG: 0 (smallest files, slowest) to 100 (no compression), all lossless; "
        "default: the fastest compression",
    )
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    p.add_argument(
        "--mistake",
        choices=list(MISTAKES),
        help="draw a classic mistake's numbers beside the right ones",
    )
    p.add_argument("--device", choices=("cpu", "cuda", "auto"))
    p.add_argument("--dtype", choices=("float32", "float64"))
    from nnviz.cli import add_outside_flag

    add_outside_flag(p)
    return p


def _size(text: str, option: str = "--size") -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m:
        raise NnvizError(f"{option} must look like 1920x1080, found {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    limit = MAX_SIDE if option == "--size" else 6
    low = 64 if option == "--size" else 1
    if not (low <= w <= limit and low <= h <= limit):
        raise NnvizError(f"{option} sides must be between {low} and {limit}, found {w}x{h}")
    return w, h


def _neuron(text: str | None, sizes: tuple[int, ...]) -> tuple[int, int] | None:
    if text is None:
        return None
    m = re.fullmatch(r"(\d+):(\d+)", text.strip())
    if not m:
        raise NnvizError(f"--neuron must look like 2:1 (layer:neuron), found {text!r}")
    layer, i = int(m.group(1)), int(m.group(2))
    if not 1 <= layer < len(sizes):
        raise NnvizError(f"--neuron layer must be between 1 and {len(sizes) - 1}, found {layer}")
    if not 1 <= i <= sizes[layer]:
        raise NnvizError(f"--neuron: layer {layer} has {sizes[layer]} neurons, found {i}")
    return layer, i - 1


OWN_FILE = re.compile(
    r"step\d{3,}-\d{2}-[A-Za-z0-9-]+\.(?:png|svg)|trace\.(?:json|gif|pdf|webp|png|mp4)"
)
"""The names an export writes: --force removes these (and only these) before writing, so
frames of an earlier, longer export are not left mixed with the new ones."""


def remove_own_files(folder: Path) -> list[str]:
    """Remove an earlier export's files (names matching OWN_FILE; a link is removed, never what
    it points to) and stale temporary files from ``folder``; anything else stays."""
    from nnviz.core.output import remove_stale_temps

    removed = []
    for entry in sorted(folder.iterdir()):
        if OWN_FILE.fullmatch(entry.name) and (entry.is_symlink() or entry.is_file()):
            entry.unlink()
            removed.append(entry.name)
    remove_stale_temps(folder)
    return removed


def _check_export_size(engine, ns: argparse.Namespace, width: int, height: int, where: str) -> None:
    """Refuse an export whose traces, frames or trace.json would exceed the budgets (estimated
    from the sizes, before the first step; see nnviz.core.limits.export_bytes)."""
    from nnviz.cli import check_trace_size
    from nnviz.core.limits import check_memory, export_bytes

    if ns.trace_json:
        check_trace_size(engine, ns.steps, where, "trace.json")
    layers = engine.spec.layers
    batch = min(engine.spec.batch_size, max(engine.dataset.n_train, 1))
    frames = ns.steps * (1 if ns.phases == "update" else 2 * len(layers))
    check_memory(
        engine.needed_bytes() + export_bytes(layers, batch, ns.steps, frames, width, height,
                                             ns.format),
        f"exporting {frames:,} {ns.format.upper()} frames of {width}x{height}",
        where,
    )  # fmt: skip


APPLIES_TO = {
    "--grid": ("grid", ("pdf",), "1x1"),
    "--page": ("page", ("pdf",), default_page),
    "--orientation": ("orientation", ("pdf",), "auto"),
    "--frame-ms": ("frame_ms", ("gif", "webp", "apng", "mp4"), 800),
    "--transparent": ("transparent", ("png", "svg"), False),
    "--png-quality": ("png_quality", ("png",), None),
}
"""Options that only some formats use: given with another format they would do nothing, so
they are refused (name, the formats that use it, its default)."""


def _check_applies(ns: argparse.Namespace) -> None:
    """Refuse an option the chosen format would silently ignore; then fill in the defaults."""
    for option, (name, formats, default) in APPLIES_TO.items():
        value = getattr(ns, name)
        if value not in (None, False) and ns.format not in formats:
            names = [f.upper() for f in formats]
            used = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            raise NnvizError(f"{option} applies to {used} only, not to --format {ns.format}")
        if value is None:
            setattr(ns, name, default() if callable(default) else default)


def check_out_folder(out: Path) -> None:
    """Refuse an output folder that cannot be written before any work is done: an existing
    file, a path under a regular file, or a folder (or the nearest existing folder above a new
    one) that is read-only. A folder without write permission for anyone counts as read-only
    even for root, who could write into it regardless."""
    if out.exists() and not out.is_dir():
        raise NnvizError("exists and is not a folder", str(out))
    folder = out
    while not folder.exists() and not folder.is_symlink() and folder.parent != folder:
        folder = folder.parent
    if not folder.is_dir():
        raise NnvizError(f"{folder} is a file, not a folder", str(out))
    try:
        mode = folder.stat().st_mode
    except OSError as exc:
        raise NnvizError(f"cannot be used: {exc.strerror}", str(out)) from None
    if not os.access(folder, os.W_OK | os.X_OK) or not stat.S_IMODE(mode) & 0o222:
        where = "the folder is read-only" if folder == out else f"{folder} is read-only"
        raise NnvizError(where, str(out))


def run_export(argv: list[str]) -> int:
    ns = parser().parse_args(argv)
    from nnviz.lesson_export import is_lesson, run_lesson_export

    if is_lesson(ns.network):  # a lesson file: one frame per stop (nnviz.lesson_export)
        return run_lesson_export(ns)
    _check_applies(ns)
    if not 1 <= ns.steps <= MAX_STEPS:
        raise NnvizError(f"--steps must be between 1 and {MAX_STEPS}, found {ns.steps}")
    if not MIN_DIGITS <= ns.digits <= MAX_DIGITS:
        raise NnvizError(
            f"--digits must be between {MIN_DIGITS} and {MAX_DIGITS}, found {ns.digits}"
        )
    if not 20 <= ns.frame_ms <= 60_000:
        raise NnvizError(f"--frame-ms must be between 20 and 60000, found {ns.frame_ms}")
    if ns.png_quality is not None and not 0 <= ns.png_quality <= 100:
        raise NnvizError(f"--png-quality must be between 0 and 100, found {ns.png_quality}")
    if ns.format == "mp4":
        from nnviz.render.video import require

        require()  # PyAV is an optional extra: say how to install it, before any work
    width, height = _size(ns.size)
    grid = _size(ns.grid, "--grid")
    if ns.format == "html":  # one self-contained page rather than a folder of frames
        from nnviz.deck_cli import run_deck

        return run_deck(ns, width, height)
    out = Path(ns.out)
    check_out_folder(out)
    if out.is_dir() and any(out.iterdir()) and not ns.force:
        raise NnvizError(
            "folder is not empty; add --force to replace an earlier export in it", str(out)
        )
    from nnviz.core.netfile import load

    spec, base = load(ns.network)
    neuron = _neuron(ns.neuron, spec.layers)
    if ns.mistake and (why := why_not(ns.mistake, spec.activations)):
        raise NnvizError(f"--mistake {ns.mistake}: {why}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.cli import headless_engine
    from nnviz.render.export_job import ExportSettings, run_export_job, trace_head
    from nnviz.render.view import ViewState

    engine = headless_engine(spec, base, ns)
    _check_export_size(engine, ns, width, height, str(ns.network))
    try:
        out.mkdir(parents=True, exist_ok=True)
        if ns.force:
            remove_own_files(out)
    except OSError as exc:
        raise NnvizError(exc.strerror or "cannot be created", str(out)) from None
    settings = ExportSettings(
        fmt=ns.format,
        steps=ns.steps,
        size=(width, height),
        view=ViewState(
            label_mode=ns.labels, digits=ns.digits, theme=ns.theme, mistake=ns.mistake or ""
        ),
        only_update=ns.phases == "update",
        neuron=neuron,
        grid=grid,
        page=ns.page,
        orientation=ns.orientation,
        frame_ms=ns.frame_ms,
        transparent=ns.transparent,
        png_quality=ns.png_quality,
        trace_json=ns.trace_json,
    )
    written = run_export_job(engine, out, settings, head=trace_head(engine))
    files = written[:-1] if ns.trace_json else written
    also = " and trace.json" if ns.trace_json else ""
    print(f"wrote {len(files)} {ns.format.upper()} file(s){also} to {out}")
    return 0
