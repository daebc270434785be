"""Claims of docs/*/basics/activation-functions.md, checked against TensorFlow.

Tolerances: TensorFlow computes in float32 (relative precision ~6e-8 per operation), the
from-scratch code in float64; rtol=1e-5 with atol=1e-6 (for values near 0) leaves room for
the few float32 operations behind each value and nothing more.
"""

import warnings

import numpy as np
import pytest
import tensorflow as tf

from examples.basics import activations as act

X = np.concatenate([np.linspace(-6, 6, 241), [-1e-3, 1e-3, 0.0]])


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_values_and_derivatives_match_tensorflow(name):
    f, df, tf_fn = act.ACTIVATIONS[name]
    for reference in (tf_fn, tf.keras.activations.get(name)):
        y, dy = act.tensorflow_value_and_grad(reference, X)
        np.testing.assert_allclose(f(X), y, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(df(X), dy, rtol=1e-5, atol=1e-6)


def test_compare_with_tensorflow_reports_agreement():
    assert all(all(pair) for pair in act.compare_with_tensorflow(X).values())


def test_a_wrong_derivative_is_caught():
    # The comparison must be able to fail: tanh' = 1 - tanh is wrong.
    y, dy = act.tensorflow_value_and_grad(tf.nn.tanh, X)
    assert not np.allclose(1 - act.tanh(X), dy, rtol=1e-5, atol=1e-6)


def test_sigmoid_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow RuntimeWarning would fail the test
        np.testing.assert_array_equal(act.sigmoid([-1000.0, 1000.0]), [0.0, 1.0])


def test_derivative_conventions_at_zero():
    # Page: TensorFlow uses 0 for ReLU'(0), alpha for leaky ReLU'(0), 1 for ELU'(0).
    for fn, expected in ((tf.nn.relu, 0.0), (tf.nn.leaky_relu, 0.2), (tf.nn.elu, 1.0)):
        _, dy = act.tensorflow_value_and_grad(fn, np.array([0.0]))
        assert dy[0] == pytest.approx(expected)
    assert act.relu_grad(0.0) == 0.0
    assert act.leaky_relu_grad(0.0) == 0.2
    assert act.elu_grad(0.0) == 1.0


def test_derivative_maxima():
    # Page: sigmoid' <= 1/4 and tanh' <= 1, both reached at 0.
    x = np.linspace(-10, 10, 20001)
    assert act.sigmoid_grad(x).max() == pytest.approx(0.25)
    assert act.tanh_grad(x).max() == pytest.approx(1.0)


def test_gelu_tanh_approximation():
    y, _ = act.tensorflow_value_and_grad(lambda t: tf.nn.gelu(t, approximate=True), X)
    np.testing.assert_allclose(act.gelu_tanh(X), y, rtol=1e-5, atol=1e-6)
    # Page: the two forms differ by less than 5e-4 (and they do differ).
    gap = np.abs(act.gelu(X) - act.gelu_tanh(X)).max()
    assert 1e-4 < gap < 5e-4


def test_keras_leaky_relu_layer_default_slope_differs():
    # Page pitfall: the layer's default slope is 0.3, the functions' is 0.2.
    minus_one = tf.constant([-1.0])
    assert float(tf.keras.layers.LeakyReLU()(minus_one)[0]) == pytest.approx(-0.3)
    assert float(tf.keras.activations.leaky_relu(minus_one)[0]) == pytest.approx(-0.2)
    assert float(tf.nn.leaky_relu(minus_one)[0]) == pytest.approx(-0.2)


def test_softmax_matches_tensorflow_and_is_stable():
    z = np.random.default_rng(0).normal(scale=3, size=(16, 5))
    np.testing.assert_allclose(act.softmax(z), tf.nn.softmax(z.astype(np.float32)), rtol=1e-5, atol=1e-7)
    big = np.array([1000.0, 1001.0, 1002.0])
    np.testing.assert_allclose(act.softmax(big), act.softmax(big - 1000))
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(act.naive_softmax(big)).all()


def test_two_class_softmax_is_a_sigmoid():
    a, b = np.meshgrid(np.linspace(-8, 8, 33), np.linspace(-8, 8, 33))
    p = act.softmax(np.stack([a.ravel(), b.ravel()], axis=1))
    # float64 on both sides: the identity is exact up to rounding.
    np.testing.assert_allclose(p[:, 1], act.sigmoid(b.ravel() - a.ravel()), rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_matches_gradient_tape():
    z = np.array([0.5, -1.0, 2.0, 0.0])
    zt = tf.constant(z, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        p = tf.nn.softmax(zt)
    np.testing.assert_allclose(act.softmax_jacobian(z), tape.jacobian(p, zt), atol=1e-12)


def _tape_norms(weights, x, y, activation):
    """The same MLP in TensorFlow float64: per-layer ||dL/dW|| by autodiff."""
    fn = {"sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "relu": tf.nn.relu}[activation]
    ws = [tf.Variable(w, dtype=tf.float64) for w in weights]
    with tf.GradientTape() as tape:
        h = tf.constant(x)
        for w in ws[:-1]:
            h = fn(h @ w)
        loss = tf.reduce_mean(tf.square(h @ ws[-1] - y)) / 2
    return np.array([np.linalg.norm(g) for g in tape.gradient(loss, ws[:-1])])


@pytest.mark.parametrize("activation,init", [("sigmoid", "glorot"), ("tanh", "glorot"), ("relu", "he")])
def test_hand_backprop_matches_gradient_tape(activation, init):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 16)), rng.normal(size=(32, 1))
    weights = act.init_mlp(depth=8, width=16, init=init, seed=1)
    ours = act.layer_gradient_norms(weights, x, y, activation)
    # Both in float64: agreement to 1e-9 relative means the same arithmetic.
    np.testing.assert_allclose(ours, _tape_norms(weights, x, y, activation), rtol=1e-9)


def test_sigmoid_gradients_vanish_with_depth():
    norms = act.depth_experiment()
    ratio = {name: values[0] / values[-1] for name, values in norms.items()}
    assert ratio["sigmoid"] < 1e-10  # each sigmoid layer shrinks the gradient ~5x
    assert 0.1 < ratio["tanh"] < 10   # tanh with Glorot and ReLU with He keep their scale
    assert 0.1 < ratio["relu"] < 10
