"""The engine never imports Qt: checked in the source and in a fresh interpreter."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "nnviz" / "core"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "nnviz.gui", "nnviz.render")


def test_core_sources_import_no_qt():
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_running_a_step_loads_no_qt():
    code = (
        "import sys\n"
        "from nnviz.core.netfile import load\n"
        "from nnviz.core.engine import Engine\n"
        "from nnviz.core.history import History\n"
        "spec, base = load('spiral')\n"
        "h = History(Engine(spec, base_dir=base)); h.step(); h.run(5); h.trace(2)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
