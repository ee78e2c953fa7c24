"""What the analysis views show, computed from the engine: evaluations on the training and test
sets, the network's output over the input plane, and the shapes of the tensors of a phase."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.engine import Engine
from nnviz.core.metrics import ClassificationReport, classification_report, predictions
from nnviz.core.metrics import regression_errors as _regression_errors
from nnviz.core.phases import parse_phase


@dataclass(frozen=True)
class Evaluation:
    """Losses and metrics of the network after ``step`` steps, on the whole training and test sets."""

    step: int
    train_loss: float
    test_loss: float
    train_report: ClassificationReport | None = None
    test_report: ClassificationReport | None = None
    train_errors: tuple[float, float] | None = None  # (MSE, MAE) for regression
    test_errors: tuple[float, float] | None = None


def evaluate(engine: Engine, step: int) -> Evaluation:
    """Evaluate the engine's current parameters (no training)."""
    ds = engine.dataset
    act = engine.spec.activations[-1]
    train_loss = engine.mean_loss(ds.x_train, ds.t_train)
    test_loss = engine.mean_loss(ds.x_test, ds.t_test) if ds.n_test else float("nan")
    if ds.task == "classification" and ds.labels_train is not None:
        k = max(ds.n_classes, 2)
        tr = classification_report(ds.labels_train, predictions(engine.predict(ds.x_train), act), k)
        te = None
        if ds.n_test and ds.labels_test is not None:
            te = classification_report(
                ds.labels_test, predictions(engine.predict(ds.x_test), act), k
            )
        return Evaluation(step, train_loss, test_loss, tr, te)
    tr_e = _regression_errors(engine.predict(ds.x_train), ds.t_train)
    te_e = _regression_errors(engine.predict(ds.x_test), ds.t_test) if ds.n_test else None
    return Evaluation(step, train_loss, test_loss, train_errors=tr_e, test_errors=te_e)


@dataclass(frozen=True)
class Grid:
    """The network's outputs [ny, nx, K] over the rectangle x ∈ [x0, x1], y ∈ [y0, y1]."""

    x0: float
    x1: float
    y0: float
    y1: float
    outputs: np.ndarray

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        ny, nx = self.outputs.shape[:2]
        return np.linspace(self.x0, self.x1, nx), np.linspace(self.y0, self.y1, ny)


def output_grid(engine: Engine, resolution: int = 200, margin: float = 0.15) -> Grid | None:
    """Outputs over the plane of a 2-input network's training and test points; None otherwise."""
    ds = engine.dataset
    if ds.n_inputs != 2:
        return None
    pts = np.concatenate([ds.x_train, ds.x_test])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = hi - lo
    # one sample (or all on a line): a unit around the points rather than a zero-width axis
    pad = np.where(span > 1e-6 * np.maximum(np.abs(lo), 1.0), span * margin, 1.0)
    lo, hi = lo - pad, hi + pad
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    out = engine.predict(np.stack([gx.ravel(), gy.ravel()], axis=1))
    return Grid(lo[0], hi[0], lo[1], hi[1], out.reshape(resolution, resolution, -1))


def computed_so_far(phase: str, sizes: tuple[int, ...], batch: int) -> list[str]:
    """The tensors a step has computed by the end of ``phase``, with their shapes, in order."""
    from nnviz.core.phases import phase_names

    n = len(sizes) - 1
    names = phase_names(n)
    if phase not in names:
        return []
    done = names[: names.index(phase) + 1]
    out = [f"X[{batch},{sizes[0]}]"]
    for name in done:
        kind, k = parse_phase(name)
        if kind == "forward":
            out += [f"Z{k}[{batch},{sizes[k]}]", f"A{k}[{batch},{sizes[k]}]"]
        elif kind == "loss":
            out += [f"T[{batch},{sizes[-1]}]", "L[]"]
        elif kind == "backward":
            m, nk = sizes[k - 1], sizes[k]
            out += [f"δ{k}[{batch},{nk}]", f"∂L/∂W{k}[{nk},{m}]", f"∂L/∂b{k}[{nk}]"]
        else:
            out += [f"W{k}, b{k} (new)" for k in range(1, n + 1)]
    return out


