"""What the benchmark scripts share: the playground's largest network, a description of the
machine, and writing their figures as JSON."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

# The browser playground's largest network on its spiral data (500 points, batch 10).
PLAYGROUND = {
    "name": "playground-max",
    "layers": [2, 8, 8, 8, 8, 8, 8, 1],
    "activations": "tanh",
    "loss": "half_sse",
    "optimizer": {"name": "sgd", "lr": 0.03},
    "init": {"scheme": "xavier", "seed": 0},
    "data": {"dataset": "spiral", "n": 500, "noise": 0.1, "seed": 0},
    "batch_size": 10,
    "dtype": "float32",
}


def machine() -> dict:
    """The CPU, its core count, Python and the Qt platform in use."""
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "qt_platform": os.environ.get("QT_QPA_PLATFORM"),
    }


def write_json(path: str | None, figures: dict, **machine_extra: object) -> None:
    """Write a script's figures, with the machine they were measured on, to ``path`` (if any)."""
    if path:
        doc = {"machine": {**machine(), **machine_extra}, **figures}
        Path(path).write_text(json.dumps(doc, indent=1), encoding="utf-8")
