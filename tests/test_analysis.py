"""Analysis data against the engine: grid values are forward passes, evaluations are losses."""

import numpy as np

from nnviz.core.analysis import evaluate, output_grid, tensor_shapes
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from tests import reference as ref


def test_grid_value_is_a_forward_pass():
    spec, base = load("spiral")
    eng = Engine(spec, base_dir=base)
    eng.run(5)
    grid = output_grid(eng, resolution=50)
    xs, ys = grid.points()
    ws, bs = eng.parameters()
    for i, j in ((0, 0), (10, 37), (49, 49)):
        _, acts = ref.forward(ws, bs, spec.activations, np.array([[xs[j], ys[i]]]))
        assert abs(grid.outputs[i, j, 0] - acts[-1][0, 0]) < 1e-12


def test_no_grid_for_more_inputs():
    spec, base = load("two-two-two")
    assert output_grid(Engine(spec, base_dir=base)) is not None
    from nnviz.core.spec import from_dict

    spec3 = from_dict(
        {
            "layers": [3, 2, 1],
            "activations": "sigmoid",
            "data": {"inputs": [[1, 2, 3]], "targets": [[1]]},
            "batch_size": 1,
        }
    )
    assert output_grid(Engine(spec3)) is None


def test_evaluation_matches_reference_loss_and_accuracy():
    spec, base = load("gaussians3")
    eng = Engine(spec, base_dir=base)
    eng.run(30)
    ev = evaluate(eng, 30)
    ds = eng.dataset
    ws, bs = eng.parameters()
    assert (
        abs(
            ev.train_loss
            - ref.batch_loss(ws, bs, spec.activations, spec.loss, ds.x_train, ds.t_train)
        )
        < 1e-10
    )
    _, acts = ref.forward(ws, bs, spec.activations, ds.x_test)
    acc = (acts[-1].argmax(1) == ds.labels_test).mean()
    assert abs(ev.test_report.accuracy - acc) < 1e-12
    assert ev.test_report.confusion.sum() == ds.n_test


def test_tensor_shapes_text():
    lines = tensor_shapes("backward-L1", (784, 128, 10), 32)
    assert "δ1[32,128] = (δ2[32,10] · W2[10,128]) ⊙ σ'(Z1)[32,128]" in lines
    assert "∂L/∂W1[128,784] = δ1ᵀ[128,32] · X[32,784] / 32" in lines
    assert "Z2[32,10] = A1[32,128] · W2ᵀ[128,10] + b2[10]   (b broadcast over rows)" in (
        tensor_shapes("forward-L2", (784, 128, 10), 32)
    )
