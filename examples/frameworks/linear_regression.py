"""Linear regression y = 0.8 x + 0.7, fitted by gradient descent, the TF1 way and the TF2 way.

Seed 003's case: 100 random samples, one feature, mean squared error, plain gradient
descent. The TF1 version runs today through ``tf.compat.v1`` inside its own
``tf.Graph`` (eager execution stays on everywhere else); the TF2 version uses
``tf.GradientTape``, a ``tf.Module`` and ``tf.train.Checkpoint``.

Run it:  python -m examples.frameworks.linear_regression [--max-step 200] [--lr 0.1]
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf

TRUE_W, TRUE_B = 0.8, 0.7


def make_data(num_samples=100, seed=0):
    """100 points with one feature; the target is exactly 0.8 x + 0.7."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, 1)).astype(np.float32)
    y = (TRUE_W * x + TRUE_B).astype(np.float32)
    return x, y
# --8<-- [end:data]


# --8<-- [start:tf1]
def train_tf1(x, y, lr=0.1, max_step=200, logdir=None, ckpt_dir=None, seed=0):
    """TF1 style: build a graph, then run it in a session. Returns (w, b, losses, ckpt)."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        # Placeholders are filled at run time through feed_dict.
        x_in = v1.placeholder(tf.float32, shape=[None, 1], name="x")
        y_in = v1.placeholder(tf.float32, shape=[None, 1], name="y")
        with v1.variable_scope("linear_model"):
            weights = v1.get_variable("weights", shape=[1, 1],
                                      initializer=v1.random_normal_initializer(seed=seed))
            bias = v1.get_variable("bias", shape=[1], initializer=v1.zeros_initializer())
            y_predict = tf.matmul(x_in, weights) + bias
        loss = tf.reduce_mean(tf.square(y_predict - y_in), name="loss")
        train_op = v1.train.GradientDescentOptimizer(learning_rate=lr).minimize(loss)
        # Summaries: a scalar per step, a histogram of the weights.
        v1.summary.scalar("loss", loss)
        v1.summary.histogram("weights", weights)
        merged = v1.summary.merge_all()
        saver = v1.train.Saver()
        init = v1.global_variables_initializer()

    losses, ckpt = [], None
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        writer = v1.summary.FileWriter(logdir, graph) if logdir else None
        for step in range(max_step):
            _, loss_value, summary = sess.run([train_op, loss, merged],
                                              feed_dict={x_in: x, y_in: y})
            losses.append(float(loss_value))
            if writer:
                writer.add_summary(summary, step)
        if writer:
            writer.close()
        if ckpt_dir:
            ckpt = saver.save(sess, f"{ckpt_dir}/linear_regression.ckpt")
        w, b = sess.run([weights, bias])
    return float(w[0, 0]), float(b[0]), losses, ckpt
# --8<-- [end:tf1]


# --8<-- [start:tf1_restore]
def predict_tf1(ckpt, x):
    """Rebuild the same graph, restore the variables with Saver, predict."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        x_in = v1.placeholder(tf.float32, shape=[None, 1], name="x")
        with v1.variable_scope("linear_model"):
            weights = v1.get_variable("weights", shape=[1, 1])
            bias = v1.get_variable("bias", shape=[1])
        y_predict = tf.matmul(x_in, weights) + bias
        saver = v1.train.Saver()
    with v1.Session(graph=graph) as sess:
        saver.restore(sess, ckpt)
        return sess.run(y_predict, feed_dict={x_in: x})
# --8<-- [end:tf1_restore]


# --8<-- [start:tf2]
class LinearModel(tf.Module):
    """y = x @ w + b, with its variables tracked by tf.Module."""

    def __init__(self, seed=0):
        super().__init__()
        self.w = tf.Variable(tf.random.stateless_normal([1, 1], seed=[seed, 0]), name="weights")
        self.b = tf.Variable(tf.zeros([1]), name="bias")

    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b


def train_tf2(x, y, lr=0.1, max_step=200, seed=0):
    """TF2 style: eager code, gradients from GradientTape. Returns (model, losses)."""
    model = LinearModel(seed)
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr)
    losses = []
    for _ in range(max_step):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    return model, losses
# --8<-- [end:tf2]


# --8<-- [start:tf2_checkpoint]
def save_and_restore_tf2(model, ckpt_dir):
    """tf.train.Checkpoint saves variables; a fresh model restores them."""
    path = tf.train.Checkpoint(model=model).save(f"{ckpt_dir}/linear")
    restored = LinearModel(seed=123)  # different initial values on purpose
    tf.train.Checkpoint(model=restored).restore(path).assert_consumed()
    return restored
# --8<-- [end:tf2_checkpoint]


# --8<-- [start:figure]
def plot_losses(losses_tf1, losses_tf2, path):
    """Loss curves of both styles on a log scale (one figure serves both languages)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.semilogy(losses_tf1, label="TF1 (tf.compat.v1 Session)")
    ax.semilogy(losses_tf2, "--", label="TF2 (GradientTape)")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE loss")
    ax.set_title("y = 0.8x + 0.7, gradient descent, lr = 0.1")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]

FIGURES = {"linear-regression-loss.png": lambda path: plot_losses(
    train_tf1(*make_data())[2], train_tf2(*make_data())[1], path)}


def main(argv=None):
    import argparse
    import tempfile

    # TF1's tf.app.flags became absl flags; a plain argparse parser is the simple way now.
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-step", type=int, default=200, help="gradient-descent steps")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    args = parser.parse_args(argv)

    x, y = make_data()
    with tempfile.TemporaryDirectory() as tmp:
        w1, b1, losses1, ckpt = train_tf1(x, y, args.lr, args.max_step, f"{tmp}/logs", f"{tmp}/ckpt")
        print(f"TF1: w = {w1:.4f}, b = {b1:.4f}, final loss = {losses1[-1]:.2e}")
        model, losses2 = train_tf2(x, y, args.lr, args.max_step)
        w2, b2 = float(model.w[0, 0]), float(model.b[0])
        print(f"TF2: w = {w2:.4f}, b = {b2:.4f}, final loss = {losses2[-1]:.2e}")
        print("restored TF1 checkpoint predicts", predict_tf1(ckpt, x[:2]).ravel())


if __name__ == "__main__":
    main()
