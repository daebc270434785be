"""Claims of math/calculus-and-gradients.md: central differences check analytic gradients to a
relative error below 1e-6 in float64, agree with tf.GradientTape, and catch wrong gradients."""

import numpy as np
import pytest
import tensorflow as tf

from examples.mathematics.gradients import (
    bowl,
    bowl_gradient,
    central_difference,
    directional_derivative,
    forward_difference,
    logistic_gradient,
    logistic_loss,
    make_logistic_data,
    numerical_gradient,
    relative_error,
    step_size_errors,
    tape_gradient,
)

# The threshold. Central differences with h = 1e-5 in float64 leave a truncation error
# ~h^2 |L'''| ~ 1e-11 and a round-off error ~eps |L| / h ~ 1e-11 (observed 3e-11): 1e-6 has five
# orders of magnitude of room, while a wrong gradient (a missing 1/m, a sign) is off by O(1).
GRAD_CHECK_RTOL = 1e-6


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("shape", [(64, 5), (200, 12), (10, 1)])
def test_analytic_gradient_passes_the_float64_gradient_check(seed, shape):
    X, y = make_logistic_data(*shape, seed=seed)
    w = np.random.default_rng(seed + 100).normal(size=shape[1])
    numeric = numerical_gradient(lambda v: logistic_loss(v, X, y), w)
    assert numeric.dtype == np.float64
    assert relative_error(logistic_gradient(w, X, y), numeric) < GRAD_CHECK_RTOL


def test_gradient_tape_matches_the_analytic_gradient():
    X, y = make_logistic_data()
    w = np.random.default_rng(1).normal(size=X.shape[1])
    taped = tape_gradient(w, X, y)
    # Both are exact formulas evaluated in float64; only summation order differs (observed 4e-16).
    np.testing.assert_allclose(taped, logistic_gradient(w, X, y), rtol=1e-12, atol=1e-15)
    numeric = numerical_gradient(lambda v: logistic_loss(v, X, y), w)
    assert relative_error(taped, numeric) < GRAD_CHECK_RTOL


def test_loss_matches_keras_binary_crossentropy():
    # the loss being checked is the one Keras trains with (from logits, float64)
    X, y = make_logistic_data()
    w = np.random.default_rng(2).normal(size=X.shape[1])
    keras_loss = tf.keras.losses.BinaryCrossentropy(from_logits=True)(y, X @ w)
    # Keras may compute in its float32 floatx: ~1e-7 relative round-off, so 1e-6
    assert logistic_loss(w, X, y) == pytest.approx(float(keras_loss), rel=1e-6)


def test_the_check_catches_wrong_gradients():
    X, y = make_logistic_data()
    w = np.random.default_rng(1).normal(size=X.shape[1])
    numeric = numerical_gradient(lambda v: logistic_loss(v, X, y), w)
    right = logistic_gradient(w, X, y)
    no_mean = right * len(y)                       # forgot the 1/m
    transposed_bug = X.T @ (1 / (1 + np.exp(-(X @ w)))) / len(y)   # forgot "- y"
    for wrong in (no_mean, -right, transposed_bug, right + 1e-3):
        assert relative_error(wrong, numeric) > 1e-3


def test_numerical_gradient_works_on_matrices_and_leaves_its_input_alone():
    W = np.random.default_rng(3).normal(size=(3, 4))
    before = W.copy()
    A = np.random.default_rng(4).normal(size=(4, 3))

    def f(M):
        return float(np.sum(np.tanh(M @ A)))

    numeric = numerical_gradient(f, W)
    analytic = (1 - np.tanh(W @ A) ** 2) @ A.T
    assert relative_error(analytic, numeric) < GRAD_CHECK_RTOL
    np.testing.assert_array_equal(W, before)


def test_float32_gradient_checks_are_too_coarse():
    X, y = make_logistic_data()
    w = np.random.default_rng(1).normal(size=X.shape[1])
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    numeric32 = numerical_gradient(lambda v: logistic_loss(v.astype(np.float32), X32, y32), w)
    # float32 round-off (~6e-8 of a loss ~1) divided by 2h = 2e-5: ~1e-2 relative (observed 1.5e-2)
    assert relative_error(logistic_gradient(w, X, y), numeric32) > 1e-3


def test_forward_difference_is_first_order_and_central_second_order():
    # In the truncation-dominated range, halving h halves the forward error and quarters the central one.
    hs = np.array([1e-2, 5e-3])
    forward, central = step_size_errors(hs)
    assert forward[0] / forward[1] == pytest.approx(2.0, rel=0.01)
    assert central[0] / central[1] == pytest.approx(4.0, rel=0.01)
    # and too small a step is worse than a moderate one (round-off takes over)
    _, central = step_size_errors([1e-5, 1e-12])
    assert central[1] > 1000 * central[0]


def test_derivatives_of_the_seed_examples():
    assert central_difference(lambda a: 4 * a, 7.0) == pytest.approx(4.0, rel=1e-9)
    assert central_difference(lambda a: a**2, 3.0) == pytest.approx(6.0, rel=1e-9)
    assert forward_difference(lambda a: a**2, 3.0, h=1e-5) == pytest.approx(6.0 + 1e-5, rel=1e-9)


def test_bowl_gradient_matches_gradient_tape():
    p = tf.Variable([1.0, 0.5], dtype=tf.float64)
    with tf.GradientTape() as tape:
        value = p[0] ** 2 + 3 * p[1] ** 2
    np.testing.assert_allclose(tape.gradient(value, p).numpy(), bowl_gradient([1.0, 0.5]), rtol=1e-15)


def test_directional_derivative_is_gradient_dot_direction():
    rng = np.random.default_rng(5)
    for _ in range(20):
        p, u = rng.normal(size=2), rng.normal(size=2)
        unit = u / np.linalg.norm(u)
        along = central_difference(lambda t: bowl(p + t * unit), 0.0)
        # bowl is quadratic: central differences are exact up to round-off (~1e-10 here)
        assert directional_derivative(bowl_gradient(p), u) == pytest.approx(along, rel=1e-6, abs=1e-8)


def test_gradient_gives_the_steepest_rate_and_zero_along_contours():
    p = np.array([1.0, 0.5])
    grad = bowl_gradient(p)
    norm = np.linalg.norm(grad)
    angles = np.linspace(0, 2 * np.pi, 3601)
    rates = np.array([directional_derivative(grad, [np.cos(a), np.sin(a)]) for a in angles])
    assert rates.max() == pytest.approx(norm, rel=1e-6)
    assert rates.min() == pytest.approx(-norm, rel=1e-6)
    assert directional_derivative(grad, grad) == pytest.approx(norm, rel=1e-15)
    assert directional_derivative(grad, [-grad[1], grad[0]]) == pytest.approx(0.0, abs=1e-15)


def test_relative_error_of_zero_vectors_is_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0


def test_main_runs(capsys):
    from examples.mathematics import gradients

    gradients.main()
    out = capsys.readouterr().out
    assert "gradient check (float64): relative error" in out
    assert "along [-3  2]: +0.0000" in out
