"""The fused training kernel: forward pass, backward pass and optimizer update of many steps in one
call, written as plain PyTorch operations with preallocated buffers.

Every step the engine takes — traced or not — moves the parameters through this kernel, so a
replayed step gives the same numbers bit for bit. Traced steps additionally run PyTorch autograd
on the same batch to record the numbers the user inspects (see ``engine.Engine.step``); the
tests check that both agree and that the kernel matches ``torch.optim``.

Each layer's weights and bias live together in one flat buffer as an augmented matrix
``[W | b]ᵀ`` of shape [M + 1, N], and each layer's input carries a column of ones, so
z = [a | 1]·[W | b]ᵀ and ∂L/∂[W | b] = δᵀ·[a | 1] are one matrix product each, and the update of
every parameter is one operation on the flat buffer. The step loop is compiled with TorchScript
when the running PyTorch allows it (it removes the Python round trip per operation); otherwise
the same function runs as ordinary Python, with identical operations and results.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable
from typing import List  # noqa: UP035  (TorchScript reads typing.List)

import torch

from nnviz.core.activations import LEAKY_SLOPE
from nnviz.core.spec import NetworkSpec

ACTIVATION_CODES = {
    "identity": 0,
    "sigmoid": 1,
    "tanh": 2,
    "relu": 3,
    "leaky_relu": 4,
    "softmax": 5,
    "step": 6,
}
# output δ: 0 squared errors (scaled by loss_scale), 1 sigmoid + bce, 2 softmax + cross-entropy
LOSS_CODES = {"half_sse": 0, "sse": 0, "mse": 0, "bce": 1, "cross_entropy": 2}
OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "adam": 2}
ALIGN = 16  # elements: 64 bytes of float32, 128 of float64
GRAD_ROWS_LIMIT = 1 << 20
MAX_STEPS_PER_CALL = 4096  # keep per-step gradients for norms only while K·P stays this small


def _activate(code: int, z: torch.Tensor, out: torch.Tensor, slope: float) -> None:
    """out ← σ(z)."""
    if code == 0:
        out.copy_(z)
    elif code == 1:
        torch.sigmoid(z, out=out)
    elif code == 2:
        torch.tanh(z, out=out)
    elif code == 3:
        out.copy_(torch.relu(z))
    elif code == 4:
        out.copy_(torch.nn.functional.leaky_relu(z, slope))
    elif code == 5:
        out.copy_(torch.softmax(z, 1))
    else:
        out.copy_((z >= 0).to(z.dtype))


def _through_activation(
    code: int, grad: torch.Tensor, z: torch.Tensor, a: torch.Tensor, slope: float
) -> torch.Tensor:
    """∂L/∂z from ∂L/∂a: σ'(z) ⊙ grad (softmax: its Jacobian times grad; step: zero)."""
    if code == 0:
        return grad
    if code == 1:
        return torch.ops.aten.sigmoid_backward(grad, a)
    if code == 2:
        return torch.ops.aten.tanh_backward(grad, a)
    if code == 3:
        return torch.ops.aten.threshold_backward(grad, a, 0.0)
    if code == 4:
        return torch.ops.aten.leaky_relu_backward(grad, z, slope, False)
    if code == 5:
        return torch._softmax_backward_data(grad, a, 1, a.dtype)
    return torch.zeros_like(grad)


