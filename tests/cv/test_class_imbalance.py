"""Claims of docs/*/cv/class-imbalance.md.

The page trains the plain and the class-weighted logistic regressions once; the tests read
that run (same xdist group) for the recall claims.
"""

import numpy as np
import pytest
import tensorflow as tf
from sklearn.utils.class_weight import compute_class_weight

from examples.cv import class_imbalance as ci
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("cv/class-imbalance.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/cv/class-imbalance.md")


@pytest.mark.parametrize("counts", [[1890, 110], [60, 30, 10], [5, 5], [1, 2, 3, 94]])
def test_balanced_weights_equal_sklearn(counts):
    y = np.repeat(np.arange(len(counts)), counts)
    ours = ci.balanced_class_weights(y)
    reference = compute_class_weight("balanced", classes=np.arange(len(counts)), y=y)
    np.testing.assert_allclose(list(ours.values()), reference, rtol=1e-12)
    assert sum(ours[c] * n for c, n in enumerate(counts)) == pytest.approx(len(y))  # total weight n


def test_data_is_imbalanced_as_stated():
    x, y = ci.make_imbalanced(2000, seed=0)
    assert x.shape == (2000, 2) and np.bincount(y).tolist() == [1890, 110]
    np.testing.assert_allclose(x[y == 1].mean(axis=0) - x[y == 0].mean(axis=0), [1.5, 1.5], atol=0.25)


def test_keras_class_weight_is_the_weighted_mean_over_the_batch():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 32)
    p = rng.uniform(0.02, 0.98, 32)
    weights = {0: 0.3, 1: 4.0}
    keras = tf.keras.losses.BinaryCrossentropy()(y[:, None].astype("float32"), p[:, None],
                                                 sample_weight=np.vectorize(weights.get)(y))
    # float32 in Keras (and its 1e-7 clipping, far from p here): relative 1e-5
    assert ci.weighted_bce(y, p, weights) == pytest.approx(float(keras), rel=1e-5)
    # dividing by the sum of the weights instead would differ
    w = np.vectorize(weights.get)(y)
    assert abs(np.sum(w * -(y * np.log(p) + (1 - y) * np.log(1 - p))) / w.sum() - float(keras)) > 1e-3


def test_resampling_balances_counts_and_keeps_points():
    x, y = ci.make_imbalanced(2000, seed=0)
    x_over, y_over = ci.oversample(x, y, seed=1)
    x_under, y_under = ci.undersample(x, y, seed=1)
    assert np.bincount(y_over).tolist() == [1890, 1890] and np.bincount(y_under).tolist() == [110, 110]
    # oversampling keeps every negative once and only repeats existing positives
    np.testing.assert_array_equal(np.sort(x_over[y_over == 0], axis=0), np.sort(x[y == 0], axis=0))
    assert {tuple(r) for r in x_over[y_over == 1]} <= {tuple(r) for r in x[y == 1]}
    assert len(np.unique(x_over[y_over == 1], axis=0)) > 100  # almost every positive drawn
    # undersampling draws negatives without replacement
    assert len(np.unique(x_under[y_under == 0], axis=0)) == 110


def test_balanced_dataset_is_about_half_positive():
    x, y = ci.make_imbalanced(2000, seed=0)
    labels = np.concatenate([yb.numpy() for _, yb in ci.balanced_dataset(x, y, 64).take(40)])
    # 2560 draws at p = 0.5: standard error 0.01, so 0.45-0.55 is a 5-sigma band
    assert 0.45 < labels.mean() < 0.55


def test_class_weights_raise_minority_recall(page):
    recall_plain, recall_weighted = page["recall_plain"], page["recall_weighted"]
    # page: 0.31 -> 0.85; assert a wide margin rather than the exact numbers
    assert recall_plain < 0.5 and recall_weighted > 0.75
    assert recall_weighted > recall_plain + 0.3
    # the majority baseline has recall 0; both models find positives
    assert recall_plain > 0.1
    # and the cost the page states: precision drops, accuracy falls below the majority baseline
    assert page["precision_weighted"] < page["precision_plain"] - 0.2
    x_test, y_test = page["x_test"], page["y_test"]
    accuracy = lambda m: np.mean((m.predict(x_test, verbose=0)[:, 0] >= 0.5) == y_test)
    assert accuracy(page["plain"]) > np.mean(y_test == 0) > accuracy(page["weighted"])


def test_moving_the_threshold_matches_class_weights(page):
    assert page["threshold"] == pytest.approx(110 / 2000, rel=1e-9)  # w0 / (w0 + w1) = n1 / n
    assert abs(page["recall_moved"] - page["recall_weighted"]) < 0.05
    assert abs(page["precision_moved"] - page["precision_weighted"]) < 0.05


def test_duplicating_equals_integer_weights(page):
    # exercise 1, on other probabilities: exact up to float64 rounding
    rng = np.random.default_rng(0)
    y = np.array([0, 0, 0, 1, 1])
    p = rng.uniform(0.1, 0.9, 5)
    rows = np.concatenate([np.flatnonzero(y == 0), np.repeat(np.flatnonzero(y == 1), 3)])
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert np.mean(bce[rows]) * len(rows) / len(y) == pytest.approx(ci.weighted_bce(y, p, {0: 1, 1: 3}), rel=1e-12)
    assert page["duplicated"] == pytest.approx(
        ci.weighted_bce(page["y_train"], page["p_train"], {0: 1, 1: 17}), rel=1e-9)


def test_weighted_boundary_equals_the_moved_one(page):
    # the figure: lines w.x + b = logit(cut); compare direction and signed offset (x units)
    (w_plain, b_plain), (w_weighted, b_weighted) = [
        [a.ravel() for a in page[name].layers[-1].get_weights()] for name in ("plain", "weighted")]
    t = page["threshold"]
    offset = lambda w, b, cut: (b - np.log(cut / (1 - cut))) / np.linalg.norm(w)
    cosine = w_plain @ w_weighted / np.linalg.norm(w_plain) / np.linalg.norm(w_weighted)
    assert cosine > 0.99
    # measured: -0.96 and -0.97, while the plain boundary at 0.5 is at -2.48
    assert abs(offset(w_plain, b_plain, t) - offset(w_weighted, b_weighted, 0.5)) < 0.1
    assert offset(w_plain, b_plain, 0.5) < offset(w_weighted, b_weighted, 0.5) - 1.0


def test_class_weight_details_quoted_on_the_page():
    # the private helper fit() uses to turn class_weight into sample weights (array inputs)
    from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights

    # a class missing from the dict gets weight 1; one-hot labels are read through argmax
    np.testing.assert_array_equal(class_weight_to_sample_weights(np.array([0, 1, 2]), {1: 5.0}), [1, 5, 1])
    np.testing.assert_array_equal(class_weight_to_sample_weights(np.eye(3), {2: 3.0}), [1, 1, 3])
