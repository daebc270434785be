"""TensorBoard summaries: scalars, histograms and graphs written to a log directory and read back.

TF2 writers (tf.summary), the TF1 FileWriter through tf.compat.v1, Keras' TensorBoard callback,
and the event file decoded from scratch (TFRecord framing + CRC32C) beside summary_iterator.
The module is called summaries.py, not tensorboard.py: that name would shadow the package.

Run it:  python -m examples.frameworks.summaries   (then: tensorboard --logdir <printed path>)
"""

# --8<-- [start:setup]
import glob
import os
import tempfile

import numpy as np
import tensorflow as tf

NUM_FEATURES = 256


def make_regression(num_samples=1024, seed=0):
    """y = x w* + 0.7 + noise, with 256 true weights drawn from N(0, 1)."""
    rng = np.random.default_rng(seed)
    true_w = rng.normal(size=(NUM_FEATURES, 1))
    x = rng.normal(size=(num_samples, NUM_FEATURES))
    y = x @ true_w + 0.7 + 0.1 * rng.normal(size=(num_samples, 1))
    return x.astype("float32"), y.astype("float32"), true_w.ravel()


def event_files(logdir):
    """TensorBoard reads every file whose name contains 'tfevents' under the log directory."""
    return sorted(glob.glob(os.path.join(logdir, "**", "*tfevents*"), recursive=True))
# --8<-- [end:setup]


# --8<-- [start:write_tf2]
def train_with_summaries(logdir, steps=30, lr=0.2, seed=0):
    """Gradient descent on the regression; log loss, a weight histogram and the step's graph."""
    x, y, _ = make_regression(seed=seed)
    w = tf.Variable(tf.random.stateless_normal([NUM_FEATURES, 1], seed=[seed, 1], stddev=0.01),
                    name="weights")
    b = tf.Variable(0.0, name="bias")

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(lr * dw)
        b.assign_sub(lr * db)
        return loss

    writer = tf.summary.create_file_writer(logdir)
    losses = []
    with writer.as_default():  # tf.summary.* writes to the default writer, and only there
        tf.summary.graph(train_step.get_concrete_function(x, y).graph)
        for step in range(steps):
            tf.summary.histogram("weights", w, step=step)  # the weights this step starts from
            loss = train_step(x, y)
            tf.summary.scalar("loss", loss, step=step)
            losses.append(loss.numpy())
    writer.close()  # flushes; until then events may sit in the writer's queue
    return np.array(losses)
# --8<-- [end:write_tf2]


# --8<-- [start:read_tf2]
def read_events(path):
    """(step, tag, field, value) for every summary value in one event file.

    TF2 writers fill the `tensor` field (make_ndarray turns it into an array); TF1 writers
    fill `simple_value` (a float) or `histo` (a HistogramProto).
    """
    rows = []
    for event in tf.compat.v1.train.summary_iterator(path):
        for value in event.summary.value:
            field = value.WhichOneof("value")
            if field == "tensor":
                rows.append((event.step, value.tag, field, tf.make_ndarray(value.tensor)))
            else:
                rows.append((event.step, value.tag, field, getattr(value, field)))
    return rows
# --8<-- [end:read_tf2]


# --8<-- [start:read_scratch]
# An event file is a TFRecord file, whose framing the tf.data page parses from scratch:
# reuse that reader rather than write it twice.
from examples.frameworks.tf_data import crc32c, masked_crc as masked_crc32c
from examples.frameworks.tf_data import read_records_from_scratch as read_records
# --8<-- [end:read_scratch]


