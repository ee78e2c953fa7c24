"""`nnviz export` refuses what would silently do nothing or could not be written (exit status 2,
one line, no traceback, no Qt warning), and a transparent export is transparent around the
network too: no opaque caption or formula panel."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from nnviz.cli import main


def _run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "nnviz", "export", "xor", *args],
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "svg", "--grid", "2x2"], "--grid applies to PDF only"),
        (["--format", "png", "--grid", "2x2"], "--grid applies to PDF only"),
        (["--format", "gif", "--grid", "1x1"], "--grid applies to PDF only"),
        (["--format", "pdf", "--transparent"], "--transparent applies to PNG and SVG only"),
        (["--format", "gif", "--transparent"], "not to --format gif"),
        (["--format", "apng", "--transparent"], "not to --format apng"),
        (["--format", "png", "--page", "letter"], "--page applies to PDF only"),
        (["--format", "svg", "--orientation", "portrait"], "--orientation applies to PDF only"),
        (["--format", "pdf", "--frame-ms", "100"], "--frame-ms applies to GIF, WEBP, APNG and MP4"),
        (["--format", "svg", "--png-quality", "5"], "--png-quality applies to PNG only"),
    ],
)
def test_options_the_format_would_ignore_are_refused(tmp_path, capsys, args, words):
    out = tmp_path / "x"
    assert main(["export", "xor", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
    assert not out.exists()  # refused before anything was made


def _bad_outputs(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o555)  # read-only for everyone; refused even for root, who could write anyway
    return (
        a_file,
        ro,
        [
            (a_file, "exists and is not a folder"),
            (a_file / "sub", f"{a_file} is a file, not a folder"),
            (a_file / "sub" / "deeper", f"{a_file} is a file, not a folder"),
            (ro, "the folder is read-only"),
            (ro / "new", f"{ro} is read-only"),
        ],
    )


def test_bad_output_paths_end_with_one_line(tmp_path):
    a_file, ro, cases = _bad_outputs(tmp_path)
    try:
        for out, words in cases:
            res = _run("--out", str(out), "--size", "320x200")
            lines = res.stderr.strip().splitlines()
            assert res.returncode == 2, (out, res.stderr)
            assert len(lines) == 1 and words in lines[0], res.stderr  # no traceback, no Qt line
            assert res.stdout == ""
        assert a_file.read_text() == "keep me" and list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def _alpha(img: QImage, x: int, y: int) -> int:
    return img.pixelColor(x, y).alpha()


def test_transparent_png_leaves_caption_and_formula_panels_see_through(tmp_path):
    args = ["export", "two-two-two", "--neuron", "2:1", "--size", "960x540"]
    assert main([*args, "--out", str(tmp_path / "t"), "--transparent"]) == 0
    assert main([*args, "--out", str(tmp_path / "o")]) == 0
    name = "step001-04-backward-L2.png"
    clear, opaque = QImage(str(tmp_path / "t" / name)), QImage(str(tmp_path / "o" / name))
    assert clear.hasAlphaChannel()
    # bottom-left corner: inside the caption panel; right edge, mid-height: the formula panel;
    # top-left: the header line
    for x, y in ((3, 536), (956, 270), (3, 3)):
        assert _alpha(opaque, x, y) == 255
        assert _alpha(clear, x, y) == 0, (x, y)
    # the caption's words and the formulas are still drawn on the see-through panels
    band = [_alpha(clear, x, y) for x in range(0, 960, 2) for y in range(515, 540)]
    side = [_alpha(clear, x, y) for x in range(700, 960, 2) for y in range(40, 500, 2)]
    assert max(band) == 255 and max(side) == 255


def test_transparent_svg_is_honoured(tmp_path, qapp):
    from PySide6.QtSvg import QSvgRenderer

    out = {}
    for key, extra in (("t", ["--transparent"]), ("o", [])):
        folder = tmp_path / key
        assert main(["export", "xor", "--format", "svg", "--size", "640x360", "--out", str(folder), *extra]) == 0  # fmt: skip
        img = QImage(640, 360, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        QSvgRenderer(str(folder / "step001-01-forward-L1.svg")).render(p)
        p.end()
        out[key] = img
    for x, y in ((2, 2), (320, 2), (3, 356)):
        assert _alpha(out["o"], x, y) == 255 and _alpha(out["t"], x, y) == 0, (x, y)
