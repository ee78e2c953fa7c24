"""The engine: runs training steps with PyTorch autograd and returns plain-data traces."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from nnviz.core import activations, losses
from nnviz.core.data import Dataset, batch_order, build_dataset
from nnviz.core.device import resolve
from nnviz.core.model import TORCH_DTYPES, Network, build
from nnviz.core.spec import NetworkSpec
from nnviz.core.trace import LayerTrace, StepTrace


@dataclass
class EngineState:
    """Everything needed to continue training from a point: parameters, optimizer, position."""

    step: int
    epoch: int
    batch_in_epoch: int
    params: dict[str, torch.Tensor]
    optimizer: dict

    def nbytes(self) -> int:
        total = sum(t.numel() * t.element_size() for t in self.params.values())
        for s in self.optimizer.get("state", {}).values():
            total += sum(v.numel() * v.element_size() for v in s.values() if torch.is_tensor(v))
        return total


class Engine:
    """A network, its data and its optimizer; ``step()`` trains on one batch and traces it.

    ``step`` counts completed steps; the next step trains on batch ``batch_in_epoch`` of
    epoch ``epoch`` (both from 1). Batches are drawn from ``spec.seed`` and the epoch number,
    so the same spec always sees the same batches.
    """

    def __init__(
        self,
        spec: NetworkSpec,
        dataset: Dataset | None = None,
        *,
        base_dir: Path | None = None,
        device: str | None = None,
        dtype: str | None = None,
    ) -> None:
        self.spec = spec
        self.dtype_name = dtype or spec.dtype
        self.dtype = TORCH_DTYPES[self.dtype_name]
        work = spec.n_parameters * spec.batch_size
        self.device, note = resolve(device or spec.device, work)
        self.notes: tuple[str, ...] = (note,) if note else ()
        self.dataset = dataset or build_dataset(
            spec.data,
            n_inputs=spec.layers[0],
            n_outputs=spec.layers[-1],
            output_activation=spec.activations[-1],
            loss=spec.loss,
            base_dir=base_dir,
        )
        try:
            self.net: Network = build(spec, self.device, self.dtype)
        except (RuntimeError, torch.cuda.OutOfMemoryError) as exc:  # CUDA trouble: use the CPU
            if self.device.type == "cpu":
                raise
            self.notes = (*self.notes, f"CUDA failed ({type(exc).__name__}); using the CPU")
            self.device = torch.device("cpu")
            self.net = build(spec, self.device, self.dtype)
        self.optimizer = self._make_optimizer()
        self._x = torch.as_tensor(self.dataset.x_train, dtype=self.dtype, device=self.device)
        self._t = torch.as_tensor(self.dataset.t_train, dtype=self.dtype, device=self.device)
        self.step_count = 0
        self.epoch = 1
        self.batch_in_epoch = 1
        self.last_grad_norms = np.zeros((0, self.n_layers))
        self._order: list[np.ndarray] = []
        self._order_epoch = 0

    # ----- set-up -------------------------------------------------------------------------
    def _make_optimizer(self) -> torch.optim.Optimizer:
        opt = self.spec.optimizer
        params = [layer.weight for layer in self.net.layers]
        if self.spec.bias_trainable:
            params += [layer.bias for layer in self.net.layers]
        if opt.name == "adam":
            return torch.optim.Adam(params, lr=opt.lr, betas=(opt.beta1, opt.beta2), eps=opt.eps)
        return torch.optim.SGD(params, lr=opt.lr, momentum=opt.momentum)

    @property
    def n_layers(self) -> int:
        return len(self.net.layers)

    @property
    def batches_per_epoch(self) -> int:
        n = self.dataset.n_train
        b = min(self.spec.batch_size, n)
        return -(-n // b)

    def batch_indices(self, epoch: int, batch_in_epoch: int) -> np.ndarray:
        """The training rows of a batch (both numbers from 1)."""
        if self._order_epoch != epoch:
            n = self.dataset.n_train
            b = min(self.spec.batch_size, n)
            self._order = batch_order(n, b, self.spec.seed, epoch, shuffle=self.spec.shuffle)
            self._order_epoch = epoch
        return self._order[batch_in_epoch - 1]

    def _advance(self) -> None:
        self.step_count += 1
        self.batch_in_epoch += 1
        if self.batch_in_epoch > self.batches_per_epoch:
            self.batch_in_epoch = 1
            self.epoch += 1

    # ----- training -----------------------------------------------------------------------
    def step(self) -> StepTrace:
        """Train on the next batch and return everything it computed."""
        idx = self.batch_indices(self.epoch, self.batch_in_epoch)
        x = self._x[idx]
        t = self._t[idx]
        batch = x.shape[0]
        inputs, zs, acts = [], [], []
        h = x
        for layer in self.net.layers:
            inputs.append(h)
            z = layer.pre_activation(h)
            z.retain_grad()
            h = activations.apply(layer.activation, z)
            zs.append(z)
            acts.append(h)
        sample_losses = losses.per_sample(self.spec.loss, h, t, zs[-1])
        loss = sample_losses.mean()
        before = [(_np(layer.weight), _np(layer.bias_vector())) for layer in self.net.layers]
        self.optimizer.zero_grad(set_to_none=False)
        for layer in self.net.layers:  # frozen biases are not in the optimizer: clear them too
            if layer.bias.grad is not None:
                layer.bias.grad.zero_()
        loss.backward()
        grads = [
            (_np(layer.weight.grad), _bias_grad(layer, z))
            for layer, z in zip(self.net.layers, zs, strict=False)
        ]
        self.optimizer.step()
        layer_traces = []
        for i, layer in enumerate(self.net.layers):
            w_after, b_after = _np(layer.weight), _np(layer.bias_vector())
            w_before, b_before = before[i]
            layer_traces.append(
                LayerTrace(
                    inputs=_np(inputs[i]),
                    pre_activation=_np(zs[i]),
                    activation=_np(acts[i]),
                    activation_grad=_np(activations.derivative(layer.activation, zs[i])),
                    delta=_np(zs[i].grad) * batch,
                    weights_before=w_before,
                    biases_before=b_before,
                    weight_grad=grads[i][0],
                    bias_grad=grads[i][1],
                    weight_update=w_after - w_before,
                    bias_update=b_after - b_before,
                    weights_after=w_after,
                    biases_after=b_after,
                    activation_name=layer.activation,
                )
            )
        trace = StepTrace(
            step=self.step_count + 1,
            epoch=self.epoch,
            batch_in_epoch=self.batch_in_epoch,
            sample_indices=np.asarray(idx).copy(),
            targets=_np(t),
            sample_losses=_np(sample_losses),
            loss=float(loss.detach()),
            output_grad=_np(losses.output_grad(self.spec.loss, acts[-1], t)),
            layers=tuple(layer_traces),
            loss_name=self.spec.loss,
            optimizer=self.spec.optimizer.name,
            learning_rate=self.spec.optimizer.lr,
            device=str(self.device),
            dtype=self.dtype_name,
            notes=self.notes,
            momentum=self.spec.optimizer.momentum if self.spec.optimizer.name == "sgd" else 0.0,
        )
        self._advance()
        return trace

    def run(self, n_steps: int) -> np.ndarray:
        """Train ``n_steps`` batches without tracing; returns each step's batch loss.

        The arithmetic is the same as ``step()``'s, so a replayed step gives the same numbers.
        The norm of each layer's weight gradient is kept in ``last_grad_norms`` [n_steps, L].
        """
        out = np.empty(n_steps, dtype=np.float64)
        losses_t = torch.empty(n_steps, dtype=self.dtype, device=self.device)
        norms_t = torch.empty((n_steps, self.n_layers), dtype=self.dtype, device=self.device)
        grads = None
        loss_name = self.spec.loss
        for k in range(n_steps):
            idx = self.batch_indices(self.epoch, self.batch_in_epoch)
            x, t = self._x[idx], self._t[idx]
            h = x
            z = x
            for layer in self.net.layers:
                z = layer.pre_activation(h)
                h = activations.apply(layer.activation, z)
            loss = losses.per_sample(loss_name, h, t, z).mean()
            self.optimizer.zero_grad(set_to_none=False)
            loss.backward()
            if grads is None:
                grads = [layer.weight.grad for layer in self.net.layers]
            norms_t[k] = torch.stack([g.norm() for g in grads])
            self.optimizer.step()
            losses_t[k] = loss.detach()
            self._advance()
        out[:] = losses_t.cpu().to(torch.float64).numpy()
        self.last_grad_norms = norms_t.cpu().to(torch.float64).numpy()
        return out

    # ----- evaluation ---------------------------------------------------------------------
    @torch.no_grad()
    def predict(self, x: np.ndarray, chunk: int = 65536) -> np.ndarray:
        """The network's outputs [n, N_out] for inputs [n, M], without training."""
        out = []
        for start in range(0, len(x), chunk):
            xt = torch.as_tensor(x[start : start + chunk], dtype=self.dtype, device=self.device)
            out.append(_np(self.net(xt)))
        if not out:
            return np.zeros((0, self.spec.layers[-1]))
        return np.concatenate(out)

    @torch.no_grad()
    def mean_loss(self, x: np.ndarray, t: np.ndarray) -> float:
        """The mean per-sample loss over a whole set (NaN for an empty set)."""
        if len(x) == 0:
            return float("nan")
        xt = torch.as_tensor(x, dtype=self.dtype, device=self.device)
        tt = torch.as_tensor(t, dtype=self.dtype, device=self.device)
        h, z = xt, xt
        for layer in self.net.layers:
            z = layer.pre_activation(h)
            h = activations.apply(layer.activation, z)
        return float(losses.per_sample(self.spec.loss, h, tt, z).mean())

    def batch_loss(self, indices: np.ndarray) -> float:
        """The batch loss of the current parameters on the given training rows."""
        return self.mean_loss(self.dataset.x_train[indices], self.dataset.t_train[indices])

    def finite_difference(
        self, layer: int, row: int, col: int | None, indices: np.ndarray, eps: float = 1e-6
    ) -> float:
        """Central difference of the batch loss for one weight (or bias when ``col`` is None).

        Uses the current parameters and restores them afterwards.
        """
        lay = self.net.layers[layer]
        param = lay.weight if col is not None else lay.bias
        pos = (row, col) if col is not None else ((0,) if lay.shared_bias else (row,))
        with torch.no_grad():
            old = param[pos].item()
            param[pos] = old + eps
            plus = self.batch_loss(indices)
            param[pos] = old - eps
            minus = self.batch_loss(indices)
            param[pos] = old
        return (plus - minus) / (2 * eps)

    # ----- state --------------------------------------------------------------------------
    def get_state(self) -> EngineState:
        """A detached copy of the training state (for history keyframes and undo)."""
        return EngineState(
            step=self.step_count,
            epoch=self.epoch,
            batch_in_epoch=self.batch_in_epoch,
            params={k: v.detach().clone() for k, v in self.net.state_dict().items()},
            optimizer=copy.deepcopy(self.optimizer.state_dict()),
        )

    def set_state(self, state: EngineState) -> None:
        """Return to a state taken by ``get_state`` (of this engine or an identical one)."""
        self.net.load_state_dict(state.params)
        self.optimizer.load_state_dict(copy.deepcopy(state.optimizer))
        self.step_count = state.step
        self.epoch = state.epoch
        self.batch_in_epoch = state.batch_in_epoch

    def parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Current weights [N, M] and biases [N] per layer as float64 numpy arrays."""
        return self.net.get_numpy()

    def set_parameter(self, layer: int, row: int, col: int | None, value: float) -> None:
        """Set one weight (or bias when ``col`` is None) to a value typed by the user."""
        lay = self.net.layers[layer]
        with torch.no_grad():
            if col is None:
                lay.bias[0 if lay.shared_bias else row] = value
            else:
                lay.weight[row, col] = value

    def clone(self) -> Engine:
        """An independent engine on the same spec and data, at the same state."""
        other = Engine(self.spec, self.dataset, device=str(self.device.type), dtype=self.dtype_name)
        other.set_state(self.get_state())
        return other


def _np(t: torch.Tensor | None) -> np.ndarray:
    if t is None:
        raise RuntimeError("autograd produced no gradient where one was expected")
    return t.detach().to("cpu", torch.float64).numpy().copy()


def _bias_grad(layer: torch.nn.Module, z: torch.Tensor) -> np.ndarray:
    """∂L/∂b per neuron: the bias parameter's gradient, or for a shared bias each neuron's share
    (Σ over the batch of ∂L/∂z), whose sum is the shared parameter's gradient."""
    if layer.shared_bias:
        return _np(z.grad.sum(dim=0))
    return _np(layer.bias.grad)
