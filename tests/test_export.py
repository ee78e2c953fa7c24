"""`nnviz export`: files, names, sizes, formats, and one-line errors."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage

from nnviz.cli import main


def count_frames(path) -> int:
    with Image.open(path) as im:
        return im.n_frames


PHASES_222 = ["forward-L1", "forward-L2", "loss", "backward-L2", "backward-L1", "update"]


def test_png_per_phase_sorted_in_teaching_order(tmp_path):
    out = tmp_path / "out"
    assert (
        main(["export", "two-two-two", "--steps", "2", "--out", str(out), "--size", "800x450"]) == 0
    )
    pngs = sorted(p.name for p in out.glob("*.png"))
    expected = [
        f"step{s:03d}-{k + 1:02d}-{p}.png" for s in (1, 2) for k, p in enumerate(PHASES_222)
    ]
    assert pngs == expected
    img = QImage(str(out / pngs[0]))
    assert (img.width(), img.height()) == (800, 450)
    colours = {img.pixel(x, y) for x in range(0, 800, 20) for y in range(0, 450, 20)}
    assert len(colours) > 5  # not blank
    doc = json.loads((out / "trace.json").read_text())
    assert len(doc["steps"]) == 2 and doc["files"] == expected
    assert f"{doc['steps'][0]['loss']:.9f}" == "0.298371109"


def test_forward_and_backward_images_differ(tmp_path):
    out = tmp_path / "o"
    main(["export", "two-two-two", "--out", str(out), "--size", "640x360"])
    fwd = QImage(str(out / "step001-02-forward-L2.png"))
    bwd = QImage(str(out / "step001-04-backward-L2.png"))
    assert fwd != bwd
    diff = sum(
        fwd.pixel(x, y) != bwd.pixel(x, y) for x in range(0, 640, 8) for y in range(0, 360, 8)
    )
    assert diff > 20


def test_update_only_and_themes(tmp_path):
    out = tmp_path / "u"
    main(
        [
            "export",
            "xor",
            "--steps",
            "3",
            "--phases",
            "update",
            "--out",
            str(out),
            "--theme",
            "lecture-dark",
            "--size",
            "640x360",
        ]
    )
    files = sorted(p.name for p in out.glob("*.png"))
    assert files == [f"step{s:03d}-06-update.png" for s in (1, 2, 3)]
    corner = QColor(QImage(str(out / files[0])).pixel(2, 2))
    assert corner.lightness() < 80  # dark background


def test_svg_is_xml(tmp_path):
    out = tmp_path / "s"
    main(["export", "xor", "--format", "svg", "--out", str(out), "--size", "640x360"])
    svgs = list(out.glob("*.svg"))
    assert len(svgs) == 6
    root = ET.parse(svgs[0]).getroot()
    assert root.tag.endswith("svg")


def test_pdf_pages(tmp_path):
    out = tmp_path / "p"
    main(["export", "two-two-two", "--steps", "2", "--format", "pdf", "--out", str(out)])
    data = (out / "trace.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert (
        data.count(b"/Type /Page\n")
        + data.count(b"/Type /Page ")
        + data.count(b"/Type /Page>")
        + data.count(b"/Type/Page\n")
        >= 12
        or data.count(b"/Page") >= 12
    )


def test_gif_frames(tmp_path):
    out = tmp_path / "g"
    main(["export", "two-two-two", "--format", "gif", "--out", str(out), "--size", "480x270"])
    assert count_frames(out / "trace.gif") == 6
    from PySide6.QtGui import QImageReader

    assert QImageReader(str(out / "trace.gif")).imageCount() == 6


def test_neuron_formulas_drawn(tmp_path):
    out = tmp_path / "n"
    assert (
        main(["export", "two-two-two", "--neuron", "2:1", "--out", str(out), "--size", "1280x720"])
        == 0
    )
    assert len(list(out.glob("*.png"))) == 6


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--size", "big"], "--size"),
        (["--size", "10x10"], "--size"),
        (["--format", "bmp"], "invalid choice"),
        (["--neuron", "9:1"], "--neuron"),
        (["--neuron", "1:7"], "has 2 neurons"),
        (["--steps", "0"], "--steps"),
        (["--png-quality", "101"], "--png-quality"),
    ],
)
def test_bad_options(tmp_path, args, words):
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "nnviz",
            "export",
            "two-two-two",
            "--out",
            str(tmp_path / "x"),
            *args,
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], res.stderr


def test_non_empty_folder_needs_force(tmp_path):
    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    res = subprocess.run(
        [sys.executable, "-m", "nnviz", "export", "xor", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "--force" in res.stderr
    assert (out / "keep.txt").read_text() == "mine"
    assert main(["export", "xor", "--out", str(out), "--force", "--size", "320x200"]) == 0
    assert (out / "keep.txt").exists()


def test_png_quality_option(tmp_path):
    sizes = []
    for q in ("0", "100"):
        out = tmp_path / q
        args = ["export", "xor", "--out", str(out), "--size", "480x270", "--png-quality", q]
        assert main([*args, "--phases", "update"]) == 0
        (png,) = out.glob("*.png")
        sizes.append(png.stat().st_size)
        assert QImage(str(png)).size().width() == 480
    assert sizes[0] < sizes[1]  # 100 stores the pixels uncompressed


def test_force_replaces_only_an_earlier_export(tmp_path):
    out = tmp_path / "out"
    args = ["export", "xor", "--out", str(out), "--size", "320x200"]
    assert main([*args, "--steps", "2"]) == 0
    first = sorted(p.name for p in out.iterdir())
    assert any(n.startswith("step002-") for n in first)
    (out / "notes.txt").write_text("mine")
    (out / "step001-01-mine.txt").write_text("not a frame")
    assert main([*args, "--steps", "1", "--force"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert not any(n.startswith("step002-") for n in names)  # stale frames removed
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "step001-01-mine.txt").read_text() == "not a frame"
    assert {n for n in names if n.endswith(".png")} == {
        n for n in first if n.startswith("step001-")
    }


def test_force_never_writes_through_a_planted_link(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "step001-01-forward-L1.png").symlink_to(victim)  # removed as an old export's file
    (out / "other-link.png").symlink_to(victim)  # not nnviz's name: left alone
    assert main(["export", "xor", "--out", str(out), "--size", "320x200", "--force"]) == 0
    assert victim.read_text() == "precious"
    assert not (out / "step001-01-forward-L1.png").is_symlink()
    assert (out / "other-link.png").is_symlink()


def test_gif_frames_are_streamed_and_an_aborted_gif_leaves_nothing(tmp_path):
    from nnviz.core.engine import Engine
    from nnviz.core.netfile import load
    from nnviz.render.trace_pages import TraceExport, scenes_for

    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    traces = [engine.step() for _ in range(3)]
    from nnviz.render.view import ViewState

    scenes = scenes_for(spec, engine.dataset, traces, ViewState())
    job = TraceExport(scenes, tmp_path, fmt="gif", width=160, height=100)
    for _ in range(4):
        job.step()
    assert job.writer._stream.frames == 4 and not hasattr(job, "_frames")  # written, not kept
    job.abort()
    assert list(tmp_path.iterdir()) == []  # no partial GIF, no temporary file
    done = TraceExport(scenes, tmp_path, fmt="gif", width=160, height=100).run()
    assert done == [tmp_path / "trace.gif"] and count_frames(done[0]) == len(scenes)
