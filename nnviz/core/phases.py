"""Names of the phases of one training step, in teaching order."""

from __future__ import annotations

LOSS = "loss"
UPDATE = "update"


def phase_names(n_layers: int) -> list[str]:
    """The 2L+2 phases of a step for ``n_layers`` weight layers.

    >>> phase_names(2)
    ['forward-L1', 'forward-L2', 'loss', 'backward-L2', 'backward-L1', 'update']
    """
    forward = [f"forward-L{i}" for i in range(1, n_layers + 1)]
    backward = [f"backward-L{i}" for i in range(n_layers, 0, -1)]
    return [*forward, LOSS, *backward, UPDATE]


def parse_phase(name: str) -> tuple[str, int | None]:
    """Split a phase name into its kind and 1-based layer: ``'backward-L2'`` → ``('backward', 2)``."""
    if name in (LOSS, UPDATE):
        return name, None
    kind, _, layer = name.partition("-L")
    if kind not in ("forward", "backward") or not layer.isdigit():
        raise ValueError(f"not a phase name: {name!r}")
    return kind, int(layer)
