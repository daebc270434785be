"""Training in practice: batch size and epochs, diagnosing a run that does not converge,
vanishing and exploding gradients, gradient clipping, online vs offline training, fair baselines
and end-to-end learning.

Most of it is NumPy on small synthetic problems (a linear regression, a deep MLP with fixed
weights); the pieces that TensorFlow provides (gradients from ``tf.GradientTape``,
``tf.clip_by_norm`` / ``tf.clip_by_global_norm``, Keras' ``clipnorm`` / ``global_clipnorm``,
the number of steps ``model.fit`` runs) are checked against the from-scratch versions.

Run it:  python -m examples.basics.training_practice
"""

# --8<-- [start:batches]
import math

import numpy as np


def steps_per_epoch(num_samples, batch_size):
    """One epoch = one pass over the data = ceil(m / batch_size) parameter updates."""
    return math.ceil(num_samples / batch_size)


def minibatches(x, y, batch_size, rng):
    """Shuffle once per epoch, then cut into batches (the last one may be smaller)."""
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


def make_regression_data(num_samples=200, scales=(1.0, 1.0), noise=0.1, seed=0):
    """y = 2 x1 - 3 x2 + 1 + noise, with feature j multiplied by scales[j] (the weights compensate)."""
    rng = np.random.default_rng(seed)
    scales = np.asarray(scales, dtype=float)
    x = rng.normal(size=(num_samples, len(scales))) * scales
    true_w = np.array([2.0, -3.0])[: len(scales)] / scales
    y = x @ true_w + 1.0 + rng.normal(scale=noise, size=num_samples)
    return x, y


def mse_gradient(x, y, w, b):
    """Gradient of mean((x w + b - y)^2) with respect to (w, b)."""
    r = x @ w + b - y
    return 2 * x.T @ r / len(x), 2 * r.mean()


def gradient_noise(x, y, w, b, batch_size, num_draws=500, seed=0):
    """Root mean square distance between a mini-batch gradient and the full-batch gradient."""
    rng = np.random.default_rng(seed)
    full_w, full_b = mse_gradient(x, y, w, b)
    sq = []
    for _ in range(num_draws):
        idx = rng.choice(len(x), size=batch_size, replace=False)
        gw, gb = mse_gradient(x[idx], y[idx], w, b)
        sq.append(np.sum((gw - full_w) ** 2) + (gb - full_b) ** 2)
    return float(np.sqrt(np.mean(sq)))
# --8<-- [end:batches]


