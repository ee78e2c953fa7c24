"""Where a PDF handout's frames go on paper: page sizes, margins, grid cells and captions.

Pure geometry in points (1/72 inch), so it is tested without drawing anything. Frames keep
their aspect ratio and are as large as their grid cell allows, with a caption line below
each; the page number sits in the bottom margin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from nnviz.core.phases import parse_phase

PAGES_PT = {"a4": (595.0, 842.0), "letter": (612.0, 792.0)}
"""Portrait width, height in points (A4 rounded to whole points, as PDF viewers report it)."""
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "PR", "SV", "NI", "DO"}
)
"""Where Letter paper is the norm (as glibc's LC_PAPER data has it); A4 everywhere else."""
ORIENTATIONS = ("auto", "portrait", "landscape")
MARGIN = 36.0  # half an inch: outside what office and home printers cannot reach
GAP = 12.0  # between cells
CAPTION = 14.0  # the caption line under a frame
CAPTION_PT = 9.0  # its font size


def default_page(env: Mapping[str, str] | None = None) -> str:
    """The paper of the user's locale: "letter" where the paper locale (LC_ALL, LC_PAPER or
    LANG, in the order POSIX gives them precedence) names a Letter country, else "a4"."""
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_PAPER", "LANG"):
        value = env.get(var, "")
        if value:
            territory = re.match(r"^[A-Za-z]+_([A-Za-z]{2})", value)
            return (
                "letter" if territory and territory.group(1).upper() in LETTER_TERRITORIES else "a4"
            )
    return "a4"


@dataclass(frozen=True)
class PageLayout:
    """A page (``width``×``height`` points) and, for each grid cell, where its frame goes
    (x, y, w, h) and where its caption goes (x, y, w, h)."""

    width: float
    height: float
    frames: tuple[tuple[float, float, float, float], ...]
    captions: tuple[tuple[float, float, float, float], ...]

    @property
    def scale(self) -> float:
        """Points per frame pixel."""
        return self.frames[0][2]


def layout(
    page: str, orientation: str, grid: tuple[int, int], frame_w: int, frame_h: int
) -> PageLayout:
    """The layout of one page. ``orientation='auto'`` picks the one where the frames come out
    larger (landscape on a tie): landscape for a single 16:9 frame and for 2×2, portrait for a
    single column of frames."""
    if page not in PAGES_PT:
        raise ValueError(f"unknown page size {page!r}")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown orientation {orientation!r}")
    short, long = PAGES_PT[page]
    if orientation == "auto":
        land = _layout(long, short, grid, frame_w, frame_h)
        port = _layout(short, long, grid, frame_w, frame_h)
        return port if port.frames[0][2] > land.frames[0][2] * 1.001 else land
    w, h = (long, short) if orientation == "landscape" else (short, long)
    return _layout(w, h, grid, frame_w, frame_h)


def _layout(
    page_w: float, page_h: float, grid: tuple[int, int], frame_w: int, frame_h: int
) -> PageLayout:
    cols, rows = grid
    cell_w = (page_w - 2 * MARGIN - (cols - 1) * GAP) / cols
    cell_h = (page_h - 2 * MARGIN - (rows - 1) * GAP) / rows
    s = min(cell_w / frame_w, (cell_h - CAPTION) / frame_h)
    fw, fh = frame_w * s, frame_h * s
    frames, captions = [], []
    for r in range(rows):
        for c in range(cols):
            x0, y0 = MARGIN + c * (cell_w + GAP), MARGIN + r * (cell_h + GAP)
            x = x0 + (cell_w - fw) / 2
            frames.append((x, y0, fw, fh))
            captions.append((x, y0 + fh, fw, CAPTION))
    return PageLayout(page_w, page_h, tuple(frames), tuple(captions))


_STEM = re.compile(r"step(\d+)-\d+-(.+)")


def caption_for(stem: str) -> str:
    """The caption of an exported frame from its file stem:
    'step001-02-forward-L2' → 'step 1 · forward pass, layer 2'."""
    m = _STEM.fullmatch(stem)
    if not m:
        return stem
    try:
        kind, layer = parse_phase(m.group(2))
    except ValueError:
        return stem
    what = {
        "forward": f"forward pass, layer {layer}",
        "backward": f"backward pass, layer {layer}",
        "loss": "loss",
        "update": "weight update",
    }[kind]
    return f"step {int(m.group(1))} · {what}"
