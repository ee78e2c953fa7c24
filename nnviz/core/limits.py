"""Every resource limit in one place, and the estimates checked against them before work starts.

Files arrive from strangers (e-mail, a course folder, an autograder), and a few hundred bytes can
declare sizes that need gigabytes: a 2048-4096-4096 network, a batch of 200,000 rows, a million
empty lists. So every load, step, trace, export and replay first estimates the bytes (and, for a
replay, the seconds) it will need from the declared sizes, and is refused with one line naming
the figure and the limit, before anything is allocated.

The estimates were measured on float64 runs (peak RSS over the interpreter's own): an engine holds
its parameters about four times over (the network, the kernel's buffer, its gradient, the
replay copy) plus the optimizer's buffers; a traced step about eight copies of them plus its
batch's activations; a step written as JSON about 64 bytes for every number it holds.
"""

from __future__ import annotations

import os
import re

from nnviz.core.errors import MESSAGE_MAX_CHARS, NAME_MAX_CHARS, BudgetError

GIB = 2**30
MIB = 2**20

# Sizes a file may declare (checked as it is validated)
MAX_WEIGHT_LAYERS = 32
MAX_WIDTH = 8192  # neurons in a layer
MAX_PARAMETERS = 200_000_000
MAX_BATCH = 1_000_000
MAX_SAMPLES = 1_000_000  # rows of data, generated or read
TRACE_MAX_STEPS = 100_000  # nnviz trace --steps
EXPORT_MAX_STEPS = 10_000  # nnviz export --steps
EXPORT_MAX_SIDE = 8192  # pixels, either side of an exported image
SESSION_MAX_STEPS = 10_000_000

# Memory and time

DEFAULT_MEMORY_BUDGET = 2 * GIB
"""Working memory one load, step, trace, export or replay may need (``NNVIZ_MEMORY_BUDGET``
overrides it, e.g. ``NNVIZ_MEMORY_BUDGET=16G`` on a big machine)."""
JSON_MAX_BYTES = 64 * MIB  # a network or session file
JSON_MAX_DEPTH = 16
JSON_MAX_OBJECT_BYTES = 512 * MIB  # the Python objects parsing a JSON file would build
CSV_MAX_BYTES = 200 * MIB
CSV_MAX_COLUMNS = 16_400  # 8192 inputs and 8192 targets, with room for a few more
CSV_MAX_LINE_CHARS = 1 * MIB  # bytes of one line (a cell: the csv module's 128 KiB limit)
WEIGHTS_MAX_BYTES = 2 * GIB  # a .pt file, and the storage it declares
TRACE_MAX_OUTPUT_BYTES = 1 * GIB  # the JSON `nnviz trace` would write
REPLAY_MAX_SECONDS = 600.0  # estimated time to replay a session file's steps
TRAIN_AHEAD_MAX_SECONDS = 120.0  # estimated time lecture mode may train to reach a typed step
SESSION_MAX_EDITS = 100_000  # weight edits one session file may hold
CHUNK_BYTES = 64 * MIB  # batches gathered for one call of the training kernel
TRACE_CACHE_BYTES = 256 * MIB  # recent full traces kept by a history
# (also NAME_MAX_CHARS and MESSAGE_MAX_CHARS, from nnviz.core.errors: names and error lines shown)

# Cost model (bytes and seconds), measured; generous, so valid work is not refused.
_ENGINE_COPIES = 4  # parameters: network, kernel buffer, gradient, replay engine's buffer
_STEP_BYTES_PER_PARAM = 64  # a traced step: eight float64 copies (before, grad, update, after…)
_STEP_BYTES_PER_ACTIVATION = 64  # inputs, z, a, σ′, δ, autograd's own, per sample per neuron
_JSON_BYTES_PER_NUMBER = 64  # Python float, list slot and text while a step is encoded
_JSON_CHARS_PER_NUMBER = 21  # written text per number, e.g. "-0.12345678901234567, "
_STEP_OVERHEAD_S = 5e-5  # an untraced step of a tiny network replayed in the window's slices
_MACS_PER_S = 2e10  # multiply-adds per second of the training kernel, three per weight