# --8<-- [start:keras_steps]
def keras_updates(num_samples, batch_size, epochs, seed=0):
    """How many optimizer steps model.fit takes: read from optimizer.iterations.

    (Only the count matters here, so the weights need no seed.)
    """
    import keras

    x = np.random.default_rng(seed).normal(size=(num_samples, 2)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    return int(model.optimizer.iterations)
# --8<-- [end:keras_steps]


# --8<-- [start:diagnosis]
def gradient_descent(x, y, lr, num_steps):
    """Full-batch gradient descent on MSE from w = 0, b = 0; returns the loss at every step."""
    w, b = np.zeros(x.shape[1]), 0.0
    losses = []
    for _ in range(num_steps):
        losses.append(float(np.mean((x @ w + b - y) ** 2)))
        gw, gb = mse_gradient(x, y, w, b)
        w, b = w - lr * gw, b - lr * gb
    return np.array(losses)


def stability_limit(x):
    """Largest stable learning rate 2 / lambda_max, and the condition number of the Hessian."""
    design = np.hstack([x, np.ones((len(x), 1))])  # the bias is a weight on a constant feature
    eigenvalues = np.linalg.eigvalsh(2 * design.T @ design / len(x))  # Hessian of the MSE
    return 2.0 / eigenvalues.max(), eigenvalues.max() / eigenvalues.min()


def standardize(x_train, x_other=None):
    """Zero mean, unit variance per feature, using the training set's statistics only."""
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    scaled = (x_train - mean) / std
    return scaled if x_other is None else (scaled, (x_other - mean) / std)
# --8<-- [end:diagnosis]


# --8<-- [start:gradients]
ACTIVATIONS = {  # name: (f, f')
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
}


def make_weights(depth, width, std, seed=0):
    """`depth` square weight matrices drawn from N(0, std^2)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=std, size=(width, width)) for _ in range(depth)]


def layer_gradient_norms(weights, x, activation):
    """||dL/dW_l|| for every layer of an MLP without biases, by backpropagation in NumPy.

    The loss is L = mean over the batch of sum(a_L), so dL/da_L = 1 / batch.
    """
    f, df = ACTIVATIONS[activation]
    a, zs, inputs = x, [], []
    for w in weights:  # forward, remembering what the backward pass needs
        inputs.append(a)
        zs.append(a @ w)
        a = f(zs[-1])
    delta = df(zs[-1]) / len(x)  # dL/dz_L
    norms = [0.0] * len(weights)
    for layer in reversed(range(len(weights))):
        norms[layer] = float(np.linalg.norm(inputs[layer].T @ delta))  # dL/dW_l = a_{l-1}^T delta_l
        if layer:
            delta = (delta @ weights[layer].T) * df(zs[layer - 1])  # chain rule, one layer back
    return np.array(norms)
# --8<-- [end:gradients]


# --8<-- [start:tape]
def tape_gradient_norms(weights, x, activation):
    """The same norms from tf.GradientTape (float64, so the comparison is exact to ~1e-12)."""
    import tensorflow as tf

    f = {"sigmoid": tf.sigmoid, "relu": tf.nn.relu}[activation]
    variables = [tf.Variable(w, dtype=tf.float64) for w in weights]
    with tf.GradientTape() as tape:
        a = tf.constant(x, dtype=tf.float64)
        for w in variables:
            a = f(a @ w)
        loss = tf.reduce_mean(tf.reduce_sum(a, axis=1))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, variables)])
# --8<-- [end:tape]


GRADIENT_CONFIGS = {  # name: (activation, standard deviation of the weights), width 64
    "sigmoid, Glorot std": ("sigmoid", math.sqrt(2 / (64 + 64))),
    "ReLU, He std": ("relu", math.sqrt(2 / 64)),
    "ReLU, std 0.3 (1.7 x He)": ("relu", 0.3),
}


def gradient_profile(name, depth=20, width=64, batch=128, seed=0):
    """Per-layer gradient norms of one GRADIENT_CONFIGS entry."""
    activation, std = GRADIENT_CONFIGS[name]
    x = np.random.default_rng(seed + 1).normal(size=(batch, width))
    return layer_gradient_norms(make_weights(depth, width, std, seed), x, activation)


# --8<-- [start:clipping]
def clip_by_norm_np(t, clip_norm):
    """Rescale t so that its L2 norm is at most clip_norm (the direction is kept)."""
    norm = np.sqrt(np.sum(np.square(t)))
    return t * clip_norm / max(norm, clip_norm)


def clip_by_global_norm_np(tensors, clip_norm):
    """Rescale all tensors by the same factor so that their joint L2 norm is at most clip_norm."""
    global_norm = np.sqrt(sum(np.sum(np.square(t)) for t in tensors))
    scale = clip_norm / max(global_norm, clip_norm)
    return [t * scale for t in tensors], global_norm


def cosine(a_list, b_list):
    """Cosine between two gradients given as lists of arrays (1.0 = same direction)."""
    a = np.concatenate([np.ravel(t) for t in a_list])
    b = np.concatenate([np.ravel(t) for t in b_list])
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
# --8<-- [end:clipping]


# --8<-- [start:keras_clipping]
def keras_clipped_update(grads, **clip_args):
    """The update SGD(learning_rate=1, **clip_args) applies to zero-initialized variables."""
    import keras

    variables = [keras.Variable(np.zeros_like(g)) for g in grads]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clip_args)
    optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], variables))
    return [-np.asarray(v.numpy()) for v in variables]  # w_new = 0 - 1 * clipped gradient
# --8<-- [end:keras_clipping]


# --8<-- [start:online]
def stream(num_samples, true_w, noise=0.3, seed=0):
    """Samples arriving one at a time: x ~ N(0, I), y = x . w + noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, len(true_w)))
    return x, x @ true_w + rng.normal(scale=noise, size=num_samples)


def online_sgd(x, y, lr=0.02, w=None):
    """Online learning: one update per arriving sample, each sample seen once."""
    w = np.zeros(x.shape[1]) if w is None else w.copy()
    for xi, yi in zip(x, y):
        w -= lr * 2 * (xi @ w - yi) * xi
    return w


def repeat_each_sample(x, y, tol=1e-3, max_repeats=1000):
    """The seed's 'online training': train on one sample until its error is tiny, then the next.

    For a linear model, repeated steps on one sample move w only along that sample's x and end
    where x . w = y, whatever the (stable) step size; a step of 0.45 / |x|^2 gets there in a few
    repeats.
    """
    w = np.zeros(x.shape[1])
    for xi, yi in zip(x, y):
        lr = 0.45 / (xi @ xi)
        for _ in range(max_repeats):
            error = xi @ w - yi
            if abs(error) < tol:
                break
            w -= lr * 2 * error * xi
    return w


def offline_training(x, y, lr=0.02, epochs=20, batch_size=32, seed=0):
    """Offline (batch) learning: the stored data set, many epochs of mini-batch SGD."""
    rng = np.random.default_rng(seed)
    w = np.zeros(x.shape[1])
    for _ in range(epochs):
        for xb, yb in minibatches(x, y, batch_size, rng):
            w -= lr * 2 * xb.T @ (xb @ w - yb) / len(xb)
    return w
def compare_online_offline(true_w, num_samples=1000, num_streams=10):
    """Mean |w - w_true| of the three procedures over independent streams."""
    errors = {"online SGD (each sample once)": [], "repeat each sample (seed 001)": [],
              "offline, 20 epochs": []}
    for seed in range(num_streams):
        x, y = stream(num_samples, true_w, seed=seed)
        for name, fit in zip(errors, (online_sgd, repeat_each_sample, offline_training)):
            errors[name].append(np.linalg.norm(fit(x, y) - true_w))
    return {name: float(np.mean(values)) for name, values in errors.items()}
