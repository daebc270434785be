"""Claims of math/data-encoding.md, checked against TensorFlow/Keras and scikit-learn."""

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from examples.mathematics.data_encoding import (
    fit_min_max,
    fit_standard,
    knn_accuracy,
    one_hot,
    one_hot_decode,
    transform,
    wine_split,
)

LABELS = np.random.default_rng(0).integers(0, 7, size=(20, 3))  # any shape, 7 classes


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture(scope="module")
def wine():
    return wine_split(seed=0)


def test_one_hot_matches_tf_and_keras(tf):
    codes = one_hot(LABELS, 7)
    assert codes.shape == (20, 3, 7)
    np.testing.assert_array_equal(codes, tf.one_hot(LABELS, depth=7).numpy())
    np.testing.assert_array_equal(codes, tf.keras.utils.to_categorical(LABELS, num_classes=7))
    np.testing.assert_array_equal(one_hot_decode(codes), LABELS)
    assert np.all(codes.sum(axis=-1) == 1)


def test_one_hot_rejects_what_frameworks_accept_silently(tf):
    with pytest.raises(ValueError):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError):
        one_hot([-1], 3)
    with pytest.raises(TypeError):
        one_hot([0.0, 1.0], 3)
    # The frameworks' silent behaviour the page warns about:
    assert tf.one_hot([3, -1], depth=3).numpy().sum() == 0.0
    np.testing.assert_array_equal(tf.keras.utils.to_categorical([-1], num_classes=3), [[0, 0, 1]])


def test_to_categorical_infers_width_from_data(tf):
    assert tf.keras.utils.to_categorical([0, 1, 1]).shape == (3, 2)
    with pytest.raises(TypeError):
        tf.keras.utils.to_categorical([0, 1], num_classes=2, dtype="float32")  # seed's call


def test_min_max_matches_sklearn(wine):
    X_train, X_test, _, _ = wine
    scaler = MinMaxScaler().fit(X_train)
    stats = fit_min_max(X_train)
    # Same float64 arithmetic in a different order: agreement to a few ulps of O(1) values.
    for X in (X_train, X_test):
        np.testing.assert_allclose(transform(X, stats), scaler.transform(X), rtol=1e-12, atol=1e-12)
    train = transform(X_train, stats)
    np.testing.assert_allclose(train.min(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(train.max(axis=0), 1.0, rtol=1e-15)
    test = transform(X_test, stats)
    assert test.min() < 0 and test.max() > 1  # the page's claim: test data may leave [0, 1]


def test_standardization_matches_sklearn_and_keras(tf, wine):
    X_train, X_test, _, _ = wine
    scaler = StandardScaler().fit(X_train)
    stats = fit_standard(X_train)
    np.testing.assert_allclose(transform(X_test, stats), scaler.transform(X_test), rtol=1e-12, atol=1e-12)
    train = transform(X_train, stats)
    np.testing.assert_allclose(train.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(train.std(axis=0), 1.0, rtol=1e-13)   # population std, ddof=0
    layer = tf.keras.layers.Normalization(axis=-1)
    layer.adapt(X_train)
    # Keras computes in float32: values up to ~5 carry ~5e-7 rounding, so 1e-5 is safe.
    np.testing.assert_allclose(layer(X_test).numpy(), transform(X_test, stats), rtol=1e-5, atol=1e-5)


def test_constant_feature_is_not_divided_by_zero():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    for fit, sk in ((fit_min_max, MinMaxScaler()), (fit_standard, StandardScaler())):
        out = transform(X, fit(X))
        assert np.all(np.isfinite(out))
        np.testing.assert_allclose(out, sk.fit_transform(X), atol=1e-15)


def test_scaling_helps_knn_beyond_raw_baseline(wine):
    X_train, X_test, y_train, y_test = wine
    raw = knn_accuracy(X_train, y_train, X_test, y_test)
    for fit in (fit_min_max, fit_standard):
        stats = fit(X_train)
        scaled = knn_accuracy(transform(X_train, stats), y_train, transform(X_test, stats), y_test)
        assert scaled >= 0.9 and scaled - raw >= 0.15   # 0.963 vs 0.722 on this split


def test_fitting_on_one_sample_destroys_it(wine):
    X_train, X_test, _, _ = wine
    wrong = transform(X_test[:1], fit_standard(X_test[:1]))
    assert np.all(wrong == 0.0)
    right = transform(X_test[:1], fit_standard(X_train))
    assert np.abs(right).max() > 0.5


def test_fit_on_train_differs_from_fit_on_all(wine):
    X_train, X_test, _, _ = wine
    all_data = np.vstack([X_train, X_test])
    # Fitting on everything lets the test set move the statistics: they are not the same.
    assert not np.allclose(fit_standard(all_data)[0], fit_standard(X_train)[0], rtol=1e-6)
