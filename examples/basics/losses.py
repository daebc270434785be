"""Loss functions from scratch, checked against tf.keras.losses.

MSE, binary / categorical / sparse categorical cross-entropy (on probabilities and on
logits), binary focal loss and a custom loss, written in NumPy (float64) and compared with
Keras (float32). Also: why Keras clips probabilities at epsilon = 1e-7, why logits are the
safe input, and where a network's regularization term goes (seed 002's GBDT question).

Run it:  python -m examples.basics.losses
"""

# --8<-- [start:numpy]
import numpy as np

EPSILON = 1e-7  # keras.backend.epsilon(): Keras clips probabilities to [eps, 1 - eps]


def mse(y_true, y_pred):
    """Mean squared error per sample (mean over the last axis, as Keras does)."""
    return np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2, axis=-1)


def binary_crossentropy(y_true, p, epsilon=EPSILON):
    """-[y log p + (1 - y) log(1 - p)], p clipped like Keras, averaged over labels."""
    p = np.clip(np.asarray(p, dtype=float), epsilon, 1 - epsilon)
    y = np.asarray(y_true, dtype=float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=-1)


def binary_crossentropy_from_logits(y_true, z):
    """The same loss written in the logit z: max(z, 0) - z y + log(1 + e^-|z|).

    exp only ever sees -|z| <= 0, so nothing overflows and nothing is clipped.
    """
    z = np.asarray(z, dtype=float)
    y = np.asarray(y_true, dtype=float)
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=-1)


def log_softmax(z):
    """z_i - log sum_j exp(z_j), with the max subtracted first (log-sum-exp trick)."""
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def categorical_crossentropy(y_onehot, p, epsilon=EPSILON):
    """-sum_k y_k log p_k. Like Keras: renormalise p to sum to 1, then clip."""
    p = np.asarray(p, dtype=float)
    p = np.clip(p / p.sum(axis=-1, keepdims=True), epsilon, 1 - epsilon)
    return -np.sum(np.asarray(y_onehot) * np.log(p), axis=-1)


def categorical_crossentropy_from_logits(y_onehot, z):
    return -np.sum(np.asarray(y_onehot) * log_softmax(z), axis=-1)


def sparse_categorical_crossentropy(labels, output, from_logits=False, epsilon=EPSILON):
    """The same loss with integer labels: -log p[label]; no one-hot vector needed."""
    if from_logits:
        log_p = log_softmax(output)
    else:  # Keras: clip, log, and softmax again, which renormalises p
        log_p = log_softmax(np.log(np.clip(np.asarray(output, dtype=float), epsilon, 1 - epsilon)))
    labels = np.asarray(labels)
    return -np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


def binary_focal_crossentropy(y_true, output, gamma=2.0, alpha=0.25,
                              apply_class_balancing=False, from_logits=False, epsilon=EPSILON):
    """Lin et al.'s focal loss: (1 - p_t)^gamma * BCE, optionally weighted by alpha_t.

    p_t is the probability given to the true label. Like Keras, logits go through the
    sigmoid and the same clipped BCE as probabilities.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(output, dtype=float)
    if from_logits:
        p = 1 / (1 + np.exp(-p))
    p_clipped = np.clip(p, epsilon, 1 - epsilon)
    bce = -(y * np.log(p_clipped) + (1 - y) * np.log(1 - p_clipped))
    p_t = y * p + (1 - y) * (1 - p)
    loss = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        loss = (y * alpha + (1 - y) * (1 - alpha)) * loss
    return np.mean(loss, axis=-1)
# --8<-- [end:numpy]


# --8<-- [start:keras_check]
import tensorflow as tf


def make_batch(num_samples=64, num_classes=5, num_labels=4, seed=0):
    """Random targets, logits and the probabilities they imply, kept in [1e-3, 1 - 1e-3]."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(num_classes, size=num_samples)
    class_logits = rng.normal(scale=2.0, size=(num_samples, num_classes))
    class_probs = np.exp(log_softmax(class_logits))
    class_probs = np.clip(class_probs, 1e-3, 1 - 1e-3)
    class_probs /= class_probs.sum(axis=-1, keepdims=True)
    binary_targets = rng.integers(2, size=(num_samples, num_labels)).astype(float)
    binary_logits = rng.normal(scale=2.0, size=(num_samples, num_labels))
    binary_probs = np.clip(1 / (1 + np.exp(-binary_logits)), 1e-3, 1 - 1e-3)
    float32 = lambda a: a.astype(np.float32)  # Keras computes in float32
    return {
        "labels": labels, "onehot": float32(np.eye(num_classes)[labels]),
        "class_logits": float32(class_logits), "class_probs": float32(class_probs),
        "binary_targets": float32(binary_targets),
        "binary_logits": float32(binary_logits), "binary_probs": float32(binary_probs),
        "regression_true": float32(rng.normal(size=(num_samples, 3))),
        "regression_pred": float32(rng.normal(size=(num_samples, 3))),
    }


