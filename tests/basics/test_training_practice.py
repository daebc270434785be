"""examples/basics/training_practice.py: each claim of the page against a reference.

References: Keras' own step counter, tf.GradientTape, tf.clip_by_norm / tf.clip_by_global_norm,
Keras optimizers' clipnorm / global_clipnorm, the closed-form variance of a mini-batch mean,
the eigenvalues of the Hessian, and a majority-class baseline.
"""

import math

import numpy as np
import pytest

from examples.basics import training_practice as tp


@pytest.mark.parametrize("num_samples, batch_size, epochs", [(100, 32, 3), (10, 1, 2)])
def test_keras_fit_takes_ceil_m_over_batch_steps_per_epoch(num_samples, batch_size, epochs):
    expected = epochs * tp.steps_per_epoch(num_samples, batch_size)
    assert tp.keras_updates(num_samples, batch_size, epochs) == expected
    assert tp.steps_per_epoch(100, 32) == 4  # the last batch has 4 samples, and still counts


def test_minibatches_cover_each_sample_once_per_epoch():
    x, y = np.arange(10)[:, None], np.arange(10)
    batches = list(tp.minibatches(x, y, 4, np.random.default_rng(0)))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches])) == list(range(10))


def test_gradient_noise_follows_the_sampling_formula():
    x, y = tp.make_regression_data()
    w, b = np.zeros(2), 0.0
    n = len(x)
    # Per-sample gradients and their spread around the full gradient.
    per_sample = np.array([np.r_[tp.mse_gradient(x[i:i + 1], y[i:i + 1], w, b)[0],
                                 tp.mse_gradient(x[i:i + 1], y[i:i + 1], w, b)[1]] for i in range(n)])
    spread = np.mean(np.sum((per_sample - per_sample.mean(axis=0)) ** 2, axis=1))
    for batch_size in (4, 16, 64):
        # Sampling without replacement: E|g_B - g|^2 = spread / B * (n - B) / (n - 1).
        expected = math.sqrt(spread / batch_size * (n - batch_size) / (n - 1))
        measured = tp.gradient_noise(x, y, w, b, batch_size, num_draws=2000)
        # 2000 draws estimate a mean square to a few percent (relative s.e. about
        # sqrt(kurtosis / 2000) < 7%), so its square root is within 10% at well over 2 s.e.
        assert measured == pytest.approx(expected, rel=0.10)
    assert tp.gradient_noise(x, y, w, b, 4) > 3 * tp.gradient_noise(x, y, w, b, 64)


def test_stability_limit_separates_convergence_from_divergence():
    x, y = tp.make_regression_data()
    limit, condition = tp.stability_limit(x)
    # Reference: the Hessian of the MSE is 2/m X^T X (with a column of ones for the bias).
    design = np.hstack([x, np.ones((len(x), 1))])
    assert limit == pytest.approx(2 / np.linalg.eigvalsh(2 * design.T @ design / len(x)).max())
    noise_floor = tp.gradient_descent(x, y, 0.5 * limit, 500)[-1]
    assert noise_floor == pytest.approx(0.01, rel=0.2)  # noise variance 0.1^2
    assert tp.gradient_descent(x, y, 0.95 * limit, 200)[-1] < 1.01 * noise_floor
    diverging = tp.gradient_descent(x, y, 1.05 * limit, 200)
    assert diverging[-1] > 1e3 * diverging[0]
    assert condition < 2


def test_unscaled_inputs_stall_and_standardizing_fixes_it():
    x, y = tp.make_regression_data(scales=(1.0, 1000.0))
    limit, condition = tp.stability_limit(x)
    assert condition > 1e5
    stalled = tp.gradient_descent(x, y, 0.9 * limit, 500)[-1]
    z = tp.standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-12)
    assert tp.stability_limit(z)[1] < 2
    fixed = tp.gradient_descent(z, y, 0.5, 500)[-1]
    assert stalled > 100 * fixed  # same model and data, only the feature scale differs
    # Using the training statistics on other data: the test set is transformed, not re-fitted.
    z_train, z_test = tp.standardize(x[:150], x[150:])
    np.testing.assert_allclose(z_test, (x[150:] - x[:150].mean(0)) / x[:150].std(0))
    assert z_train.shape == (150, 2)


@pytest.mark.parametrize("name", list(tp.GRADIENT_CONFIGS))
def test_numpy_backprop_matches_gradient_tape(name):
    activation, std = tp.GRADIENT_CONFIGS[name]
    weights = tp.make_weights(20, 64, std)
    x = np.random.default_rng(1).normal(size=(128, 64))
    ours = tp.layer_gradient_norms(weights, x, activation)
    # Both in float64: only summation order differs, 1e-9 relative is ample.
    np.testing.assert_allclose(ours, tp.tape_gradient_norms(weights, x, activation), rtol=1e-9)
    np.testing.assert_allclose(ours, tp.gradient_profile(name), rtol=1e-12)


