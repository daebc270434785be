"""Claims of advanced/gan: hand-derived GAN gradients equal TensorFlow's, the GAN reaches the
target N(4, 1.25^2), and a generator trained against a frozen discriminator collapses."""

import numpy as np
import pytest
import tensorflow as tf

from examples.advanced import gan
from tests.docharness.plugin import page_namespace

# The page trains the GAN (2000 steps, NumPy and TensorFlow); these tests read that run.
pytestmark = pytest.mark.xdist_group("advanced/gan.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/advanced/gan.md")


def test_numpy_and_tensorflow_follow_the_same_path(page):
    # Same batches, same initial weights, same Adam formula: float32 round-off (~1e-7 per step)
    # accumulates to ~2e-6 over 2000 steps; a wrong gradient formula moves the path by
    # > 1e-3 within 100 steps (see the next test).
    history_np, history_tf = page["history_np"], page["history_tf"]
    assert history_np.shape == history_tf.shape == (2001, 2)
    np.testing.assert_allclose(history_np, history_tf, atol=1e-4)


def test_a_wrong_gradient_is_caught_by_the_comparison(monkeypatch):
    real, noise = gan.make_batches(100)
    good = gan.gan_numpy(real, noise)
    # a plausible bug: the discriminator's logit scaled by 1.1 inside the gradient formulas
    # (Adam is invariant to rescaling a whole gradient, so the bug must change its direction)
    monkeypatch.setattr(gan, "sigmoid", lambda t: 1.0 / (1.0 + np.exp(-1.1 * t)))
    bad = gan.gan_numpy(real, noise)
    assert np.abs(good - bad).max() > 1e-3


def test_generated_samples_match_the_target(page):
    samples = page["samples"]
    assert samples.shape == (10000,)
    # Sampling error with 10,000 samples: 0.0125 on the mean, 0.009 on the std. The GAN's
    # parameters circle the equilibrium: over seeds 0..7 the NumPy run ended with |a| in
    # 1.23..1.30 and b in 4.00..4.04 (batches and D init from each seed). Tolerance 0.1 on both covers that with margin.
    assert abs(samples.mean() - gan.TARGET_MEAN) < 0.1
    assert abs(samples.std() - gan.TARGET_STD) < 0.1
    # baseline: the untrained generator is N(0, 1), four standard deviations away
    a0, b0 = gan.initial_parameters()[0]
    assert abs(b0 - gan.TARGET_MEAN) > 3 and abs(abs(a0) - gan.TARGET_STD) > 0.2


def test_generator_matches_its_parameters(page):
    # G(z) = a z + b: the Keras generator's weights are the last row of the history
    kernel, bias = page["generator"].get_weights()
    np.testing.assert_allclose([kernel[0, 0], bias[0]], page["history_tf"][-1], rtol=1e-6)


def test_quadratic_discriminator_contains_the_optimal_one():
    # log N(x; 4, 1.25) / N(x; 0, 1) is quadratic: the family of D can express D*
    x = np.linspace(-3, 8, 50)
    log_ratio = np.log(gan.normal_pdf(x, 4, 1.25) / gan.normal_pdf(x, 0, 1))
    coefficients = np.polyfit(x, log_ratio, 2)
    np.testing.assert_allclose(np.polyval(coefficients, x), log_ratio, atol=1e-9)
    assert coefficients[0] == pytest.approx(0.5 - 0.5 / 1.25**2)


def test_keras_discriminator_computes_the_quadratic_logit():
    generator, discriminator = gan.build_gan()
    _, (w1, w2, c) = gan.initial_parameters()
    x = np.array([[-1.0], [0.5], [3.0]], dtype=np.float32)
    np.testing.assert_allclose(discriminator(x).numpy().ravel(), w1 * x.ravel() + w2 * x.ravel() ** 2 + c,
                               rtol=1e-5)
    np.testing.assert_allclose(generator(x).numpy(), x)  # starts as the identity: a = 1, b = 0


def test_frozen_discriminator_collapses_the_generator(page):
    before, after = page["before"], page["after"]
    grid, d_values = page["grid"], page["d_values"]
    # before: a unit-width Gaussian at 0.3, straddling both modes
    assert 0.5 < gan.mode_share(before) < 0.7 and before.std() > 0.9
    # after: every sample on one side, all at (nearly) one point: the peak of the frozen D for
    # x > 0, the nearest one; the page says the peak for x < 0 is higher (gradients are local)
    assert gan.mode_share(after) == 1.0
    assert after.std() < 1e-3
    right_peak = np.argmax(np.where(grid > 0, d_values, -1))
    left_peak = np.argmax(np.where(grid < 0, d_values, -1))
    assert abs(after.mean() - grid[right_peak]) < 0.02  # grid spacing is 0.005
    assert d_values[left_peak] > d_values[right_peak] + 0.05


def test_frozen_d_is_the_optimal_discriminator(page):
    grid, d_values = page["grid"], page["d_values"]
    p_g = gan.normal_pdf(grid, 0.3, 1.0)
    expected = gan.mixture_pdf(grid) / (gan.mixture_pdf(grid) + p_g)
    np.testing.assert_allclose(d_values, expected, atol=1e-5)  # float32 evaluation


def test_saturating_loss_has_vanishing_gradient():
    t = tf.Variable(np.log(0.01 / 0.99))
    with tf.GradientTape(persistent=True) as tape:
        saturating = tf.math.log(1 - tf.sigmoid(t))
        non_saturating = -tf.math.log(tf.sigmoid(t))
    assert tape.gradient(saturating, t).numpy() == pytest.approx(-0.01)
    assert tape.gradient(non_saturating, t).numpy() == pytest.approx(-0.99)
