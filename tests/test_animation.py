"""Animated exports (GIF, WebP, APNG) encoded by Pillow: frames read back by Pillow (and Qt for
the GIF) match the rendered frames, counts and delays are right, nothing is kept or left."""

import numpy as np
import pytest
from PIL import Image, ImageSequence

from nnviz.cli import main
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.render.animation import AnimationStream, write_animation
from nnviz.render.trace_pages import TraceExport, _rgb, scenes_for
from nnviz.render.view import ViewState

NAMES = {"gif": "trace.gif", "webp": "trace.webp", "apng": "trace.png"}


@pytest.fixture(scope="module")
def xor_frames(qapp):
    """The 12 frames of two xor steps, rendered as the export renders them."""
    from nnviz.render.export import render_image

    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    traces = [engine.step() for _ in range(2)]
    scenes = scenes_for(spec, engine.dataset, traces, ViewState())
    return scenes, [_rgb(render_image(s, 320, 200)) for _, s in scenes]


def _read_back(path) -> tuple[list[np.ndarray], list[float], int | None]:
    with Image.open(path) as im:
        loop = im.info.get("loop")
        frames, delays = [], []
        for fr in ImageSequence.Iterator(im):
            frames.append(np.asarray(fr.convert("RGB")).astype(int))
            delays.append(float(fr.info.get("duration", -1)))
    return frames, delays, loop


@pytest.mark.parametrize("fmt", ["gif", "webp", "apng"])
def test_frames_read_back_match_the_rendered_ones(tmp_path, xor_frames, fmt):
    scenes, rendered = xor_frames
    done = TraceExport(scenes, tmp_path, fmt=fmt, width=320, height=200, frame_ms=250).run()
    assert done == [tmp_path / NAMES[fmt]]
    frames, delays, loop = _read_back(done[0])
    assert len(frames) == len(rendered) == 12
    assert delays == [250.0] * 12 and loop == 0
    for got, want in zip(frames, rendered, strict=True):
        err = np.abs(got - want.astype(int)).max(axis=-1)
        if fmt == "gif":  # 256 colours a frame, chosen from the frame: close, not exact
            assert err.mean() < 1.0 and np.percentile(err, 99) <= 16
        else:  # lossless
            assert err.max() == 0


def test_gif_is_read_by_qt_too(tmp_path, xor_frames):
    from PySide6.QtGui import QImageReader

    scenes, rendered = xor_frames
    path = TraceExport(scenes, tmp_path, fmt="gif", width=320, height=200).run()[0]
    reader = QImageReader(str(path))
    assert reader.imageCount() == 12
    for want in rendered[:3]:
        got = _rgb(reader.read())  # Qt composes the changed rectangles over the earlier frames
        assert np.abs(got.astype(int) - want).max(axis=-1).mean() < 1.0


def test_unchanged_frames_cost_almost_nothing(tmp_path):
    """Frames are stored as the rectangle that changed: ten copies of one frame are about
    the size of one, and a small change stays small."""
    rng = np.random.default_rng(1)
    frame = (rng.integers(0, 4, (120, 160, 3)) * 80).astype(np.uint8)
    changed = frame.copy()
    changed[10:20, 30:50] = (255, 0, 0)
    for fmt in ("gif", "webp", "apng"):
        write_animation(tmp_path / f"one.{fmt}", fmt, [frame], [100])
        write_animation(tmp_path / f"ten.{fmt}", fmt, [frame] * 9 + [changed], [100] * 10)
        one, ten = (
            (tmp_path / f"one.{fmt}").stat().st_size,
            (tmp_path / f"ten.{fmt}").stat().st_size,
        )
        assert ten < one * 1.3, fmt
        frames, _, _ = _read_back(tmp_path / f"ten.{fmt}")
        assert len(frames) == 10
        assert (frames[-1][15, 40] == (255, 0, 0)).all() and (
            frames[-1][60, 100] == frame[60, 100]
        ).all()


@pytest.mark.parametrize("fmt", ["gif", "webp", "apng"])
def test_an_aborted_or_short_animation_leaves_nothing(tmp_path, fmt):
    frame = np.zeros((40, 60, 3), np.uint8)
    target = tmp_path / "old.bin"
    target.write_bytes(b"precious")
    anim = AnimationStream(target, fmt, 60, 40, frames_total=3)
    anim.add(frame, 100)
    anim.abort()
    anim = AnimationStream(target, fmt, 60, 40, frames_total=3)
    anim.add(frame, 100)
    with pytest.raises(ValueError, match="1 frames written, 3 expected"):
        anim.close()
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.bin"]  # no temporary left
    with pytest.raises(ValueError, match="expected 40x60"):
        AnimationStream(tmp_path / "x", fmt, 60, 40, frames_total=1).add(frame[:, :50], 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.bin"]


@pytest.mark.slow
def test_two_xor_steps_at_960x540_fit_in_600_kb(tmp_path):
    out = tmp_path / "g"
    assert main(["export", "xor", "--steps", "2", "--size", "960x540", "--format", "gif",
                 "--out", str(out)]) == 0  # fmt: skip
    size = (out / "trace.gif").stat().st_size
    assert size <= 600_000, size
    with Image.open(out / "trace.gif") as im:
        assert im.n_frames == 12 and im.size == (960, 540)


@pytest.mark.parametrize("fmt", ["webp", "apng"])
def test_export_command_writes_webp_and_apng(tmp_path, fmt):
    out = tmp_path / fmt
    assert main(["export", "two-two-two", "--format", fmt, "--out", str(out),
                 "--size", "320x200", "--frame-ms", "500"]) == 0  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == sorted([NAMES[fmt], "trace.json"])
    with Image.open(out / NAMES[fmt]) as im:
        assert im.format == ("WEBP" if fmt == "webp" else "PNG") and im.n_frames == 6
        assert getattr(im, "is_animated", False)


@pytest.mark.parametrize("fmt", ["webp", "apng"])
def test_the_windows_export_writes_and_cancels_animations(qtbot, tmp_path, fmt):
    from nnviz.gui.export_dialog import ExportChoices, ExportJob
    from nnviz.gui.session import Session

    spec, base = load("two-two-two")
    session = Session(spec, base, "two-two-two")
    out = tmp_path / "c"
    job = ExportJob(session, ExportChoices(out=out, fmt=fmt, steps=2, size=(320, 200)))
    job.progress.connect(lambda done, _total: done == 3 and job.cancel())
    with qtbot.waitSignal(job.finished, timeout=30_000) as res:
        job.start()
    assert res.args[0] is False and list(out.iterdir()) == []  # cancelled: nothing left
    out = tmp_path / "d"
    job = ExportJob(session, ExportChoices(out=out, fmt=fmt, steps=2, size=(320, 200)))
    with qtbot.waitSignal(job.finished, timeout=30_000) as res:
        job.start()
    assert res.args[0] is True
    with Image.open(out / NAMES[fmt]) as im:
        assert im.n_frames == 12