def train_steps(
    flat: torch.Tensor,
    grad: torch.Tensor,
    weights: List[torch.Tensor],  # noqa: UP006
    grads: List[torch.Tensor],  # noqa: UP006
    inputs: List[torch.Tensor],  # noqa: UP006
    pre: List[torch.Tensor],  # noqa: UP006
    acts: List[int],  # noqa: UP006
    shared: List[bool],  # noqa: UP006
    xs: torch.Tensor,
    ts: torch.Tensor,
    ys: torch.Tensor,
    zs: torch.Tensor,
    grad_rows: torch.Tensor,
    norms: torch.Tensor,
    mask: torch.Tensor,
    loss_code: int,
    loss_scale: float,
    slope: float,
    opt_code: int,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
    buf1: torch.Tensor,
    buf2: torch.Tensor,
    opt_step: int,
) -> int:
    """Train K steps; returns the optimizer's step count afterwards.

    ``xs`` [K, B, M] holds the batches' inputs, ``ts`` [K, B, N] their targets.
    ``weights``/``grads`` are each layer's [W | b]ᵀ block [M + 1, N] of ``flat``/``grad``
    (the transposed layout needs no transposes inside the loop); ``inputs[i]`` is
    layer i's input buffer [B, M_i + 1] whose last column is ones, and ``pre[i]`` its
    pre-activation buffer. Each step's outputs go to ys[k] (and the output
    pre-activations to zs[k] when zs has K rows). Each step's gradient goes to grad_rows[k]
    when grad_rows has K rows; otherwise each layer's weight-gradient norm goes to norms[k].
    ``mask`` (empty, or one entry per parameter) zeroes the gradient of frozen biases.
    """
    n_steps = xs.shape[0]
    n_layers = len(weights)
    last = n_layers - 1
    back_weights: List[torch.Tensor] = []  # noqa: UP006
    outs: List[torch.Tensor] = []  # noqa: UP006
    inputs_t: List[torch.Tensor] = []  # noqa: UP006
    for i in range(n_layers):
        back_weights.append(weights[i][:-1].t())
        outs.append(inputs[i][:, :-1])
        inputs_t.append(inputs[i].t())
    keep_rows = grad_rows.shape[0] == n_steps
    keep_z = zs.shape[0] == n_steps
    use_mask = mask.numel() > 0
    unmask = 1 - mask  # 1 where frozen, 0 (adding nothing) where trainable
    inv_batch = 1.0 / xs.shape[1]
    for k in range(n_steps):
        outs[0].copy_(xs[k])
        for i in range(last):
            torch.mm(inputs[i], weights[i], out=pre[i])
            _activate(acts[i], pre[i], outs[i + 1], slope)
        torch.mm(inputs[last], weights[last], out=pre[last])
        y = ys[k]
        _activate(acts[last], pre[last], y, slope)
        if keep_z:
            zs[k].copy_(pre[last])
        t = ts[k]
        if loss_code == 0:
            delta = _through_activation(acts[last], y - t, pre[last], y, slope)
            delta = delta * (loss_scale * inv_batch)
        elif loss_code == 1:
            delta = (y - t) * inv_batch
        else:
            delta = (y * t.sum(1, keepdim=True) - t) * inv_batch
        for j in range(n_layers):
            i = last - j
            torch.mm(inputs_t[i], delta, out=grads[i])
            if shared[i]:
                row = grads[i][-1]
                row.fill_(row.sum())
            if i > 0:
                back = torch.mm(delta, back_weights[i])
                delta = _through_activation(acts[i - 1], back, pre[i - 1], outs[i], slope)
        if use_mask:
            grad.mul_(mask)
        if keep_rows:
            grad_rows[k].copy_(grad)
        else:
            for i in range(n_layers):
                norms[k, i] = torch.linalg.vector_norm(grads[i][:-1])
        opt_step += 1
        if opt_code == 0:
            flat.sub_(grad, alpha=lr)
        elif opt_code == 1:
            if opt_step == 1:
                buf1.copy_(grad)
            else:
                buf1.mul_(momentum).add_(grad)
            flat.sub_(buf1, alpha=lr)
        else:
            buf1.lerp_(grad, 1 - beta1)
            buf2.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            step_size = lr / (1 - beta1**opt_step)
            root = math.sqrt(1 - beta2**opt_step)
            denom = (buf2.sqrt() / root).add_(eps)
            if use_mask:  # a frozen entry (m = v = 0) must not move, whatever eps: 0/1, not 0/0
                denom.add_(unmask)
            flat.addcdiv_(buf1, denom, value=-step_size)
    return opt_step


_KERNEL: Callable[..., int] | None = None
KERNEL_KIND = "python"


def kernel() -> Callable[..., int]:
    """``train_steps`` compiled by TorchScript, or as plain Python where that is unavailable
    (a frozen app without sources, a PyTorch without TorchScript, or NNVIZ_KERNEL=python)."""
    global _KERNEL, KERNEL_KIND
    if _KERNEL is None:
        _KERNEL, KERNEL_KIND = train_steps, "python"
        if os.environ.get("NNVIZ_KERNEL", "script") != "python":
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    _KERNEL, KERNEL_KIND = torch.jit.script(train_steps), "torchscript"
            except Exception:  # noqa: BLE001  (no sources, no TorchScript: the Python one works)
                pass
    return _KERNEL


