"""Keras basics: three ways to build one model, summary() parameter counts derived by hand,
frozen layers, callbacks that act, a custom layer, a custom loss and to_categorical.

Everything runs on small synthetic data (three Gaussian blobs in 4-D) in a few seconds on CPU.

Run it:  python -m examples.frameworks.keras_basics
"""

# --8<-- [start:data]
import numpy as np
import keras

NUM_FEATURES, NUM_CLASSES = 4, 3


def make_data(num_samples=300, seed=0):
    """Three Gaussian blobs in 4-D; returns x (float32) and integer labels y."""
    rng = np.random.default_rng(seed)
    centers = 2.0 * np.eye(NUM_CLASSES, NUM_FEATURES)  # class k sits at 2 * e_k
    y = rng.integers(0, NUM_CLASSES, size=num_samples)
    x = centers[y] + rng.normal(size=(num_samples, NUM_FEATURES))
    return x.astype("float32"), y


x, y = make_data()
y_onehot = keras.utils.to_categorical(y, num_classes=NUM_CLASSES)  # 2 -> [0., 0., 1.]
x_train, x_val = x[:200], x[200:]
y_train, y_val = y_onehot[:200], y_onehot[200:]
# --8<-- [end:data]


# --8<-- [start:three_apis]
def build_sequential(hidden=8):
    """A stack of layers, one input, one output."""
    return keras.Sequential([
        keras.Input(shape=(NUM_FEATURES,)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(NUM_CLASSES, activation="softmax"),
    ], name="sequential_mlp")


def build_functional(hidden=8):
    """Layers called on symbolic tensors: allows branches, several inputs or outputs."""
    inputs = keras.Input(shape=(NUM_FEATURES,))
    h = keras.layers.Dense(hidden, activation="relu")(inputs)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax")(h)
    return keras.Model(inputs, outputs, name="functional_mlp")


class SubclassedMLP(keras.Model):
    """Layers as attributes, the forward pass as Python code in call()."""

    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(hidden, activation="relu")
        self.classifier = keras.layers.Dense(NUM_CLASSES, activation="softmax")

    def call(self, inputs):
        return self.classifier(self.hidden(inputs))
# --8<-- [end:three_apis]


# --8<-- [start:forward_numpy]
def mlp_forward_numpy(weights, x):
    """softmax(relu(x W1 + b1) W2 + b2), from the four arrays model.get_weights() returns."""
    w1, b1, w2, b2 = weights
    h = np.maximum(x @ w1 + b1, 0.0)
    z = h @ w2 + b2
    z = z - z.max(axis=1, keepdims=True)  # subtracting the row max keeps exp() finite
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
# --8<-- [end:forward_numpy]


# --8<-- [start:param_formulas]
def dense_params(n_in, units):
    return n_in * units + units  # kernel (n_in, units) + bias (units,)


def conv2d_params(kernel_h, kernel_w, channels_in, filters):
    return (kernel_h * kernel_w * channels_in + 1) * filters  # one bias per filter


def lstm_params(n_in, units):
    return 4 * (units * (n_in + units) + units)  # 4 gates, each a Dense on [x_t, h_{t-1}]


def batchnorm_params(channels):
    """(trainable gamma + beta, non-trainable moving mean + moving variance)."""
    return 2 * channels, 2 * channels


def summary_param_counts(model):
    """Parse model.summary(): {layer name: Param #} and the three totals."""
    lines = []
    model.summary(print_fn=lambda text, **kwargs: lines.append(text))
    per_layer, totals = {}, {}
    for line in "\n".join(lines).splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) == 5 and cells[1] and cells[3].replace(",", "").isdigit():
            per_layer[cells[1].split(" (")[0]] = int(cells[3].replace(",", ""))
        for key in ("Total", "Trainable", "Non-trainable"):
            if line.strip().startswith(f"{key} params:"):
                totals[key] = int(line.split(":")[1].split("(")[0].replace(",", ""))
    return per_layer, totals
# --8<-- [end:param_formulas]