__all__ = ["BudgetError", "MESSAGE_MAX_CHARS", "NAME_MAX_CHARS"]


def memory_budget() -> int:
    """The memory budget in bytes: ``NNVIZ_MEMORY_BUDGET`` (e.g. ``8G``, ``512M``) or 2 GiB."""
    text = os.environ.get("NNVIZ_MEMORY_BUDGET", "").strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?", text, re.IGNORECASE)
    if not m:
        return DEFAULT_MEMORY_BUDGET
    scale = {"": 1, "K": 2**10, "M": MIB, "G": GIB, "T": 2**40}[m.group(2).upper()]
    return max(int(float(m.group(1)) * scale), 64 * MIB)


def size_text(n: float) -> str:
    """Bytes as a short figure: '5.3 GB', '410 MB', '12 KB'."""
    for unit, scale in (("TB", 2**40), ("GB", GIB), ("MB", MIB), ("KB", 2**10)):
        if n >= scale:
            v = n / scale
            return f"{v:.1f} {unit}" if v < 10 else f"{v:,.0f} {unit}"
    return f"{int(n)} bytes"


def check_memory(needed: float, what: str, where: str | None = None) -> None:
    """Refuse ``what`` when it needs more bytes than the memory budget."""
    limit = memory_budget()
    if needed > limit:
        raise BudgetError(
            f"{what} needs about {size_text(needed)} of memory, more than the limit of "
            f"{size_text(limit)} (NNVIZ_MEMORY_BUDGET)",
            where,
        )


def _itemsize(dtype: str) -> int:
    return 4 if dtype == "float32" else 8


def _widths(layers: tuple[int, ...]) -> int:
    """Numbers one sample puts through the network: its inputs and every layer's neurons."""
    return int(sum(layers))


def _n_parameters(layers: tuple[int, ...]) -> int:
    return int(sum(m * n + n for m, n in zip(layers[:-1], layers[1:], strict=True)))


def engine_bytes(
    layers: tuple[int, ...], batch: int, n_rows: int, dtype: str = "float64", buffers: int = 0
) -> int:
    """An engine: its parameters (with ``buffers`` optimizer buffers), the data as numpy and
    torch arrays, the kernel's per-layer batch buffers and one gathered chunk of batches."""
    it = _itemsize(dtype)
    p = _n_parameters(layers)
    params = p * (8 + it * (_ENGINE_COPIES + buffers))
    data = n_rows * (layers[0] + layers[-1]) * (8 + it)
    batch_buffers = 2 * batch * _widths(layers) * it
    evaluation = min(n_rows, 65536) * _widths(layers) * it * 2
    return params + data + batch_buffers + evaluation + CHUNK_BYTES


def traced_step_bytes(layers: tuple[int, ...], batch: int) -> int:
    """One traced step: its recorded arrays and autograd's working copies."""
    p = _n_parameters(layers)
    return p * _STEP_BYTES_PER_PARAM + batch * _widths(layers) * _STEP_BYTES_PER_ACTIVATION


def trace_record_bytes(layers: tuple[int, ...], batch: int) -> int:
    """One finished StepTrace as kept in memory (float64 numpy arrays)."""
    p = _n_parameters(layers)
    return 8 * (5 * p + 6 * batch * _widths(layers))


def json_numbers(layers: tuple[int, ...], batch: int) -> int:
    """How many numbers one step's JSON holds (per-sample arrays and per-weight arrays)."""
    p = _n_parameters(layers)
    return 4 * p + 6 * batch * _widths(layers)


def json_step_bytes(layers: tuple[int, ...], batch: int) -> int:
    """Memory to encode one step as JSON."""
    return json_numbers(layers, batch) * _JSON_BYTES_PER_NUMBER


