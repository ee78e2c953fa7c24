"""`nnviz export … --format html --out deck.html`: the whole export as one self-contained web
page (see nnviz.render.html_deck). ``--out`` names the file, not a folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nnviz.core.errors import NnvizError

UNIT = 1_000_000


def check_out_file(out: str, force: bool) -> None:
    """Refuse an output the deck cannot replace before any work: a folder, a path under a
    file, a folder that is missing or read-only, or an existing file without ``--force``."""
    if out == "-":
        return
    path = Path(out)
    if path.is_dir():
        raise NnvizError("is a folder; the HTML deck is one file: give its name", out)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise NnvizError(f"{folder} is not an existing folder", out)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NnvizError(f"{folder} is read-only", out)
    if (path.exists() or path.is_symlink()) and not force:
        raise NnvizError("exists; add --force to replace it", out)


def run_deck(ns: argparse.Namespace, width: int, height: int) -> int:
    """Draw every step's phases, refuse a deck over html_deck.MAX_BYTES (estimated from the
    first step, before the others are drawn), and write the page."""
    from nnviz.core.netfile import load
    from nnviz.core.output import write_text
    from nnviz.export_cli import _check_export_size, _neuron

    check_out_file(ns.out, ns.force)
    spec, base = load(ns.network)
    neuron = _neuron(ns.neuron, spec.layers)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from nnviz.cli import headless_engine
    from nnviz.gui.keymap import browser_keymap
    from nnviz.render import html_deck
    from nnviz.render.view import ViewState

    engine = headless_engine(spec, base, ns)
    _check_export_size(engine, ns, width, height, str(ns.network))
    deck = html_deck.DeckBuilder(
        spec,
        engine.dataset,
        ViewState(label_mode=ns.labels, digits=ns.digits, theme=ns.theme),
        width,
        height,
        only_update=ns.phases == "update",
        selected=neuron,
        keymap=browser_keymap(),  # lecture mode's keys, from its one key map
    )
    for k in range(ns.steps):
        deck.add_step(engine.step())
        if k == 0:
            _check_size(deck.estimate(ns.steps))
    page = deck.page().encode("utf-8")
    _check_size(len(page))
    write_text(ns.out, page.decode("utf-8"), follow_links=False)
    where = "standard output" if ns.out == "-" else ns.out
    print(
        f"wrote an HTML deck of {len(deck.frames)} frames ({_mb(len(page))} MB) to {where}",
        file=sys.stderr if ns.out == "-" else sys.stdout,
    )
    return 0


def _mb(n: int) -> str:
    return f"{n / UNIT:.{0 if n >= 10 * UNIT else 1}f}"


def _check_size(estimate: int) -> None:
    from nnviz.render.html_deck import MAX_BYTES

    if estimate > MAX_BYTES:
        raise NnvizError(
            f"the HTML deck would be about {_mb(estimate)} MB, over its limit of "
            f"{_mb(MAX_BYTES)} MB: export fewer --steps (or only --phases update)"
        )
