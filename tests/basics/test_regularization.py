"""examples/basics/regularization.py against Keras (and scikit-learn for L1 sparsity).

Tolerances: float32 Keras against float64 NumPy differ by float32 rounding, about 1e-7
relative per operation; sums of a few hundred terms stay below 1e-6 relative. Statistical
checks use five standard errors of the statistic, computed from the sample size in the test.
"""

import numpy as np
import pytest

from examples.basics import regularization as reg

keras = pytest.importorskip("keras")


def test_penalties_match_keras_regularizers():
    rng = np.random.default_rng(0)
    for shape in [(3, 2), (64, 32), (3, 3, 8, 16)]:
        w = rng.normal(size=shape).astype("float32")
        l1, l2, l1l2 = reg.keras_penalties(w, l1=0.02, l2=0.05)
        # float32 sums of up to 1152 terms: 1e-5 relative is ample.
        assert l1 == pytest.approx(reg.l1_penalty(w, 0.02), rel=1e-5)
        assert l2 == pytest.approx(reg.l2_penalty(w, 0.05), rel=1e-5)
        assert l1l2 == pytest.approx(reg.l1_penalty(w, 0.02) + reg.l2_penalty(w, 0.05), rel=1e-5)
    # No factor 1/2: L2(1.0) of [3, 4] is 25, not 12.5.
    assert reg.keras_penalties(np.array([3.0, 4.0]), l2=1.0)[1] == pytest.approx(25.0)


def test_regularized_model_loss_includes_penalty():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = rng.normal(size=(64, 1)).astype("float32")
    model = reg.regularized_model(l2=0.1)
    kernel, bias = (v.numpy() for v in model.layers[0].weights)
    penalty = reg.l2_penalty(kernel, 0.1)
    assert float(model.losses[0]) == pytest.approx(penalty, rel=1e-5)
    mse = np.mean((x @ kernel + bias - y) ** 2)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse + penalty, rel=1e-5)
    assert penalty > 1e-3 * mse  # the penalty is not negligible, so the check can fail


def test_l2_penalty_equals_weight_decay_for_plain_sgd():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    w0 = rng.normal(size=(4, 1)).astype("float32")
    lr, lam = 0.1, 0.05
    with_l2 = reg.one_sgd_step(w0, x, y, lr, l2=lam)
    with_decay = reg.one_sgd_step(w0, x, y, lr, weight_decay=2 * lam)  # d(lam w^2)/dw = 2 lam w
    plain = reg.one_sgd_step(w0, x, y, lr)
    np.testing.assert_allclose(with_l2, with_decay, atol=1e-6)  # float32 step of size ~0.1
    np.testing.assert_allclose(with_l2, plain - lr * 2 * lam * w0, atol=1e-6)
    assert np.abs(with_l2 - plain).max() > 1e-3


def test_lasso_sets_noise_weights_to_zero_ridge_does_not():
    from sklearn.linear_model import Lasso, Ridge

    x, y, true_w = reg.sparse_regression_data()
    lasso, ridge = Lasso(alpha=0.1).fit(x, y), Ridge(alpha=10.0).fit(x, y)
    assert np.sum(lasso.coef_[3:] == 0.0) >= 15  # at least 15 of the 17 noise weights exactly 0
    assert np.all(lasso.coef_[:3] != 0.0)
    assert np.sum(ridge.coef_ == 0.0) == 0  # L2 shrinks but never zeroes
    np.testing.assert_allclose(lasso.coef_[:3], true_w[:3], atol=0.2)  # shrunk by about alpha


