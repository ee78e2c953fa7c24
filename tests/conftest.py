"""Shared test set-up: Qt runs offscreen, and Qt warnings fail tests (see pyproject)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NNVIZ_NO_ANIMATION", "1")