# --8<-- [start:histogram_numpy]
def histogram_buckets(values, bucket_count=30):
    """TF2's histogram summary: equal-width buckets from min to max, rows (left, right, count)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    lo, hi = values.min(), values.max()
    if lo == hi:  # one distinct value: every bucket is [v, v], all counts in the last one
        counts = np.zeros(bucket_count)
        counts[-1] = values.size
        return np.stack([np.full(bucket_count, hi), np.full(bucket_count, hi), counts], axis=1)
    width = (hi - lo) / bucket_count
    index = np.minimum(np.floor((values - lo) / width).astype(int), bucket_count - 1)
    edges = np.linspace(lo, hi, bucket_count + 1)
    counts = np.bincount(index, minlength=bucket_count).astype(np.float64)
    return np.stack([edges[:-1], edges[1:], counts], axis=1)
# --8<-- [end:histogram_numpy]


# --8<-- [start:write_tf1]
def write_tf1_summaries(logdir, steps=5, lr=0.1, seed=0):
    """Seed 003's linear regression y = 0.8 x + 0.7 with TF1 summaries, run through tf.compat.v1."""
    v1 = tf.compat.v1
    rng = np.random.default_rng(seed)
    x_data = rng.normal(size=(100, 1)).astype("float32")
    y_data = 0.8 * x_data + 0.7
    graph = tf.Graph()
    with graph.as_default():
        with v1.variable_scope("original_data"):
            x = v1.placeholder(tf.float32, shape=[None, 1], name="x")
            y_true = v1.placeholder(tf.float32, shape=[None, 1], name="y_true")
        with v1.variable_scope("linear_model"):
            weights = tf.Variable(v1.random_normal([1, 1], seed=seed), name="w")
            bias = tf.Variable(0.0, name="b")
            y_pred = tf.matmul(x, weights) + bias
        error = tf.reduce_mean(tf.square(y_pred - y_true))
        train_op = v1.train.GradientDescentOptimizer(lr).minimize(error)
        v1.summary.scalar("error", error)
        v1.summary.histogram("weights", weights)
        v1.summary.histogram("weights", bias)  # the same name again: TF1 renames the tag
        merged = v1.summary.merge_all()  # one op that evaluates every summary in the graph
        init = v1.global_variables_initializer()
    errors = []
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        writer = v1.summary.FileWriter(logdir, graph=sess.graph)  # writes the graph first
        feed = {x: x_data, y_true: y_data}
        for step in range(steps):
            summary, err = sess.run([merged, error], feed_dict=feed)  # before this step's update
            writer.add_summary(summary, step)
            errors.append(err)
            sess.run(train_op, feed_dict=feed)
        writer.close()
    return np.array(errors)
# --8<-- [end:write_tf1]


# --8<-- [start:keras_callback]
def fit_with_tensorboard(logdir, epochs=2, seed=0):
    """Keras' TensorBoard callback: logdir/train and logdir/validation, one event per epoch."""
    import keras

    x, y, _ = make_regression(seed=seed)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((NUM_FEATURES,)), keras.layers.Dense(1, name="linear")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=epochs, batch_size=64, validation_split=0.25, verbose=0,
                        callbacks=[keras.callbacks.TensorBoard(logdir, histogram_freq=1)])
    return history
# --8<-- [end:keras_callback]


# --8<-- [start:figure]
def plot_summaries(logdir, path, steps_shown=(0, 1, 3, 29)):
    """What TensorBoard's Scalars and Histograms tabs show, drawn from the event file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_events(event_files(logdir)[0])
    loss = [(step, float(value)) for step, tag, _, value in rows if tag == "loss"]
    hists = {step: value for step, tag, _, value in rows if tag == "weights"}
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6, 3.5), dpi=100)
    ax1.plot(*zip(*loss), "o-", markersize=3)
    ax1.set_yscale("log")
    ax1.set_xlabel("step")
    ax1.set_title("scalar 'loss'", fontsize=10)
    ax1.grid(alpha=0.3)
    for step in steps_shown:
        left, right, count = hists[step].T
        centers, widths = (left + right) / 2, right - left
        ax2.stairs(count / (count.sum() * widths), np.append(left, right[-1]), label=f"step {step}")
    ax2.set_xlabel("weight value")
    ax2.set_ylabel("density")
    ax2.set_yscale("log")
    ax2.set_title("histogram 'weights' (30 buckets)", fontsize=10)
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


def _figure_summaries(path):
    with tempfile.TemporaryDirectory() as logdir:
        train_with_summaries(logdir)
        plot_summaries(logdir, path)


FIGURES = {"tensorboard-summaries.png": _figure_summaries}


def main():
    logdir = tempfile.mkdtemp(prefix="dl-notes-tb-")
    losses = train_with_summaries(os.path.join(logdir, "tf2"))
    write_tf1_summaries(os.path.join(logdir, "tf1"))
    history = fit_with_tensorboard(os.path.join(logdir, "keras"))
    for path in event_files(logdir):
        tags = sorted({tag for _, tag, _, _ in read_events(path)})
        print(f"{os.path.relpath(path, logdir)}: {len(read_records(path))} records, tags {tags}")
    print(f"loss {losses[0]:.3f} -> {losses[-1]:.4f}; keras loss {history.history['loss'][-1]:.3f}")
    print(f"open it with:  tensorboard --logdir {logdir}")


if __name__ == "__main__":
    main()