def test_inverted_dropout_preserves_the_mean():
    rng = np.random.default_rng(3)
    n, rate = 200_000, 0.3
    out = reg.inverted_dropout(np.ones(n), rate, rng)
    # Each output is 0 or 1/(1-rate): mean 1, variance rate/(1-rate); standard error of the mean
    # is sqrt(rate / (1 - rate) / n) = 0.0015; five of them is the tolerance.
    assert abs(out.mean() - 1.0) < 5 * np.sqrt(rate / (1 - rate) / n)
    assert abs(np.mean(out == 0) - rate) < 5 * np.sqrt(rate * (1 - rate) / n)
    assert set(np.unique(out)) == {0.0, 1 / (1 - rate)}
    x = rng.normal(size=(4, 5))
    assert np.array_equal(reg.inverted_dropout(x, rate, rng, training=False), x)
    # Without the 1/(1-rate) scale the mean would be 0.7: far outside the tolerance above.
    assert abs(np.mean(out * (1 - rate)) - 1.0) > 0.2


def test_keras_dropout_training_and_inference():
    n, rate = 100_000, 0.3
    layer = keras.layers.Dropout(rate, seed=0)
    x = np.ones((1, n), dtype="float32")
    train = layer(x, training=True).numpy()
    values = np.unique(train)
    np.testing.assert_allclose(values, [0.0, 1 / (1 - rate)], rtol=1e-6)  # float32 1/0.7
    assert abs(train.mean() - 1.0) < 5 * np.sqrt(rate / (1 - rate) / n)
    assert np.array_equal(layer(x, training=False).numpy(), x)
    assert np.array_equal(layer(x).numpy(), x)  # a direct call defaults to inference
    model = keras.Sequential([keras.Input(shape=(n,)), layer])
    assert np.array_equal(model.predict(x, verbose=0), x)  # predict() runs in inference mode


def test_tf1_keep_prob_is_one_minus_rate():
    import tensorflow as tf

    x = tf.ones((1, 50_000))
    v1 = tf.compat.v1.nn.dropout(x, keep_prob=0.8, seed=1).numpy()
    v2 = tf.nn.dropout(x, rate=0.2, seed=1).numpy()
    for out in (v1, v2):
        np.testing.assert_allclose(np.unique(out), [0.0, 1.25], rtol=1e-6)
        assert abs(np.mean(out == 0) - 0.2) < 5 * np.sqrt(0.2 * 0.8 / 50_000)


@pytest.mark.parametrize("patience", [0, 1, 3, 5])
@pytest.mark.parametrize("min_delta", [0.0, 0.01])
def test_early_stopping_rule_matches_keras(patience, min_delta):
    rng = np.random.default_rng(patience)
    curves = [reg.u_shaped_val_curve(seed=s) for s in range(3)]
    curves.append(np.linspace(1.0, 0.1, 30))  # always improving: never stops
    curves.append(np.r_[np.linspace(1.0, 0.5, 5), 0.5 - 0.005 * np.arange(1, 20)])  # improves by less than 0.01
    curves.append(rng.random(25))
    for curve in curves:
        assert reg.early_stopping_rule(curve, patience, min_delta) == reg.keras_early_stopping(curve, patience, min_delta)


def test_early_stopping_stops_after_the_minimum():
    curve = reg.u_shaped_val_curve()
    epochs_run, best_epoch = reg.early_stopping_rule(curve, patience=5)
    assert best_epoch == int(np.argmin(curve[:epochs_run]))
    assert epochs_run < len(curve)
    assert epochs_run - best_epoch - 1 == 5  # five epochs without improvement after the best


def test_batchnorm_matches_keras_training_and_inference():
    diffs = reg.compare_with_keras_batchnorm(num_steps=5)
    assert set(diffs) == {"train output", "moving mean", "moving variance", "inference output"}
    for name, value in diffs.items():
        assert value < 1e-5, name  # float32 Keras vs float64 NumPy


def test_batchnorm_on_images_normalizes_per_channel():
    rng = np.random.default_rng(4)
    x = rng.normal(loc=2.0, scale=4.0, size=(8, 5, 5, 3)).astype("float32")
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
    y_keras = layer(x, training=True).numpy()
    y_np, mean, var = reg.batchnorm(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), True,
                                    momentum=0.9, epsilon=1e-5)
    np.testing.assert_allclose(y_np, y_keras, atol=1e-5)
    np.testing.assert_allclose(mean, layer.moving_mean.numpy(), atol=1e-5)
    np.testing.assert_allclose(var, layer.moving_variance.numpy(), atol=1e-5)
    # The biased (divide by N) batch variance goes into the moving variance, not the unbiased one.
    unbiased = 0.9 + 0.1 * x.reshape(-1, 3).var(axis=0, ddof=1)
    assert np.abs(unbiased - layer.moving_variance.numpy()).max() > 1e-3


