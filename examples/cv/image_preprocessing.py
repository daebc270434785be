"""Image preprocessing: zero-centering, normalization, the mean pixel, PCA and whitening.

From scratch in NumPy on scikit-learn's digits (1797 x 64 pixels) and two sample photos,
checked against scikit-learn (StandardScaler, PCA) and TensorFlow/Keras (Normalization,
tf.image.per_image_standardization, keras.applications preprocess_input).

Run it:  python -m examples.cv.image_preprocessing
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits, load_sample_image


def digits_matrix():
    """The digits as a data matrix: one row per image, 64 pixel values in 0..16 (float64)."""
    return load_digits().data


def photo_batch(step=4):
    """china.jpg and flower.jpg, every `step`-th pixel: float32, shape (2, 107, 160, 3), 0..255."""
    photos = [load_sample_image(name)[::step, ::step] for name in ("china.jpg", "flower.jpg")]
    return np.stack(photos).astype(np.float32)
# --8<-- [end:data]


# --8<-- [start:center]
def zero_center(X, mean=None):
    """Subtract the per-feature mean (of the training data, if given)."""
    mean = X.mean(axis=0) if mean is None else mean
    return X - mean


def standardize(X, mean=None, std=None):
    """(X - mean) / std per feature; a constant feature (std 0) is divided by 1, not by 0."""
    mean = X.mean(axis=0) if mean is None else mean
    std = X.std(axis=0) if std is None else std
    return (X - mean) / np.where(std > 0, std, 1.0)
# --8<-- [end:center]


# --8<-- [start:mean_pixel]
# ImageNet statistics used by keras.applications (RGB order)
VGG_MEAN_BGR = np.array([103.939, 116.779, 123.68])
TORCH_MEAN = np.array([0.485, 0.456, 0.406])
TORCH_STD = np.array([0.229, 0.224, 0.225])


def channel_mean(images):
    """The mean pixel: one value per channel, over images, rows and columns. (N, H, W, C) -> (C,)"""
    return images.mean(axis=(0, 1, 2))


def mean_image(images):
    """The mean image: one value per position and channel. (N, H, W, C) -> (H, W, C)"""
    return images.mean(axis=0)


def vgg_preprocess(images):
    """'caffe' mode of keras.applications (VGG, ResNet50): RGB -> BGR, subtract the BGR mean pixel."""
    return images[..., ::-1] - VGG_MEAN_BGR


def torch_preprocess(images):
    """'torch' mode (DenseNet, ...): scale to [0, 1], then standardize each RGB channel."""
    return (images / 255.0 - TORCH_MEAN) / TORCH_STD


def per_image_standardization(image):
    """tf.image.per_image_standardization: one mean and std per image, std at least 1/sqrt(size)."""
    std = max(image.std(), 1.0 / np.sqrt(image.size))
    return (image - image.mean()) / std
# --8<-- [end:mean_pixel]


# --8<-- [start:pca]
def pca(X):
    """Eigen-decomposition of the covariance of X (rows are samples).

    Returns the mean, the eigenvalues in decreasing order and the eigenvectors as columns.
    """
    mean = X.mean(axis=0)
    Xc = X - mean
    cov = Xc.T @ Xc / len(X)  # population covariance (divide by N)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)  # eigh: cov is symmetric; ascending order
    order = np.argsort(eigenvalues)[::-1]
    return mean, eigenvalues[order], eigenvectors[:, order]


def pca_project(X, mean, eigenvectors, k):
    """Coordinates of X along the first k principal directions (decorrelated)."""
    return (X - mean) @ eigenvectors[:, :k]


def whiten(X, mean, eigenvalues, eigenvectors, epsilon=0.0, drop_below=None):
    """PCA whitening: rotate onto the eigenvectors and divide by sqrt(eigenvalue + epsilon).

    drop_below: drop the directions whose eigenvalue is below it (zero-variance directions);
    without it, every direction is kept and epsilon must be > 0 to avoid dividing by ~0.
    """
    keep = np.ones(len(eigenvalues), bool) if drop_below is None else eigenvalues > drop_below
    rotated = (X - mean) @ eigenvectors[:, keep]
    return rotated / np.sqrt(eigenvalues[keep] + epsilon)


def covariance(Z):
    """Population covariance of the rows of Z."""
    Zc = Z - Z.mean(axis=0)
    return Zc.T @ Zc / len(Z)
# --8<-- [end:pca]


# --8<-- [start:figure]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def correlated_cloud(num_points=300, seed=0):
    """A 2-D Gaussian cloud, off-centre, stretched and tilted (features strongly correlated)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(num_points, 2)) * [3.0, 0.6]
    angle = np.deg2rad(30)
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    return z @ rotation + [6.0, 3.0]


def plot_preprocessing(path):
    """The same 2-D cloud: original, zero-centred, normalized, decorrelated (PCA), whitened."""
    plt = _pyplot()
    X = correlated_cloud()
    mean, eigenvalues, eigenvectors = pca(X)
    panels = [("original", X), ("zero-centred", zero_center(X)), ("normalized", standardize(X)),
              ("decorrelated (PCA)", pca_project(X, mean, eigenvectors, 2)),
              ("whitened", whiten(X, mean, eigenvalues, eigenvectors))]
    fig, axes = plt.subplots(1, 5, figsize=(10, 2.4), dpi=100, sharex=True, sharey=True)
    for ax, (title, Z) in zip(axes, panels):
        ax.scatter(Z[:, 0], Z[:, 1], s=3, alpha=0.6)
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set_title(title, fontsize=9)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
    axes[0].set_xlim(-10, 14)
    axes[0].set_ylim(-8, 10)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"preprocessing-pca-whitening.png": plot_preprocessing}


def main():
    X = digits_matrix()
    mean, eigenvalues, eigenvectors = pca(X)
    drop = 1e-10 * eigenvalues[0]
    kept = int((eigenvalues > drop).sum())
    white = whiten(X, mean, eigenvalues, eigenvectors, drop_below=drop)
    print(f"digits {X.shape}: {kept} of 64 directions have variance > 0 "
          f"({(X.std(axis=0) == 0).sum()} pixels are constant)")
    print(f"max |cov(whitened) - I| = {np.abs(covariance(white) - np.eye(kept)).max():.1e}")
    print(f"first 10 components keep {eigenvalues[:10].sum() / eigenvalues.sum():.1%} of the variance")
    print("mean pixel of the two photos (R, G, B):", channel_mean(photo_batch()).round(1))


if __name__ == "__main__":
    main()