# --8<-- [end:online]


# --8<-- [start:baseline]
def baseline_comparison(seed=0):
    """Is this digit a 9? A majority-class baseline against logistic regression, 5-fold CV."""
    from sklearn.datasets import load_digits
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, digit = load_digits(return_X_y=True)
    y = (digit == 9).astype(int)  # about 10% positives
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)  # the same splits for both
    models = {"majority class": DummyClassifier(strategy="most_frequent"),
              # the scaler sits inside the pipeline, so it is fitted on each training fold only
              "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(C=0.1))}
    results = {}
    for name, model in models.items():
        scores = cross_validate(model, x, y, cv=folds, scoring=["accuracy", "f1"])
        results[name] = {metric: (scores[f"test_{metric}"].mean(), scores[f"test_{metric}"].std())
                         for metric in ("accuracy", "f1")}
    return results
# --8<-- [end:baseline]


# --8<-- [start:timing]
def time_it(fn, repeat=5, number=10):
    """Median seconds per call over `repeat` runs of `number` calls, after one warm-up call."""
    import timeit

    fn()  # warm-up: caches, lazy initialization, JIT compilation
    return float(np.median(timeit.repeat(fn, repeat=repeat, number=number)) / number)
# --8<-- [end:timing]


# --8<-- [start:end_to_end]
def end_to_end_vs_pipeline(seed=0):
    """Digits: hand-designed features (row and column sums) vs the raw 64 pixels, same classifier."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    images = x.reshape(-1, 8, 8)
    hand_features = np.hstack([images.sum(axis=1), images.sum(axis=2)])  # 16 numbers per image
    split = train_test_split(x, hand_features, y, test_size=0.25, random_state=seed, stratify=y)
    x_train, x_test, f_train, f_test, y_train, y_test = split
    scores = {}
    for name, (train, test) in {"hand features (16)": (f_train, f_test),
                                "raw pixels (64)": (x_train, x_test)}.items():
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(train, y_train)
        scores[name] = model.score(test, y_test)
    return scores
# --8<-- [end:end_to_end]


# --8<-- [start:figure]
def plot_training_diagnostics(path):
    """Left: loss curves for several learning rates. Right: gradient norm per layer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100)
    x, y = make_regression_data()
    limit, _ = stability_limit(x)
    for factor in (0.1, 0.5, 0.95, 1.05):
        left.semilogy(gradient_descent(x, y, factor * limit, 60), label=f"lr = {factor:g} x limit")
    left.set_xlabel("step")
    left.set_ylabel("MSE loss")
    left.set_title(r"Learning rate vs the stability limit $2/\lambda_{\max}$")
    left.legend(fontsize=7)
    layers = np.arange(1, 21)
    for name in GRADIENT_CONFIGS:
        right.semilogy(layers, gradient_profile(name), marker=".", label=name)
    right.set_xlabel("layer (1 = next to the input)")
    right.set_ylabel("||dL/dW||")
    right.set_title("Gradient norm per layer, 20 layers")
    right.set_xticks([1, 5, 10, 15, 20])
    right.legend(fontsize=7)
    for ax in (left, right):
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"training-practice-diagnostics.png": plot_training_diagnostics}


def main():
    x, y = make_regression_data()
    print("steps per epoch, 200 samples, batch 32:", steps_per_epoch(200, 32))
    for batch_size in (1, 8, 32, 128):
        print(f"  gradient noise at batch size {batch_size:3d}: {gradient_noise(x, y, np.zeros(2), 0.0, batch_size):.3f}")
    limit, condition = stability_limit(x)
    print(f"stable learning rates: lr < {limit:.3f} (condition number {condition:.1f})")
    for factor in (0.5, 1.05):
        print(f"  lr = {factor} x limit: loss after 100 steps = {gradient_descent(x, y, factor * limit, 100)[-1]:.3g}")
    x_raw, y_raw = make_regression_data(scales=(1.0, 1000.0))
    limit_raw, condition_raw = stability_limit(x_raw)
    print(f"unscaled inputs: condition number {condition_raw:.3g}, loss after 500 steps "
          f"{gradient_descent(x_raw, y_raw, 0.9 * limit_raw, 500)[-1]:.3g}; standardized: "
          f"{gradient_descent(standardize(x_raw), y_raw, 0.5, 500)[-1]:.3g}")
    for name in GRADIENT_CONFIGS:
        norms = gradient_profile(name)
        print(f"{name:24s} ||dL/dW|| layer 1 / layer 20 = {norms[0] / norms[-1]:.3g}")
    for name, error in compare_online_offline(np.array([1.0, -2.0, 0.5])).items():
        print(f"{name:32s} mean |w - w_true| = {error:.3f}")
    for name, result in baseline_comparison().items():
        print(f"{name:20s}" + "  ".join(f"{metric} = {mean:.3f} ± {std:.3f}" for metric, (mean, std) in result.items()))
    for name, accuracy in end_to_end_vs_pipeline().items():
        print(f"{name:20s} test accuracy = {accuracy:.3f}")


if __name__ == "__main__":
    main()
