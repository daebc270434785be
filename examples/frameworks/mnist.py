"""MNIST, the "Hello World" of deep learning: the IDX file format, PNG images, an MLP and a CNN.

The real MNIST files are read the same way as the small files written here: an IDX header
(magic number, big-endian dimensions) followed by raw bytes. Training runs offline on
scikit-learn's bundled 8x8 digits (1,797 images), so it takes seconds on a CPU and needs
no download; `load_npz` reads Keras' mnist.npz when you have it.

Run it:  python -m examples.frameworks.mnist
"""

# --8<-- [start:idx]
import gzip
import struct

import numpy as np

# IDX type codes (third byte of the magic number) -> big-endian NumPy dtypes
IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IDX_CODES = {np.dtype(v).newbyteorder("="): k for k, v in IDX_DTYPES.items()}


def _open(path, mode):
    return gzip.open(path, mode) if str(path).endswith(".gz") else open(path, mode)


def write_idx(path, array):
    """Magic number (0, 0, type code, ndim), one big-endian uint32 per dimension, the data."""
    array = np.asarray(array)
    code = IDX_CODES[array.dtype.newbyteorder("=")]
    with _open(path, "wb") as file:
        file.write(struct.pack(">HBB", 0, code, array.ndim))
        file.write(struct.pack(f">{array.ndim}I", *array.shape))
        file.write(array.astype(IDX_DTYPES[code]).tobytes())  # row-major, big-endian


def read_idx(path):
    """Parse an IDX file (optionally .gz) into a NumPy array."""
    with _open(path, "rb") as file:
        zero, code, ndim = struct.unpack(">HBB", file.read(4))
        if zero != 0 or code not in IDX_DTYPES:
            raise ValueError(f"{path}: not an IDX file (magic bytes {zero:#06x} {code:#04x})")
        shape = struct.unpack(f">{ndim}I", file.read(4 * ndim))
        data = np.frombuffer(file.read(), dtype=IDX_DTYPES[code])
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape}, found {data.size} values")
    return data.reshape(shape).astype(np.dtype(IDX_DTYPES[code]).newbyteorder("="))
# --8<-- [end:idx]


# --8<-- [start:idx_tf]
import tensorflow as tf


def read_idx_tf(path, ndim):
    """The same for unsigned-byte IDX files, with TensorFlow string and decode ops."""
    raw = tf.io.read_file(str(path))
    if str(path).endswith(".gz"):
        raw = tf.io.decode_compressed(raw, compression_type="GZIP")
    header = tf.io.decode_raw(tf.strings.substr(raw, 0, 4 + 4 * ndim), tf.int32, little_endian=False)
    magic, shape = header[0], header[1:]
    tf.debugging.assert_equal(magic, 0x0800 + ndim, message="not an unsigned-byte IDX file")
    pixels = tf.io.decode_raw(tf.strings.substr(raw, 4 + 4 * ndim, -1), tf.uint8)
    return tf.reshape(pixels, shape)
# --8<-- [end:idx_tf]


# --8<-- [start:png]
from pathlib import Path

from PIL import Image


def save_png(image, path):
    """A (H, W) uint8 array -> an 8-bit grayscale PNG (0 = black, 255 = white)."""
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(path)