def test_frozen_batchnorm_runs_in_inference_mode():
    rng = np.random.default_rng(5)
    layer = keras.layers.BatchNormalization()
    x = rng.normal(loc=3.0, size=(16, 2)).astype("float32")
    layer(x, training=True)  # one update of the moving statistics
    layer.trainable = False
    before = layer.moving_mean.numpy().copy()
    np.testing.assert_allclose(layer(x, training=True).numpy(), layer(x, training=False).numpy(), atol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


def test_untrained_batchnorm_in_inference_mode_barely_normalizes():
    # Moving statistics start at mean 0, variance 1: inference right after building is x / sqrt(1 + eps).
    x = np.full((4, 2), 10.0, dtype="float32")
    layer = keras.layers.BatchNormalization()
    np.testing.assert_allclose(layer(x, training=False).numpy(), x / np.sqrt(1 + 1e-3), rtol=1e-6)


@pytest.mark.parametrize("shape", [(256, 512), (3, 3, 64, 128)])
def test_initializer_variances_match_formulas(shape):
    n = int(np.prod(shape))
    # The sample variance of n draws has relative standard error sqrt((kurtosis - 1) / n); the
    # kurtosis is 1.8 (uniform) or 2.37 (normal truncated at 2 sd), both below 3, so
    # 5 * sqrt(2 / n) (2.0% for 131072 weights, 2.6% for 73728) bounds five standard errors.
    rtol = 5 * np.sqrt(2 / n)
    expected = {
        keras.initializers.GlorotUniform: reg.glorot_variance(shape),
        keras.initializers.GlorotNormal: reg.glorot_variance(shape),
        keras.initializers.HeUniform: reg.he_variance(shape),
        keras.initializers.HeNormal: reg.he_variance(shape),
    }
    for cls, variance in expected.items():
        w = np.asarray(cls(seed=0)(shape))
        assert w.var() == pytest.approx(variance, rel=rtol), cls.__name__
        assert abs(w.mean()) < 5 * np.sqrt(variance / n)
    # Glorot and He differ by far more than the tolerance for these shapes (factor 3).
    assert reg.he_variance(shape) / reg.glorot_variance(shape) == pytest.approx(3.0)


def test_conv_fans_count_the_receptive_field():
    assert reg.compute_fans((3, 3, 64, 128)) == (576, 1152)
    assert reg.compute_fans((256, 512)) == (256, 512)


def test_he_keeps_relu_activations_glorot_halves_them():
    he = reg.config_second_moments("ReLU + he_uniform")
    glorot = reg.config_second_moments("ReLU + glorot_uniform (Keras default)")
    layers = np.arange(len(he))
    he_slope = np.polyfit(layers, np.log2(he), 1)[0]
    # With He, E[z^2] is preserved in expectation; at width 256 the log of it random-walks by a
    # few percent per layer, so over 20 layers the fitted slope stays well within +-0.2 bits/layer.
    assert abs(he_slope) < 0.2
    # Same seeds, same uniform draws scaled by sqrt(2): ReLU is homogeneous, so Glorot's second
    # moment is exactly He's divided by 2 per layer, up to float32 rounding of the draws
    # (about 1e-7 per weight, 1e-6 after 20 layers): 1e-4 relative is ample.
    np.testing.assert_allclose(glorot * 2.0 ** (layers + 1), he, rtol=1e-4)
    tanh = reg.config_second_moments("tanh + glorot_uniform")
    assert np.sqrt(tanh[-1]) > 0.1 > np.sqrt(glorot[-1])

