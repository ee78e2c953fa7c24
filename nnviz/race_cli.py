"""`nnviz race`: two to four runs from one initialisation trained together and drawn side by
side (SGD vs momentum vs Adam, three learning rates, three hidden activations), as PNG images,
headless."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from nnviz.core.errors import NnvizError
from nnviz.core.race import COMPARISONS

MAX_STEPS = 100_000
MAX_FRAMES = 200


def parser() -> argparse.ArgumentParser:
    from nnviz.export_cli import _Parser  # errors: one line, exit status 2

    p = _Parser(prog="nnviz race", description="Race runs from one initialisation, side by side.")
    p.add_argument("network", help="network file (.json) or preset name")
    p.add_argument("--compare", choices=COMPARISONS, default="optimizers")
    p.add_argument("--steps", type=int, default=100, help="steps every lane trains")
    p.add_argument("--every", type=int, help="a frame every this many steps (default: the end)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--size", default="1920x1080", help="image size WIDTHxHEIGHT in pixels")
    p.add_argument(
        "--theme", choices=("light", "dark", "lecture-light", "lecture-dark"), default="light"
    )
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    return p


def run_race(argv: list[str]) -> int:
    from nnviz.export_cli import _size

    ns = parser().parse_args(argv)
    if not 1 <= ns.steps <= MAX_STEPS:
        raise NnvizError(f"--steps must be between 1 and {MAX_STEPS}, found {ns.steps}")
    every = ns.every or ns.steps
    if not 1 <= every <= ns.steps or -(-ns.steps // every) > MAX_FRAMES:
        raise NnvizError(f"--every must be between 1 and --steps, with at most {MAX_FRAMES} frames")
    width, height = _size(ns.size)
    out = Path(ns.out)
    if out.exists() and not out.is_dir():
        raise NnvizError("exists and is not a folder", str(out))
    if out.is_dir() and any(out.iterdir()) and not ns.force:
        raise NnvizError("folder is not empty; add --force to write into it", str(out))
    from nnviz.core.netfile import load
    from nnviz.core.race import start_race, train_race, variants
    from nnviz.core.runs import RunTree

    spec, base = load(ns.network)
    tree = RunTree(spec, base)
    runs = start_race(tree, variants(spec, ns.compare))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.core.output import write_bytes
    from nnviz.render.export import drop_alpha, encode_png, ensure_gui_app
    from nnviz.render.race import lanes_of, render_race
    from nnviz.render.renderer import NetworkRenderer

    ensure_gui_app()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NnvizError(exc.strerror or "cannot be created", str(out)) from None
    renderer = NetworkRenderer()
    written = 0
    done = 0
    while done < ns.steps:
        k = min(every, ns.steps - done)
        train_race(runs, k)
        done += k
        image = render_race(lanes_of(runs, ns.theme), width, height, ns.theme, renderer)
        drop_alpha(image)
        write_bytes(out / f"race-{done:06d}.png", encode_png(image), follow_links=False)
        written += 1
    losses = ", ".join(f"{r.name} {r.last_loss():.4g}" for r in runs)
    print(f"wrote {written} PNG file(s) to {out} (last losses: {losses})")
    return 0
