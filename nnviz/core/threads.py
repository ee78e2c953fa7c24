"""Torch threads for the views' own computations (evaluations, the decision-boundary grid).

Their tensors are big enough for torch to split operations across threads, yet small enough
that one thread does them in a few milliseconds. Split, each operation waits for every thread,
and when another program keeps a core busy the system may not schedule one for a while: a
refresh of 2 ms then takes 100 ms or more. Small computations therefore run on one thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

ONE_THREAD_WORK = 50_000_000  # multiply-adds (rows x parameters) one thread does in ~10 ms


@contextmanager
def view_threads(rows: int, n_parameters: int) -> Iterator[None]:
    """Run the enclosed torch work on one thread when it is small."""
    threads = torch.get_num_threads()
    if threads == 1 or rows * n_parameters > ONE_THREAD_WORK:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
