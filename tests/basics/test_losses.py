"""Claims of docs/*/basics/loss-functions.md, checked against tf.keras.losses.

Tolerance: 1e-6 relative. Keras computes in float32 (about 7 significant digits); the
from-scratch losses are float64 on the same float32 inputs, so they agree to a few float32
ulps of the result, well inside 1e-6.
"""

import math

import numpy as np
import pytest
import tensorflow as tf

from examples.basics import losses as L

BATCH = L.make_batch()
K = tf.keras.losses


def test_batch_losses_match_keras():
    errors = L.relative_errors(L.loss_pairs(BATCH))
    assert len(errors) == 9
    for name, error in errors.items():
        assert error < 1e-6, name


def test_per_sample_losses_match_keras():
    b = BATCH
    pairs = [
        (L.mse(b["regression_true"], b["regression_pred"]),
         K.mse(b["regression_true"], b["regression_pred"])),
        (L.binary_crossentropy(b["binary_targets"], b["binary_probs"]),
         K.binary_crossentropy(b["binary_targets"], b["binary_probs"])),
        (L.binary_crossentropy_from_logits(b["binary_targets"], b["binary_logits"]),
         K.binary_crossentropy(b["binary_targets"], b["binary_logits"], from_logits=True)),
        (L.categorical_crossentropy(b["onehot"], b["class_probs"]),
         K.categorical_crossentropy(b["onehot"], b["class_probs"])),
        (L.sparse_categorical_crossentropy(b["labels"], b["class_logits"], from_logits=True),
         K.sparse_categorical_crossentropy(b["labels"], b["class_logits"], from_logits=True)),
        (L.binary_focal_crossentropy(b["binary_targets"], b["binary_probs"], gamma=1.5),
         K.binary_focal_crossentropy(b["binary_targets"], b["binary_probs"], gamma=1.5)),
    ]
    for ours, keras_value in pairs:
        # Per sample, a small loss such as -log(0.98) carries the float32 rounding of its
        # inputs (~1e-7 absolute), so this check is 1e-6 absolute or relative.
        np.testing.assert_allclose(ours, keras_value, rtol=1e-6, atol=1e-6)


def test_probabilities_stay_clear_of_the_clip():
    # In [1e-3, 1 - 1e-3] the clip at 1e-7 never acts: the unclipped loss is the same.
    b = BATCH
    assert b["binary_probs"].min() >= 1e-3 * (1 - 1e-6) and b["binary_probs"].max() <= 1 - 1e-3 + 1e-7
    np.testing.assert_array_equal(L.binary_crossentropy(b["binary_targets"], b["binary_probs"]),
                                  L.binary_crossentropy(b["binary_targets"], b["binary_probs"], epsilon=0))


def test_one_hot_and_sparse_labels_give_the_same_loss():
    b = BATCH
    np.testing.assert_allclose(L.categorical_crossentropy_from_logits(b["onehot"], b["class_logits"]),
                               L.sparse_categorical_crossentropy(b["labels"], b["class_logits"], True),
                               rtol=1e-12)


def test_keras_clip_values():
    # p = 0 for a positive: -log(1e-7). p = 1 for a negative: 1 - 1e-7 rounds to
    # 1 - 2^-23 in float32, so the loss is -log(2^-23) = 15.94, not 16.12.
    pos = float(K.binary_crossentropy(tf.constant([[1.0]]), tf.constant([[0.0]]))[0])
    neg = float(K.binary_crossentropy(tf.constant([[0.0]]), tf.constant([[1.0]]))[0])
    assert pos == pytest.approx(-math.log(1e-7), rel=1e-6)
    assert neg == pytest.approx(23 * math.log(2), rel=1e-5)


def test_logits_are_the_safe_input():
    far = L.bce_probability_vs_logit(30.0)
    assert far["probabilities"][0] == pytest.approx(23 * math.log(2), rel=1e-5)
    assert far["probabilities"][1] == 0.0   # the clip cuts the gradient
    assert far["logits"][0] == pytest.approx(30.0, rel=1e-6)
    assert far["logits"][1] == pytest.approx(1.0, rel=1e-6)
    near = L.bce_probability_vs_logit(2.0)  # away from the clip both ways agree
    assert near["probabilities"][0] == pytest.approx(near["logits"][0], rel=1e-6)
    assert near["probabilities"][1] == pytest.approx(near["logits"][1], rel=1e-5)


def test_keras_sigmoid_output_is_rescued_on_the_tensorflow_backend():
    # keras.activations.sigmoid tags its output with the logits; the loss then uses them.
    z, y = tf.constant([[30.0]]), tf.constant([[0.0]])
    tagged = float(K.binary_crossentropy(y, tf.keras.activations.sigmoid(z))[0])
    plain = float(K.binary_crossentropy(y, tf.math.sigmoid(z))[0])
    assert tagged == pytest.approx(30.0, rel=1e-6)
    assert plain == pytest.approx(23 * math.log(2), rel=1e-5)


def test_focal_loss_reduces_to_bce_and_downweights_easy_examples():
    b = BATCH
    np.testing.assert_allclose(
        L.binary_focal_crossentropy(b["binary_targets"], b["binary_probs"], gamma=0.0),
        L.binary_crossentropy(b["binary_targets"], b["binary_probs"]), rtol=1e-12)
    y = np.ones((2, 1))
    p_t = np.array([[0.9], [0.1]])  # an easy and a hard positive
    ratio = L.binary_focal_crossentropy(y, p_t, gamma=2.0) / L.binary_crossentropy(y, p_t)
    np.testing.assert_allclose(ratio, [0.01, 0.81], rtol=1e-9)  # (1 - p_t)^2, never above 1


def test_custom_huber_matches_keras():
    b = BATCH
    y_true, y_pred = tf.constant(b["regression_true"]), tf.constant(2 * b["regression_pred"])
    np.testing.assert_allclose(L.huber(y_true, y_pred), K.huber(y_true, y_pred, delta=1.0),
                               rtol=1e-6, atol=1e-7)


def test_regularizer_is_part_of_the_training_objective():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = rng.normal(size=(8, 2)).astype(np.float32)
    model = L.regularized_model(l2=0.01)
    kernel = model.layers[0].kernel.numpy().astype(float)
    assert len(model.losses) == 1
    assert float(model.losses[0]) == pytest.approx(0.01 * np.sum(kernel**2), rel=1e-6)
    evaluated = model.evaluate(x, y, verbose=0)
    assert evaluated == pytest.approx(L.objective_by_hand(model, x, y, l2=0.01), rel=1e-6)
    assert evaluated > L.objective_by_hand(model, x, y, l2=0.0) + 1e-3
