"""The start-up probe used by benchmarks/bench_startup.py: with NNVIZ_STARTUP_PROBE set, the
app says when its canvas has first painted, then quits by itself."""

import os
import subprocess
import sys


def test_app_reports_its_first_paint_and_quits(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "NNVIZ_STARTUP_PROBE": "1",
        "NNVIZ_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    res = subprocess.run(
        [sys.executable, "-m", "nnviz"], env=env, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.splitlines() == ["nnviz: painted"]