def _update_lines(sizes: tuple[int, ...], optimizer: object | None) -> list[str]:
    """The update in matrix form, by the rule the optimizer applies."""
    name = getattr(optimizer, "name", "sgd")
    momentum = float(getattr(optimizer, "momentum", 0.0) or 0.0)
    out = []
    for k, (m, n) in enumerate(zip(sizes, sizes[1:], strict=False), 1):
        g = f"∂L/∂W{k}"
        if name == "adam":
            out += [
                f"M{k}[{n},{m}] ← β₁·M{k} + (1 − β₁)·{g}   V{k}[{n},{m}] ← β₂·V{k} + (1 − β₂)·{g}⊙{g}",
                f"M̂{k} = M{k}/(1 − β₁ᵗ)   V̂{k} = V{k}/(1 − β₂ᵗ)   "
                f"W{k}[{n},{m}] ← W{k} − η·M̂{k} ⊘ (√V̂{k} + ε)   (element by element)",
            ]
        elif momentum:
            out.append(f"V{k}[{n},{m}] ← μ·V{k} + {g}   W{k}[{n},{m}] ← W{k} − η·V{k}")
        else:
            out.append(f"W{k} ← W{k} − η·{g}   [{n}, {m}]")
    return out


def tensor_shapes(
    phase: str, sizes: tuple[int, ...], batch: int, optimizer: object | None = None
) -> list[str]:
    """Every tensor a phase involves, with its shape, and the phase's equation in matrix form;
    the update in the form of ``optimizer`` (an OptimizerSpec; plain SGD when None)."""
    if phase == "start":
        return [
            f"W{k} [{n}, {m}]   b{k} [{n}]"
            for k, (m, n) in enumerate(zip(sizes, sizes[1:], strict=False), 1)
        ]
    kind, k = parse_phase(phase)
    b = batch
    if kind == "forward":
        m, n = sizes[k - 1], sizes[k]
        src = "X" if k == 1 else f"A{k - 1}"
        return [
            f"{src} [B={b}, {m}]   W{k} [{n}, {m}]   b{k} [{n}]",
            f"Z{k}[{b},{n}] = {src}[{b},{m}] · W{k}ᵀ[{m},{n}] + b{k}[{n}]   (b broadcast over rows)",
            f"A{k}[{b},{n}] = σ(Z{k})   element by element"
            + ("" if k < len(sizes) - 1 else "   (softmax: along each row)"),
        ]
    if kind == "loss":
        n = sizes[-1]
        return [
            f"Y [{b}, {n}]   T [{b}, {n}]",
            f"L_sample [{b}] = loss(Y, T) per row;   L [] = mean over the {b} rows",
        ]
    if kind == "backward":
        m, n = sizes[k - 1], sizes[k]
        src = "X" if k == 1 else f"A{k - 1}"
        lines = [f"δ{k} [{b}, {n}]   σ'(Z{k}) [{b}, {n}]"]
        if k == len(sizes) - 1:
            lines.append(f"δ{k}[{b},{n}] = ∂L/∂Y[{b},{n}] ⊙ σ'(Z{k})[{b},{n}]")
        else:
            p = sizes[k + 1]
            lines.append(
                f"δ{k}[{b},{n}] = (δ{k + 1}[{b},{p}] · W{k + 1}[{p},{n}]) ⊙ σ'(Z{k})[{b},{n}]"
            )
        lines += [
            f"∂L/∂W{k}[{n},{m}] = δ{k}ᵀ[{n},{b}] · {src}[{b},{m}] / {b}",
            f"∂L/∂b{k}[{n}] = mean of δ{k} over its {b} rows",
        ]
        return lines
    return _update_lines(sizes, optimizer)
