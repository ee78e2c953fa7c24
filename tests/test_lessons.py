"""The shipped lessons: each loads, each question's answer is what an independent computation
gives (torch autograd on a model built here from the step's weights, numpy for metrics, the
textbook formulas by hand for the worked numbers), and each stop renders."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from nnviz.core.lesson import load_lesson, resolve_lesson, shipped_lessons
from nnviz.core.lesson_answers import LessonRun

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LESSONS = {p.stem: p for p in shipped_lessons()}
WANTED = {
    "neuron", "forward-pass", "loss-vs-metric", "output-delta", "hidden-delta", "gradient-step",
    "worked-example", "xor-hidden", "deep-linear", "learning-rate", "vanishing", "softmax",
    "overfitting", "tensor-shapes", "tour", "lecture-backprop",
}  # fmt: skip
_RUNS: dict[str, LessonRun] = {}


def run_of(name: str) -> LessonRun:
    """One run per lesson for the whole module: some stops train for thousands of steps."""
    if name not in _RUNS:
        _RUNS[name] = LessonRun(load_lesson(LESSONS[name]))
    return _RUNS[name]


def test_the_lessons_are_shipped_and_packaged():
    assert set(LESSONS) >= WANTED
    project = Path(__file__).resolve().parents[1]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    data = pyproject["tool"]["setuptools"]["package-data"]["nnviz.resources.lessons"]
    assert "nnviz.resources.lessons" in pyproject["tool"]["setuptools"]["packages"]
    for path in (project / "resources" / "lessons").iterdir():
        assert any(path.match(pattern) for pattern in data), path.name


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_every_lesson_loads_short_with_text(name):
    lesson = load_lesson(LESSONS[name])
    assert 3 <= len(lesson.stops) <= 8
    assert lesson.title and lesson.about
    for stop in lesson.stops:
        assert stop.text.strip() and stop.notes.strip(), stop.title
        assert (stop.answer is None and stop.metric is None) == (not stop.question)
    if name != "tour":
        assert any(s.question for s in lesson.stops)


# ----- independent computations ---------------------------------------------------------------
ACT = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def per_sample_loss(name: str, y: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The textbook formulas, written here."""
    if name == "half_sse":
        return 0.5 * ((y - t) ** 2).sum(dim=1)
    if name == "mse":
        return ((y - t) ** 2).mean(dim=1)
    if name == "bce":
        return -(t * torch.log(y) + (1 - t) * torch.log(1 - y)).sum(dim=1)
    if name == "cross_entropy":
        return -(t * torch.log(y)).sum(dim=1)
    raise AssertionError(name)


def reference_value(trace, spec, q, sample: int) -> float:
    """The quantity recomputed by autograd on a model built from the step's weights before the
    update, its inputs and targets."""
    x = torch.tensor(trace.inputs, dtype=torch.float64)
    t = torch.tensor(trace.targets, dtype=torch.float64)
    ws = [torch.tensor(la.weights_before, requires_grad=True) for la in trace.layers]
    zs, acts, slopes = [], [], []
    h = x
    for w, la, act in zip(ws, trace.layers, spec.activations, strict=True):
        z = h @ w.T + torch.tensor(la.biases_before, dtype=torch.float64)
        z.retain_grad()
        if act != "softmax":
            zz = z.detach().clone().requires_grad_(True)
            (slope,) = torch.autograd.grad(ACT[act](zz).sum(), zz)
            slopes.append(slope)
        else:
            slopes.append(None)
        h = ACT[act](z)
        zs.append(z)
        acts.append(h)
    per = per_sample_loss(spec.loss, h, t)
    per.mean().backward()
    per = per.detach()
    batch = x.shape[0]
    k, idx = q.kind, q.index
    if k == "loss":
        return float(per.mean())
    if k == "sample_loss":
        return float(per[sample])
    if k in ("w", "grad", "new_w", "dw"):
        wl, row, col = idx
        g = float(ws[wl].grad[row, col])
        w0 = float(ws[wl].detach()[row, col])
        if k in ("new_w", "dw"):
            assert spec.optimizer.name == "sgd" and not spec.optimizer.momentum
            step = -spec.optimizer.lr * g
            return w0 + step if k == "new_w" else step
        return g if k == "grad" else w0
    layer, i = idx
    if k == "x":
        return float(x[sample, i])
    if k == "target":
        return float(t[sample, i])
    table = {
        "z": zs[layer - 1].detach(),
        "a": acts[layer - 1].detach(),
        "sigma_prime": slopes[layer - 1],
        "delta": zs[layer - 1].grad * batch,  # each sample's own ∂L/∂z
    }
    return float(table[k][sample, i])


