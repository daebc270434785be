"""Class imbalance: balanced class weights, over- and undersampling, and what they do
to minority-class recall, on a synthetic two-class problem with 5 % positives.

Run it:  python -m examples.cv.class_imbalance
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf


def make_imbalanced(n=2000, positive_fraction=0.05, seed=0):
    """Two overlapping 2-D Gaussians: negatives around (0, 0), positives around (1.5, 1.5).
    Returns x (n, 2) float32 and y (n,) int with about positive_fraction ones."""
    rng = np.random.default_rng(seed)
    y = (rng.uniform(size=n) < positive_fraction).astype(int)
    x = rng.normal(size=(n, 2)) + 1.5 * y[:, None]
    return x.astype("float32"), y
# --8<-- [end:data]


# --8<-- [start:weights]
def balanced_class_weights(y):
    """w_c = n_samples / (n_classes * n_c): every class then carries the same total weight."""
    classes, counts = np.unique(y, return_counts=True)
    return dict(zip(classes.tolist(), (len(y) / (len(classes) * counts)).tolist()))
# --8<-- [end:weights]


# --8<-- [start:resample]
def oversample(x, y, seed=0):
    """Random oversampling: draw every smaller class with replacement up to the largest."""
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    rows = np.concatenate([rng.choice(np.flatnonzero(y == c), counts.max(), replace=c_n < counts.max())
                           if c_n < counts.max() else np.flatnonzero(y == c)
                           for c, c_n in zip(classes, counts)])
    return x[rows], y[rows]


def undersample(x, y, seed=0):
    """Random undersampling: keep a random subset of every larger class, the size of the smallest."""
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    rows = np.concatenate([rng.choice(np.flatnonzero(y == c), counts.min(), replace=False)
                           for c in classes])
    return x[rows], y[rows]
# --8<-- [end:resample]


# --8<-- [start:balanced_dataset]
def balanced_dataset(x, y, batch_size=64, seed=0):
    """tf.data: one endless stream per class, mixed 50/50 -> balanced batches."""
    streams = [tf.data.Dataset.from_tensor_slices((x[y == c], y[y == c]))
               .shuffle(int(np.sum(y == c)), seed=seed).repeat() for c in (0, 1)]
    return tf.data.Dataset.sample_from_datasets(streams, weights=[0.5, 0.5], seed=seed).batch(batch_size)
# --8<-- [end:balanced_dataset]


# --8<-- [start:train]
def train_logistic(x, y, class_weight=None, epochs=30, lr=0.1, seed=0):
    """Logistic regression as a one-unit Keras model; class_weight goes straight to fit()."""
    model = tf.keras.Sequential([
        tf.keras.Input((2,)),
        tf.keras.layers.Dense(1, activation="sigmoid",
                              kernel_initializer=tf.keras.initializers.Zeros()),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(lr), loss="binary_crossentropy")
    data = (tf.data.Dataset.from_tensor_slices((x, y.astype("float32")))
            .shuffle(len(x), seed=seed).batch(200).repeat(epochs))
    model.fit(data, epochs=1, verbose=0, shuffle=False, class_weight=class_weight)
    return model


def recall_precision(model, x, y, threshold=0.5):
    """Recall and precision of the positive (minority) class."""
    predicted = model.predict(x, verbose=0)[:, 0] >= threshold
    tp = np.sum(predicted & (y == 1))
    return tp / np.sum(y == 1), tp / max(np.sum(predicted), 1)
# --8<-- [end:train]


# --8<-- [start:weighted_loss]
def weighted_bce(y, p, class_weight):
    """What Keras minimises with class_weight: the mean over the batch of w_{y_i} * BCE_i
    (divided by the batch size, not by the sum of the weights)."""
    w = np.vectorize(class_weight.get)(y)
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(np.mean(w * bce))
# --8<-- [end:weighted_loss]


# --8<-- [start:figure]
def plot_boundaries(path, plain=None, weighted=None):
    """Test points and the decision lines of the plain model (at 0.5 and at the moved
    threshold) and of the class-weighted model; trains the two models if not given."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_train, y_train = make_imbalanced(2000, seed=0)
    x_test, y_test = make_imbalanced(2000, seed=100)
    weights = balanced_class_weights(y_train)
    if plain is None:
        plain = train_logistic(x_train, y_train)
    if weighted is None:
        weighted = train_logistic(x_train, y_train, class_weight=weights)
    threshold = weights[0] / (weights[0] + weights[1])
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.scatter(*x_test[y_test == 0].T, s=4, c="lightgray", label="negative (95%)")
    ax.scatter(*x_test[y_test == 1].T, s=10, c="tab:red", label="positive (5%)")
    grid = np.linspace(-4, 5, 2)
    for model, cut, style, label in ((plain, 0.5, "k-", "plain, threshold 0.5"),
                                     (plain, threshold, "k:", f"plain, threshold {threshold:.3f}"),
                                     (weighted, 0.5, "b--", "class weights, threshold 0.5")):
        (w1, w2), b = model.layers[-1].get_weights()[0][:, 0], model.layers[-1].get_weights()[1][0]
        logit = np.log(cut / (1 - cut))  # p >= cut  <=>  w.x + b >= logit
        ax.plot(grid, (logit - b - w1 * grid) / w2, style, lw=1.5, label=label)
    ax.set_xlim(-4, 5)
    ax.set_ylim(-4, 5)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(fontsize=7, loc="lower left", framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"class-imbalance-boundaries.png": plot_boundaries}


def run(seed=0):
    x_train, y_train = make_imbalanced(2000, seed=seed)
    x_test, y_test = make_imbalanced(2000, seed=seed + 100)
    weights = balanced_class_weights(y_train)
    plain = train_logistic(x_train, y_train, seed=seed)
    weighted = train_logistic(x_train, y_train, class_weight=weights, seed=seed)
    return {"plain": recall_precision(plain, x_test, y_test),
            "class weights": recall_precision(weighted, x_test, y_test)}


def main():
    x, y = make_imbalanced()
    print("counts:", np.bincount(y), "balanced weights:", balanced_class_weights(y))
    print("oversampled:", np.bincount(oversample(x, y)[1]), "undersampled:", np.bincount(undersample(x, y)[1]))
    for name, (recall, precision) in run().items():
        print(f"{name:14s} minority recall {recall:.2f}, precision {precision:.2f}")


if __name__ == "__main__":
    main()
