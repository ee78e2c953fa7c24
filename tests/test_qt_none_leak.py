"""Regression: some PySide6 builds leak a reference to None on every Qt call returning None, and
the process aborts after a few thousand calls. Make many such calls in a child process."""

import subprocess
import sys

CODE = """
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(60000):
    label.setText("x")       # returns None
    label.setToolTip("y")    # returns None
    label.update()           # returns None
print("ok")
"""


def test_many_none_returning_qt_calls_do_not_abort():
    res = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "ok"
