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