def loss_pairs(batch):
    """name: (from-scratch batch loss, Keras batch loss). Keras averages over the batch."""
    b = batch
    losses = tf.keras.losses
    return {
        "mse": (mse(b["regression_true"], b["regression_pred"]).mean(),
                losses.MeanSquaredError()(b["regression_true"], b["regression_pred"])),
        "bce (probabilities)": (
            binary_crossentropy(b["binary_targets"], b["binary_probs"]).mean(),
            losses.BinaryCrossentropy()(b["binary_targets"], b["binary_probs"])),
        "bce (logits)": (
            binary_crossentropy_from_logits(b["binary_targets"], b["binary_logits"]).mean(),
            losses.BinaryCrossentropy(from_logits=True)(b["binary_targets"], b["binary_logits"])),
        "cce (probabilities)": (
            categorical_crossentropy(b["onehot"], b["class_probs"]).mean(),
            losses.CategoricalCrossentropy()(b["onehot"], b["class_probs"])),
        "cce (logits)": (
            categorical_crossentropy_from_logits(b["onehot"], b["class_logits"]).mean(),
            losses.CategoricalCrossentropy(from_logits=True)(b["onehot"], b["class_logits"])),
        "sparse cce (probabilities)": (
            sparse_categorical_crossentropy(b["labels"], b["class_probs"]).mean(),
            losses.SparseCategoricalCrossentropy()(b["labels"], b["class_probs"])),
        "sparse cce (logits)": (
            sparse_categorical_crossentropy(b["labels"], b["class_logits"], from_logits=True).mean(),
            losses.SparseCategoricalCrossentropy(from_logits=True)(b["labels"], b["class_logits"])),
        "focal (probabilities)": (
            binary_focal_crossentropy(b["binary_targets"], b["binary_probs"]).mean(),
            losses.BinaryFocalCrossentropy(gamma=2.0)(b["binary_targets"], b["binary_probs"])),
        "focal (logits, alpha)": (
            binary_focal_crossentropy(b["binary_targets"], b["binary_logits"], from_logits=True,
                                      apply_class_balancing=True).mean(),
            losses.BinaryFocalCrossentropy(gamma=2.0, apply_class_balancing=True, alpha=0.25,
                                           from_logits=True)(b["binary_targets"], b["binary_logits"])),
    }


def relative_errors(pairs):
    return {name: abs(float(ours) - float(ref)) / abs(float(ref)) for name, (ours, ref) in pairs.items()}
# --8<-- [end:keras_check]


# --8<-- [start:clipping]
def bce_probability_vs_logit(z, y=0.0):
    """BCE and dBCE/dz for one logit z, computed two ways with Keras in float32.

    From probabilities: p = sigmoid(z) first (tf.math.sigmoid, a plain TF op), then
    BinaryCrossentropy clips p to [1e-7, 1 - 1e-7]. From logits: the stable formula.
    """
    z = tf.Variable([[z]], dtype=tf.float32)
    y = tf.constant([[y]])
    with tf.GradientTape(persistent=True) as tape:
        from_probs = tf.keras.losses.binary_crossentropy(y, tf.math.sigmoid(z))
        from_logits = tf.keras.losses.binary_crossentropy(y, z, from_logits=True)
    return {"probabilities": (float(from_probs[0]), float(tape.gradient(from_probs, z)[0, 0])),
            "logits": (float(from_logits[0]), float(tape.gradient(from_logits, z)[0, 0]))}
