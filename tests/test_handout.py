"""PDF handouts on paper: page sizes and orientation, margins, frames fitted to their grid cell
keeping their aspect, a caption under each frame, page counts."""

import re

import pytest

from nnviz.cli import main
from nnviz.render.handout import CAPTION, GAP, MARGIN, caption_for, default_page, layout

A4, LETTER = (595.0, 842.0), (612.0, 792.0)


def _media_boxes(path) -> list[tuple[float, float]]:
    data = path.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(w), float(h)) for w, h in boxes]


def test_one_frame_fills_a_landscape_a4_page_within_the_margins():
    geo = layout("a4", "auto", (1, 1), 1920, 1080)
    assert (geo.width, geo.height) == (842.0, 595.0)
    x, y, w, h = geo.frames[0]
    # the width is the limit: 842 - 2·36 = 770 points for 1920 pixels
    assert w == pytest.approx(770.0) and h == pytest.approx(770.0 * 1080 / 1920)
    assert (x, y) == (pytest.approx(36.0), pytest.approx(36.0))
    cx, cy, cw, ch = geo.captions[0]
    assert cy == pytest.approx(y + h) and ch == CAPTION and cy + ch <= 595 - MARGIN


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        ((2, 2), (842.0, 595.0)),
        ((1, 2), (595.0, 842.0)),
        ((1, 3), (595.0, 842.0)),
        ((2, 3), (842.0, 595.0)),
    ],
)
def test_auto_orientation_picks_the_larger_frames(grid, expected):
    """By hand for A4 (usable 770×523 points landscape): 1×3 landscape cells of 770×166 give
    frames of 0.141 pt/px, portrait cells 523×249 give 0.217; 2×3 landscape 379×166 → 0.141,
    portrait 256×249 → 0.133."""
    geo = layout("a4", "auto", grid, 1920, 1080)
    assert (geo.width, geo.height) == expected
    other = layout("a4", "portrait" if expected[0] > expected[1] else "landscape", grid, 1920, 1080)
    assert geo.scale >= other.scale


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize(("page", "size"), [("a4", A4), ("letter", LETTER)])
def test_every_frame_and_caption_is_inside_its_cell_and_the_margins(page, size, orientation):
    cols, rows = 2, 3
    geo = layout(page, orientation, (cols, rows), 1280, 720)
    pw, ph = size if orientation == "portrait" else size[::-1]
    assert (geo.width, geo.height) == (pw, ph)
    cell_w = (pw - 2 * MARGIN - (cols - 1) * GAP) / cols
    cell_h = (ph - 2 * MARGIN - (rows - 1) * GAP) / rows
    assert len(geo.frames) == cols * rows
    for k, ((x, y, w, h), (_, cy, _, ch)) in enumerate(zip(geo.frames, geo.captions, strict=True)):
        c, r = k % cols, k // cols
        assert w / h == pytest.approx(1280 / 720)
        assert (
            MARGIN + c * (cell_w + GAP) - 1e-6 <= x
            and x + w <= MARGIN + c * (cell_w + GAP) + cell_w + 1e-6
        )
        assert y == pytest.approx(MARGIN + r * (cell_h + GAP))
        assert cy == pytest.approx(y + h) and cy + ch <= MARGIN + r * (cell_h + GAP) + cell_h + 1e-6
        assert x >= MARGIN and y >= MARGIN and x + w <= pw - MARGIN + 1e-6


def test_captions_name_step_and_phase():
    assert caption_for("step001-01-forward-L1") == "step 1 · forward pass, layer 1"
    assert caption_for("step012-04-backward-L2") == "step 12 · backward pass, layer 2"
    assert caption_for("step003-03-loss") == "step 3 · loss"
    assert caption_for("step003-06-update") == "step 3 · weight update"


def _locale(monkeypatch, **env):
    for var in ("LC_ALL", "LC_PAPER", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)


def test_export_pdf_pages_sizes_and_captions(tmp_path, monkeypatch):
    import pypdf

    _locale(monkeypatch, LANG="de_DE.UTF-8")
    out = tmp_path / "a"
    assert main(["export", "two-two-two", "--format", "pdf", "--grid", "2x2", "--size",
                 "960x540", "--out", str(out)]) == 0  # fmt: skip
    pdf = out / "trace.pdf"
    assert _media_boxes(pdf) == [(842.0, 595.0)] * 2  # 6 phases, 4 a page: A4 landscape
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 2
    text = [" ".join(p.extract_text().split()) for p in reader.pages]
    for caption in (
        "step 1 · forward pass, layer 1",
        "step 1 · loss",
        "step 1 · backward pass, layer 2",
    ):
        assert caption in text[0]
    assert "step 1 · weight update" in text[1] and "page 2 of 2" in text[1]
    assert "step 1 · loss" not in text[1]

    out = tmp_path / "b"
    assert main(["export", "two-two-two", "--format", "pdf", "--page", "letter",
                 "--orientation", "portrait", "--size", "960x540", "--out", str(out)]) == 0  # fmt: skip
    assert _media_boxes(out / "trace.pdf") == [(612.0, 792.0)] * 6


def test_bad_page_or_orientation_is_refused(tmp_path, capsys):
    for args in (["--page", "a3"], ["--orientation", "sideways"]):
        with pytest.raises(SystemExit) as exc:
            main(["export", "xor", "--format", "pdf", "--out", str(tmp_path / "x"), *args])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "invalid choice" in err


@pytest.mark.parametrize(
    ("env", "page"),
    [
        ({}, "a4"),
        ({"LANG": "en_US.UTF-8"}, "letter"),
        ({"LANG": "en_GB.UTF-8"}, "a4"),
        ({"LANG": "fr_CA.UTF-8"}, "letter"),
        ({"LANG": "de_DE.UTF-8", "LC_PAPER": "es_MX.UTF-8"}, "letter"),
        ({"LC_PAPER": "en_US.UTF-8", "LC_ALL": "de_DE.UTF-8"}, "a4"),
        ({"LANG": "C.UTF-8"}, "a4"),
        ({"LANG": "POSIX"}, "a4"),
    ],
)
def test_default_page_follows_the_paper_locale(env, page):
    assert default_page(env) == page


def test_export_takes_the_locales_paper_unless_told(tmp_path, monkeypatch):
    _locale(monkeypatch, LANG="en_US.UTF-8")
    assert main(["export", "xor", "--format", "pdf", "--phases", "update", "--size", "960x540",
                 "--orientation", "landscape", "--out", str(tmp_path / "us")]) == 0  # fmt: skip
    assert _media_boxes(tmp_path / "us" / "trace.pdf") == [(792.0, 612.0)]
    assert main(["export", "xor", "--format", "pdf", "--phases", "update", "--size", "960x540",
                 "--page", "a4", "--out", str(tmp_path / "a4")]) == 0  # fmt: skip
    assert _media_boxes(tmp_path / "a4" / "trace.pdf") == [(842.0, 595.0)]
