"""Code for the FAQ page: small, checkable answers to the seed notes' recurring questions.

Benchmark timing, diagnosing a loss curve that does not converge, gradients in end-to-end vs
pipeline models, global average pooling, online vs offline training, random 224 crops out of
256 images, and the regularization term inside a Keras loss.

Run it:  python -m examples.advanced.faq
"""

# --8<-- [start:benchmark]
import time

import numpy as np
import tensorflow as tf


def benchmark(fn, repeats=5, warmup=1):
    """Median wall time of fn() over `repeats` runs, after `warmup` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
# --8<-- [end:benchmark]


# --8<-- [start:convergence]
def make_regression(num_samples=200, seed=0):
    """y = X w + noise with w = (1, -2, 0.5), noise std 0.5."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, 3))
    return x, x @ np.array([1.0, -2.0, 0.5]) + 0.5 * rng.normal(size=num_samples)


def train_losses(x, y, lr, steps=200, batch_size=None, decay=False, seed=0):
    """Full-data MSE after every update of (mini-batch) gradient descent on linear regression."""
    rng = np.random.default_rng(seed)
    w, losses = np.zeros(x.shape[1]), []
    for step in range(steps):
        rows = rng.integers(len(x), size=batch_size) if batch_size else slice(None)
        grad = 2 * x[rows].T @ (x[rows] @ w - y[rows]) / len(x[rows])
        w = w - (lr / (1 + 0.05 * step) if decay else lr) * grad
        losses.append(float(np.mean((x @ w - y) ** 2)))
    return np.array(losses)


def diagnose(losses, window=50):
    """Name the shape of a loss curve: diverging, stalled, oscillating or converging."""
    losses = np.asarray(losses)
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverging"
    if losses[-1] > 0.99 * losses[0]:
        return "stalled"  # hardly moved at all
    tail = losses[-window:]
    ups = np.mean(np.diff(tail) > 0)  # share of steps where the loss went up
    if ups > 0.3 and tail.std() > 0.05 * tail.mean():  # frequent rises, swings > 5 % of the level
        return "oscillating"
    return "converging"
# --8<-- [end:convergence]


# --8<-- [start:end_to_end]
def gradient_reach(feature_extractor_trainable, seed=0):
    """Which weights receive a gradient from the final loss (a 2-layer model)?"""
    init = lambda k: tf.keras.initializers.GlorotUniform(seed=seed + k)  # seeded, no global state
    features = tf.keras.layers.Dense(8, activation="relu", kernel_initializer=init(0), name="features")
    head = tf.keras.layers.Dense(3, kernel_initializer=init(1), name="head")
    model = tf.keras.Sequential([tf.keras.Input((4,)), features, head])
    features.trainable = feature_extractor_trainable
    x = tf.random.stateless_normal((16, 4), seed=(seed, 0))
    y = tf.random.stateless_uniform((16,), seed=(seed, 1), maxval=3, dtype=tf.int32)
    with tf.GradientTape() as tape:
        loss = tf.keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True)
    grads = tape.gradient(loss, model.trainable_variables)
    # variable paths look like "sequential_3/features/kernel"; drop the model's name
    return {v.path.split("/", 1)[1]: float(tf.norm(g)) for v, g in zip(model.trainable_variables, grads)}
# --8<-- [end:end_to_end]


# --8<-- [start:gap]
def global_average_pool(feature_maps):
    """(batch, H, W, C) -> (batch, C): the mean of each whole feature map."""
    return feature_maps.mean(axis=(1, 2))


def gap_classifier(channels=64, classes=10):
    """GlobalAveragePooling2D + Dense: accepts feature maps of any height and width."""
    return tf.keras.Sequential([tf.keras.Input((None, None, channels)),
                                tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(classes)])


def head_parameters(height, width, channels, classes=10):
    """Parameters of Flatten + Dense vs GlobalAveragePooling2D + Dense."""
    flatten = tf.keras.Sequential([tf.keras.Input((height, width, channels)), tf.keras.layers.Flatten(),
                                   tf.keras.layers.Dense(classes)])
    return flatten.count_params(), gap_classifier(channels, classes).count_params()
# --8<-- [end:gap]


# --8<-- [start:online]
def online_vs_offline(chunk_size=50, seed=0):
    """Digits: a linear classifier updated chunk by chunk (online) vs fitted on everything (offline)."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, stratify=y, random_state=seed)
    online = SGDClassifier(loss="log_loss", alpha=1e-4, random_state=seed)
    curve = []
    for start in range(0, len(x_train), chunk_size):  # the data arrive as a stream, each chunk seen once
        online.partial_fit(x_train[start:start + chunk_size], y_train[start:start + chunk_size],
                           classes=np.arange(10))
        curve.append(online.score(x_test, y_test))
    offline = LogisticRegression(max_iter=1000).fit(x_train, y_train)  # many passes over all data
    return np.array(curve), offline.score(x_test, y_test)
# --8<-- [end:online]


# --8<-- [start:crops]
def crop_positions(image_size=256, crop_size=224):
    """Number of distinct top-left corners of a crop_size square inside an image_size square."""
    return (image_size - crop_size + 1) ** 2


def random_crop_and_flip(image, crop_size=224, seed=(1, 2)):
    """AlexNet-style training augmentation: a random crop, then a random horizontal flip."""
    crop = tf.image.stateless_random_crop(image, (crop_size, crop_size, image.shape[-1]), seed=seed)
    return tf.image.stateless_random_flip_left_right(crop, seed=seed)


def center_crop(image, crop_size=224):
    """Test time: the central crop."""
    offset_h = (image.shape[0] - crop_size) // 2
    offset_w = (image.shape[1] - crop_size) // 2
    return image[offset_h:offset_h + crop_size, offset_w:offset_w + crop_size]
# --8<-- [end:crops]


# --8<-- [start:regularized_loss]
def loss_with_l2(l2=0.01, seed=0):
    """Keras adds layer regularization penalties (model.losses) to the data loss it minimizes."""
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(
        1, kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed),
        kernel_regularizer=tf.keras.regularizers.L2(l2))])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(seed).normal(size=(32, 3)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    data_loss = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    penalty = l2 * float(np.sum(model.layers[0].kernel.numpy() ** 2))
    reported = model.evaluate(x, y, verbose=0, batch_size=32)
    return data_loss, penalty, reported
# --8<-- [end:regularized_loss]


def main():
    matrix = np.random.default_rng(0).normal(size=(200, 200))
    print(f"benchmark: 200x200 matmul, median {benchmark(lambda: matrix @ matrix) * 1e6:.0f} µs")
    x, y = make_regression()
    for lr, batch_size, decay in ((1e-5, None, False), (0.1, None, False), (1.2, None, False),
                                  (0.1, 1, False), (0.1, 1, True)):
        losses = train_losses(x, y, lr, batch_size=batch_size, decay=decay)
        print(f"lr {lr:g}, batch {batch_size or 'all'}, decay {decay}: {diagnose(losses)}")
    print("end-to-end:", gradient_reach(True))
    print("frozen features:", gradient_reach(False))
    print("head parameters (flatten, GAP) for 7x7x64:", head_parameters(7, 7, 64))
    curve, offline = online_vs_offline()
    print(f"online after one pass {curve[-1]:.3f}, offline {offline:.3f}")
    print("crop positions:", crop_positions(), "x 2 flips =", 2 * crop_positions())
    print("data loss, penalty, reported:", loss_with_l2())


if __name__ == "__main__":
    main()