# --8<-- [start:lenet5]
def build_lenet5():
    """LeNet-5 as usually written today: 32x32x1 input, tanh, average pooling, dense C5."""
    return keras.Sequential([
        keras.Input(shape=(32, 32, 1)),
        keras.layers.Conv2D(6, 5, activation="tanh", name="c1"),    # -> 28x28x6
        keras.layers.AveragePooling2D(2, name="s2"),                 # -> 14x14x6
        keras.layers.Conv2D(16, 5, activation="tanh", name="c3"),   # -> 10x10x16
        keras.layers.AveragePooling2D(2, name="s4"),                 # -> 5x5x16
        keras.layers.Flatten(name="flatten"),                        # -> 400
        keras.layers.Dense(120, activation="tanh", name="c5"),
        keras.layers.Dense(84, activation="tanh", name="f6"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="lenet5")


LENET5_FORMULAS = {
    "c1": conv2d_params(5, 5, 1, 6),       # (5*5*1 + 1) * 6
    "s2": 0,
    "c3": conv2d_params(5, 5, 6, 16),      # (5*5*6 + 1) * 16
    "s4": 0,
    "flatten": 0,
    "c5": dense_params(5 * 5 * 16, 120),   # 400 * 120 + 120
    "f6": dense_params(120, 84),
    "output": dense_params(84, 10),
}
# --8<-- [end:lenet5]


# --8<-- [start:custom_layer]
class Linear(keras.layers.Layer):
    """y = x W + b written by hand: weights are created in build(), once the input size is known."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="glorot_uniform", name="kernel")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b

    def get_config(self):  # lets Keras re-create the layer when a saved model is loaded
        return {**super().get_config(), "units": self.units}
# --8<-- [end:custom_layer]


# --8<-- [start:custom_loss_numpy]
SMOOTHING = 0.1  # epsilon: how much probability mass moves to the uniform distribution


def smoothed_crossentropy_numpy(y_true, y_pred, smoothing=SMOOTHING):
    k = y_true.shape[-1]
    y_smooth = y_true * (1.0 - smoothing) + smoothing / k
    return -(y_smooth * np.log(np.clip(y_pred, 1e-7, 1.0 - 1e-7))).sum(axis=-1)
# --8<-- [end:custom_loss_numpy]


# --8<-- [start:custom_loss]
def smoothed_crossentropy(y_true, y_pred):
    """Categorical cross-entropy against label-smoothed targets, one value per sample."""
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    y_smooth = y_true * (1.0 - SMOOTHING) + SMOOTHING / y_pred.shape[-1]
    p = keras.ops.clip(y_pred, 1e-7, 1.0 - 1e-7)  # the same clipping as Keras' own losses
    return -keras.ops.sum(y_smooth * keras.ops.log(p), axis=-1)
# --8<-- [end:custom_loss]


# --8<-- [start:callbacks]
class EpochRecorder(keras.callbacks.Callback):
    """A custom callback: count training batches and keep the validation loss of each epoch."""

    def on_train_begin(self, logs=None):
        self.batches, self.val_losses = 0, []

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_end(self, epoch, logs=None):
        self.val_losses.append(logs["val_loss"])


def train_with_callbacks(ckpt_path, max_epochs=30, batch_size=50, seed=0):
    """Fit the MLP with EarlyStopping, ModelCheckpoint and EpochRecorder; return them all."""
    keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend
    model = build_functional()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1),
                  loss=smoothed_crossentropy, metrics=["accuracy"])
    early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2,
                                          restore_best_weights=True)
    checkpoint = keras.callbacks.ModelCheckpoint(ckpt_path, monitor="val_loss",
                                                 save_best_only=True, save_weights_only=True)
    recorder = EpochRecorder()
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                        epochs=max_epochs, batch_size=batch_size, verbose=0,
                        callbacks=[early, checkpoint, recorder])
    return model, history, early, recorder
# --8<-- [end:callbacks]


# --8<-- [start:figure]
def plot_history(history, early, path):
    """Training and validation loss per epoch; the best epoch and the stop are marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    loss, val_loss = history.history["loss"], history.history["val_loss"]
    epochs = np.arange(1, len(loss) + 1)
    best = int(np.argmin(val_loss)) + 1
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.plot(epochs, loss, "o-", label="training loss")
    ax.plot(epochs, val_loss, "s--", label="validation loss")
    ax.axvline(best, color="tab:green", alpha=0.6, label=f"best epoch ({best}), weights restored")
    ax.axvline(early.stopped_epoch + 1, color="tab:red", alpha=0.6,
               label=f"stopped after epoch {early.stopped_epoch + 1} (patience 2)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("label-smoothed cross-entropy")
    ax.set_title("EarlyStopping(monitor='val_loss', patience=2)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


def _figure_early_stopping(path):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _, history, early, _ = train_with_callbacks(f"{tmp}/best.weights.h5")
    plot_history(history, early, path)


FIGURES = {"keras-early-stopping.png": _figure_early_stopping}


def main():
    import tempfile

    for build in (build_sequential, build_functional):
        print(f"{build.__name__}: {build().count_params()} parameters")
    subclassed = SubclassedMLP()
    subclassed(x[:1])  # a subclassed model has no weights until it is called once
    print(f"SubclassedMLP: {subclassed.count_params()} parameters")
    per_layer, totals = summary_param_counts(build_lenet5())
    print(f"LeNet-5: {totals['Total']:,} parameters (formulas: {sum(LENET5_FORMULAS.values()):,})")
    with tempfile.TemporaryDirectory() as tmp:
        model, history, early, recorder = train_with_callbacks(f"{tmp}/best.weights.h5")
        val_acc = history.history["val_accuracy"][int(np.argmin(history.history["val_loss"]))]
    print(f"EarlyStopping stopped after epoch {early.stopped_epoch + 1} of 30, "
          f"{recorder.batches} batches; best validation accuracy {val_acc:.2f}")


if __name__ == "__main__":
    main()
