"""Claims of getting-started/scientific-python.md: the broadcasting rules match NumPy, the loop and
vectorized standardization match StandardScaler, a real model beats the majority-class baseline,
and the from-scratch metrics equal scikit-learn's."""

import itertools

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.preprocessing import StandardScaler

from examples.getting_started import scientific_python as sp
from tests.docharness.plugin import page_namespace

# The page fits the models; the tests assert on that very run (same worker, once per session).
pytestmark = pytest.mark.xdist_group("getting-started/scientific-python.md")


def numpy_broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return "error"


def ours(a, b):
    try:
        return sp.broadcast_shape(a, b)
    except ValueError:
        return "error"


SIZES = (0, 1, 2, 3)
SHAPES = [shape for ndim in range(4) for shape in itertools.product(SIZES, repeat=ndim)]


def test_broadcast_rules_match_numpy_on_every_small_shape_pair():
    # every pair of shapes with up to 3 axes of size 0..3 (85 shapes, 7225 pairs), errors included
    mismatches = [(a, b) for a in SHAPES for b in SHAPES if ours(a, b) != numpy_broadcast(a, b)]
    assert mismatches == []
    assert sum(numpy_broadcast(a, b) == "error" for a in SHAPES for b in SHAPES) > 1000  # both kinds occur


def test_broadcasting_example_from_the_numpy_docs():
    assert sp.broadcast_shape((8, 1, 6, 1), (7, 1, 5)) == (8, 7, 6, 5)
    with pytest.raises(ValueError, match="do not broadcast"):
        sp.broadcast_shape((3,), (4,))


def test_standardize_loop_vectorized_and_standard_scaler_agree():
    X = np.random.default_rng(0).normal(loc=5.0, scale=2.0, size=(100, 3))
    # same formula, different summation order: 1e-12 on values of order 1
    np.testing.assert_allclose(sp.standardize_loop(X), sp.standardize(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sp.standardize(X), StandardScaler().fit_transform(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sp.standardize(X).std(axis=0), 1.0, rtol=1e-12)


def test_constant_columns_give_nan_by_hand_but_not_in_standard_scaler():
    X_train = sp.digits_split()[0]
    constant = X_train.std(axis=0) == 0
    assert constant.any()  # the digits' border pixels are always 0
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(sp.standardize(X_train)[:, constant]).all()
    assert np.all(StandardScaler().fit_transform(X_train)[:, constant] == 0)


@pytest.fixture(scope="module")
def fitted():
    page = page_namespace("docs/zh/getting-started/scientific-python.md")
    return tuple(page[name] for name in ("X_train", "X_test", "y_train", "y_test", "scores", "models"))


def test_split_is_stratified(fitted):
    X_train, X_test, y_train, y_test, _, _ = fitted
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    # stratify keeps each class's share within one sample of the whole set's share
    np.testing.assert_allclose(np.bincount(y_test) / len(y_test),
                               np.bincount(np.r_[y_train, y_test]) / 1797, atol=1 / len(y_test))


def test_majority_baseline_scores_the_share_of_the_training_majority_class(fitted):
    _, _, y_train, y_test, scores, _ = fitted
    majority = np.bincount(y_train).argmax()
    assert scores["baseline (most frequent)"] == pytest.approx(np.mean(y_test == majority), abs=1e-15)
    assert scores["baseline (most frequent)"] < 0.15


def test_logistic_regression_beats_the_baseline_by_far(fitted):
    *_, scores, _ = fitted
    # the page shows 0.97; a few samples either way (other BLAS) must not fail the claim
    assert scores["logistic regression"] > 0.95
    assert scores["logistic regression"] > scores["baseline (most frequent)"] + 0.8


def test_metrics_from_scratch_equal_sklearn(fitted):
    _, X_test, _, y_test, _, models = fitted
    y_pred = models["logistic regression"].predict(X_test)
    assert sp.accuracy(y_test, y_pred) == accuracy_score(y_test, y_pred)
    np.testing.assert_array_equal(sp.confusion_counts(y_test, y_pred, 10), confusion_matrix(y_test, y_pred))
    # and on labels where some class is never predicted or never present
    y_true, y_hat = np.array([0, 0, 2, 2, 2]), np.array([0, 2, 2, 2, 0])
    np.testing.assert_array_equal(sp.confusion_counts(y_true, y_hat, 3),
                                  confusion_matrix(y_true, y_hat, labels=[0, 1, 2]))


def test_progress_loop_computes_the_sum_with_or_without_tqdm():
    n = 10**4
    assert sp.slow_sum_of_squares(n) == (n - 1) * n * (2 * n - 1) // 6
    assert list(sp.tqdm(range(3))) == [0, 1, 2]


def test_plot_digits_writes_a_png(tmp_path):
    from matplotlib.image import imread

    path = tmp_path / "digits.png"
    sp.plot_digits(path)
    assert imread(path).shape[:2] == (130, 800)  # figsize (8, 1.3) at dpi 100


def test_main_runs(capsys):
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    # One BLAS thread: on a shared 2-core CI box OpenBLAS threads contend and the small
    # logistic-regression fit takes seconds instead of ~0.1 s. Results are the same.
    with threadpool_limits(limits=1):
        sp.main()
    out = capsys.readouterr().out
    assert "broadcast (3, 1) with (4,): (3, 4)" in out
    assert "baseline (most frequent): test accuracy 0.102" in out
