"""Model files: weights only, never code. A pickle that would run code is refused untouched."""

import os
import pickle

import numpy as np
import pytest
import torch

from nnviz.core.engine import Engine
from nnviz.core.errors import SpecError
from nnviz.core.model_file import load_model, save_model
from nnviz.core.netfile import load


class _Evil:
    """Unpickling this would create a marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_malicious_pickle_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "model.pt"
    with open(bad, "wb") as fh:
        pickle.dump({"0.weight": _Evil(str(marker))}, fh)
    with pytest.raises(SpecError) as err:
        load_model(bad, activations=["sigmoid"])
    assert "model.pt" in str(err.value)
    assert "refused" in str(err.value)
    assert not marker.exists()
    # the same through torch.save's zip format
    bad2 = tmp_path / "model2.pt"
    torch.save({"0.weight": _Evil(str(marker))}, str(bad2))
    assert not marker.exists() or marker.unlink() is None  # torch.save itself pickled, not ran
    marker.unlink(missing_ok=True)
    with pytest.raises(SpecError, match="refused.*io.open"):
        load_model(bad2, activations=["sigmoid"])
    assert not marker.exists()


def test_round_trip_and_sequential_state_dict(tmp_path):
    spec, base = load("gaussians3")
    eng = Engine(spec, base_dir=base)
    eng.run(5)
    path = tmp_path / "net.pt"
    save_model(path, spec, *eng.parameters())
    again = load_model(path, extra={"data": spec.data, "batch_size": 16})
    assert again.layers == spec.layers and again.activations == spec.activations
    np.testing.assert_array_equal(again.weights[0], eng.parameters()[0][0])
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    torch.save(model.state_dict(), str(tmp_path / "seq.pt"))
    got = load_model(tmp_path / "seq.pt", activations=["tanh", "identity"])
    assert got.layers == (3, 4, 1)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not a (plain|readable)"),
        (b"garbage" * 10, "not a (plain|readable)"),
    ],
)
def test_broken_model_files(tmp_path, content, words):
    path = tmp_path / "m.pt"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=words):
        load_model(path, activations=["tanh"])


def test_model_file_needs_activations_and_linear_layers(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    torch.save(model.state_dict(), str(tmp_path / "a.pt"))
    with pytest.raises(SpecError, match="names no activations"):
        load_model(tmp_path / "a.pt")
    torch.save({"conv.kernel": torch.zeros(3)}, str(tmp_path / "b.pt"))
    with pytest.raises(SpecError, match="not a Linear"):
        load_model(tmp_path / "b.pt", activations=["tanh"])
    assert os.path.exists(tmp_path / "b.pt")