# --8<-- [end:clipping]


# --8<-- [start:custom]
def huber(y_true, y_pred, delta=1.0):
    """A custom loss: any function (y_true, y_pred) -> loss per sample, written in tensor
    ops so GradientTape can differentiate it. Quadratic near 0, linear beyond delta."""
    error = tf.abs(tf.cast(y_true, y_pred.dtype) - y_pred)
    quadratic = 0.5 * tf.square(error)
    linear = delta * error - 0.5 * delta**2
    return tf.reduce_mean(tf.where(error <= delta, quadratic, linear), axis=-1)


def regularized_model(l2=0.01, seed=0):
    """Dense(2) with an L2 penalty on its kernel: the penalty lands in model.losses."""
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(3,)),
        tf.keras.layers.Dense(2, kernel_regularizer=tf.keras.regularizers.L2(l2)),
    ])
    model.compile(optimizer="sgd", loss=huber)  # a custom loss is passed like a built-in one
    return model


def objective_by_hand(model, x, y, l2=0.01):
    """What fit() minimises: mean data loss + l2 * sum(W^2) (the kernel only, not the bias)."""
    kernel, bias = (v.numpy().astype(float) for v in model.layers[0].weights)
    error = np.abs(y - (x @ kernel + bias))
    data = np.where(error <= 1, 0.5 * error**2, error - 0.5).mean(axis=-1).mean()
    return data + l2 * np.sum(kernel**2)
# --8<-- [end:custom]


# --8<-- [start:figures]
def plot_losses(path):
    """Left: focal loss against p_t for several gamma. Right: BCE from probabilities
    (float32 sigmoid + clip) against BCE from logits, true label 0."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100)
    p_t = np.linspace(0.01, 1, 300)
    for gamma in (0, 0.5, 1, 2, 5):
        focal = binary_focal_crossentropy(np.ones((300, 1)), p_t[:, None], gamma=gamma)
        left.plot(p_t, focal, label=f"gamma = {gamma}" + (" (BCE)" if gamma == 0 else ""))
    left.set_xlabel("p_t (probability of the true class)")
    left.set_ylabel("loss")
    left.set_title("Focal loss (1 - p_t)^gamma * BCE")
    left.set_ylim(0, 4)
    left.legend(fontsize=8)

    z = np.linspace(-5, 40, 451).astype(np.float32)
    zeros = np.zeros((len(z), 1), np.float32)
    probs = tf.math.sigmoid(z[:, None])
    right.plot(z, tf.keras.losses.binary_crossentropy(zeros, z[:, None], from_logits=True),
               label="from logits")
    right.plot(z, tf.keras.losses.binary_crossentropy(zeros, probs), "--",
               label="from float32 probabilities")
    right.set_xlabel("logit z (true label 0)")
    right.set_title("BCE: clipped probabilities saturate")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {"loss-functions-focal-and-clipping.png": plot_losses}


def main():
    for name, error in relative_errors(loss_pairs(make_batch())).items():
        print(f"{name:28s} relative difference to Keras: {error:.1e}")
    for z in (5.0, 30.0):
        for way, (loss, grad) in bce_probability_vs_logit(z).items():
            print(f"z = {z:4.1f}, from {way:13s}: loss = {loss:8.4f}, dloss/dz = {grad:.4f}")
    x = np.random.default_rng(1).normal(size=(8, 3)).astype(np.float32)
    y = np.random.default_rng(2).normal(size=(8, 2)).astype(np.float32)
    model = regularized_model()
    print(f"evaluate(): {model.evaluate(x, y, verbose=0):.6f}, "
          f"by hand: {objective_by_hand(model, x, y):.6f}")


if __name__ == "__main__":
    main()
