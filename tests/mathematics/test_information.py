"""Claims of math/probability-and-information.md, checked against TensorFlow/Keras and SciPy."""

import numpy as np
import pytest

from examples.mathematics.information import (
    cross_entropy,
    cross_entropy_from_logits,
    entropy,
    kl_divergence,
    log_softmax,
    softmax,
    softmax_naive,
)

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(scale=5.0, size=(64, 10))          # float64, a batch of 64 rows
P = RNG.dirichlet(np.ones(10), size=64)                # strictly positive distributions
Q = RNG.dirichlet(np.ones(10), size=64)


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


def test_softmax_matches_tf_in_float64(tf):
    # Both compute in float64 and differ only in summation order: 1e-12 relative is ample.
    np.testing.assert_allclose(softmax(LOGITS), tf.nn.softmax(LOGITS).numpy(), rtol=1e-12, atol=0)
    np.testing.assert_allclose(log_softmax(LOGITS), tf.nn.log_softmax(LOGITS).numpy(), rtol=1e-12, atol=1e-12)


def test_softmax_is_a_distribution_and_shift_invariant():
    probs = softmax(LOGITS)
    assert np.all(probs > 0)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-14)
    # softmax(z + c) = softmax(z): exact up to float rounding (entries are O(1), values O(10)).
    np.testing.assert_allclose(softmax(LOGITS + 123.0), probs, rtol=1e-12, atol=1e-15)


def test_naive_softmax_overflows_stable_does_not():
    big = np.array([1000.0, 1001.0, 1002.0])
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.all(np.isnan(softmax_naive(big)))
    np.testing.assert_allclose(softmax(big), softmax(big - 1000.0), rtol=1e-15)
    assert np.all(np.isfinite(log_softmax(np.array([0.0, -1e4]))))  # log(0) avoided


def test_entropy_against_scipy_and_known_values():
    from scipy.stats import entropy as scipy_entropy

    np.testing.assert_allclose(entropy(P), scipy_entropy(P, axis=-1), rtol=1e-12)
    assert entropy(np.full(8, 1 / 8)) == pytest.approx(np.log(8), rel=1e-14)
    assert entropy(np.array([0.0, 1.0, 0.0])) == 0.0   # 0 log 0 = 0, not nan
    assert entropy(np.array([0.5, 0.5])) / np.log(2) == pytest.approx(1.0, rel=1e-14)  # 1 bit


def test_kl_against_scipy_and_gibbs_inequality():
    from scipy.stats import entropy as scipy_entropy

    np.testing.assert_allclose(kl_divergence(P, Q), scipy_entropy(P, Q, axis=-1), rtol=1e-10)
    assert np.all(kl_divergence(P, Q) > 0)
    assert np.allclose(kl_divergence(P, P), 0.0, atol=1e-15)
    # H(p, q) = H(p) + KL(p || q)
    np.testing.assert_allclose(cross_entropy(P, Q), entropy(P) + kl_divergence(P, Q), rtol=1e-12)
    # Not symmetric.
    assert not np.allclose(kl_divergence(P, Q), kl_divergence(Q, P), rtol=1e-3)


def test_kl_and_cross_entropy_match_keras(tf):
    # Keras losses run in float32 (floatx) and clip probabilities at 1e-7; our P, Q are far
    # from 0 (min > 1e-5), so the clipping does not act and float32 rounding (~1e-7
    # relative per op, ~10 terms) bounds the gap: rtol 1e-5.
    assert P.min() > 1e-5 and Q.min() > 1e-5
    kl = tf.keras.losses.KLDivergence(reduction=None)(P, Q).numpy()
    np.testing.assert_allclose(kl_divergence(P, Q), kl, rtol=1e-5, atol=1e-6)
    ce = tf.keras.losses.CategoricalCrossentropy(reduction=None)(P, Q).numpy()
    np.testing.assert_allclose(cross_entropy(P, Q), ce, rtol=1e-5)
    ce_logits = tf.keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)(P, LOGITS).numpy()
    np.testing.assert_allclose(cross_entropy_from_logits(P, LOGITS), ce_logits, rtol=1e-5)


def test_cross_entropy_from_logits_matches_tf_op_in_float64(tf):
    op = tf.nn.softmax_cross_entropy_with_logits(labels=P, logits=LOGITS).numpy()
    np.testing.assert_allclose(cross_entropy_from_logits(P, LOGITS), op, rtol=1e-12)
    # and the same as the two-step version
    np.testing.assert_allclose(cross_entropy_from_logits(P, LOGITS), cross_entropy(P, softmax(LOGITS)), rtol=1e-10)


def test_cross_entropy_of_one_hot_labels_matches_sklearn_log_loss():
    from sklearn.metrics import log_loss

    labels = RNG.integers(0, 10, size=64)
    one_hot = np.eye(10)[labels]
    ours = cross_entropy(one_hot, softmax(LOGITS)).mean()
    assert ours == pytest.approx(log_loss(labels, softmax(LOGITS), labels=np.arange(10)), rel=1e-10)


def test_zero_probability_gives_infinite_cross_entropy_keras_clips(tf):
    label, hard = np.array([[0.0, 0.0, 1.0]]), np.array([[0.5, 0.5, 0.0]])
    assert np.isinf(cross_entropy(label, hard)[0])
    clipped = float(tf.keras.losses.CategoricalCrossentropy()(label, hard))
    assert clipped == pytest.approx(-np.log(1e-7), rel=1e-5)


def test_softmax_of_two_logits_is_sigmoid():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(softmax(np.stack([z, np.zeros_like(z)], -1))[:, 0], 1 / (1 + np.exp(-z)), rtol=1e-12)


def test_temperature_raises_entropy():
    z = np.array([2.0, 1.0, 0.1])
    values = [entropy(softmax(z / t)) for t in (0.05, 0.1, 1.0, 10.0, 1000.0)]
    assert np.all(np.diff(values) > 0)
    assert values[0] < 1e-6 and values[-1] == pytest.approx(np.log(3), rel=1e-5)
