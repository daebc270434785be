"""The from-scratch metrics of examples/basics/metrics.py against scikit-learn (and Keras).

All comparisons are exact up to float64 rounding (the same counts go into the same ratios), so
the tolerance is 1e-12. Random cases use fixed seeds and include classes that are never
predicted, which is where implementations usually differ.
"""

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from examples.basics import metrics as m

TOL = 1e-12  # same integer counts, same divisions: only float64 rounding can differ


def random_labels(seed, num_samples=60, num_classes=4):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, num_classes, num_samples)
    y_pred = np.where(rng.random(num_samples) < 0.6, y_true, rng.integers(0, num_classes, num_samples))
    y_pred[y_pred == num_classes - 1] = 0  # the last class is never predicted: a zero division
    return y_true, y_pred


def test_confusion_matrix_matches_sklearn():
    for seed in range(5):
        y_true, y_pred = random_labels(seed)
        np.testing.assert_array_equal(m.confusion_matrix_np(y_true, y_pred, 4),
                                      skm.confusion_matrix(y_true, y_pred, labels=range(4)))
    # Rows are true classes, columns predicted: one dog predicted as cat sits at [1, 0].
    assert m.confusion_matrix_np([1], [0], 2).tolist() == [[0, 0], [1, 0]]


def test_binary_example_values_and_sklearn():
    yt, yp = m.y_true_bin, m.y_pred_bin
    tp, fp, fn, tn = m.binary_counts(yt, yp)
    assert (tp, fp, fn, tn) == (3, 1, 2, 14)
    assert m.accuracy(tp, fp, fn, tn) == pytest.approx(skm.accuracy_score(yt, yp), abs=TOL)
    assert m.precision(tp, fp) == pytest.approx(skm.precision_score(yt, yp), abs=TOL)
    assert m.recall(tp, fn) == pytest.approx(skm.recall_score(yt, yp), abs=TOL)
    assert m.fbeta(tp, fp, fn) == pytest.approx(skm.f1_score(yt, yp), abs=TOL)
    for beta in (0.5, 2.0, 3.0):
        assert m.fbeta(tp, fp, fn, beta) == pytest.approx(skm.fbeta_score(yt, yp, beta=beta), abs=TOL)
    assert m.jaccard(tp, fp, fn) == pytest.approx(skm.jaccard_score(yt, yp), abs=TOL)
    assert m.cohen_kappa_np(yt, yp) == pytest.approx(skm.cohen_kappa_score(yt, yp), abs=TOL)
    # The page's hand-computed values.
    assert (m.fbeta(tp, fp, fn), m.fbeta(tp, fp, fn, 2)) == pytest.approx((2 / 3, 0.625), abs=TOL)
    assert m.cohen_kappa_np(yt, yp) == pytest.approx(0.2 / 0.35, abs=TOL)


def test_f2_weighs_recall_more_than_f1():
    # Same F1 (precision and recall swapped), but F2 prefers the high-recall classifier.
    high_recall, high_precision = (3, 3, 1), (3, 1, 3)  # (tp, fp, fn)
    assert m.fbeta(*high_recall) == pytest.approx(m.fbeta(*high_precision), abs=TOL)
    assert m.fbeta(*high_recall, beta=2) > m.fbeta(*high_precision, beta=2)


def test_jaccard_is_a_function_of_f1():
    for seed in range(5):
        y_true, y_pred = random_labels(seed, num_classes=2)
        f1 = skm.f1_score(y_true, y_pred, zero_division=0)
        assert skm.jaccard_score(y_true, y_pred, zero_division=0) == pytest.approx(f1 / (2 - f1), abs=TOL)


@pytest.mark.parametrize("average", ["macro", "micro", "weighted", None])
@pytest.mark.parametrize("metric", ["precision", "recall", "f1", "fbeta", "jaccard"])
def test_averaging_matches_sklearn(metric, average):
    reference = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score,
                 "fbeta": lambda *a, **k: skm.fbeta_score(*a, beta=2.0, **k),
                 "jaccard": skm.jaccard_score}[metric]
    for seed in range(3):
        y_true, y_pred = random_labels(seed)
        cm = m.confusion_matrix_np(y_true, y_pred, 4)
        for zero_division in (0.0, 1.0):
            ours = m.average_scores(cm, metric, average, beta=2.0, zero_division=zero_division)
            theirs = reference(y_true, y_pred, labels=range(4), average=average, zero_division=zero_division)
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)


def test_micro_average_equals_accuracy_single_label():
    for seed in range(5):
        y_true, y_pred = random_labels(seed)
        cm = m.confusion_matrix_np(y_true, y_pred, 4)
        acc = skm.accuracy_score(y_true, y_pred)
        for metric in ("precision", "recall", "f1"):
            assert m.average_scores(cm, metric, "micro") == pytest.approx(acc, abs=TOL)
    cm = m.confusion_matrix_np(m.y_true_multi, m.y_pred_multi, 3)
    macro, micro, weighted = (m.average_scores(cm, "f1", a) for a in ("macro", "micro", "weighted"))
    assert len({round(macro, 4), round(micro, 4), round(weighted, 4)}) == 3  # the page shows three different numbers


