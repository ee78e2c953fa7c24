"""Choosing the torch device: cpu, cuda, or auto (CUDA only where present and worth it)."""

from __future__ import annotations

import torch

# Below this many multiply-adds per step, kernel launches cost more than the CPU's arithmetic.
AUTO_CUDA_MIN_WORK = 50_000_000


def cuda_available() -> bool:
    try:
        return bool(torch.cuda.is_available())
    except Exception:  # a broken driver reads as no CUDA
        return False


def resolve(requested: str, work_per_step: int) -> tuple[torch.device, str | None]:
    """The device to use for a request, and a note when it differs from what was asked."""
    if requested == "cpu":
        return torch.device("cpu"), None
    if requested == "cuda":
        if cuda_available():
            return torch.device("cuda"), None
        return torch.device("cpu"), "CUDA is not available here; using the CPU"
    if cuda_available() and work_per_step >= AUTO_CUDA_MIN_WORK:
        return torch.device("cuda"), None
    return torch.device("cpu"), None
