"""The export streams: memory does not grow with the number of steps, trace.json is written a
step at a time and can be left out, a stopped export leaves none of its files (and every other
file), and MP4 goes through PyAV where it is installed."""

import json
import tracemalloc

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.spec import from_dict
from nnviz.render.export_job import ExportCancelled, ExportSettings, run_export_job

MID = {
    "layers": [128, 32, 16, 4],
    "activations": ["relu", "relu", "softmax"],
    "loss": "cross_entropy",
    "init": {"scheme": "he", "seed": 0},
    "batch_size": 8,
    "dtype": "float64",
}


def _mid_engine() -> Engine:
    rng = np.random.default_rng(0)
    spec = from_dict(
        {
            **MID,
            "data": {
                "inputs": rng.random((64, MID["layers"][0])).round(3).tolist(),
                "targets": rng.integers(0, MID["layers"][-1], 64).tolist(),
            },
        }
    )
    return Engine(spec)


def _peak(tmp_path, fmt: str, steps: int) -> int:
    """Python's peak allocation (numpy arrays included) over an export of ``steps`` steps."""
    out = tmp_path / f"{fmt}{steps}"
    out.mkdir()
    engine = _mid_engine()
    settings = ExportSettings(fmt=fmt, steps=steps, size=(200, 120), only_update=True)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run_export_job(engine, out, settings, head={"network": "mid"})
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["png", "pdf", "gif"])
def test_memory_does_not_grow_with_steps(tmp_path, qapp, fmt):
    """One step's record is about 200 KB here (weights before and after, gradients, updates,
    per-sample values): 16 more steps held would add over 3 MB. The peak grows by less than
    1 MB (measured: under 0.2 MB)."""
    _peak(tmp_path, fmt, 2)  # warm the caches (fonts, typeset text) first
    few, many = _peak(tmp_path, fmt, 4), _peak(tmp_path, fmt, 20)
    assert many - few < 2**20, (few, many)
    assert (tmp_path / f"{fmt}20" / "trace.json").stat().st_size > 4 * 2**20  # all was written


def test_trace_json_is_written_a_step_at_a_time(tmp_path, qapp):
    """While step 3 is being exported, the file being written already holds steps 1 and 2
    (and nothing appears under trace.json's own name before the end)."""
    spec, base = load("two-two-two")
    engine = Engine(spec, base_dir=base)
    out = tmp_path / "o"
    out.mkdir()
    seen = []

    def progress(done: int, total: int) -> None:
        if done == 13:  # the first frame of step 3
            temps = [p for p in out.iterdir() if p.name.startswith(".trace.json.nnviz-tmp-")]
            assert len(temps) == 1 and not (out / "trace.json").exists()
            seen.append(temps[0].read_bytes().decode())

    settings = ExportSettings(fmt="svg", steps=4, size=(320, 200))
    written = run_export_job(engine, out, settings, head={"nnviz": "x"}, progress=progress)
    assert seen and seen[0].count('"step": ') == 2 and '"step": 2' in seen[0]
    doc = json.loads((out / "trace.json").read_text())
    assert [s["step"] for s in doc["steps"]] == [1, 2, 3, 4]
    assert f"{doc['steps'][0]['loss']:.9f}" == "0.298371109"  # the hand-worked 2-2-2 example
    assert doc["files"] == [p.name for p in written[:-1]] and len(doc["files"]) == 24
    assert written[-1] == out / "trace.json"


def test_no_trace_json(tmp_path, capsys):
    out = tmp_path / "n"
    assert main(["export", "xor", "--out", str(out), "--size", "320x200", "--no-trace-json"]) == 0
    assert not (out / "trace.json").exists() and len(list(out.glob("*.png"))) == 6
    assert "trace.json" not in capsys.readouterr().out
    out = tmp_path / "y"
    assert main(["export", "xor", "--out", str(out), "--size", "320x200", "--trace-json"]) == 0
    assert json.loads((out / "trace.json").read_text())["phases"][0] == "forward-L1"


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "gif", "webp", "apng", "mp4"])
def test_a_cancelled_export_removes_its_files_and_only_those(tmp_path, qapp, fmt):
    if fmt == "mp4":
        pytest.importorskip("av")
    spec, base = load("xor")
    engine = Engine(spec, base_dir=base)
    out = tmp_path / "c"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "step009-01-forward-L1.png").write_text("an earlier export's, kept")
    frames = []
    settings = ExportSettings(fmt=fmt, steps=3, size=(160, 100))
    with pytest.raises(ExportCancelled):
        run_export_job(engine, out, settings, progress=lambda d, t: frames.append(d),
                       cancelled=lambda: len(frames) >= 8)  # fmt: skip
    assert frames[-1] == 8
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "step009-01-forward-L1.png"]


def test_a_failing_export_removes_its_files(tmp_path, qapp, monkeypatch):
    from nnviz.render import trace_pages

    spec, base = load("xor")
    out = tmp_path / "f"
    out.mkdir()
    calls = []
    real = trace_pages.FrameWriter.add

    def add(self, stem, scene):
        calls.append(stem)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        real(self, stem, scene)

    monkeypatch.setattr(trace_pages.FrameWriter, "add", add)
    with pytest.raises(OSError, match="space"):
        run_export_job(Engine(spec, base_dir=base), out, ExportSettings(steps=2, size=(160, 100)))
    assert list(out.iterdir()) == []


def test_mp4_frames_times_and_colours(tmp_path):
    av = pytest.importorskip("av")
    from nnviz.render.export import render_image
    from nnviz.render.trace_pages import _rgb, scenes_for
    from nnviz.render.view import ViewState

    out = tmp_path / "v"
    assert main(["export", "two-two-two", "--format", "mp4", "--size", "320x180",
                 "--frame-ms", "250", "--out", str(out), "--steps", "2"]) == 0  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["trace.json", "trace.mp4"]
    with av.open(str(out / "trace.mp4")) as box:
        stream = box.streams.video[0]
        frames = list(box.decode(stream))
        seconds = box.duration / 1e6  # the last frame is shown its 250 ms too
    assert len(frames) == 12 and (frames[0].width, frames[0].height) == (320, 180)
    times = [float(f.pts * f.time_base) for f in frames]
    assert times == pytest.approx([0.25 * k for k in range(12)])
    assert seconds == pytest.approx(3.0, abs=0.02)
    spec, base = load("two-two-two")
    engine = Engine(spec, base_dir=base)
    scenes = scenes_for(spec, engine.dataset, [engine.step(), engine.step()], ViewState())
    for k in (0, 5, 11):  # H.264 is lossy: close on average, the picture recognisable
        want = _rgb(render_image(scenes[k][1], 320, 180)).astype(int)
        got = frames[k].to_ndarray(format="rgb24").astype(int)
        assert np.abs(got - want).mean() < 4.0


def test_mp4_without_pyav_is_refused_with_how_to_install(tmp_path, capsys, monkeypatch):
    from nnviz.render import video

    monkeypatch.setattr(video, "available", lambda: False)
    out = tmp_path / "v"
    assert main(["export", "xor", "--format", "mp4", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'nnviz[video]'" in err[0], err
    assert not out.exists()
