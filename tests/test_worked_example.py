"""The classic hand-worked 2-2-2 example, reproduced to 8 significant digits.

The expected numbers are those of the widely used step-by-step tutorial (inputs 0.05, 0.10;
targets 0.01, 0.99; learning rate 0.5; one frozen bias per layer), computed there by hand.
"""

import numpy as np
import pytest

from nnviz.core.engine import Engine
from nnviz.core.netfile import load


def sig8(x: float) -> str:
    return f"{x:.8g}"


@pytest.fixture(scope="module")
def trace():
    spec, base = load("two-two-two")
    return Engine(spec, base_dir=base).step()


def test_forward_pass(trace):
    hidden, output = trace.layers
    assert sig8(hidden.pre_activation[0, 0]) == sig8(0.3775)
    assert sig8(hidden.activation[0, 0]) == sig8(0.593269992)
    assert sig8(hidden.activation[0, 1]) == sig8(0.596884378)
    assert sig8(output.pre_activation[0, 0]) == sig8(1.105905967)
    assert sig8(output.activation[0, 0]) == sig8(0.75136507)
    assert sig8(output.activation[0, 1]) == sig8(0.772928465)


def test_total_error(trace):
    assert sig8(trace.loss) == sig8(0.298371109)
    assert sig8(trace.sample_losses[0]) == sig8(0.298371109)


def test_output_layer_backward(trace):
    output = trace.layers[1]
    # ∂E/∂w5 = (out_o1 − target_o1) · out_o1(1 − out_o1) · out_h1
    assert sig8(output.weight_grad[0, 0]) == sig8(0.082167041)
    assert sig8(output.delta[0, 0]) == sig8(0.138498562)


@pytest.mark.parametrize(
    ("layer", "row", "col", "expected"),
    [
        (1, 0, 0, 0.35891648),  # w5
        (1, 0, 1, 0.408666186),  # w6
        (1, 1, 0, 0.511301270),  # w7
        (1, 1, 1, 0.561370121),  # w8
        (0, 0, 0, 0.149780716),  # w1
        (0, 0, 1, 0.19956143),  # w2
        (0, 1, 0, 0.24975114),  # w3
        (0, 1, 1, 0.29950229),  # w4
    ],
)
def test_updated_weights(trace, layer, row, col, expected):
    assert sig8(trace.layers[layer].weights_after[row, col]) == sig8(expected)


def test_frozen_shared_bias(trace):
    for layer in trace.layers:
        np.testing.assert_array_equal(layer.bias_update, 0.0)
        assert layer.biases_after[0] == layer.biases_after[1]
    assert trace.layers[0].biases_after[0] == 0.35
    # the gradient is still shown: ∂E/∂b per neuron is the neuron's delta for one sample
    np.testing.assert_allclose(trace.layers[1].bias_grad, trace.layers[1].delta[0])


def test_textbook_update_rule(trace):
    for layer in trace.layers:
        np.testing.assert_allclose(
            layer.weights_after, layer.weights_before - 0.5 * layer.weight_grad, rtol=1e-14
        )


def test_inspector_formulas_state_the_optimizer():
    from nnviz.core.explain import neuron_formulas

    spec, base = load("gaussians3")
    momentum = spec.with_changes(optimizer=spec.optimizer.__class__("sgd", 0.1, momentum=0.9))
    text = "\n".join(neuron_formulas(Engine(momentum, base_dir=base).step(), 0, 0))
    assert "momentum" in text and "μ = 0.9" in text
    adam = spec.with_changes(optimizer=spec.optimizer.__class__("adam", 0.01))
    text = "\n".join(neuron_formulas(Engine(adam, base_dir=base).step(), 0, 0))
    assert "Adam" in text and "m̂" in text
    spec, base = load("two-two-two")
    tr = Engine(spec, base_dir=base).step()
    lines = neuron_formulas(tr, 1, 0)
    assert any("w − η·g = 0.4000 − 0.5·0.08217 = 0.3589" in line for line in lines)
