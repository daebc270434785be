"""Transfer learning on scikit-learn's 8x8 digits: a base trained on 0-4, reused for 5-9.

The base CNN is trained on digits 0-4 and its feature layers are saved to a
``.weights.h5`` file. A new model loads that file and is trained on a *small* set of
digits 5-9, first as a frozen feature extractor (only the new head learns), then
fine-tuned end to end with a small learning rate. The same architecture trained from
scratch on the same small set is the baseline.

Run it:  python -m examples.cv.transfer_learning
"""

# --8<-- [start:data]
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits


def load_split(per_class=2, seed=0):
    """Digits 0-4 (all of them) for the base; digits 5-9 as a small training set of
    `per_class` images per class and a test set of all the others. Labels 5-9 become 0-4."""
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]  # (N, 8, 8, 1) in [0, 1]
    y = digits.target
    source = y < 5
    x_source, y_source = x[source], y[source]
    x_target, y_target = x[~source], y[~source] - 5
    rng = np.random.default_rng(seed)
    train = np.concatenate([rng.choice(np.flatnonzero(y_target == c), per_class, replace=False)
                            for c in range(5)])
    test = np.setdiff1d(np.arange(len(y_target)), train)
    return (x_source, y_source), (x_target[train], y_target[train]), (x_target[test], y_target[test])
# --8<-- [end:data]


# --8<-- [start:model]
def build_features(seed=0):
    """The reusable part: conv -> batch norm -> ReLU -> pool -> conv -> pool -> flatten."""
    init = lambda k: tf.keras.initializers.GlorotUniform(seed=seed + k)
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(16, 3, padding="same", kernel_initializer=init(0)),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.ReLU(),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=init(1)),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
    ], name="features")


def build_classifier(features, num_classes=5, seed=0, training=None):
    """features + a new Dense head. For a reused base pass `training=False`: batch norm then
    stays in inference mode even when the features are unfrozen for fine-tuning."""
    inputs = tf.keras.Input((8, 8, 1))
    x = features(inputs, training=training)
    outputs = tf.keras.layers.Dense(
        num_classes, kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed + 7),
        name="head")(x)
    return tf.keras.Model(inputs, outputs)


def train(model, x, y, epochs, lr, batch_size=32, seed=0):
    """Adam on sparse softmax cross-entropy; a seeded shuffle so runs repeat.
    The epochs are chained into one pass of `fit` (less per-epoch overhead)."""
    model.compile(optimizer=tf.keras.optimizers.Adam(lr),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    data = (tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), seed=seed).batch(batch_size).repeat(epochs))
    return model.fit(data, epochs=1, verbose=0, shuffle=False)


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model(x, training=False).numpy(), axis=1) == y))


def count(weights):
    return int(sum(np.prod(w.shape) for w in weights))
# --8<-- [end:model]


# --8<-- [start:pretrain]
def pretrain(x_source, y_source, path, epochs=10, seed=0):
    """Train features + head on digits 0-4 and save the features' weights to `path`."""
    features = build_features(seed)
    model = build_classifier(features, seed=seed)
    train(model, x_source, y_source, epochs=epochs, lr=1e-2, batch_size=64, seed=seed)
    features.save_weights(path)  # the file name must end in .weights.h5
    return model
# --8<-- [end:pretrain]


# --8<-- [start:transfer]
def feature_extractor(path, x, y, epochs=40, seed=1):
    """Load the saved features, freeze them, train only a new head."""
    features = build_features(seed)  # a fresh copy of the architecture...
    features.load_weights(path)      # ...with the weights from the file
    features.trainable = False       # freeze before compile
    model = build_classifier(features, seed=seed, training=False)
    frozen_before = [w.numpy().copy() for w in features.weights]
    train(model, x, y, epochs=epochs, lr=1e-2, seed=seed)
    frozen_after = [w.numpy() for w in features.weights]
    return model, frozen_before, frozen_after


def fine_tune(model, x, y, epochs=20, lr=1e-3, seed=2):
    """Unfreeze the features and train everything with a small learning rate."""
    model.get_layer("features").trainable = True
    before = [w.numpy().copy() for w in model.get_layer("features").trainable_weights]
    train(model, x, y, epochs=epochs, lr=lr, seed=seed)  # compile again after a change of trainable
    after = [w.numpy() for w in model.get_layer("features").trainable_weights]
    return model, before, after


def from_scratch(x, y, epochs=40, seed=1):
    """The baseline: the same architecture, random initial weights, the same small data."""
    model = build_classifier(build_features(seed), seed=seed)
    train(model, x, y, epochs=epochs, lr=1e-2, seed=seed)
    return model
# --8<-- [end:transfer]


# --8<-- [start:bottleneck]
def bottleneck_features(path, x):
    """The frozen features never change, so compute them once ("bottlenecks", as retrain.py did)."""
    features = build_features()
    features.load_weights(path)
    return features(x, training=False).numpy()


def softmax_regression(f, y, num_classes=5, lr=0.5, steps=300):
    """The new head in NumPy: full-batch gradient descent on softmax cross-entropy."""
    w, b = np.zeros((f.shape[1], num_classes)), np.zeros(num_classes)
    one_hot = np.eye(num_classes)[y]
    for _ in range(steps):
        z = f @ w + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - one_hot) / len(f)  # d(mean cross-entropy) / dz
        w -= lr * f.T @ grad
        b -= lr * grad.sum(axis=0)
    return w, b
# --8<-- [end:bottleneck]


# --8<-- [start:compare]
def compare(path, splits, per_class=2):
    """Test accuracy of (frozen extractor, fine-tuned, from scratch) on several random
    draws of the small 5-9 training set; one row per draw."""
    rows = []
    for seed in splits:
        _, (x_small, y_small), (x_test, y_test) = load_split(per_class, seed)
        extractor, _, _ = feature_extractor(path, x_small, y_small, seed=seed + 1)
        frozen = accuracy(extractor, x_test, y_test)
        tuned, _, _ = fine_tune(extractor, x_small, y_small, seed=seed + 2)
        scratch = from_scratch(x_small, y_small, seed=seed + 1)
        rows.append((frozen, accuracy(tuned, x_test, y_test), accuracy(scratch, x_test, y_test)))
    return np.array(rows)
# --8<-- [end:compare]


# --8<-- [start:inception]
def inception_v3_summary():
    """Build Inception-v3 with random weights (no download) and count its parameters."""
    model = tf.keras.applications.InceptionV3(weights=None)  # include_top=True, 1000 classes
    return {"total": model.count_params(),
            "non-trainable": count(model.non_trainable_weights),
            "top (Dense 2048 -> 1000)": model.get_layer("predictions").count_params(),
            "feature size": model.get_layer("avg_pool").output.shape[-1]}
# --8<-- [end:inception]


def main():
    (x_src, y_src), _, _ = load_split()
    path = Path(tempfile.mkdtemp()) / "digits-0-4.weights.h5"
    pretrain(x_src, y_src, path)
    rows = compare(path, splits=(0, 1, 2))
    print("split  extractor  fine-tuned  scratch")
    for seed, row in enumerate(rows):
        print(f"{seed:5d}  " + "  ".join(f"{v:9.3f}" for v in row))
    print("mean   " + "  ".join(f"{v:9.3f}" for v in rows.mean(axis=0)))


if __name__ == "__main__":
    main()
