"""The engine: runs training steps with PyTorch autograd and returns plain-data traces."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from nnviz.core import activations, losses
from nnviz.core.data import Dataset, batch_order, build_dataset
from nnviz.core.device import resolve
from nnviz.core.kernel import FusedTrainer
from nnviz.core.limits import CHUNK_BYTES, check_memory, engine_bytes, traced_step_bytes
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
        tensors = [*self.params.values(), *self.optimizer.values()]
        return sum(t.numel() * t.element_size() for t in tensors if torch.is_tensor(t))


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
        allow_outside_data: bool = False,
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
            allow_outside=allow_outside_data,
        )
        check_memory(self.needed_bytes(), "this network with its data and one traced step")
        try:
            self.net: Network = build(spec, self.device, self.dtype)
        except (RuntimeError, torch.cuda.OutOfMemoryError) as exc:  # CUDA trouble: use the CPU
            if self.device.type == "cpu":
                raise
            self.notes = (*self.notes, f"CUDA failed ({type(exc).__name__}); using the CPU")
            self.device = torch.device("cpu")
            self.net = build(spec, self.device, self.dtype)
        self.trainer = FusedTrainer(self.net, spec, self.device, self.dtype)
        self._x = torch.as_tensor(self.dataset.x_train, dtype=self.dtype, device=self.device)
        self._t = torch.as_tensor(self.dataset.t_train, dtype=self.dtype, device=self.device)
        self.step_count = 0
        self.epoch = 1
        self.batch_in_epoch = 1
        self.last_grad_norms = np.zeros((0, self.n_layers))
        self._order: list[np.ndarray] = []
        self._order_epoch = 0
        self._epoch_rows = torch.zeros(0, dtype=torch.long)

    # ----- set-up -------------------------------------------------------------------------
    def needed_bytes(self) -> int:
        """Estimated memory of this engine with its data and one traced step (nnviz.core.limits)."""
        ds = self.dataset
        batch = min(self.spec.batch_size, max(ds.n_train, 1))
        opt = self.spec.optimizer
        buffers = 2 if opt.name == "adam" else 1 if opt.momentum else 0
        rows = ds.n_train + ds.n_test
        return engine_bytes(
            self.spec.layers, batch, rows, self.dtype_name, buffers
        ) + traced_step_bytes(self.spec.layers, batch)

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
            rows = np.concatenate(self._order) if self._order else np.zeros(0, dtype=np.int64)
            self._epoch_rows = torch.as_tensor(rows, dtype=torch.long, device=self.device)
        return self._order[batch_in_epoch - 1]

    # ----- training -----------------------------------------------------------------------
    def step(self) -> StepTrace:
        """Train on the next batch and return everything it computed.

        PyTorch autograd computes the recorded numbers (z, a, δ, ∂L/∂W, ∂L/∂b); the update is
        the fused kernel's, the same one ``run`` applies, so traced and untraced steps follow one
        trajectory bit for bit.
        """
        idx = self.batch_indices(self.epoch, self.batch_in_epoch)
        start = (self.batch_in_epoch - 1) * self._full_batch
        rows = self._epoch_rows[start : start + len(idx)]
        x = self._x.index_select(0, rows)
        t = self._t.index_select(0, rows)
        batch = x.shape[0]
        inputs, zs, acts = [], [], []
        h = x
        ones = torch.ones(batch, 1, dtype=self.dtype, device=self.device)
        self.trainer.pull(self.net)
        # autograd on the kernel's own [W | b]ᵀ blocks (aliases of its buffer) and [a | 1]
        # inputs, so every z and a recorded is the very number the kernel computes
        blocks = [view.detach().requires_grad_(True) for view in self.trainer.views]
        for layer, block in zip(self.net.layers, blocks, strict=True):
            inputs.append(h)
            z = torch.mm(torch.cat([h, ones], dim=1), block)
            z.retain_grad()
            h = activations.apply(layer.activation, z)
            zs.append(z)
            acts.append(h)
        sample_losses = losses.per_sample(self.spec.loss, h, t, zs[-1])
        loss = sample_losses.mean()
        before = [(_np(block[:-1].t()), _np(block[-1])) for block in blocks]
        loss.backward()
        grads = [
            (_np(block.grad[:-1].t()), _bias_grad(layer, z, block.grad[-1]))
            for layer, z, block in zip(self.net.layers, zs, blocks, strict=True)
        ]
        n = len(self.net.layers)
        state_before = [_state_np(self.trainer.layer_state(i)) for i in range(n)]
        self.trainer.train(x.unsqueeze(0), t.unsqueeze(0))
        self.trainer.push(self.net)
        state_after = [_state_np(self.trainer.layer_state(i)) for i in range(n)]
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
                    optimizer_state=state_after[i],
                    optimizer_state_before=state_before[i],
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
            betas=(self.spec.optimizer.beta1, self.spec.optimizer.beta2),
            eps=self.spec.optimizer.eps,
            optimizer_step=self.trainer.opt_step,
        )
        self._advance_by(1)
        return trace

    @property
    def _max_chunk(self) -> int:
        """Steps per kernel call: their gathered batches stay within CHUNK_BYTES."""
        per_step = self._full_batch * (self.spec.layers[0] + self.spec.layers[-1]) * 8
        return max(1, min(self.trainer.max_steps_per_call, CHUNK_BYTES // max(per_step, 1)))

    @property
    def _full_batch(self) -> int:
        return min(self.spec.batch_size, self.dataset.n_train)

    def run(self, n_steps: int) -> np.ndarray:
        """Train ``n_steps`` batches without tracing; returns each step's batch loss.

        Runs of full-sized batches, across epochs, go to the fused kernel in one call. The
        norm of each layer's weight gradient is kept in ``last_grad_norms`` [n_steps, L].
        """
        out, norms = [], []
        self.trainer.pull(self.net)
        done = 0
        while done < n_steps:
            rows, k, b = self._next_rows(min(n_steps - done, self._max_chunk))
            xs = self._x.index_select(0, rows).view(k, b, -1)
            ts = self._t.index_select(0, rows).view(k, b, -1)
            ys, zs, step_norms = self.trainer.train(xs, ts)
            per = losses.per_sample(self.spec.loss, ys.flatten(0, 1), ts.flatten(0, 1),
                                    zs.flatten(0, 1))  # fmt: skip
            out.append(per.view(k, b).mean(dim=1))
            norms.append(step_norms)
            done += k
        self.trainer.push(self.net)
        if not out:
            self.last_grad_norms = np.zeros((0, self.n_layers))
            return np.zeros(0)
        self.last_grad_norms = torch.cat(norms).cpu().to(torch.float64).numpy()
        return torch.cat(out).cpu().to(torch.float64).numpy()

    def _next_rows(self, limit: int) -> tuple[torch.Tensor, int, int]:
        """The training rows of the next run of equal-sized batches (at most ``limit``, across
        epochs), their count and size; advances the position past them."""
        full = self._full_batch
        per_epoch = self.batches_per_epoch
        n_full = self.dataset.n_train // full  # the last batch of an epoch may be smaller
        idx = self.batch_indices(self.epoch, self.batch_in_epoch)
        if len(idx) != full:
            start = (self.batch_in_epoch - 1) * full
            self._advance_by(1)
            return self._epoch_rows[start : start + len(idx)], 1, len(idx)
        parts, k = [], 0
        while k < limit:
            self.batch_indices(self.epoch, self.batch_in_epoch)  # this epoch's rows
            take = min(limit - k, n_full - self.batch_in_epoch + 1)
            start = (self.batch_in_epoch - 1) * full
            parts.append(self._epoch_rows[start : start + take * full])
            k += take
            self._advance_by(take)
            if self.batch_in_epoch != 1 or n_full != per_epoch:
                break  # stopped inside an epoch, or the next batch is a smaller one
        rows = parts[0] if len(parts) == 1 else torch.cat(parts)
        return rows, k, full

    def _advance_by(self, k: int) -> None:
        """Move the position on by k steps (across epochs)."""
        pos = self.batch_in_epoch - 1 + k
        self.step_count += k
        self.epoch += pos // self.batches_per_epoch
        self.batch_in_epoch = pos % self.batches_per_epoch + 1

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
            optimizer=self.trainer.state(),
        )

    def set_state(self, state: EngineState) -> None:
        """Return to a state taken by ``get_state`` (of this engine or an identical one)."""
        self.net.load_state_dict(state.params)
        self.trainer.load_state(state.optimizer)
        self.step_count = state.step
        self.epoch = state.epoch
        self.batch_in_epoch = state.batch_in_epoch

    def continue_from(
        self, state: EngineState, *, keep_optimizer: bool, keep_position: bool
    ) -> None:
        """Take another run's parameters at a point (same shapes) and continue from there with
        this engine's settings: its optimizer state too where ``keep_optimizer`` (the same
        optimizer, so its velocity or moments still mean what they meant), and its place in the
        epoch where ``keep_position`` (the same batches)."""
        self.net.load_state_dict(state.params)
        if keep_optimizer:
            self.trainer.load_state(state.optimizer)
        self.step_count = state.step
        self.epoch = state.epoch
        self.batch_in_epoch = state.batch_in_epoch if keep_position else 1
        if not keep_position and state.batch_in_epoch > 1:
            self.epoch += 1  # the new batches start with a new epoch

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
    t = t.detach()
    if t.device.type == "cpu" and t.dtype == torch.float64:
        return t.numpy().copy()  # shares memory with a live tensor: copy it
    return t.to("cpu", torch.float64).numpy()  # already a new tensor


def _state_np(state: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    return {k: _np(v) for k, v in state.items()}


def _bias_grad(layer: torch.nn.Module, z: torch.Tensor, per_neuron: torch.Tensor) -> np.ndarray:
    """∂L/∂b per neuron: the bias's gradient, or for a shared bias each neuron's share (Σ over
    the batch of ∂L/∂z), whose sum is the shared parameter's gradient."""
    if layer.shared_bias:
        return _np(z.grad.sum(dim=0))
    return _np(per_neuron)
