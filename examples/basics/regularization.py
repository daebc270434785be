"""Regularization and initialization: L1/L2 penalties, dropout, early stopping, batch
normalization and Glorot/He initialization, each written from scratch and checked against Keras.

- L1/L2: the penalty a Keras ``kernel_regularizer`` adds to the loss, and L2 as weight decay.
- Dropout: inverted dropout keeps the expected activation; Keras' Dropout only acts in training.
- Early stopping: the patience rule of ``keras.callbacks.EarlyStopping`` as a plain loop.
- Batch normalization: batch statistics and the moving averages in training, moving statistics
  in inference, matched with ``keras.layers.BatchNormalization`` to 1e-5.
- Initialization: the variances of Glorot and He initializers, and what they do to activations
  across 20 ReLU layers.

Run it:  python -m examples.basics.regularization
"""

import functools

# --8<-- [start:penalties]
import numpy as np


def l1_penalty(w, l1=0.01):
    """What keras.regularizers.L1(l1) adds to the loss: l1 * sum(|w|)."""
    return l1 * np.sum(np.abs(w))


def l2_penalty(w, l2=0.01):
    """What keras.regularizers.L2(l2) adds to the loss: l2 * sum(w^2) (no factor 1/2)."""
    return l2 * np.sum(np.square(w))
# --8<-- [end:penalties]


# --8<-- [start:keras_penalties]
import keras


def keras_penalties(w, l1=0.01, l2=0.01):
    """The penalties of Keras' regularizer objects, as floats."""
    w = keras.ops.convert_to_tensor(w, dtype="float32")
    return (float(keras.regularizers.L1(l1)(w)), float(keras.regularizers.L2(l2)(w)),
            float(keras.regularizers.L1L2(l1=l1, l2=l2)(w)))


def regularized_model(l2=0.1, seed=0):
    """A one-layer linear model whose kernel carries an L2 penalty."""
    model = keras.Sequential([
        keras.Input(shape=(3,)),
        keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotNormal(seed=seed),
                           kernel_regularizer=keras.regularizers.L2(l2)),
    ])
    model.compile(optimizer="sgd", loss="mse")
    return model
# --8<-- [end:keras_penalties]


# --8<-- [start:weight_decay]
def one_sgd_step(w0, x, y, lr, l2=0.0, weight_decay=None):
    """One Keras SGD step on MSE from kernel w0: with an L2 penalty, or with weight decay."""
    layer = keras.layers.Dense(1, use_bias=False,
                               kernel_regularizer=keras.regularizers.L2(l2) if l2 else None)
    model = keras.Sequential([keras.Input(shape=(x.shape[1],)), layer])
    layer.kernel.assign(w0)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr, weight_decay=weight_decay), loss="mse")
    model.train_on_batch(x, y)
    return layer.kernel.numpy()
# --8<-- [end:weight_decay]


# --8<-- [start:sparsity]
def sparse_regression_data(num_samples=200, num_features=20, num_informative=3, seed=0):
    """y depends on the first 3 of 20 features; the other 17 are noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, num_features))
    true_w = np.zeros(num_features)
    true_w[:num_informative] = [3.0, -2.0, 1.5]
    y = x @ true_w + rng.normal(scale=0.5, size=num_samples)
    return x, y, true_w
# --8<-- [end:sparsity]


# --8<-- [start:dropout]
def inverted_dropout(x, rate, rng, training=True):
    """Zero each unit with probability `rate`, scale the survivors by 1 / (1 - rate).

    E[output] = (1 - rate) * x / (1 - rate) = x, so inference needs no rescaling.
    """
    if not training or rate == 0.0:
        return x
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0)
# --8<-- [end:dropout]


# --8<-- [start:early_stopping]
def early_stopping_rule(val_losses, patience, min_delta=0.0):
    """Epochs actually run, and the best epoch, under Keras' EarlyStopping rule.

    An epoch improves if its loss is below best - min_delta; training stops at the end of the
    epoch where `patience` epochs in a row have not improved.
    """
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
            continue
        wait += 1
        if wait >= patience:
            return epoch + 1, best_epoch
    return len(val_losses), best_epoch


def keras_early_stopping(val_losses, patience, min_delta=0.0):
    """Feed the same validation curve to keras.callbacks.EarlyStopping, epoch by epoch."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta)
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    epochs_run = len(val_losses)
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            epochs_run = epoch + 1
            break
    return epochs_run, callback.best_epoch


def u_shaped_val_curve(num_epochs=40, seed=0):
    """A typical validation loss: falls, bottoms out around epoch 15, then rises (with noise)."""
    rng = np.random.default_rng(seed)
    epochs = np.arange(num_epochs)
    return 1.0 / (1 + 0.3 * epochs) + 0.004 * np.maximum(epochs - 12, 0) ** 1.5 + rng.normal(0, 0.01, num_epochs)
# --8<-- [end:early_stopping]


# --8<-- [start:batchnorm]
def batchnorm(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    """Batch normalization over all axes but the last (Keras' defaults for momentum and epsilon).

    Training: normalize with the batch mean and (biased) batch variance, and move the running
    statistics towards them. Inference: normalize with the running statistics.
    Returns (y, new_moving_mean, new_moving_var).
    """
    axes = tuple(range(x.ndim - 1))
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)  # var divides by N, not N - 1
        moving_mean = momentum * moving_mean + (1 - momentum) * mean
        moving_var = momentum * moving_var + (1 - momentum) * var
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return y, moving_mean, moving_var
# --8<-- [end:batchnorm]


