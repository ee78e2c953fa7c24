"""`nnviz trace`: the JSON it writes, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import pytest

from nnviz.cli import main
from nnviz.core.netfile import preset_names


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "nnviz", *args], capture_output=True, text=True, cwd=cwd
    )


def test_trace_two_two_two_to_stdout():
    res = run_cli("trace", "two-two-two", "--steps", "2", "--json", "-")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["phases"] == [
        "forward-L1",
        "forward-L2",
        "loss",
        "backward-L2",
        "backward-L1",
        "update",
    ]
    first = doc["steps"][0]
    assert first["step"] == 1 and f"{first['loss']:.9f}" == "0.298371109"
    out = first["layers"][1]
    assert f"{out['activation'][0][0]:.9f}" == "0.751365070"
    assert f"{out['weights_after'][0][0]:.8f}" == "0.35891648"
    for key in (
        "pre_activation",
        "activation",
        "delta",
        "weight_grad",
        "bias_grad",
        "weight_update",
        "bias_update",
        "weights_after",
        "biases_after",
    ):
        assert key in out
    assert doc["steps"][1]["layers"][1]["weights_after"][0][0] != out["weights_after"][0][0]


@pytest.mark.parametrize("name", preset_names())
def test_trace_every_preset(tmp_path, name):
    out = tmp_path / "t.json"
    assert main(["trace", name, "--steps", "3", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert len(doc["steps"]) == 3
    n_layers = len(doc["network"]["layers"]) - 1
    assert len(doc["steps"][0]["layers"]) == n_layers


def test_trace_float32():
    res = run_cli("trace", "xor", "--dtype", "float32", "--json", "-")
    assert res.returncode == 0
    assert json.loads(res.stdout)["dtype"] == "float32"


@pytest.mark.parametrize(
    ("files", "args", "words"),
    [
        ({}, ["trace", "missing.json", "--json", "-"], "missing.json: no such file"),
        ({"a.json": "not json"}, ["trace", "a.json", "--json", "-"], "not valid JSON"),
        (
            {"a.json": '{"layers": [2, 3], "activations": ["cosh"]}'},
            ["trace", "a.json", "--json", "-"],
            "unknown activation 'cosh'",
        ),
        (
            {"a.json": '{"layers": [2, 1], "activations": ["sigmoid"], "weights": [[[1]]]}'},
            ["trace", "a.json", "--json", "-"],
            "weights[0][0] must have 2 values",
        ),
        (
            {"a.json": '{"layers": [2, 1], "activations": ["sigmoid"], "loss": "l7"}'},
            ["trace", "a.json", "--json", "-"],
            "unknown loss",
        ),
        (
            {
                "a.json": '{"layers": [2, 1], "activations": ["sigmoid"], '
                '"data": {"inputs": [[1, NaN]], "targets": [[1]]}}'
            },
            ["trace", "a.json", "--json", "-"],
            "NaN",
        ),
        (
            {"a.json": '{"layers": [2, 8000, 8000, 8000, 8000, 8000, 1], "activations": "relu"}'},
            ["trace", "a.json", "--json", "-"],
            "parameters",
        ),
        ({}, ["trace", "xor", "--steps", "0", "--json", "-"], "--steps"),
        ({}, ["trace", "xor", "--steps", "x", "--json", "-"], "invalid int"),
        ({}, ["trace", "xor"], "--json"),
        ({}, ["trace", "xor", "--json", "no/such/dir/out.json"], "does not exist"),
        ({}, ["nonsense-preset"], "presets are"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, files, args, words):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    res = run_cli(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert words in lines[0]
    assert "Traceback" not in res.stderr


def test_version():
    from nnviz import __version__

    res = run_cli("--version")
    assert res.returncode == 0 and __version__ in res.stdout


def test_presets_command():
    res = run_cli("presets")
    assert res.returncode == 0
    assert "two-two-two" in res.stdout and "spiral" in res.stdout


def test_cuda_request_falls_back_to_cpu_with_a_note(monkeypatch):
    import torch

    from nnviz.core.engine import Engine
    from nnviz.core.netfile import load

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    spec, base = load("xor")
    eng = Engine(spec, base_dir=base, device="cuda")
    assert eng.device.type == "cpu" and "CUDA is not available" in eng.notes[0]
    assert Engine(spec, base_dir=base, device="auto").device.type == "cpu"
    res = run_cli("trace", "xor", "--device", "cuda", "--json", "-")
    if not torch.cuda.is_available():
        assert res.returncode == 0 and "using the CPU" in res.stderr
