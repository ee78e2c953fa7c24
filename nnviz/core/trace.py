"""The plain-data record of one training step: numpy arrays only, no live tensors, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.core.phases import phase_names


@dataclass(frozen=True)
class LayerTrace:
    """Everything one weight layer computed in a step.

    Shapes, for a batch of B samples, M inputs and N neurons:
    ``inputs`` [B, M]; ``pre_activation`` z, ``activation`` a, ``activation_grad`` σ'(z) and
    ``delta`` δ = ∂L_sample/∂z are [B, N]; ``weights_before``, ``weight_grad``,
    ``weight_update``, ``weights_after`` are [N, M]; the bias arrays are [N].
    ``optimizer_state`` holds the optimizer's buffers after the step (``optimizer_state_before``
    before it): momentum ``weight_velocity`` [N, M] and ``bias_velocity`` [N]; Adam
    ``weight_m``, ``weight_v``, ``bias_m``, ``bias_v``; nothing for plain SGD.
    """

    inputs: np.ndarray
    pre_activation: np.ndarray
    activation: np.ndarray
    activation_grad: np.ndarray
    delta: np.ndarray
    weights_before: np.ndarray
    biases_before: np.ndarray
    weight_grad: np.ndarray
    bias_grad: np.ndarray
    weight_update: np.ndarray
    bias_update: np.ndarray
    weights_after: np.ndarray
    biases_after: np.ndarray
    activation_name: str
    optimizer_state: dict[str, np.ndarray] = field(default_factory=dict)
    optimizer_state_before: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_inputs(self) -> int:
        return int(self.weights_before.shape[1])

    @property
    def n_neurons(self) -> int:
        return int(self.weights_before.shape[0])


@dataclass(frozen=True)
class StepTrace:
    """One step (one batch): the forward pass, the loss, the backward pass and the update.

    ``step`` counts from 1; ``epoch`` from 1; ``sample_indices`` are the training rows of the batch.
    ``targets`` [B, N_out]; ``sample_losses`` [B]; ``loss`` is their mean (the batch loss).
    ``output_grad`` [B, N_out] is ∂L_sample/∂y, the loss's own derivative for each sample.
    """

    step: int
    epoch: int
    batch_in_epoch: int
    sample_indices: np.ndarray
    targets: np.ndarray
    sample_losses: np.ndarray
    loss: float
    output_grad: np.ndarray
    layers: tuple[LayerTrace, ...]
    loss_name: str
    optimizer: str
    learning_rate: float
    device: str
    dtype: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    momentum: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    optimizer_step: int = 0
    """The optimizer's step count t after this step (Adam's bias correction uses it)."""

    @property
    def optimizer_rule(self) -> str:
        """ "sgd", "momentum" or "adam": the update rule the step applied."""
        if self.optimizer == "adam":
            return "adam"
        return "momentum" if self.momentum else "sgd"

    def optimizer_json(self) -> dict:
        """The optimizer's settings and its step count t, as ``nnviz trace`` writes them."""
        out: dict = {"name": self.optimizer, "lr": self.learning_rate, "t": self.optimizer_step}
        if self.optimizer_rule == "momentum":
            out["momentum"] = self.momentum
        elif self.optimizer_rule == "adam":
            out["betas"] = list(self.betas)
            out["eps"] = self.eps
        return out

    @property
    def batch_size(self) -> int:
        return int(self.targets.shape[0])

    @property
    def inputs(self) -> np.ndarray:
        """The batch's inputs [B, M] (the first layer's input)."""
        return self.layers[0].inputs

    @property
    def outputs(self) -> np.ndarray:
        """The network's outputs [B, N_out] (the last layer's activation)."""
        return self.layers[-1].activation

    @property
    def phases(self) -> list[str]:
        return phase_names(len(self.layers))

    def nbytes(self) -> int:
        """The memory its arrays take (cached, the trace is immutable)."""
        cached = self.__dict__.get("_nbytes")
        if cached is None:
            arrays = [self.targets, self.sample_losses, self.output_grad, self.sample_indices]
            for layer in self.layers:
                arrays += [v for v in vars(layer).values() if isinstance(v, np.ndarray)]
                arrays += [*layer.optimizer_state.values(), *layer.optimizer_state_before.values()]
            cached = sum(int(a.nbytes) for a in arrays)
            object.__setattr__(self, "_nbytes", cached)
        return cached

    def is_finite(self) -> bool:
        """True when no NaN or Inf appears in the loss, activations, gradients or new weights."""
        if not np.isfinite(self.loss):
            return False
        return all(
            np.isfinite(arr).all()
            for layer in self.layers
            for arr in (layer.activation, layer.delta, layer.weights_after, layer.biases_after)
        )

    def to_json(self) -> dict:
        """The step as JSON-ready lists, in the layout ``nnviz trace`` writes."""
        return {
            "step": self.step,
            "epoch": self.epoch,
            "batch_in_epoch": self.batch_in_epoch,
            "sample_indices": self.sample_indices.tolist(),
            "inputs": _lists(self.inputs),
            "targets": _lists(self.targets),
            "outputs": _lists(self.outputs),
            "sample_losses": _lists(self.sample_losses),
            "loss": _num(self.loss),
            "optimizer": self.optimizer_json(),
            "layers": [
                {
                    "activation_function": layer.activation_name,
                    "pre_activation": _lists(layer.pre_activation),
                    "activation": _lists(layer.activation),
                    "activation_grad": _lists(layer.activation_grad),
                    "delta": _lists(layer.delta),
                    "weight_grad": _lists(layer.weight_grad),
                    "bias_grad": _lists(layer.bias_grad),
                    "weight_update": _lists(layer.weight_update),
                    "bias_update": _lists(layer.bias_update),
                    "weights_after": _lists(layer.weights_after),
                    "biases_after": _lists(layer.biases_after),
                    "optimizer_state": {k: _lists(v) for k, v in layer.optimizer_state.items()},
                }
                for layer in self.layers
            ],
        }


def _num(x: float) -> float | str:
    """JSON has no NaN or Inf: write those as strings so the file stays valid."""
    x = float(x)
    if np.isfinite(x):
        return x
    return "NaN" if np.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _lists(arr: np.ndarray) -> list | float | str:
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 0:
        return _num(arr)
    if np.isfinite(arr).all():
        return arr.tolist()
    return [_lists(row) for row in arr]