# --8<-- [start:keras_batchnorm]
def compare_with_keras_batchnorm(num_steps=5, seed=0):
    """Run NumPy and Keras batch norm side by side; return the largest differences seen."""
    rng = np.random.default_rng(seed)
    layer = keras.layers.BatchNormalization()  # momentum=0.99, epsilon=1e-3
    layer.build((None, 4))
    gamma, beta = rng.normal(size=4).astype("float32"), rng.normal(size=4).astype("float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    moving_mean, moving_var = np.zeros(4), np.ones(4)  # Keras' initial moving statistics
    diffs = {"train output": 0.0, "moving mean": 0.0, "moving variance": 0.0, "inference output": 0.0}
    for _ in range(num_steps):
        x = rng.normal(loc=5.0, scale=3.0, size=(32, 4)).astype("float32")
        y_np, moving_mean, moving_var = batchnorm(x, gamma, beta, moving_mean, moving_var, training=True)
        y_keras = layer(x, training=True).numpy()
        diffs["train output"] = max(diffs["train output"], np.abs(y_np - y_keras).max())
        diffs["moving mean"] = max(diffs["moving mean"], np.abs(moving_mean - layer.moving_mean.numpy()).max())
        diffs["moving variance"] = max(diffs["moving variance"],
                                       np.abs(moving_var - layer.moving_variance.numpy()).max())
    x = rng.normal(loc=5.0, scale=3.0, size=(8, 4)).astype("float32")
    y_np, _, _ = batchnorm(x, gamma, beta, moving_mean, moving_var, training=False)
    diffs["inference output"] = np.abs(y_np - layer(x, training=False).numpy()).max()
    return {name: float(value) for name, value in diffs.items()}
# --8<-- [end:keras_batchnorm]


# --8<-- [start:init]
def compute_fans(shape):
    """fan_in, fan_out as Keras computes them: a conv kernel (kh, kw, c_in, c_out) counts kh*kw."""
    receptive_field = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def glorot_variance(shape):
    fan_in, fan_out = compute_fans(shape)
    return 2.0 / (fan_in + fan_out)


def he_variance(shape):
    fan_in, _ = compute_fans(shape)
    return 2.0 / fan_in


def activation_second_moments(make_initializer, activation, depth=20, width=256, batch=256, seed=0):
    """Mean of z^2 (pre-activations) at each layer of a deep MLP with no biases.

    `make_initializer(seed)` returns a Keras initializer; each layer gets its own seed, because a
    seeded Keras initializer returns the same values every time it is called.
    """
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(batch, width))
    moments = []
    for layer in range(depth):
        w = np.asarray(make_initializer(seed * 1000 + layer)((width, width)), dtype=np.float64)
        z = a @ w
        moments.append(float(np.mean(z**2)))
        a = activation(z)
    return np.array(moments)


def relu(z):
    return np.maximum(z, 0.0)


INIT_CONFIGS = {  # name: (initializer factory, activation)
    "ReLU + glorot_uniform (Keras default)": (lambda s: keras.initializers.GlorotUniform(seed=s), relu),
    "ReLU + he_uniform": (lambda s: keras.initializers.HeUniform(seed=s), relu),
    "ReLU + normal(std=1)": (lambda s: keras.initializers.RandomNormal(stddev=1.0, seed=s), relu),
    "ReLU + normal(std=0.01)": (lambda s: keras.initializers.RandomNormal(stddev=0.01, seed=s), relu),
    "tanh + glorot_uniform": (lambda s: keras.initializers.GlorotUniform(seed=s), np.tanh),
}
# --8<-- [end:init]


@functools.lru_cache(maxsize=None)
def config_second_moments(name, depth=20):
    """activation_second_moments for one entry of INIT_CONFIGS, computed once per process."""
    make_initializer, activation = INIT_CONFIGS[name]
    moments = activation_second_moments(make_initializer, activation, depth=depth)
    moments.flags.writeable = False
    return moments


# --8<-- [start:figure]
def plot_activation_scales(path, depth=20):
    """RMS of the pre-activations, layer by layer, for each initialization in INIT_CONFIGS."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100)
    layers = np.arange(1, depth + 1)
    for name in INIT_CONFIGS:
        moments = config_second_moments(name, depth)
        ax = axes[1] if "normal(" in name else axes[0]
        ax.semilogy(layers, np.sqrt(moments), marker=".", label=name)
    axes[0].set_title("Scaled by fan-in / fan-out")
    axes[1].set_title("Fixed standard deviation")
    for ax in axes:
        ax.set_xlabel("layer (width 256)")
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.legend(fontsize=7)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("RMS of pre-activations")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"regularization-activation-scales.png": plot_activation_scales}


def main():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 2))
    print("L1, L2 penalties (NumPy):", l1_penalty(w), l2_penalty(w))
    print("L1, L2, L1L2 penalties (Keras):", keras_penalties(w))
    x = np.ones((100_000,))
    print("mean after inverted dropout (rate 0.5):", inverted_dropout(x, 0.5, rng).mean())
    curve = u_shaped_val_curve()
    print("early stopping (patience 5): rule", early_stopping_rule(curve, 5),
          "Keras", keras_early_stopping(curve, 5))
    print("batch norm, largest |NumPy - Keras|:", compare_with_keras_batchnorm())
    for name in INIT_CONFIGS:
        moments = config_second_moments(name)
        print(f"{name:40s} RMS at layers 1, 10, 20: {np.sqrt(moments[[0, 9, 19]])}")


if __name__ == "__main__":
    main()
