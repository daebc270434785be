"""Hyperparameter search and a tiny architecture search on the bundled digits.

A default configuration is fixed before any search (Keras' Adam default learning rate 1e-3, 16
hidden units). Grid search and random search then get the same budget of trainings, each scored
on a validation split; the winner is compared with the default on a test split that the search
never saw. A tiny NAS-style search over hidden-layer widths follows: search space, search strategy
(exhaustive here), performance estimation (validation accuracy after a short training).

Run it:  python -m examples.advanced.automl
"""

# --8<-- [start:data]
import itertools

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def load_splits(seed=0):
    """8x8 digits scaled to [0, 1]: 60 % train, 20 % validation (for the search), 20 % test."""
    digits = load_digits()
    x, y = (digits.data / 16.0).astype(np.float32), digits.target
    x_train, x_rest, y_train, y_rest = train_test_split(x, y, test_size=0.4, stratify=y, random_state=seed)
    x_val, x_test, y_val, y_test = train_test_split(x_rest, y_rest, test_size=0.5, stratify=y_rest,
                                                    random_state=seed)
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


DEFAULT = {"learning_rate": 1e-3, "width": 16}  # fixed before the search: Keras' Adam default
# --8<-- [end:data]


# --8<-- [start:train]
def build_mlp(widths, seed=0):
    """64 inputs -> Dense(w, relu) for each w in widths -> 10 logits."""
    init = lambda k: tf.keras.initializers.GlorotUniform(seed=seed + k)
    layers = [tf.keras.Input((64,))]
    layers += [tf.keras.layers.Dense(w, activation="relu", kernel_initializer=init(k)) for k, w in enumerate(widths)]
    layers.append(tf.keras.layers.Dense(10, kernel_initializer=init(len(widths))))
    return tf.keras.Sequential(layers)


def train_and_score(config, train, evaluate, epochs=3, batch_size=128, seed=0):
    """Train a small MLP with Adam for a few epochs; return (accuracy on `evaluate`, model)."""
    widths = config.get("widths", (config.get("width", 16),))
    model = build_mlp(widths, seed)
    optimizer = tf.keras.optimizers.Adam(config["learning_rate"])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x, y = train
    order_rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = order_rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            with tf.GradientTape() as tape:
                loss = loss_fn(y[rows], model(x[rows]))
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                          model.trainable_variables))
    return accuracy(model, *evaluate), model


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model(x).numpy(), axis=1) == y))
# --8<-- [end:train]


# --8<-- [start:search]
SPACE = {"learning_rate": (1e-4, 1e-1), "width": (4, 64)}  # both searched on a log scale


def grid_configs(points_lr=3, points_width=2):
    """A grid over the log-scaled ranges: points_lr x points_width configurations."""
    lrs = np.geomspace(*SPACE["learning_rate"], points_lr)
    widths = np.geomspace(*SPACE["width"], points_width).round().astype(int)
    return [{"learning_rate": float(lr), "width": int(w)} for lr, w in itertools.product(lrs, widths)]


def random_configs(n, seed=0):
    """n configurations drawn log-uniformly from the same ranges."""
    rng = np.random.default_rng(seed)
    log_lr = rng.uniform(*np.log10(SPACE["learning_rate"]), size=n)
    log_w = rng.uniform(*np.log2(SPACE["width"]), size=n)
    return [{"learning_rate": float(10**a), "width": int(round(2**b))} for a, b in zip(log_lr, log_w)]


def search(configs, train, val):
    """Score every configuration on the validation split; [(score, config, model)], best first."""
    results = [(*train_and_score(config, train, val), config) for config in configs]
    return [(score, config, model) for score, model, config in sorted(results, key=lambda item: -item[0])]
# --8<-- [end:search]


# --8<-- [start:nas]
ARCHITECTURES = [(8,), (32,), (8, 8), (32, 32)]  # the search space: depth 1-2, width 8 or 32


def parameter_count(widths, inputs=64, outputs=10):
    sizes = (inputs, *widths, outputs)
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def architecture_search(train, val, learning_rate, epochs=2):
    """Exhaustive search; performance estimated by validation accuracy after a short training."""
    scores = {}
    for widths in ARCHITECTURES:
        scores[widths] = train_and_score({"learning_rate": learning_rate, "widths": widths},
                                         train, val, epochs=epochs)[0]
    return scores
# --8<-- [end:nas]


# --8<-- [start:figures]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_search(path, grid_results=None, random_results=None):
    """Validation accuracy of every configuration tried, against its learning rate."""
    plt = _pyplot()
    if grid_results is None or random_results is None:
        train, val, _ = load_splits()
        grid_results = search(grid_configs(), train, val)
        random_results = search(random_configs(6), train, val)
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for results, marker, label in ((grid_results, "s", "grid"), (random_results, "o", "random")):
        lrs = [config["learning_rate"] for _, config, _ in results]
        ax.scatter(lrs, [score for score, _, _ in results], marker=marker,
                   s=[6 * config["width"] ** 0.8 + 10 for _, config, _ in results],
                   alpha=0.7, label=f"{label} ({len(results)} trainings)")
    ax.axvline(DEFAULT["learning_rate"], color="gray", ls="--", lw=0.8, label="default learning rate")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (marker size ~ width)")
    ax.set_ylabel("validation accuracy")
    ax.set_title("Grid vs random search, same budget")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {"automl-search.png": plot_search}


def main():
    train, val, test = load_splits()
    default_val, default_model = train_and_score(DEFAULT, train, val)
    print(f"default {DEFAULT}: validation {default_val:.3f}, test {accuracy(default_model, *test):.3f}")
    grid, rand = search(grid_configs(), train, val), search(random_configs(6), train, val)
    for name, results in (("grid", grid), ("random", rand)):
        score, config, model = results[0]
        print(f"{name:6s} best lr={config['learning_rate']:.4f} width={config['width']}: "
              f"validation {score:.3f}, test {accuracy(model, *test):.3f}")
    best_lr = max(grid + rand, key=lambda item: item[0])[1]["learning_rate"]
    for widths, score in architecture_search(train, val, best_lr).items():
        print(f"architecture {widths}: {parameter_count(widths)} parameters, validation {score:.3f}")


if __name__ == "__main__":
    main()
