"""Claims of docs/*/basics/optimizers.md, checked against tf.keras.optimizers.

Tolerance for "the same parameters after 20 steps": 1e-5 absolute on points of size ~5.
Keras works in float32 (rounding ~3e-7 per step at this scale), the from-scratch code in
float64; a wrong formula (epsilon placement, bias correction, Nesterov form) moves the
path by 1e-5 or more within a few steps, as the Adam tests below show.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.basics import optimizers as opt
from tests.docharness.plugin import page_namespace


@pytest.mark.xdist_group("basics/optimizers.md")
def test_twenty_steps_match_keras():
    # The page runs compare_with_keras() (140 Keras steps); share that run, don't repeat it.
    errors = page_namespace("docs/zh/basics/optimizers.md")["errors"]
    assert set(errors) == {"GD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSprop", "Adam"}
    for name, error in errors.items():
        assert error < 1e-5, name


def test_optimizers_reach_different_points():
    # The comparison is not trivial: the seven paths end in different places.
    finals = np.array([ours()[-1] for ours, _ in opt.OPTIMIZERS.values()])
    distances = np.linalg.norm(finals[:, None] - finals[None], axis=-1)
    assert distances[np.triu_indices(len(finals), 1)].min() > 1e-3


def test_keras_nesterov_stores_the_lookahead_point():
    lr, mu = 0.1, 0.6
    theta, v = opt.nesterov_lookahead(opt.surface_grad, opt.START, lr, mu)
    keras_form = opt.momentum(opt.surface_grad, opt.START, lr, mu, nesterov=True)
    np.testing.assert_allclose(theta + mu * v, keras_form, atol=1e-12)  # same float64 arithmetic
    assert np.abs(theta - keras_form).max() > 1e-2  # but not the same variable


def test_keras_adam_uses_epsilon_hat():
    # Tiny gradients (f scaled by 1e-6): here eps matters. Keras' first step is ~0.24 lr,
    # the textbook form's ~0.91 lr.
    scale, lr = 1e-6, 0.01
    grad = lambda w: scale * opt.surface_grad(w)
    loss = lambda w: scale * (0.1 * w[0] ** 2 + 2 * w[1] ** 2)
    keras = opt.keras_path(tf.keras.optimizers.Adam(learning_rate=lr), opt.START, steps=20, loss=loss)
    keras_form = opt.adam(grad, opt.START, lr=lr)
    textbook = opt.adam_textbook(grad, opt.START, lr=lr)
    np.testing.assert_allclose(keras_form, keras, atol=1e-6)
    assert np.abs(textbook - keras).max() > 1e-2
    first_step_x = lambda path: (path[1, 0] - path[0, 0]) / lr
    assert first_step_x(keras_form) == pytest.approx(0.240, abs=2e-3)
    assert first_step_x(textbook) == pytest.approx(0.909, abs=2e-3)


def test_keras_defaults_quoted_on_the_page():
    adagrad = tf.keras.optimizers.Adagrad().get_config()
    adadelta = tf.keras.optimizers.Adadelta().get_config()
    rmsprop = tf.keras.optimizers.RMSprop().get_config()
    adam = tf.keras.optimizers.Adam().get_config()
    assert adagrad["initial_accumulator_value"] == 0.1 and adagrad["epsilon"] == 1e-7
    assert adadelta["learning_rate"] == pytest.approx(0.001) and adadelta["rho"] == 0.95
    assert rmsprop["rho"] == 0.9 and rmsprop["epsilon"] == 1e-7
    assert adam["epsilon"] == 1e-7 and adam["beta_2"] == 0.999
    assert tf.keras.optimizers.SGD().get_config()["learning_rate"] == pytest.approx(0.01)


def test_adadelta_barely_moves_in_twenty_steps():
    # Page: with Keras' eps = 1e-7, each coordinate moves by only 0.03 in 20 steps at lr = 1.
    path = opt.adadelta(opt.surface_grad, opt.START, lr=1.0)
    np.testing.assert_allclose(np.abs(path[-1] - opt.START), [0.03, 0.03], atol=0.002)


def test_minibatch_sgd_matches_keras():
    x, y = opt.make_regression()
    path, orders = opt.minibatch_sgd(x, y, lr=0.05, batch_size=8, epochs=2)
    np.testing.assert_allclose(path[-1], opt.minibatch_sgd_keras(x, y, 0.05, 8, orders), atol=1e-5)


def test_smaller_batches_make_more_progress_per_epoch():
    x, y = opt.make_regression()
    final_loss = {}
    for batch_size in (64, 8, 1):
        path, _ = opt.minibatch_sgd(x, y, lr=0.05, batch_size=batch_size, epochs=2)
        assert len(path) - 1 == 2 * len(x) // batch_size
        final_loss[batch_size] = np.mean((x @ path[-1] - y) ** 2)
    assert final_loss[1] < final_loss[8] < final_loss[64]
    # SGD (batch 1) gets close to the least-squares solution; noise variance is 0.01.
    best = np.linalg.lstsq(x, y, rcond=None)[0]
    assert final_loss[1] < 2 * np.mean((x @ best - y) ** 2)
