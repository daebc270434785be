"""Claims of basics/neural-networks.md: the NumPy MLP equals a Keras Dense model with the same weights."""

import numpy as np
import pytest

from examples.basics.neural_networks import (
    XOR_ACTIVATIONS,
    XOR_PARAMS,
    XOR_X,
    XOR_Y,
    count_params,
    init_mlp,
    keras_mlp,
    mlp_forward,
    neuron,
    sigmoid,
)

SIZES = [6, 16, 12, 8, 4]
ACTS = ["relu", "tanh", "sigmoid", "linear"]
X = np.random.default_rng(7).normal(size=(32, 6))


def test_forward_matches_keras_float64():
    params = init_mlp(SIZES, seed=0)
    keras_out = keras_mlp(params, ACTS, dtype="float64")(X).numpy()
    # Same float64 operations; only the summation order of the matrix products may differ.
    # The required bound is 1e-6; the observed gap is ~1e-16, so 1e-12 still leaves margin.
    np.testing.assert_allclose(mlp_forward(X, params, ACTS), keras_out, rtol=0, atol=1e-12)


def test_forward_matches_keras_float32():
    params = init_mlp(SIZES, seed=1)
    keras_out = keras_mlp(params, ACTS, dtype="float32")(X.astype(np.float32)).numpy()
    # float32 has ~6e-8 relative precision; 4 layers of O(1) values stay well inside 1e-5.
    np.testing.assert_allclose(mlp_forward(X, params, ACTS), keras_out, rtol=0, atol=1e-5)


def test_parameter_count_matches_keras():
    params = init_mlp(SIZES)
    expected = sum((a + 1) * b for a, b in zip(SIZES[:-1], SIZES[1:]))
    assert count_params(params) == expected == keras_mlp(params, ACTS).count_params()


def test_init_follows_glorot_uniform_limits():
    (W, b), = init_mlp([300, 200], seed=0)
    limit = np.sqrt(6 / 500)
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit
    # Uniform(-l, l) has variance l^2 / 3 = 2 / (n_in + n_out); 60000 draws: ~1% sampling error.
    assert W.var() == pytest.approx(2 / 500, rel=0.03)
    assert np.all(b == 0)


def test_sigmoid_is_stable_and_matches_tf():
    import tensorflow as tf

    z = np.array([-1000.0, -30.0, -1.0, 0.0, 2.5, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):   # underflow to 0 is fine, overflow is not
        ours = sigmoid(z)
    np.testing.assert_allclose(ours, tf.math.sigmoid(z).numpy(), rtol=1e-12, atol=1e-300)


def test_single_neuron_is_and_gate():
    out = neuron(XOR_X, np.array([20.0, 20.0]), -30.0)
    np.testing.assert_array_equal(out > 0.5, [False, False, False, True])


def test_hand_set_mlp_solves_xor_and_no_linear_model_does():
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    predictions = mlp_forward(XOR_X, XOR_PARAMS, XOR_ACTIVATIONS).ravel()
    np.testing.assert_array_equal(predictions > 0.5, XOR_Y.astype(bool))
    assert np.all(np.abs(predictions - XOR_Y) < 1e-3)
    # The baseline: linear classifiers cannot get all four points right.
    for model in (LogisticRegression(C=1e6), LinearSVC(C=1e6, max_iter=100_000)):
        assert model.fit(XOR_X, XOR_Y).score(XOR_X, XOR_Y) <= 0.75


def test_stacked_linear_layers_collapse():
    (W1, b1), (W2, b2) = init_mlp([6, 9, 4], seed=2)
    np.testing.assert_allclose(mlp_forward(X, [(W1, b1), (W2, b2)], ["linear", "linear"]),
                               mlp_forward(X, [(W1 @ W2, b1 @ W2 + b2)], ["linear"]), atol=1e-12)
    # ...and a nonlinearity breaks the collapse.
    assert not np.allclose(mlp_forward(X, [(W1, b1), (W2, b2)], ["tanh", "linear"]),
                           mlp_forward(X, [(W1 @ W2, b1 @ W2 + b2)], ["linear"]), atol=1e-3)


def test_transposed_square_kernel_is_silently_wrong():
    square = init_mlp([3, 3], seed=3)
    model = keras_mlp(square, ["linear"])
    model.set_weights([square[0][0].T, square[0][1]])   # accepted: same shape
    assert not np.allclose(model(X[:, :3]).numpy(), mlp_forward(X[:, :3], square, ["linear"]), atol=1e-3)
    with pytest.raises(ValueError):
        keras_mlp(init_mlp([3, 5]), ["linear"]).set_weights([np.zeros((5, 3)), np.zeros(5)])
