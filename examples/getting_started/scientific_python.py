"""The scientific Python stack in brief: NumPy broadcasting and vectorization, a matplotlib
figure, scikit-learn baselines and metrics on the bundled digits data, and progress bars.

No downloads: the digits (1797 8x8 images, 10 classes) ship with scikit-learn. pandas and
tqdm are not dependencies of this site; the tqdm region falls back to a plain loop without it.

Run it:  python -m examples.getting_started.scientific_python
"""

# --8<-- [start:broadcasting]
import numpy as np


def broadcast_shape(shape_a, shape_b):
    """The shape of `a op b` under NumPy's broadcasting rules (ValueError if incompatible).

    1. Pad the shorter shape with 1s on the left until both have the same length.
    2. Compare axis by axis: equal sizes stay; a size of 1 stretches to the other size;
       any other pair is an error.
    """
    ndim = max(len(shape_a), len(shape_b))
    a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(a, b):
        if size_a == size_b or size_b == 1:
            result.append(size_a)
        elif size_a == 1:
            result.append(size_b)
        else:
            raise ValueError(f"shapes {tuple(shape_a)} and {tuple(shape_b)} do not broadcast: "
                             f"{size_a} vs {size_b}")
    return tuple(result)
# --8<-- [end:broadcasting]


# --8<-- [start:vectorize]
def standardize_loop(X):
    """Per-column (x - mean) / std with explicit Python loops, as the formula reads."""
    num_rows, num_cols = X.shape
    out = np.empty((num_rows, num_cols))
    for j in range(num_cols):
        column = [float(X[i, j]) for i in range(num_rows)]
        mean = sum(column) / num_rows
        std = (sum((v - mean) ** 2 for v in column) / num_rows) ** 0.5
        for i in range(num_rows):
            out[i, j] = (column[i] - mean) / std
    return out


def standardize(X):
    """The same in one line: (m, n) minus (n,) broadcasts the column means over the rows."""
    return (X - X.mean(axis=0)) / X.std(axis=0)
# --8<-- [end:vectorize]


# --8<-- [start:plot]
def plot_digits(path, count=10):
    """The first `count` digits with their labels, saved as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # draw to files, no window (servers, CI)
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_digits

    digits = load_digits()
    fig, axes = plt.subplots(1, count, figsize=(count * 0.8, 1.3), dpi=100)
    for ax, image, label in zip(axes, digits.images, digits.target):
        ax.imshow(image, cmap="gray_r")  # an 8 x 8 array of values 0..16
        ax.set_title(str(label))
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:plot]


# --8<-- [start:baseline]
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def digits_split(seed=0):
    """The bundled digits, split 75 / 25 with the class proportions kept (stratify)."""
    X, y = load_digits(return_X_y=True)  # X: (1797, 64) pixel values, y: labels 0..9
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)


def baseline_and_model(X_train, X_test, y_train, y_test):
    """Test accuracy of a majority-class baseline and of a logistic-regression pipeline."""
    models = {
        "baseline (most frequent)": DummyClassifier(strategy="most_frequent"),
        # the scaler is fitted inside the pipeline, on the training split only
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    }
    scores = {}
    for name, model in models.items():
        model.fit(X_train, y_train)
        scores[name] = accuracy_score(y_test, model.predict(X_test))
    return scores, models
# --8<-- [end:baseline]


# --8<-- [start:metrics]
def accuracy(y_true, y_pred):
    """Share of correct predictions."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def confusion_counts(y_true, y_pred, num_classes):
    """C[i, j] = how many samples of class i were predicted as class j."""
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)  # add 1 at every (true, predicted) pair
    return counts
# --8<-- [end:metrics]


# --8<-- [start:progress]
try:
    from tqdm.auto import tqdm
except ImportError:  # tqdm is optional: without it the loop runs without a bar

    def tqdm(iterable, **kwargs):
        return iterable


def slow_sum_of_squares(n):
    """A long loop wrapped in tqdm: the bar shows progress, rate and time left."""
    total = 0
    for i in tqdm(range(n), desc="summing", unit="it"):
        total += i * i
    return total
# --8<-- [end:progress]


FIGURES = {"scientific-python-digits.png": plot_digits}


def main():
    print("broadcast (3, 1) with (4,):", broadcast_shape((3, 1), (4,)))
    X_train, X_test, y_train, y_test = digits_split()
    print("standardize: loop equals vectorized:", np.allclose(standardize_loop(X_train[:, 10:14]),
                                                               standardize(X_train[:, 10:14])))
    scores, models = baseline_and_model(X_train, X_test, y_train, y_test)
    for name, score in scores.items():
        print(f"{name:>26}: test accuracy {score:.3f}")
    y_pred = models["logistic regression"].predict(X_test)
    print("confusion matrix (rows: true digit, columns: predicted):")
    print(confusion_counts(y_test, y_pred, 10))
    print("sum of squares below 10**5:", slow_sum_of_squares(10**5))


if __name__ == "__main__":
    main()