class FusedTrainer:
    """The kernel's buffers for one network: parameters, optimizer state and their layout.

    ``pull`` copies the network's parameters in and ``push`` copies them back, so the network's
    tensors stay the ones the rest of nnviz reads and edits; the optimizer's state lives here.
    """

    def __init__(
        self, net: torch.nn.Module, spec: NetworkSpec, device: torch.device, dtype: torch.dtype
    ) -> None:
        layers = list(net.layers)
        self.sizes = [int(s) for s in spec.layers]
        self.offsets = [0]  # each block starts 64-byte aligned, as a fresh tensor would: BLAS
        for m, n in zip(self.sizes[:-1], self.sizes[1:], strict=True):  # sums may depend on it
            self.offsets.append(self.offsets[-1] + -(-n * (m + 1) // ALIGN) * ALIGN)
        size = self.offsets[-1]
        self.flat = torch.zeros(size, dtype=dtype, device=device)
        self.acts = [ACTIVATION_CODES[layer.activation] for layer in layers]
        self.shared = [bool(layer.shared_bias) for layer in layers]
        self.views = [self.layer_view(self.flat, i) for i in range(len(layers))]
        self.grad = torch.zeros_like(self.flat)
        self.grad_views = [self.layer_view(self.grad, i) for i in range(len(layers))]
        self._buffers: dict[int, tuple[list[torch.Tensor], list[torch.Tensor]]] = {}
        self._pushed: tuple[int, ...] | None = None
        self.mask = torch.empty(0, dtype=dtype, device=device)
        if not spec.bias_trainable:
            self.mask = torch.ones(size, dtype=dtype, device=device)
            for i in range(len(layers)):
                self.layer_view(self.mask, i)[-1] = 0
        self.loss_code = LOSS_CODES[spec.loss]
        self.loss_scale = {"sse": 2.0, "mse": 2.0 / self.sizes[-1]}.get(spec.loss, 1.0)
        opt = spec.optimizer
        if opt.name == "adam":
            self.opt_code = OPTIMIZER_CODES["adam"]
        else:
            self.opt_code = OPTIMIZER_CODES["momentum" if opt.momentum else "sgd"]
        self.lr, self.momentum = float(opt.lr), float(opt.momentum)
        self.beta1, self.beta2, self.eps = float(opt.beta1), float(opt.beta2), float(opt.eps)
        n_buffers = {0: 0, 1: 1, 2: 2}[self.opt_code]
        self.buf1 = torch.zeros(size if n_buffers >= 1 else 0, dtype=dtype, device=device)
        self.buf2 = torch.zeros(size if n_buffers >= 2 else 0, dtype=dtype, device=device)
        self.opt_step = 0

    @property
    def max_steps_per_call(self) -> int:
        """Steps per ``train`` call that keep each step's gradient for the norms afterwards
        (cheaper than norms inside the loop) within GRAD_ROWS_LIMIT; at least 1."""
        return max(1, min(MAX_STEPS_PER_CALL, GRAD_ROWS_LIMIT // self.flat.numel()))

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def layer_view(self, flat: torch.Tensor, i: int) -> torch.Tensor:
        """Layer i's [W | b]ᵀ block [M + 1, N] of a flat buffer."""
        n, m = self.sizes[i + 1], self.sizes[i]
        return flat[self.offsets[i] : self.offsets[i] + n * (m + 1)].view(m + 1, n)

    # ----- parameters and state -----------------------------------------------------------
    def _versions(self, net: torch.nn.Module) -> tuple[int, ...]:
        return tuple(p._version for layer in net.layers for p in (layer.weight, layer.bias))

    @torch.no_grad()
    def pull(self, net: torch.nn.Module) -> None:
        """Take the network's current weights and biases (skipped when they are unchanged
        since the last ``push``: in-place edits bump a tensor's version counter)."""
        if self._pushed is not None and self._pushed == self._versions(net):
            return
        for view, layer in zip(self.views, net.layers, strict=True):
            view[:-1].copy_(layer.weight.t())
            view[-1].copy_(layer.bias_vector())

    @torch.no_grad()
    def push(self, net: torch.nn.Module) -> None:
        """Write the trained weights and biases back into the network."""
        for view, layer in zip(self.views, net.layers, strict=True):
            layer.weight.copy_(view[:-1].t())
            layer.bias.copy_(view[-1, :1] if layer.shared_bias else view[-1])
        self._pushed = self._versions(net)

    def state(self) -> dict:
        """A copy of the optimizer's state: its step count and buffers."""
        return {"step": self.opt_step, "buf1": self.buf1.clone(), "buf2": self.buf2.clone()}

    STATE_NAMES = {0: (), 1: ("velocity",), 2: ("m", "v")}
    """The optimizer's buffers by the names the course uses: momentum's velocity v (torch's
    ``momentum_buffer``), Adam's first and second moments m and v (``exp_avg``, ``exp_avg_sq``)."""

    def layer_state(self, i: int) -> dict[str, torch.Tensor]:
        """Layer i's optimizer buffers as ``weight_<name>`` [N, M] and ``bias_<name>`` [N] copies
        (a shared bias repeats its one value; a frozen bias's buffers stay zero)."""
        out: dict[str, torch.Tensor] = {}
        for name, buf in zip(self.STATE_NAMES[self.opt_code], (self.buf1, self.buf2), strict=False):
            view = self.layer_view(buf, i)
            out[f"weight_{name}"] = view[:-1].t().clone()
            out[f"bias_{name}"] = view[-1].clone()
        return out

    def load_state(self, state: dict) -> None:
        self.opt_step = int(state["step"])
        self.buf1.copy_(state["buf1"])
        self.buf2.copy_(state["buf2"])

    # ----- training -----------------------------------------------------------------------
    def _layer_buffers(self, batch: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Each layer's input buffer [B, M + 1] (ones in the last column) and z buffer [B, N]."""
        if batch not in self._buffers:
            opts = {"dtype": self.flat.dtype, "device": self.flat.device}
            inputs = [torch.ones(batch, m + 1, **opts) for m in self.sizes[:-1]]
            pre = [torch.empty(batch, n, **opts) for n in self.sizes[1:]]
            self._buffers = {batch: (inputs, pre)}  # one batch size at a time
        return self._buffers[batch]

    @torch.no_grad()
    def train(self, xs: torch.Tensor, ts: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Train on batches xs [K, B, M], ts [K, B, N] (parameters pulled beforehand).

        Returns the outputs and output pre-activations [K, B, N] and each step's weight-gradient
        norm per layer [K, L].
        """
        k, b, n_out = xs.shape[0], xs.shape[1], self.sizes[-1]
        opts = {"dtype": self.flat.dtype, "device": self.flat.device}
        ys = torch.empty(k, b, n_out, **opts)
        zs = torch.empty(k if self.loss_code else 0, b, n_out, **opts)
        rows = k if k * self.flat.numel() <= GRAD_ROWS_LIMIT else 0
        grad_rows = torch.empty(rows, self.flat.numel(), **opts)
        norms = torch.empty(k, self.n_layers, **opts)
        inputs, pre = self._layer_buffers(b)
        self.opt_step = kernel()(
            self.flat, self.grad, self.views, self.grad_views, inputs, pre,
            self.acts, self.shared, xs, ts, ys, zs, grad_rows, norms, self.mask,
            self.loss_code, self.loss_scale, LEAKY_SLOPE,
            self.opt_code, self.lr, self.momentum, self.beta1, self.beta2, self.eps,
            self.buf1, self.buf2, self.opt_step,
        )  # fmt: skip
        if rows:
            for i in range(self.n_layers):
                n, m = self.sizes[i + 1], self.sizes[i]
                block = grad_rows[:, self.offsets[i] : self.offsets[i] + n * (m + 1)]
                block = block.view(k, m + 1, n)[:, :-1]
                norms[:, i] = torch.linalg.vector_norm(block, dim=(1, 2))
        return ys, (zs if self.loss_code else ys), norms
