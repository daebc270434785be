"""Claims of docs/*/cv/preprocessing.md, checked against scikit-learn and TensorFlow/Keras.

Tolerances: float64 against float64 (scikit-learn) 1e-9 to 1e-12 — only rounding of sums over
1797 rows separates them; float32 (Keras) 1e-5 relative to values of order 1, or 1e-4 on values
of order 100. "Identity covariance" is checked to 1e-6 as the page states; the from-scratch
result reaches ~1e-11, while a whitening that forgot one eigenvalue or the centering is off by
far more (the tests below break it on purpose).
"""

import numpy as np
import pytest
import tensorflow as tf
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from examples.cv import image_preprocessing as pp


@pytest.fixture(scope="module")
def X():
    return pp.digits_matrix()


@pytest.fixture(scope="module")
def decomposition(X):
    return pp.pca(X)


def test_zero_center_and_standardize(X):
    assert np.abs(pp.zero_center(X).mean(axis=0)).max() < 1e-12
    Z = pp.standardize(X)
    np.testing.assert_allclose(Z, StandardScaler().fit_transform(X), atol=1e-12)
    normalizer = tf.keras.layers.Normalization(axis=-1)
    normalizer.adapt(X)
    np.testing.assert_allclose(Z, normalizer(X).numpy(), atol=1e-5)
    constant = X.std(axis=0) == 0
    assert constant.sum() == 3 and not np.isnan(Z).any()
    np.testing.assert_array_equal(Z[:, constant], 0.0)
    np.testing.assert_allclose(Z[:, ~constant].std(axis=0), 1.0, atol=1e-12)


def test_training_statistics_are_reused(X):
    train, test = X[:1000], X[1000:]
    mean, std = train.mean(axis=0), train.std(axis=0)
    scaler = StandardScaler().fit(train)
    np.testing.assert_allclose(pp.standardize(test, mean, std), scaler.transform(test), atol=1e-12)


def test_mean_pixel_and_mean_image():
    images = pp.photo_batch()
    assert images.shape == (2, 107, 160, 3)
    np.testing.assert_allclose(pp.channel_mean(images), tf.reduce_mean(images, axis=[0, 1, 2]).numpy(), rtol=1e-5)
    np.testing.assert_allclose(pp.mean_image(images), tf.reduce_mean(images, axis=0).numpy(), rtol=1e-5)
    np.testing.assert_allclose(pp.channel_mean(images), [100.08, 109.77, 99.27], atol=0.01)  # printed on the page
    images64 = images.astype(np.float64)  # float32 sums of 34240 values per channel drift by ~1e-2
    centered = images64 - pp.channel_mean(images64)
    np.testing.assert_allclose(centered.mean(axis=(0, 1, 2)), 0.0, atol=1e-9)


def test_keras_application_modes():
    images = pp.photo_batch()
    caffe = tf.keras.applications.vgg16.preprocess_input(images.copy())
    np.testing.assert_allclose(pp.vgg_preprocess(images), caffe, atol=1e-4)  # float32 on values ~100
    np.testing.assert_allclose(pp.vgg_preprocess(images)[..., 0], images[..., 2] - 103.939, atol=1e-4)
    torch = tf.keras.applications.imagenet_utils.preprocess_input(images.copy(), mode="torch")
    np.testing.assert_allclose(pp.torch_preprocess(images), torch, atol=1e-5)
    tf_mode = tf.keras.applications.imagenet_utils.preprocess_input(images.copy(), mode="tf")
    np.testing.assert_allclose(tf_mode, images / 127.5 - 1, atol=1e-5)


def test_preprocess_input_modifies_numpy_input_in_place():
    original = pp.photo_batch()
    result = tf.keras.applications.vgg16.preprocess_input(original)
    assert np.shares_memory(result, original)
    assert not np.array_equal(original, pp.photo_batch())


