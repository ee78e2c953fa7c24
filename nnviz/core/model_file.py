"""PyTorch weight files (.pt/.pth): read with ``torch.load(weights_only=True)`` only, so nothing
in a file can run code. A file holds a ``state_dict`` of an ``nn.Sequential`` of Linear layers
(``0.weight``, ``0.bias``, ``2.weight``, …), either bare or as {"state_dict": …, "activations":
[…], "loss": …} as nnviz writes it."""

from __future__ import annotations

import io
import pickle
import re
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nnviz.core.errors import SpecError, printable
from nnviz.core.limits import WEIGHTS_MAX_BYTES, check_memory
from nnviz.core.output import write_bytes
from nnviz.core.spec import MAX_PARAMETERS, MAX_WIDTH, NetworkSpec, from_dict

MAX_BYTES = WEIGHTS_MAX_BYTES
_INTS = (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)
_KEY = re.compile(r"^(?:.*\.)?(\d+)\.(weight|bias)$")


def save_model(path: Path, spec: NetworkSpec, weights: list, biases: list) -> None:
    """Write the network's weights with its activations and loss (no pickled objects)."""
    state: dict[str, torch.Tensor] = {}
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        state[f"{2 * k}.weight"] = torch.as_tensor(w, dtype=torch.float64)
        state[f"{2 * k}.bias"] = torch.as_tensor(b, dtype=torch.float64)
    buf = io.BytesIO()
    torch.save({"state_dict": state, "activations": list(spec.activations), "loss": spec.loss}, buf)
    write_bytes(path, buf.getvalue())


def load_model(
    path: Path, *, activations: list[str] | None = None, extra: dict[str, Any] | None = None
) -> NetworkSpec:
    """A network from a weights file; ``activations`` are needed when the file has none."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise SpecError("no such file", name) from None
    if size > MAX_BYTES:
        raise SpecError(f"file is {size:,} bytes, more than the limit of {MAX_BYTES:,}", name)
    zipped = zipfile.is_zipfile(path)
    if zipped:
        _check_archive(path, name)
    else:  # the old format is read whole
        check_memory(size * 4, "reading this weights file", name)
    try:
        with warnings.catch_warnings():  # torch warns about old formats; the checks below speak
            warnings.simplefilter("ignore")
            # mapped, not read: a tensor's declared size is checked before its numbers are used
            obj = torch.load(str(path), map_location="cpu", weights_only=True, mmap=zipped)
    except pickle.UnpicklingError as exc:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(exc))
        if found:
            raise SpecError(
                f"refused: it holds the Python object {found.group(1)}, not only weights "
                "(loading it could run code)",
                name,
            ) from None
        if "WeightsUnpickler error" in str(exc) and "invalid load key" not in str(exc):
            raise SpecError(
                "refused: not a plain weights file; nnviz loads tensors only, never code", name
            ) from None
        raise SpecError("not a readable PyTorch weights file", name) from None
    except Exception as exc:  # zip/pickle damage of any kind
        raise SpecError(
            f"not a readable PyTorch weights file ({type(exc).__name__})", name
        ) from None
    loss = "half_sse"
    if isinstance(obj, dict) and "state_dict" in obj:
        acts_in = obj.get("activations")
        if acts_in is not None and activations is None:
            activations = acts_in
        loss = obj.get("loss", loss)
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not obj:
        raise SpecError("holds no state_dict of Linear layers", name)
    layers: dict[int, dict[str, torch.Tensor]] = {}
    total = 0
    for key, value in obj.items():
        m = _KEY.match(str(key))
        if not m or not torch.is_tensor(value):
            raise SpecError(
                f"entry {printable(repr(key))} is not a Linear layer's weight or bias", name
            )
        _check_tensor(value, printable(str(key)), name)
        total += value.numel()
        layers.setdefault(int(m.group(1)), {})[m.group(2)] = value
    if total > MAX_PARAMETERS:
        raise SpecError(
            f"{total:,} numbers is more than the limit of {MAX_PARAMETERS:,} parameters", name
        )
    check_memory(total * 8 * 4, f"{total:,} weights", name)
    order = sorted(layers)
    weights, biases, sizes = [], [], []
    for i in order:
        entry = layers[i]
        if "weight" not in entry or "bias" not in entry:
            raise SpecError(f"layer {i} needs both a weight and a bias", name)
        w, b = entry["weight"], entry["bias"]
        if w.dim() != 2 or b.dim() != 1 or b.shape[0] != w.shape[0]:
            raise SpecError(f"layer {i} has shapes {tuple(w.shape)} and {tuple(b.shape)}", name)
        if sizes and sizes[-1] != w.shape[1]:
            raise SpecError(f"layer {i} takes {w.shape[1]} inputs but gets {sizes[-1]}", name)
        if not sizes:
            sizes.append(int(w.shape[1]))
        sizes.append(int(w.shape[0]))
        weights.append(_array(w, f"layer {i} weight", name))
        biases.append(_array(b, f"layer {i} bias", name))
    if activations is None:
        raise SpecError("the file names no activations; give them (one per layer)", name)
    doc = {"layers": sizes, "activations": activations, "loss": loss, **(extra or {})}
    doc.pop("weights", None)
    doc.pop("biases", None)
    spec = from_dict(doc, where=name)  # sizes, names and limits checked before the numbers
    if spec.bias_shared:
        for i, b in enumerate(biases):
            if b.size and not np.all(b == b[0]):
                raise SpecError(f"layer {i} bias must be equal values for a shared bias", name)
    # numpy arrays straight into the spec: no Python list of every weight is ever built
    return replace(spec, weights=tuple(weights), biases=tuple(biases))


def _check_archive(path: Path, name: str) -> None:
    """Refuse a zip whose entries declare more bytes than allowed, or compress suspiciously
    well (a deflate bomb), before anything in it is decompressed."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpecError("not a readable PyTorch weights file (damaged zip)", name) from None
    declared = sum(i.file_size for i in infos)
    if declared > MAX_BYTES:
        raise SpecError(
            f"its entries hold {declared:,} bytes, more than the limit of {MAX_BYTES:,}", name
        )
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > 100 * max(
            info.compress_size, 1024
        ):
            raise SpecError(
                f"entry {printable(info.filename)} expands {info.file_size:,} bytes from "
                f"{info.compress_size:,}: refused as a compression bomb",
                name,
            )
    check_memory(declared * 2, "this weights file's contents", name)


def _check_tensor(t: torch.Tensor, key: str, name: str) -> None:
    """A dense real tensor of at most two dimensions within the width limit, checked on its
    declared shape (a stride-0 or sparse tensor would otherwise expand when converted)."""
    if t.layout != torch.strided:
        raise SpecError(f"{key} is a {t.layout} tensor; nnviz reads dense tensors only", name)
    if t.is_complex() or not (t.is_floating_point() or t.dtype in _INTS):
        raise SpecError(f"{key} holds {t.dtype} values, not real numbers", name)
    if t.dim() > 2:
        raise SpecError(f"{key} has {t.dim()} dimensions; a Linear layer's have 1 or 2", name)
    if any(n > MAX_WIDTH for n in t.shape):
        raise SpecError(
            f"{key} has shape {tuple(t.shape)}; layers have at most {MAX_WIDTH} neurons", name
        )


def _array(t: torch.Tensor, key: str, name: str) -> np.ndarray:
    """A checked tensor as a float64 numpy array; non-finite numbers refused."""
    a = t.detach().to(torch.float64).contiguous().numpy().copy()
    if not np.isfinite(a).all():
        raise SpecError(f"{key} holds NaN or infinite values; weights must be finite", name)
    return a