def export_pngs(images, labels, folder, count=10):
    """Write the first `count` images as <index>_<label>.png; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(min(count, len(images))):
        path = folder / f"{index:05d}_{int(labels[index])}.png"
        save_png(images[index], path)
        paths.append(path)
    return paths
# --8<-- [end:png]


# --8<-- [start:npz]
def load_npz(path):
    """Read a file laid out like Keras' mnist.npz: ((x_train, y_train), (x_test, y_test))."""
    with np.load(path, allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
# --8<-- [end:npz]


# --8<-- [start:data]
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def load_small_digits(test_size=0.25, seed=0):
    """scikit-learn's 8x8 digits as (N, 8, 8, 1) float32 in [0, 1]; stratified split."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., np.newaxis]  # pixel values are 0..16
    return train_test_split(x, digits.target, test_size=test_size, random_state=seed,
                            stratify=digits.target)
# --8<-- [end:data]


# --8<-- [start:baselines]
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression


def baseline_accuracies(x_train, y_train, x_test, y_test):
    """Majority class and multinomial logistic regression on the flattened pixels."""
    flat_train, flat_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    majority = DummyClassifier(strategy="most_frequent").fit(flat_train, y_train)
    logistic = LogisticRegression(max_iter=1000).fit(flat_train, y_train)
    return {"majority class": majority.score(flat_test, y_test),
            "logistic regression": logistic.score(flat_test, y_test)}
# --8<-- [end:baselines]


# --8<-- [start:models]
layers = tf.keras.layers
glorot = tf.keras.initializers.GlorotUniform  # seeded below: the same weights on every run


def build_mlp(hidden=128, input_shape=(8, 8, 1), seed=0):
    """Flatten the image, one hidden ReLU layer, 10 logits."""
    return tf.keras.Sequential([
        tf.keras.Input(input_shape),
        layers.Flatten(),
        layers.Dense(hidden, activation="relu", kernel_initializer=glorot(seed)),
        layers.Dense(10, kernel_initializer=glorot(seed + 1)),
    ], name="mlp")


def build_cnn(input_shape=(8, 8, 1), seed=0):
    """A LeNet-style CNN sized for 8x8 inputs: conv-pool, conv-pool, dense."""
    return tf.keras.Sequential([
        tf.keras.Input(input_shape),
        layers.Conv2D(32, 3, padding="same", activation="relu",
                      kernel_initializer=glorot(seed)),           # 8x8x32
        layers.MaxPooling2D(),                                    # 4x4x32
        layers.Conv2D(64, 3, padding="same", activation="relu",
                      kernel_initializer=glorot(seed + 1)),       # 4x4x64
        layers.MaxPooling2D(),                                    # 2x2x64
        layers.Flatten(),                                         # 256
        layers.Dense(10, kernel_initializer=glorot(seed + 2)),
    ], name="cnn")


def train(model, x_train, y_train, epochs=10, batch_size=32, lr=3e-3, seed=0):
    """Adam on sparse categorical cross-entropy (from logits), fed by a seeded tf.data pipeline."""
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    schedule = tf.keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps)  # lr -> 0
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=8)
    dataset = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
               .shuffle(len(x_train), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE))
    return model.fit(dataset, epochs=epochs, shuffle=False, verbose=0)  # the dataset shuffles


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, verbose=0, batch_size=len(x)), axis=1) == y))
# --8<-- [end:models]


# --8<-- [start:mlp_numpy]
def mlp_forward_numpy(weights, x):
    """The trained MLP's forward pass by hand: logits = relu(x W1 + b1) W2 + b2."""
    w1, b1, w2, b2 = weights
    hidden = np.maximum(x.reshape(len(x), -1) @ w1 + b1, 0.0)
    return hidden @ w2 + b2
# --8<-- [end:mlp_numpy]


# --8<-- [start:tf1]
def batches(x, y, steps, batch_size=100):
    """Replaces mnist.train.next_batch(100): consecutive samples, wrapping around the end."""
    for step in range(steps):
        index = np.arange(step * batch_size, (step + 1) * batch_size) % len(x)
        yield x[index], y[index]


def softmax_regression_tf1(x_train, y_train, x_test, y_test, lr=0.5, steps=300):
    """Seed 001's first MNIST model, softmax regression, as TF1 graph code via tf.compat.v1."""
    v1 = tf.compat.v1
    x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 64])
        y_true = v1.placeholder(tf.float32, [None, 10])  # one-hot labels
        w = tf.Variable(tf.zeros([64, 10]))
        b = tf.Variable(tf.zeros([10]))
        logits = tf.matmul(x, w) + b
        # pass the logits, not softmax(logits): the op applies softmax itself
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=logits))
        train_step = v1.train.GradientDescentOptimizer(lr).minimize(loss)
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_true, 1))
        accuracy_op = tf.reduce_mean(tf.cast(correct, tf.float32))
        init = v1.global_variables_initializer()
    one_hot = np.eye(10, dtype=np.float32)
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        for xb, yb in batches(x_train, y_train, steps):
            sess.run(train_step, feed_dict={x: xb, y_true: one_hot[yb]})
        test_accuracy = sess.run(accuracy_op, feed_dict={x: x_test, y_true: one_hot[y_test]})
        return float(test_accuracy), sess.run(w), sess.run(b)
# --8<-- [end:tf1]


# --8<-- [start:tf2]
def softmax_regression_tf2(x_train, y_train, x_test, y_test, lr=0.5, steps=300):
    """The same model and the same batches in TF2: a Keras layer, SGD, eager execution."""
    model = tf.keras.Sequential([tf.keras.Input((8, 8, 1)), layers.Flatten(),
                                 layers.Dense(10, kernel_initializer="zeros")])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.SGD(lr)

    @tf.function  # traced once: every batch has the same shape
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    for xb, yb in batches(x_train, y_train, steps):
        train_step(xb, yb)
    w, b = model.layers[-1].get_weights()
    return accuracy(model, x_test, y_test), w, b
# --8<-- [end:tf2]


# --8<-- [start:figure]
def plot_digits(path, count=10):
    """The first digits of the bundled data set, and one of them as the numbers it is made of."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    digits = load_digits()
    fig = plt.figure(figsize=(7, 3.2), dpi=100)
    grid = fig.add_gridspec(2, 7)
    for i in range(count):
        ax = fig.add_subplot(grid[i // 5, i % 5])
        ax.imshow(digits.images[i], cmap="gray_r", vmin=0, vmax=16)
        ax.set_title(f"label {digits.target[i]}", fontsize=8)
        ax.axis("off")
    ax = fig.add_subplot(grid[:, 5:])
    image = digits.images[0]
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=16)
    for (r, c), value in np.ndenumerate(image):
        ax.text(c, r, int(value), ha="center", va="center", fontsize=7,
                color="white" if value > 8 else "black")
    ax.set_title("8x8 pixels, values 0..16", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"mnist-digits.png": plot_digits}


def main(argv=None):
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs for both models (default: 10)")
    args = parser.parse_args(argv)

    digits = load_digits()
    with tempfile.TemporaryDirectory() as tmp:
        images = np.round(digits.images * 255 / 16).astype(np.uint8)
        write_idx(f"{tmp}/images-idx3-ubyte.gz", images)
        back = read_idx(f"{tmp}/images-idx3-ubyte.gz")
        print("IDX round trip:", back.shape, back.dtype, np.array_equal(back, images))
        print("PNG files:", [p.name for p in export_pngs(back, digits.target, tmp, 3)])
    x_train, x_test, y_train, y_test = load_small_digits()
    for name, value in baseline_accuracies(x_train, y_train, x_test, y_test).items():
        print(f"{name:>20}: {value:.3f}")
    for model, epochs, lr in ((build_mlp(), 10, 3e-3), (build_cnn(), 10, 5e-3)):
        train(model, x_train, y_train, epochs=args.epochs or epochs, lr=lr)
        print(f"{model.name:>20}: {accuracy(model, x_test, y_test):.3f} "
              f"({model.count_params()} parameters)")


if __name__ == "__main__":
    main()