def test_vanishing_and_exploding_profiles():
    sigmoid = tp.gradient_profile("sigmoid, Glorot std")
    he = tp.gradient_profile("ReLU, He std")
    big = tp.gradient_profile("ReLU, std 0.3 (1.7 x He)")
    assert sigmoid[0] / sigmoid[-1] < 1e-10  # sigmoid' <= 1/4 at every layer: the first layers get ~nothing
    assert 0.1 < he[0] / he[-1] < 10  # He: the same order of magnitude at every layer
    # ReLU is positively homogeneous: scaling all 20 weight matrices by c scales every layer's
    # gradient by c^19 (same seed, same draws), so "exploding" is a uniform blow-up here.
    c = 0.3 / math.sqrt(2 / 64)
    np.testing.assert_allclose(big / he, c**19, rtol=1e-9)
    assert c**19 > 1e4


def test_clipping_from_scratch_matches_tensorflow():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)) * 5, rng.normal(size=(4,))]
    for clip in (0.5, 3.0, 100.0):  # below, between and above the norms involved
        for g in grads:
            np.testing.assert_allclose(tp.clip_by_norm_np(g, clip), tf.clip_by_norm(g, clip).numpy(), rtol=1e-12)
        ours, ours_norm = tp.clip_by_global_norm_np(grads, clip)
        theirs, their_norm = tf.clip_by_global_norm(grads, clip)
        assert ours_norm == pytest.approx(float(their_norm), rel=1e-12)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-12)
    clipped, _ = tp.clip_by_global_norm_np(grads, 0.5)
    assert tp.cosine(clipped, grads) == pytest.approx(1.0)  # the direction is kept
    per_tensor = [tp.clip_by_norm_np(g, 0.5) for g in grads]
    assert tp.cosine(per_tensor, grads) < 0.99  # clipping each tensor on its own turns it


def test_keras_optimizer_clipping_matches_from_scratch():
    grads = [np.array([3.0, 4.0], dtype="float32"), np.array([[12.0]], dtype="float32")]
    # float32 Keras against float64 NumPy: 1e-6 relative.
    for a, b in zip(tp.keras_clipped_update(grads, clipnorm=1.0), [tp.clip_by_norm_np(g, 1.0) for g in grads]):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    expected, norm = tp.clip_by_global_norm_np(grads, 5.0)
    assert norm == pytest.approx(13.0)
    for a, b in zip(tp.keras_clipped_update(grads, global_clipnorm=5.0), expected):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    for a, b in zip(tp.keras_clipped_update(grads, clipvalue=3.5), [np.clip(g, -3.5, 3.5) for g in grads]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_clipping_does_not_repair_non_finite_gradients():
    import tensorflow as tf

    clipped, norm = tf.clip_by_global_norm([tf.constant([np.inf, 1.0]), tf.constant([2.0])], 1.0)
    assert not np.isfinite(float(norm))
    assert np.all(np.isnan(clipped[1].numpy()))  # even the finite tensor becomes NaN


def test_online_offline_and_the_seed_procedure():
    true_w = np.array([1.0, -2.0, 0.5])
    errors = tp.compare_online_offline(true_w)
    online, repeat, offline = errors.values()
    assert offline < online < repeat  # the page's ordering
    assert repeat > 3 * online
    x, y = tp.stream(1000, true_w)
    w = tp.repeat_each_sample(x, y)
    assert abs(x[-1] @ w - y[-1]) < 1e-3  # it ends up fitting the last sample exactly ...
    assert abs(x[-1] @ tp.online_sgd(x, y) - y[-1]) > 1e-2  # ... online SGD does not chase it


def test_a_model_must_beat_the_majority_baseline():
    results = tp.baseline_comparison()
    majority, model = results["majority class"], results["logistic regression"]
    assert majority["accuracy"][0] == pytest.approx(0.9, abs=0.01)  # about 10% of digits are 9s
    assert majority["f1"][0] == 0.0
    assert model["accuracy"][0] > majority["accuracy"][0] + 5 * model["accuracy"][1]
    assert model["f1"][0] > 0.8


def test_raw_pixels_beat_hand_features():
    scores = tp.end_to_end_vs_pipeline()
    assert scores["raw pixels (64)"] > scores["hand features (16)"] + 0.03
    assert scores["hand features (16)"] > 0.5  # the hand features are not useless either


def test_time_it_returns_a_positive_duration():
    assert tp.time_it(lambda: sum(range(100)), repeat=3, number=5) > 0

