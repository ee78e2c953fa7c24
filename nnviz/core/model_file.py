"""PyTorch weight files (.pt/.pth): read with ``torch.load(weights_only=True)`` only, so nothing
in a file can run code. A file holds a ``state_dict`` of an ``nn.Sequential`` of Linear layers
(``0.weight``, ``0.bias``, ``2.weight``, …), either bare or as {"state_dict": …, "activations":
[…], "loss": …} as nnviz writes it."""

from __future__ import annotations

import io
import pickle
import re
import warnings
from pathlib import Path
from typing import Any

import torch

from nnviz.core.errors import SpecError
from nnviz.core.output import write_bytes
from nnviz.core.spec import NetworkSpec, from_dict

MAX_BYTES = 2 * 2**30
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
    try:
        with warnings.catch_warnings():  # torch warns about old formats; the checks below speak
            warnings.simplefilter("ignore")
            obj = torch.load(str(path), map_location="cpu", weights_only=True)
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
    for key, value in obj.items():
        m = _KEY.match(str(key))
        if not m or not torch.is_tensor(value):
            raise SpecError(f"entry {key!r} is not a Linear layer's weight or bias", name)
        layers.setdefault(int(m.group(1)), {})[m.group(2)] = value
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
        weights.append(w.to(torch.float64).tolist())
        biases.append(b.to(torch.float64).tolist())
    if activations is None:
        raise SpecError("the file names no activations; give them (one per layer)", name)
    doc = {
        "layers": sizes,
        "activations": activations,
        "loss": loss,
        "weights": weights,
        "biases": biases,
        **(extra or {}),
    }
    return from_dict(doc, where=name)