def test_per_image_standardization_matches_tf():
    image = pp.photo_batch()[0]
    np.testing.assert_allclose(pp.per_image_standardization(image),
                               tf.image.per_image_standardization(image).numpy(), atol=1e-5)
    flat = np.full((4, 4, 1), 7.0, np.float32)  # std 0: divided by 1/sqrt(16), giving zeros
    np.testing.assert_allclose(pp.per_image_standardization(flat),
                               tf.image.per_image_standardization(flat).numpy(), atol=1e-6)


def test_pca_matches_sklearn(X, decomposition):
    mean, eigenvalues, eigenvectors = decomposition
    reference = PCA().fit(X)
    n = len(X)
    assert np.all(np.diff(eigenvalues) <= 1e-12)  # decreasing
    np.testing.assert_allclose(eigenvalues, reference.explained_variance_ * (n - 1) / n, atol=1e-9)
    np.testing.assert_allclose(np.abs(eigenvectors[:, :61].T), np.abs(reference.components_[:61]), atol=1e-6)
    projected = pp.pca_project(X, mean, eigenvectors, 10)
    np.testing.assert_allclose(np.abs(projected), np.abs(reference.transform(X)[:, :10]), atol=1e-8)
    # decorrelated: the covariance of the projection is diagonal, with the eigenvalues on it
    np.testing.assert_allclose(pp.covariance(projected), np.diag(eigenvalues[:10]), atol=1e-9)


def test_whitened_covariance_is_identity_after_dropping_zero_directions(X, decomposition):
    mean, eigenvalues, eigenvectors = decomposition
    drop = 1e-10 * eigenvalues[0]
    assert (eigenvalues <= drop).sum() == 3  # one per constant pixel
    white = pp.whiten(X, mean, eigenvalues, eigenvectors, drop_below=drop)
    assert white.shape == (1797, 61)
    np.testing.assert_allclose(pp.covariance(white), np.eye(61), atol=1e-6)
    reference = PCA(n_components=61, whiten=True).fit_transform(X)
    np.testing.assert_allclose(np.abs(reference), np.abs(white) * np.sqrt((len(X) - 1) / len(X)), atol=1e-8)


def test_whitening_check_can_fail(X, decomposition):
    mean, eigenvalues, eigenvectors = decomposition
    drop = 1e-10 * eigenvalues[0]
    wrong = pp.whiten(X, mean, eigenvalues[::-1].copy(), eigenvectors, drop_below=0.0)  # mismatched order
    assert np.abs(pp.covariance(wrong) - np.eye(wrong.shape[1])).max() > 1e-2
    rotated_only = pp.pca_project(X, mean, eigenvectors, 61)
    assert np.abs(pp.covariance(rotated_only) - np.eye(61)).max() > 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not np.isfinite(pp.whiten(X, mean, eigenvalues, eigenvectors)).all()
    assert drop > 0


@pytest.mark.parametrize("epsilon", [1e-5, 0.1, 1.0])
def test_epsilon_gives_lambda_over_lambda_plus_epsilon(X, decomposition, epsilon):
    mean, eigenvalues, eigenvectors = decomposition
    white = pp.whiten(X, mean, eigenvalues, eigenvectors, epsilon=epsilon)
    cov = pp.covariance(white)
    np.testing.assert_allclose(cov, np.diag(eigenvalues / (eigenvalues + epsilon)), atol=1e-6)
    assert np.diag(cov)[61:].max() < 1e-6  # the zero-variance directions stay at 0, not 1


def test_zca_is_closest_whitening():
    cloud = pp.correlated_cloud()
    mean, values, vectors = pp.pca(cloud)
    pca_white = pp.whiten(cloud, mean, values, vectors)
    zca_white = pca_white @ vectors.T
    np.testing.assert_allclose(pp.covariance(zca_white), np.eye(2), atol=1e-9)
    centered = cloud - mean
    assert np.mean((zca_white - centered) ** 2) < np.mean((pca_white - centered) ** 2)