def np_forward(x, weights, biases, activations):
    funcs = {
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "tanh": np.tanh,
        "relu": lambda z: np.maximum(z, 0),
        "identity": lambda z: z,
        "softmax": lambda z: (
            np.exp(z - z.max(1, keepdims=True))
            / np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True)
        ),
    }
    h = x
    for w, b, act in zip(weights, biases, activations, strict=True):
        h = funcs[act](h @ np.asarray(w).T + np.asarray(b))
    return h


def reference_metric(run: LessonRun, stop) -> float:
    """The metric by numpy: a forward pass with the parameters after the stop's step, then
    counting (or the loss formula)."""
    spec, ds, m = run.spec(stop), run.engine(stop).dataset, stop.metric
    tr = run.trace(stop)
    if tr is None:
        weights, biases = run.parameters(stop)
    else:
        assert tr.step == stop.step
        weights = [la.weights_after for la in tr.layers]
        biases = [la.biases_after for la in tr.layers]
    x, t = (ds.x_train, ds.t_train) if m.data == "train" else (ds.x_test, ds.t_test)
    y = np_forward(x, weights, biases, spec.activations)
    if m.kind in ("loss", "cross_entropy"):
        kind = spec.loss if m.kind == "loss" else ("bce" if y.shape[1] == 1 else "cross_entropy")
        return float(per_sample_loss(kind, torch.tensor(y), torch.tensor(t)).mean())
    if m.kind == "mse":
        return float(((y - t) ** 2).mean())
    labels = ds.labels_train if m.data == "train" else ds.labels_test
    if y.shape[1] > 1:
        pred = y.argmax(1)
    else:
        pred = (y[:, 0] >= (0.5 if spec.activations[-1] == "sigmoid" else 0.0)).astype(int)
    if m.kind == "accuracy":
        return float((pred == labels).mean())
    c = m.cls
    tp = np.sum((pred == c) & (labels == c))
    precision = tp / max(np.sum(pred == c), 1)
    recall = tp / max(np.sum(labels == c), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float({"precision": precision, "recall": recall, "f1": f1}[m.kind])


@pytest.mark.parametrize("name", sorted(WANTED))
def test_every_answer_matches_an_independent_computation(name):
    run = run_of(name)
    asked = 0
    for stop in run.lesson.stops:
        answer = run.answer(stop)
        if answer is None:
            continue
        asked += 1
        if stop.metric is not None:
            expected = reference_metric(run, stop)
        else:
            tr = run.trace(stop)
            assert tr.step == stop.step
            expected = reference_value(tr, run.spec(stop), stop.answer, stop.sample)
        assert answer.value == pytest.approx(expected, rel=1e-9, abs=1e-12), stop.title
    assert asked or name == "tour"


# ----- the worked numbers, by hand ------------------------------------------------------------
def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def hand_222() -> dict[str, float]:
    """The 2-2-2 example by the textbook formulas (biases frozen, η = 0.5)."""
    x, t = (0.05, 0.10), (0.01, 0.99)
    w1, w2, b1, b2 = ((0.15, 0.20), (0.25, 0.30)), ((0.40, 0.45), (0.50, 0.55)), 0.35, 0.60
    z1 = [w1[i][0] * x[0] + w1[i][1] * x[1] + b1 for i in range(2)]
    a1 = [sig(z) for z in z1]
    z2 = [w2[k][0] * a1[0] + w2[k][1] * a1[1] + b2 for k in range(2)]
    y = [sig(z) for z in z2]
    d2 = [(y[k] - t[k]) * y[k] * (1 - y[k]) for k in range(2)]
    d1 = [a1[j] * (1 - a1[j]) * (w2[0][j] * d2[0] + w2[1][j] * d2[1]) for j in range(2)]
    return {
        "z[1,1]": z1[0],
        "a[1,1]": a1[0],
        "a[1,2]": a1[1],
        "a[2,1]": y[0],
        "a[2,2]": y[1],
        "loss": 0.5 * ((y[0] - t[0]) ** 2 + (y[1] - t[1]) ** 2),
        "delta[2,1]": d2[0],
        "delta[2,2]": d2[1],
        "delta[1,1]": d1[0],
        "delta[1,2]": d1[1],
        "grad[2,1,1]": d2[0] * a1[0],
        "grad[1,1,1]": d1[0] * x[0],
        "new_w[2,1,1]": 0.40 - 0.5 * d2[0] * a1[0],
        "new_w[1,1,1]": 0.15 - 0.5 * d1[0] * x[0],
    }


def answers_by_reference(name: str) -> dict[str, float]:
    run = run_of(name)
    return {a.reference: a.value for s in run.lesson.stops if (a := run.answer(s)) is not None}


@pytest.mark.parametrize(
    "name", ["forward-pass", "output-delta", "hidden-delta", "worked-example", "lecture-backprop"]
)
def test_two_two_two_answers_are_the_hand_calculation(name):
    hand = hand_222()
    got = answers_by_reference(name)
    assert got
    for ref, v in got.items():
        assert v == pytest.approx(hand[ref], rel=1e-9), ref
    # the published figures of the hand calculation
    assert hand["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert hand["new_w[2,1,1]"] == pytest.approx(0.35891648, abs=1e-8)
    assert hand["new_w[1,1,1]"] == pytest.approx(0.149780716, abs=1e-9)


def test_gradient_step_is_half_and_one():
    got = answers_by_reference("gradient-step")
    assert got["grad[1,1,1]"] == pytest.approx(7.0)
    assert got["new_w[1,1,1]"] == pytest.approx(0.5, abs=1e-12)
    assert got["new_w[1,1,2]"] == pytest.approx(1.0, abs=1e-12)
    assert got["z[1,1]"] == pytest.approx(1.2 * 7 + 2.1 * 11)
    assert got["loss"] == pytest.approx(0.5)
    tr = run_of("gradient-step").trace(run_of("gradient-step").lesson.stops[-1])
    np.testing.assert_allclose(tr.layers[0].weight_grad, [[7.0, 11.0]])


def test_one_neuron_by_hand():
    got = answers_by_reference("neuron")
    z = 0.5 * 1.0 - 1.0 * 0.5 + 2.0 * 0.25 + 0.1
    assert got["z[1,1]"] == pytest.approx(z)
    assert got["a[1,1]"] == pytest.approx(sig(z))
    assert got["sigma_prime[1,1]"] == pytest.approx(sig(z) * (1 - sig(z)))


def test_metrics_lesson_by_counting():
    got = answers_by_reference("loss-vs-metric")
    assert got["accuracy[train]"] == pytest.approx(5 / 8)  # TP 3, FP 1, FN 2, TN 2
    assert got["precision[train,1]"] == pytest.approx(3 / 4)
    assert got["recall[train,1]"] == pytest.approx(3 / 5)
    assert got["f1[train,1]"] == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_learning_rate_closed_form():
    run = run_of("learning-rate")
    values = [run.answer(s).value for s in run.lesson.stops]
    c = 14 / 3  # mean(x²): L = ½ (w − 2)² c, w ← w − η c (w − 2)
    first = 0.5 * 4 * c
    assert values[0] == pytest.approx(first)
    assert values[1] == pytest.approx(0.1 * 2 * c)
    assert values[2] == pytest.approx(first * (1 - 0.1 * c) ** 38, rel=1e-6)
    assert values[3] == pytest.approx(0.5 * 2 * c)
    assert values[4] == pytest.approx(first * (1 - 0.5 * c) ** 18, rel=1e-9)


def test_lessons_teach_what_they_say():
    """The claims the texts make about the numbers hold."""
    xor = run_of("xor-hidden")
    acc = [xor.answer(s).value for s in xor.lesson.stops if s.metric is not None]
    assert acc[0] <= 0.75 and acc[1] == 1.0
    deep = answers_by_reference("vanishing")
    assert abs(deep["delta[1,1]"]) < abs(deep["delta[4,1]"]) / 10 < abs(deep["delta[8,1]"]) / 100
    of = run_of("overfitting")
    v = [of.answer(s).value for s in of.lesson.stops]
    assert v[1] < v[0] < v[3] and v[2] < 0.01 and v[4] < 1.0
    lin = run_of("deep-linear")
    linear_loss, xor_loss = (lin.answer(s).value for s in lin.lesson.stops[3:5])
    assert linear_loss == pytest.approx(0.125, abs=1e-3) and xor_loss < 0.05


# ----- rendering ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(WANTED))
def test_every_stop_renders_at_its_phase(name, qapp):
    from nnviz.core.phases import phase_names
    from nnviz.render.export import render_image
    from nnviz.render.lesson_scene import stop_scene
    from nnviz.render.view import ViewState

    run = run_of(name)
    for stop in run.lesson.stops:
        scene = stop_scene(run, stop, ViewState())
        n_layers = len(scene.sizes) - 1
        if stop.phase is None:
            assert scene.header.endswith("before training")
        else:
            phase = phase_names(n_layers)[stop.phase]
            parts = scene.header.split(" · ")
            assert parts[0] == f"step {stop.step}"
            assert any(p.startswith("phase ") and p.endswith(f" {phase}") for p in parts)
        assert scene.selection == stop.select and scene.zoom == stop.zoom
        assert scene.label_mode == (stop.labels or "activation") and scene.sample == stop.sample
        img = render_image(scene, 480, 270)
        ptr = img.constBits()
        arr = np.frombuffer(ptr, np.uint8, count=img.sizeInBytes()).reshape(270, -1)
        rows = arr[:, : 480 * 4].reshape(270, 480, 4)
        header = rows[:14]
        assert (header[..., :3] < 128).any(), "no header text"
        body = rows[40:230, 40:440, :3].reshape(-1, 3)
        assert len(np.unique(body, axis=0)) > 20, "blank canvas"


def test_stops_in_any_order_give_the_same_answers():
    """Going back to an earlier step (from a kept state) gives what going forward gave."""
    forward = run_of("learning-rate")
    backward = LessonRun(forward.lesson)
    stops = forward.lesson.stops
    for stop in reversed(stops):
        assert backward.answer(stop).value == forward.answer(stop).value
        tr_b, tr_f = backward.trace(stop), forward.trace(stop)
        np.testing.assert_array_equal(tr_b.layers[0].weights_after, tr_f.layers[0].weights_after)
    again = LessonRun(forward.lesson)
    again.engine(stops[2])  # step 20 first, then back to step 1
    assert again.trace(stops[0]).loss == forward.trace(stops[0]).loss


# ----- errors found when running --------------------------------------------------------------
def test_problems_found_when_running_name_line_and_key(tmp_path):
    from nnviz.core.lesson import LessonError

    p = tmp_path / "m.toml"
    p.write_text(
        'title = "t"\nnetwork = "two-two-two"\n\n[[stop]]\nquestion = "q"\n'
        'answer = "accuracy[test]"\n',
        encoding="utf-8",
    )
    run = LessonRun(load_lesson(p))
    with pytest.raises(LessonError) as info:
        run.answer(run.lesson.stops[0])
    assert str(info.value).startswith("m.toml: line 4, stop 1, key 'answer'")
    p.write_text(
        'title = "t"\nnetwork = "two-two-two"\n[[stop]]\nstep = 1\nsample = 2\n'
        'question = "q"\nanswer = "z[1,1]"\n',
        encoding="utf-8",
    )
    run = LessonRun(load_lesson(p))
    with pytest.raises(LessonError, match="key 'sample': the step's batch has 1 sample"):
        run.answer(run.lesson.stops[0])


def test_resolve_lesson_by_name(tmp_path):
    assert resolve_lesson("tour") == LESSONS["tour"]
    assert resolve_lesson("tour.toml") == LESSONS["tour"]
    mine = tmp_path / "tour.toml"
    mine.write_text("x", encoding="utf-8")
    assert resolve_lesson(mine) == mine


# ----- the command line -----------------------------------------------------------------------
def test_lesson_check_prints_every_stop_with_its_answer(capsys):
    from nnviz.cli import main

    assert main(["lesson", "check", str(LESSONS["gradient-step"]), "worked-example"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "gradient-step.toml: One gradient-descent step (6 stops)"
    assert len(out) == 1 + 6 + 1 + 8
    assert out[5].startswith("  5. The step, first weight · step 1, update · What is the new w₁?")
    assert out[5].endswith("→ new_w[1,1,1] = 0.500000")
    assert out[9].endswith("→ a[1,2] = 0.596884")
    assert main(["lesson", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(LESSONS) and any(s.startswith("tour ") for s in listed)


def test_lesson_check_bad_files_exit_2_with_one_line_each(tmp_path, capsys):
    from nnviz.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text('title = "t"\nnetwork = "xor"\n[[stop]]\nstep = 1\nphase = "sideways"\n',
                   encoding="utf-8")  # fmt: skip
    assert main(["lesson", "check", str(bad), "tour", str(tmp_path / "none.toml")]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 2
    assert err[0].startswith("nnviz: bad.toml: line 5, stop 1, key 'phase': must be one of")
    assert err[1] == "nnviz: none.toml: no such file"
    assert captured.out.startswith("tour.toml: A tour of nnviz")
    with pytest.raises(SystemExit) as info:  # argparse's usage error, as every nnviz command
        main(["lesson", "check"])
    assert info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_export_lesson_png_and_pdf(tmp_path, capsys):
    from PIL import Image

    from nnviz.cli import main

    out = tmp_path / "png"
    lesson = str(LESSONS["output-delta"])
    assert main(["export", lesson, "--out", str(out), "--size", "640x360"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "stop01-from-the-loss-to-the-output.png",
        "stop02-delta-of-output-neuron-1.png",
        "stop03-delta-of-output-neuron-2.png",
        "stop04-the-gradient-of-a-weight.png",
        "stop05-the-update.png",
    ]
    frames = [np.asarray(Image.open(out / n).convert("RGB")) for n in names]
    assert frames[0].shape == (360, 640, 3)
    assert not np.array_equal(frames[1], frames[2])  # another neuron selected
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["export", lesson, "--out", str(out)]) == 2  # not empty, no --force
    assert "--force" in capsys.readouterr().err
    assert main(["export", lesson, "--out", str(out), "--format", "svg", "--force"]) == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".svg"] * 5 + [".txt"]
    pdf = tmp_path / "pdf"
    assert main(["export", lesson, "--format", "pdf", "--out", str(pdf), "--size", "960x540"]) == 0
    data = (pdf / "lesson.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 5 + 1  # the stops, the answers


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--steps", "3"], "--steps does not apply to a lesson"),
        (["--format", "gif"], "a lesson exports as png, svg or pdf"),
        (["--grid", "2x2", "--format", "pdf"], "--grid does not apply to a lesson"),
        (["--page", "letter"], "--page applies to PDF only"),
    ],
)
def test_export_lesson_refusals(tmp_path, capsys, args, words):
    from nnviz.cli import main

    assert main(["export", "tour.toml", "--out", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]
    assert not (tmp_path / "o").exists()


def test_export_bad_lesson_exits_2_with_one_line(tmp_path, capsys):
    from nnviz.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text('title = "t"\n[[stop]]\n', encoding="utf-8")
    assert main(["export", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["nnviz: bad.toml: line 2, stop 1, key 'network': no network: give one at the "
                   "top or in this stop"]  # fmt: skip
