"""One-hot encoding, min-max normalization and z-score standardization in NumPy.

The scalers are split into ``fit`` (learn statistics, on the training set only) and
``transform`` (apply them to any set), the way scikit-learn's scalers work.

Run it:  python -m examples.mathematics.data_encoding
"""

# --8<-- [start:one_hot]
import numpy as np


def one_hot(labels, num_classes):
    """Integer labels (any shape) -> float array with a trailing axis of size num_classes.

    num_classes is required on purpose: inferring it from the data gives a training set
    and a test set codes of different widths when a class is missing from one of them.
    """
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes - 1}], "
                         f"got [{labels.min()}, {labels.max()}]")
    return np.eye(num_classes)[labels]  # row k of the identity is the code of class k


def one_hot_decode(codes):
    """Back to integer labels (also turns predicted probabilities into classes)."""
    return np.argmax(codes, axis=-1)
# --8<-- [end:one_hot]


# --8<-- [start:scaling]
def _safe_scale(scale):
    """A constant feature has range 0 and std 0; divide by 1 instead (as scikit-learn does)."""
    return np.where(scale == 0, 1.0, scale)


def fit_min_max(X):
    """Statistics of min-max normalization: per-feature minimum and range."""
    X = np.asarray(X, dtype=float)
    low = X.min(axis=0)
    return low, _safe_scale(X.max(axis=0) - low)


def fit_standard(X):
    """Statistics of z-score standardization: per-feature mean and population std (ddof=0)."""
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), _safe_scale(X.std(axis=0))


def transform(X, stats):
    """(X - shift) / scale with statistics from fit_min_max or fit_standard."""
    shift, scale = stats
    return (np.asarray(X, dtype=float) - shift) / scale
# --8<-- [end:scaling]


# --8<-- [start:data]
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split


def wine_split(seed=0):
    """scikit-learn's bundled wine data (178 x 13, 3 classes), stratified 70/30 split."""
    X, y = load_wine(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
# --8<-- [end:data]


# --8<-- [start:knn]
from sklearn.neighbors import KNeighborsClassifier


def knn_accuracy(X_train, y_train, X_test, y_test, k=5):
    """k-nearest neighbours works on distances, so it feels the feature scales directly."""
    model = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)
    return model.score(X_test, y_test)
# --8<-- [end:knn]


# --8<-- [start:figure]
def plot_scaling(path, seed=0):
    """Two wine features (alcohol, proline), raw, min-max and z-score, on equal axes.

    Raw, proline spans about 1400 units and alcohol 4: the points form a vertical line,
    which is how a Euclidean distance sees them.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X_train, X_test, _, _ = wine_split(seed)
    columns = [0, 12]  # alcohol (about 11-15), proline (about 280-1700)
    panels = [("raw", X_train, X_test),
              ("min-max (fit on train)", *(transform(X, fit_min_max(X_train)) for X in (X_train, X_test))),
              ("z-score (fit on train)", *(transform(X, fit_standard(X_train)) for X in (X_train, X_test)))]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.3), dpi=100)
    for ax, (title, train, test) in zip(axes, panels):
        ax.scatter(train[:, columns[0]], train[:, columns[1]], s=10, label="train")
        ax.scatter(test[:, columns[0]], test[:, columns[1]], s=14, marker="x", label="test")
        ax.set_title(title)
        ax.set_xlabel("alcohol")
        ax.set_aspect("equal", adjustable="datalim")  # one unit is as long on both axes
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("proline")
    axes[0].legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]

FIGURES = {"data-encoding-scaling.png": plot_scaling}


def main():
    print("one_hot([0, 2, 1], 3) =\n", one_hot([0, 2, 1], 3))
    X_train, X_test, y_train, y_test = wine_split()
    for name, fit in (("min-max", fit_min_max), ("z-score", fit_standard)):
        stats = fit(X_train)
        test = transform(X_test, stats)
        print(f"{name}: test range [{test.min():.2f}, {test.max():.2f}], "
              f"kNN accuracy {knn_accuracy(transform(X_train, stats), y_train, test, y_test):.3f}")
    print(f"raw: kNN accuracy {knn_accuracy(X_train, y_train, X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