def trace_output_bytes(layers: tuple[int, ...], batch: int, steps: int) -> int:
    """Bytes of the JSON text ``steps`` traced steps make."""
    return steps * json_numbers(layers, batch) * _JSON_CHARS_PER_NUMBER


def step_seconds(layers: tuple[int, ...], batch: int) -> float:
    """A generous estimate of one untraced step's time (forward, backward and update)."""
    return _STEP_OVERHEAD_S + 3 * _n_parameters(layers) * batch / _MACS_PER_S


def check_replay(layers: tuple[int, ...], batch: int, steps: int, where: str | None) -> float:
    """Estimated seconds to replay ``steps`` steps; refused beyond REPLAY_MAX_SECONDS."""
    seconds = steps * step_seconds(layers, batch)
    if seconds > REPLAY_MAX_SECONDS:
        raise BudgetError(
            f"replaying its {steps:,} steps would take about {seconds / 60:,.0f} minutes, more "
            f"than the limit of {REPLAY_MAX_SECONDS / 60:.0f} minutes",
            where,
        )
    return seconds


def export_bytes(
    layers: tuple[int, ...], batch: int, steps: int, frames: int, width: int, height: int, fmt: str
) -> int:
    """An export of ``steps`` steps as ``frames`` images, streamed: one step's trace is kept at
    a time, one image is rendered at a time (with its copies while encoded; an animation keeps
    the previous frame and Pillow's copies of one frame), and trace.json is encoded one step at
    a time. Neither ``steps`` nor ``frames`` makes it grow (an animated WebP keeps its
    compressed frames, the file's own size, until it is written)."""
    del steps  # kept in the signature: what grows with it is written out, not held
    trace = trace_record_bytes(layers, batch)
    image = width * height * 4 * 4
    encoded = fmt in ("gif", "webp", "apng", "mp4") and frames
    encoder = width * height * 100 if encoded else 0  # Pillow's quantizing and encoding (measured)
    return trace + image + encoder + json_step_bytes(layers, batch)


def check_train_ahead(
    layers: tuple[int, ...], batch: int, have: int, target: int, engine_bytes: int = 0
) -> float:
    """Estimated seconds to train from step ``have`` to ``target`` (lecture mode's go-to-step
    past the last recorded one); refused beyond the session's step limit, the memory budget
    (the history then held) or TRAIN_AHEAD_MAX_SECONDS."""
    if target > SESSION_MAX_STEPS:
        raise BudgetError(f"step {target:,} is past the limit of {SESSION_MAX_STEPS:,} steps")
    check_memory(
        engine_bytes + history_bytes(len(layers) - 1, target), f"training to step {target:,}"
    )
    seconds = max(target - have, 0) * step_seconds(layers, batch)
    if seconds > TRAIN_AHEAD_MAX_SECONDS:
        raise BudgetError(
            f"training to step {target:,} would take about {seconds / 60:,.1f} minutes, more "
            f"than the limit of {TRAIN_AHEAD_MAX_SECONDS / 60:.0f} minutes"
        )
    return seconds


def history_bytes(n_weight_layers: int, steps: int) -> int:
    """A history's per-step records (loss, epoch, gradient norm per layer), with the room its
    arrays grow into (they double)."""
    return 2 * steps * (8 + 4 + 4 * n_weight_layers)


# Lecture ink kept in a session file (see nnviz.core.ink): a hand-drawn lecture makes a few
# hundred strokes of a few hundred points; a hostile file is refused long before memory matters.
INK_MAX_STROKES = 20_000
INK_MAX_STROKE_POINTS = 20_000  # points of one stroke
INK_MAX_POINTS = 1_000_000  # points of all the strokes together
INK_MAX_COORD = 1_000.0  # |x| and |y| in network coordinates (columns, network heights)
