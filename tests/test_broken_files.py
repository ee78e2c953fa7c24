"""The broken-file corpus in tests/data: every file gives one clear line naming it, through the
command line (exit 2) and the loaders; plus fuzzing of the session and model loaders."""

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core import session_file
from nnviz.core.errors import NnvizError
from nnviz.core.model_file import load_model
from nnviz.core.netfile import load

DATA = Path(__file__).parent / "data"
NETWORKS = sorted(DATA.glob("net_*.json"))
SESSIONS = sorted(DATA.glob("session_*.nnviz"))


@pytest.mark.parametrize("path", NETWORKS + SESSIONS, ids=lambda p: p.name)
def test_broken_files_on_the_command_line(path):
    cmd = ["trace", str(path), "--json", "-"]
    if path.suffix != ".json":
        with pytest.raises(NnvizError) as err:
            session_file.load(path)
        assert path.name in str(err.value)
        return
    res = subprocess.run(
        [sys.executable, "-m", "nnviz", *cmd], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and path.name in lines[0] and "Traceback" not in res.stderr


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.name)
def test_broken_network_files_in_the_loader(path):
    from nnviz.core.engine import Engine

    with pytest.raises(NnvizError) as err:
        spec, base = load(str(path))
        Engine(spec, base_dir=base)
    assert "\n" not in str(err.value)


def test_broken_model_file():
    with pytest.raises(NnvizError, match="model_garbage.pt"):
        load_model(DATA / "model_garbage.pt", activations=["tanh"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats() | st.text(max_size=4),
        lambda kids: (
            st.lists(kids, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "nnviz_session",
                        "network",
                        "steps",
                        "position",
                        "edits",
                        "view",
                        "step",
                        "phase",
                        "layer",
                        "row",
                        "col",
                        "value",
                        "after_step",
                    ]
                ),
                kids,
                max_size=4,
            )
        ),
        max_leaves=15,
    )
)
def test_fuzzed_session_documents(doc):
    if isinstance(doc, dict):
        doc.setdefault("nnviz_session", 1)
        doc.setdefault("network", {"layers": [2, 1], "activations": ["sigmoid"]})
    with contextlib.suppress(NnvizError):
        session_file.from_json(doc)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=400))
def test_fuzzed_model_bytes(tmp_path, blob):
    path = tmp_path / "m.pt"
    path.write_bytes(blob)
    with contextlib.suppress(NnvizError):
        load_model(path, activations=["tanh"])