def test_kappa_matches_sklearn_and_is_zero_for_majority_vote():
    for seed in range(5):
        y_true, y_pred = random_labels(seed)
        assert m.cohen_kappa_np(y_true, y_pred) == pytest.approx(skm.cohen_kappa_score(y_true, y_pred), abs=TOL)
    majority = np.zeros_like(m.y_true_bin)
    assert skm.accuracy_score(m.y_true_bin, majority) == 0.75
    assert m.cohen_kappa_np(m.y_true_bin, majority) == pytest.approx(0.0, abs=TOL)
    # Undefined (chance agreement is 1): both return NaN.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(skm.cohen_kappa_score([1, 1, 1], [1, 1, 1]))
    assert np.isnan(m.cohen_kappa_np([1, 1, 1], [1, 1, 1]))


@pytest.mark.parametrize("zero_division", [0.0, 1.0, np.nan])
def test_zero_division_like_sklearn(zero_division):
    y_true, y_pred = np.array([1, 1, 0, 0, 0]), np.zeros(5, dtype=int)  # nothing predicted positive
    tp, fp, fn, _ = m.binary_counts(y_true, y_pred)
    np.testing.assert_equal(m.precision(tp, fp, zero_division),
                            skm.precision_score(y_true, y_pred, zero_division=zero_division))
    # F1 is still defined (recall is 0): zero_division does not change it.
    assert m.fbeta(tp, fp, fn, 1.0, zero_division) == skm.f1_score(y_true, y_pred, zero_division=zero_division) == 0.0
    # No positives at all, predicted or true: precision, recall and F1 all take zero_division.
    z = np.zeros(5, dtype=int)
    tp, fp, fn, _ = m.binary_counts(z, z)
    for ours, ref in [(m.precision(tp, fp, zero_division), skm.precision_score),
                      (m.recall(tp, fn, zero_division), skm.recall_score),
                      (m.fbeta(tp, fp, fn, 1.0, zero_division), skm.f1_score)]:
        np.testing.assert_equal(ours, ref(z, z, zero_division=zero_division))


def test_nan_zero_division_leaves_class_out_of_macro_average():
    y_true, y_pred = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 0, 1, 1, 0, 1])
    cm = m.confusion_matrix_np(y_true, y_pred, 3)
    ours = m.average_scores(cm, "precision", "macro", zero_division=np.nan)
    assert ours == pytest.approx(skm.precision_score(y_true, y_pred, average="macro", zero_division=np.nan), abs=TOL)
    assert ours == pytest.approx(2 / 3, abs=TOL)  # mean of the two defined classes only
    assert m.average_scores(cm, "precision", "macro", zero_division=0.0) == pytest.approx(4 / 9, abs=TOL)


def test_seed_epsilon_trick_is_zero_division_zero():
    # Seed 001: "xx / (xx + 1e-10)"; meant as tp / (tp + fp + 1e-10), it returns 0 when tp = fp = 0 ...
    tp, fp = 0, 0
    assert tp / (tp + fp + 1e-10) == m.precision(tp, fp, zero_division=0.0)
    # ... while the literal formula x / (x + eps) is about 1 for every count: it is not a precision.
    assert 3 / (3 + 1e-10) == pytest.approx(1.0)


def test_per_batch_average_is_not_the_global_f1():
    y_true, scores = m.make_rare_positive_data()
    y_pred = (scores > 0.5).astype(int)
    mean_batch, whole = m.f1_per_batch_vs_global(y_true, y_pred, 16)
    assert whole == pytest.approx(skm.f1_score(y_true, y_pred), abs=TOL)
    assert whole - mean_batch > 0.1  # the page's point: the batch mean is biased low here
    # With one batch holding everything, the two agree.
    assert m.f1_per_batch_vs_global(y_true, y_pred, len(y_true))[0] == pytest.approx(whole, abs=TOL)


def test_keras_streaming_metrics_equal_global_sklearn():
    y_true, scores = m.make_rare_positive_data()
    y_pred = (scores > 0.5).astype(int)  # Keras counts y_pred > threshold as positive
    reference = [skm.precision_score(y_true, y_pred), skm.recall_score(y_true, y_pred), skm.f1_score(y_true, y_pred)]
    for batch_size in (100, 256):  # stateful: the batch size must not matter
        # float32 accumulation in Keras: 1e-6 is ample for counts below 1000.
        np.testing.assert_allclose(m.keras_streaming_scores(y_true, scores, batch_size), reference, atol=1e-6)


def test_tensorflow_confusion_matrix_has_true_classes_in_rows():
    import tensorflow as tf

    # The page says TF uses sklearn's orientation: one dog (1) predicted as cat (0) sits at [1, 0].
    np.testing.assert_array_equal(tf.math.confusion_matrix([1], [0], num_classes=2).numpy(), [[0, 0], [1, 0]])
    np.testing.assert_array_equal(tf.math.confusion_matrix(m.y_true_multi, m.y_pred_multi).numpy(),
                                  m.confusion_matrix_np(m.y_true_multi, m.y_pred_multi))

