"""Claims of basics/backpropagation.md: every hand-derived gradient equals GradientTape's and
passes a numerical gradient check."""

import numpy as np
import pytest

from examples.basics.backpropagation import (
    accuracy,
    backward,
    forward,
    gradients_tf,
    graph_example,
    init_params,
    loss_from_logits,
    moons_split,
    numerical_gradients,
    relative_error,
)
from tests.docharness.plugin import page_namespace

# The page trains the MLP; the last test asserts on that very run (same worker under xdist).
pytestmark = pytest.mark.xdist_group("basics/backpropagation.md")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(24, 3))
Y = (RNG.random((24, 1)) < 0.5).astype(float)
SIZES = [3, 6, 5, 1]            # two hidden layers


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_every_gradient_equals_gradient_tape(hidden):
    params = init_params(SIZES, seed=1)
    Z, cache = forward(params, X, hidden)
    ours = backward(params, cache, Y, hidden)
    loss_tf, tape = gradients_tf(params, X, Y, hidden)
    assert loss_from_logits(Z, Y) == pytest.approx(loss_tf, rel=1e-12)
    assert set(ours) == set(tape) == set(params)
    for name in params:
        assert ours[name].shape == params[name].shape
        # Both exact gradients in float64; they differ by rounding only. Required bound: 1e-6.
        np.testing.assert_allclose(ours[name], tape[name], rtol=1e-6, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(ours[name], tape[name], rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_every_gradient_passes_numerical_check(hidden):
    params = init_params(SIZES, seed=2)
    before = {name: value.copy() for name, value in params.items()}
    Z, cache = forward(params, X, hidden)
    ours = backward(params, cache, Y, hidden)
    numeric = numerical_gradients(params, X, Y, hidden, eps=1e-6)
    for name in params:
        # Central differences at eps = 1e-6 in float64: truncation ~1e-12, rounding ~1e-10,
        # so relative errors sit near 1e-9; 1e-7 is the usual "correct" line.
        assert relative_error(ours[name], numeric[name]) < 1e-7, name
        np.testing.assert_array_equal(params[name], before[name])   # the check restored every value


def test_gradient_check_catches_a_missing_one_over_m():
    params = init_params(SIZES, seed=3)
    _, cache = forward(params, X)
    ours = backward(params, cache, Y)
    numeric = numerical_gradients(params, X, Y)
    m = len(Y)
    for name in params:
        assert relative_error(ours[name] * m, numeric[name]) == pytest.approx((m - 1) / (m + 1), rel=1e-6)


def test_graph_example_matches_gradient_tape():
    import tensorflow as tf

    f, grads = graph_example(-2.0, 5.0, -4.0)
    xs = [tf.Variable(v, dtype=tf.float64) for v in (-2.0, 5.0, -4.0)]
    with tf.GradientTape() as tape:
        out = (xs[0] + xs[1]) * xs[2]
    assert f == float(out) == -12.0
    assert [grads[k] for k in "xyz"] == [float(g) for g in tape.gradient(out, xs)] == [-4.0, -4.0, 3.0]


def test_constant_init_gives_identical_neurons():
    params = {name: np.full_like(value, 0.5) for name, value in init_params(SIZES).items()}
    _, cache = forward(params, X)
    grads = backward(params, cache, Y)
    np.testing.assert_allclose(grads["W1"], np.repeat(grads["W1"][:, :1], SIZES[1], axis=1), rtol=1e-13)
    assert np.abs(grads["W1"]).max() > 0     # not zero: identical, not absent


def test_sigmoid_gradients_vanish_tanh_less_so():
    deep = init_params([3] + [8] * 8 + [1], seed=0)
    ratios = {}
    for hidden in ("sigmoid", "tanh"):
        _, cache = forward(deep, X, hidden)
        grads = backward(deep, cache, Y, hidden)
        ratios[hidden] = np.linalg.norm(grads["W1"]) / np.linalg.norm(grads["W9"])
    assert ratios["sigmoid"] < 1e-3 < ratios["tanh"]


def test_training_beats_a_linear_model_on_moons():
    from sklearn.linear_model import LogisticRegression

    page = page_namespace("docs/zh/basics/backpropagation.md")
    X_train, X_test, y_train, y_test = moons_split(seed=0)
    np.testing.assert_array_equal(page["X_test"], X_test)   # the page used the split under test
    losses = page["losses"]
    assert len(losses) == 1000
    assert np.all(np.diff(losses) <= 1e-12)             # lr 0.2 descends monotonically here
    mlp = accuracy(page["trained"], X_test, y_test)
    linear = LogisticRegression().fit(X_train, y_train.ravel()).score(X_test, y_test.ravel())
    assert mlp >= 0.93 and mlp - linear >= 0.04        # 0.95 vs 0.89 on this split
