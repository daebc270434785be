"""TF1 -> TF2: one pair of functions per API, run side by side and checked to agree.

Every TF1 form runs today through ``tf.compat.v1`` inside its own ``tf.Graph`` and
``tf.compat.v1.Session(graph=...)``; eager execution stays on everywhere else (this
module never calls ``disable_eager_execution``). Every TF2 form is the idiomatic code.
``ROWS`` is the registry the page's table and the tests are built from; ``REMOVED``
lists the modules that have no TF2 form at all.

Run it:  python -m examples.frameworks.migration
"""

# --8<-- [start:setup]
import argparse
import tempfile

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1  # the TF1 API, still shipped inside TF2


def agree(a, b, atol=1e-6):
    """Same shape and same numbers (or the same list of names)."""
    if isinstance(a, list) and a and isinstance(a[0], str):
        return a == b
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=atol)


def check(tf1_fn, tf2_fn):
    """Run both forms of one row; print the TF2 result and whether TF1 gave the same."""
    old, new = tf1_fn(), tf2_fn()
    shown = new if isinstance(new, list) and isinstance(new[0], str) else \
        np.round(np.asarray(new, dtype=np.float64), 4).tolist()
    print(f"{tf2_fn.__name__.removesuffix('_tf2'):<22} {shown}  same: {agree(old, new)}")
# --8<-- [end:setup]


# ---------------------------------------------------------------- graphs and sessions
# --8<-- [start:session_run]
def session_run_tf1():
    graph = tf.Graph()
    with graph.as_default():  # 1) build the graph: nothing is computed yet
        a = tf.constant([1.0, 2.0])
        b = tf.constant([3.0, 4.0])
        total = a * b + 1.0
    with v1.Session(graph=graph) as sess:  # 2) run it
        return sess.run(total)


def session_run_tf2():
    a = tf.constant([1.0, 2.0])
    b = tf.constant([3.0, 4.0])
    return (a * b + 1.0).numpy()  # eager: computed on the spot
# --8<-- [end:session_run]


# --8<-- [start:placeholder]
BATCHES = [np.ones((1, 2), np.float32), np.arange(6, dtype=np.float32).reshape(3, 2)]


def placeholder_tf1():
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=[None, 2])  # batch size left open
        row_sums = tf.reduce_sum(x, axis=1)
    with v1.Session(graph=graph) as sess:
        return np.concatenate([sess.run(row_sums, feed_dict={x: batch}) for batch in BATCHES])


def placeholder_tf2():
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def row_sums(x):  # the placeholder became a function argument
        return tf.reduce_sum(x, axis=1)

    return np.concatenate([row_sums(batch).numpy() for batch in BATCHES])
# --8<-- [end:placeholder]


# --8<-- [start:feed_dict]
def feed_dict_tf1():
    graph = tf.Graph()
    with graph.as_default():
        w = tf.constant(2.0)
        y = w * 3.0
    with v1.Session(graph=graph) as sess:
        # feed_dict may replace ANY tensor of the graph, not only a placeholder
        return [sess.run(y), sess.run(y, feed_dict={w: 5.0})]


def feed_dict_tf2():
    def times_three(w=tf.constant(2.0)):  # what was fed is now passed
        return w * 3.0

    return [times_three().numpy(), times_three(tf.constant(5.0)).numpy()]
# --8<-- [end:feed_dict]


# --8<-- [start:get_default_graph]
def get_default_graph_tf1():
    graph = tf.Graph()
    with graph.as_default():
        assert v1.get_default_graph() is graph  # every op lands in this graph
        x = v1.placeholder(tf.float32, name="x")
        y = v1.placeholder(tf.float32, name="y")
        x * y + 1.0
    return sorted({op.type for op in graph.get_operations()})


def get_default_graph_tf2():
    @tf.function
    def f(x, y):
        return x * y + 1.0

    graph = f.get_concrete_function(tf.TensorSpec([], tf.float32),
                                    tf.TensorSpec([], tf.float32)).graph
    # a traced function keeps its own graph; drop the Identity that marks its output
    return sorted({op.type for op in graph.get_operations()} - {"Identity"})
# --8<-- [end:get_default_graph]


# --8<-- [start:interactive_session]
def interactive_session_tf1():
    graph = tf.Graph()
    with graph.as_default():
        sess = v1.InteractiveSession(graph=graph)  # installs itself as the default session
        squares = tf.constant([1.0, 2.0, 3.0]) ** 2
        value = squares.eval()  # no sess.run needed
        sess.close()  # otherwise it stays the default session
    return value


def interactive_session_tf2():
    squares = tf.constant([1.0, 2.0, 3.0]) ** 2
    return squares.numpy()
# --8<-- [end:interactive_session]


# ---------------------------------------------------------------- variables
# --8<-- [start:global_variables_initializer]
def global_variables_initializer_tf1():
    graph = tf.Graph()
    with graph.as_default():
        v = v1.Variable([1.0, 2.0])
        doubled = v * 2.0
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)  # skip this and sess.run raises FailedPreconditionError
        return sess.run(doubled)


def global_variables_initializer_tf2():
    v = tf.Variable([1.0, 2.0])  # holds its value from the moment it exists
    return (v * 2.0).numpy()
# --8<-- [end:global_variables_initializer]


# --8<-- [start:variable_scope]
def variable_scope_tf1():
    graph = tf.Graph()
    with graph.as_default():
        def dense(inputs):
            with v1.variable_scope("dense", reuse=v1.AUTO_REUSE):  # second call reuses
                w = v1.get_variable("w", [2, 1], initializer=v1.ones_initializer())
                b = v1.get_variable("b", [1], initializer=v1.constant_initializer(0.5))
            return tf.matmul(inputs, w) + b

        x = tf.constant([[1.0, 2.0]])
        y1, y2 = dense(x), dense(2.0 * x)
        count = len(v1.global_variables())
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        y1, y2 = sess.run([y1, y2])
    return [count, y1[0, 0], y2[0, 0]]


class Dense(tf.Module):
    """The TF2 way to share variables: keep them in an object and reuse the object."""

    def __init__(self, name="dense"):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([2, 1]), name="w")
        self.b = tf.Variable([0.5], name="b")

    def __call__(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


def variable_scope_tf2():
    dense = Dense()
    x = tf.constant([[1.0, 2.0]])
    y1, y2 = dense(x), dense(2.0 * x)
    return [len(dense.variables), y1.numpy()[0, 0], y2.numpy()[0, 0]]
# --8<-- [end:variable_scope]


# --8<-- [start:global_variables]
def global_variables_tf1():
    graph = tf.Graph()
    with graph.as_default():
        v1.Variable(tf.zeros([3, 2]), name="w")
        v1.Variable(tf.zeros([2]), name="b")
        v1.Variable(0, trainable=False, name="step")
        all_vars, trainable = v1.global_variables(), v1.trainable_variables()
    return [len(all_vars), len(trainable), sum(v.shape.num_elements() for v in trainable)]


class Model(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(tf.zeros([3, 2]), name="w")
        self.b = tf.Variable(tf.zeros([2]), name="b")
        self.step = tf.Variable(0, trainable=False, name="step")


def global_variables_tf2():
    model = Model()  # no global collections: ask the object that owns the variables
    trainable = model.trainable_variables
    return [len(model.variables), len(trainable), sum(v.shape.num_elements() for v in trainable)]
# --8<-- [end:global_variables]


# --8<-- [start:assign]
def assign_tf1():
    graph = tf.Graph()
    with graph.as_default():
        v = v1.Variable([1.0, 2.0])
        update = v1.assign_add(v1.assign(v, [10.0, 20.0]), [1.0, 1.0])
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        sess.run(update)  # an assign is an op: nothing changes until it is run
        return sess.run(v)


def assign_tf2():
    v = tf.Variable([1.0, 2.0])
    v.assign([10.0, 20.0])  # a method, applied immediately
    v.assign_add([1.0, 1.0])
    return v.numpy()
# --8<-- [end:assign]


# ---------------------------------------------------------------- control flow and gradients
# --8<-- [start:cond]
def cond_tf1():
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=[])
        y = v1.cond(x > 0, lambda: x * 2.0, lambda: -x)
    with v1.Session(graph=graph) as sess:
        return [sess.run(y, feed_dict={x: value}) for value in (3.0, -4.0)]


def cond_tf2():
    @tf.function
    def f(x):
        if x > 0:  # AutoGraph turns this `if` on a tensor into tf.cond
            return x * 2.0
        return -x

    return [f(tf.constant(value)).numpy() for value in (3.0, -4.0)]
# --8<-- [end:cond]


# --8<-- [start:while_loop]
def while_loop_tf1():
    graph = tf.Graph()
    with graph.as_default():
        n = v1.placeholder(tf.int32, shape=[])
        _, total = v1.while_loop(lambda i, total: i <= n,
                                 lambda i, total: (i + 1, total + i),
                                 [tf.constant(1), tf.constant(0)])
    with v1.Session(graph=graph) as sess:
        return [sess.run(total, feed_dict={n: value}) for value in (10, 100)]


def while_loop_tf2():
    @tf.function
    def sum_to(n):
        i, total = tf.constant(1), tf.constant(0)
        while i <= n:  # AutoGraph: a `while` on tensors becomes tf.while_loop
            total += i
            i += 1
        return total

    return [sum_to(tf.constant(value)).numpy() for value in (10, 100)]
# --8<-- [end:while_loop]


# --8<-- [start:gradients]
def gradients_tf1():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant([1.0, 3.0])
        y = tf.reduce_sum(x ** 2 + 2.0 * x)
        (dy_dx,) = v1.gradients(y, [x])  # symbolic: adds gradient ops to the graph
    with v1.Session(graph=graph) as sess:
        return sess.run(dy_dx)


def gradients_tf2():
    x = tf.constant([1.0, 3.0])
    with tf.GradientTape() as tape:  # records the ops as they run
        tape.watch(x)  # constants are not watched automatically, variables are
        y = tf.reduce_sum(x ** 2 + 2.0 * x)
    return tape.gradient(y, x).numpy()
# --8<-- [end:gradients]


# ---------------------------------------------------------------- training
# --8<-- [start:fit]
TARGET, CURVATURE, STEPS = [3.0, -1.0], [1.0, 10.0], 5


def fit_tf1(make_optimizer):
    """A few steps of `optimizer.minimize(loss)` on sum(c * (w - target)^2), graph style."""
    graph = tf.Graph()
    with graph.as_default():
        w = v1.Variable([0.0, 0.0])
        loss = tf.reduce_sum(CURVATURE * (w - TARGET) ** 2)
        train_op = make_optimizer().minimize(loss)
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        for _ in range(STEPS):
            sess.run(train_op)
        return sess.run(w)


def fit_tf2(optimizer):
    """The same steps with GradientTape and a Keras optimizer."""
    w = tf.Variable([0.0, 0.0])
    for _ in range(STEPS):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.constant(CURVATURE) * (w - TARGET) ** 2)
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
    return w.numpy()
# --8<-- [end:fit]


# --8<-- [start:optimizers]
def gradient_descent_tf1():
    return fit_tf1(lambda: v1.train.GradientDescentOptimizer(learning_rate=0.04))


def gradient_descent_tf2():
    return fit_tf2(tf.keras.optimizers.SGD(learning_rate=0.04))


def momentum_tf1():
    return fit_tf1(lambda: v1.train.MomentumOptimizer(learning_rate=0.04, momentum=0.9))


def momentum_tf2():
    return fit_tf2(tf.keras.optimizers.SGD(learning_rate=0.04, momentum=0.9))


def adam_tf1():
    return fit_tf1(lambda: v1.train.AdamOptimizer(learning_rate=0.1))


def adam_tf2():
    # TF1's epsilon was 1e-8, Keras' default is 1e-7: pass it to get TF1's numbers
    return fit_tf2(tf.keras.optimizers.Adam(learning_rate=0.1, epsilon=1e-8))
# --8<-- [end:optimizers]


# --8<-- [start:exponential_decay]
def exponential_decay_tf1():
    graph = tf.Graph()
    with graph.as_default():
        step = v1.placeholder(tf.int64, shape=[])  # usually the global_step variable
        lr = v1.train.exponential_decay(0.1, step, decay_steps=2, decay_rate=0.5,
                                        staircase=True)
    with v1.Session(graph=graph) as sess:
        return [sess.run(lr, feed_dict={step: s}) for s in range(6)]


def exponential_decay_tf2():
    # a schedule object; pass it as an optimizer's learning_rate
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(
        0.1, decay_steps=2, decay_rate=0.5, staircase=True)
    return [float(schedule(s)) for s in range(6)]
# --8<-- [end:exponential_decay]


# ---------------------------------------------------------------- layers, losses, metrics
# --8<-- [start:dense]
KERNEL = np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]], np.float32)
X3 = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]], np.float32)


def dense_tf1():
    """What tf.layers.dense(x, 2, activation=tf.nn.relu) builds: dense/kernel, dense/bias.

    tf.compat.v1.layers needs the tf-keras package (see the page); the graph below is
    the same computation written with get_variable, which runs without it.
    """
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=[None, 3])
        with v1.variable_scope("dense"):
            kernel = v1.get_variable("kernel", initializer=KERNEL)
            bias = v1.get_variable("bias", [2], initializer=v1.zeros_initializer())
        y = tf.nn.relu(tf.matmul(x, kernel) + bias)
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        return sess.run(y, feed_dict={x: X3})


def dense_tf2():
    layer = tf.keras.layers.Dense(2, activation="relu",
                                  kernel_initializer=tf.keras.initializers.Constant(KERNEL))
    return layer(X3).numpy()  # the layer object owns kernel and bias
# --8<-- [end:dense]


# --8<-- [start:losses]
Y_TRUE = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], np.float32)
LOGITS = np.array([[0.5, 2.0], [1.0, -1.0], [3.0, 0.0]], np.float32)


def mean_squared_error_tf1():
    graph = tf.Graph()
    with graph.as_default():
        loss = v1.losses.mean_squared_error(labels=Y_TRUE, predictions=LOGITS)
    with v1.Session(graph=graph) as sess:
        return sess.run(loss)


def mean_squared_error_tf2():
    return tf.keras.losses.MeanSquaredError()(Y_TRUE, LOGITS).numpy()  # (y_true, y_pred)


def softmax_cross_entropy_tf1():
    graph = tf.Graph()
    with graph.as_default():
        loss = v1.nn.softmax_cross_entropy_with_logits_v2(labels=Y_TRUE, logits=LOGITS)
    with v1.Session(graph=graph) as sess:
        return sess.run(loss)


def softmax_cross_entropy_tf2():
    # the _v2 behaviour took over the plain name; keyword arguments are required
    return tf.nn.softmax_cross_entropy_with_logits(labels=Y_TRUE, logits=LOGITS).numpy()
# --8<-- [end:losses]


# --8<-- [start:accuracy]
LABEL_BATCHES = [([1, 0, 1, 1], [1, 0, 0, 1]), ([0, 0, 1], [0, 1, 1])]  # (labels, predictions)


def accuracy_tf1():
    graph = tf.Graph()
    with graph.as_default():
        labels = v1.placeholder(tf.int32, [None])
        predictions = v1.placeholder(tf.int32, [None])
        acc, update_op = v1.metrics.accuracy(labels, predictions)  # a (value, update) pair
        init = v1.local_variables_initializer()  # its counters are *local* variables
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        for y, p in LABEL_BATCHES:
            sess.run(update_op, feed_dict={labels: y, predictions: p})
        return sess.run(acc)


def accuracy_tf2():
    metric = tf.keras.metrics.Accuracy()  # an object with its own state
    for y, p in LABEL_BATCHES:
        metric.update_state(y, p)
    return float(metric.result())
# --8<-- [end:accuracy]


# ---------------------------------------------------------------- summaries, checkpoints, flags
# --8<-- [start:summaries]
def read_scalars(logdir, tag):
    """Read a scalar series back from TensorBoard event files (either format)."""
    import glob

    values = []
    for path in sorted(glob.glob(f"{logdir}/events.out.tfevents.*")):
        for event in v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == tag:
                    has_simple = value.HasField("simple_value")  # TF1 writes simple_value
                    values.append(value.simple_value if has_simple
                                  else float(tf.make_ndarray(value.tensor)))  # TF2 a tensor
    return values


def summary_tf1():
    with tempfile.TemporaryDirectory() as logdir:
        graph = tf.Graph()
        with graph.as_default():
            loss = v1.placeholder(tf.float32, shape=[])
            summary_op = v1.summary.scalar("loss", loss)
        with v1.Session(graph=graph) as sess:
            writer = v1.summary.FileWriter(logdir, graph)
            for step, value in enumerate([0.9, 0.5, 0.2]):
                writer.add_summary(sess.run(summary_op, feed_dict={loss: value}), step)
            writer.close()
        return read_scalars(logdir, "loss")


def summary_tf2():
    with tempfile.TemporaryDirectory() as logdir:
        writer = tf.summary.create_file_writer(logdir)
        with writer.as_default():
            for step, value in enumerate([0.9, 0.5, 0.2]):
                tf.summary.scalar("loss", value, step=step)  # the step is explicit
        writer.close()
        return read_scalars(logdir, "loss")
# --8<-- [end:summaries]


# --8<-- [start:saver]
def saver_tf1():
    with tempfile.TemporaryDirectory() as ckpt_dir:
        graph = tf.Graph()
        with graph.as_default():
            w = v1.Variable([1.0, 2.0], name="w")
            change = v1.assign(w, [0.0, 0.0])
            saver = v1.train.Saver()  # saves every global variable, by name
            init = v1.global_variables_initializer()
        with v1.Session(graph=graph) as sess:
            sess.run(init)
            saver.save(sess, f"{ckpt_dir}/model.ckpt")
            sess.run(change)
            saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
            return sess.run(w)


def saver_tf2():
    with tempfile.TemporaryDirectory() as ckpt_dir:
        w = tf.Variable([1.0, 2.0], name="w")
        ckpt = tf.train.Checkpoint(w=w)  # saves what you attach, by object path
        ckpt.save(f"{ckpt_dir}/model")
        w.assign([0.0, 0.0])
        ckpt.restore(tf.train.latest_checkpoint(ckpt_dir))
        return w.numpy()
# --8<-- [end:saver]


# --8<-- [start:flags]
ARGV = ["train.py", "--max_step=50", "--lr=0.01"]


def flags_tf1():
    flags = v1.app.flags  # really absl.flags
    # TF1 code used the global flags.FLAGS; a private FlagValues avoids
    # DuplicateFlagError when the definitions run twice in one process
    FLAGS = flags.FlagValues()
    flags.DEFINE_integer("max_step", 1000, "train step number", flag_values=FLAGS)
    flags.DEFINE_float("lr", 0.1, "learning rate", flag_values=FLAGS)
    FLAGS(ARGV)  # tf.app.run() did this parsing for you
    return [FLAGS.max_step, FLAGS.lr]


def flags_tf2():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max_step", type=int, default=1000, help="train step number")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    args = parser.parse_args(ARGV[1:])
    return [args.max_step, args.lr]
# --8<-- [end:flags]


# ---------------------------------------------------------------- renamed and replaced ops
# --8<-- [start:random_normal]
def random_normal_tf1():
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1)  # graph-level seed
        sample = v1.random_normal([3], seed=2)
    with v1.Session(graph=graph) as sess:
        return [sess.run(sample), sess.run(sample)]  # each run draws new numbers


def random_normal_tf2():
    previous = v1.get_seed(None)[0]
    tf.random.set_seed(1)  # the global seed of the whole program
    try:
        return [tf.random.normal([3], seed=2).numpy() for _ in range(2)]
    finally:
        tf.random.set_seed(previous)  # leave the program's seed as it was
# --8<-- [end:random_normal]


# --8<-- [start:renamed_ops]
COUNTS = np.array([[1, 2], [3, 4]], np.int32)


def to_float_tf1():
    graph = tf.Graph()
    with graph.as_default():
        x = v1.to_float(COUNTS) / 2
    with v1.Session(graph=graph) as sess:
        return sess.run(x)


def to_float_tf2():
    return (tf.cast(COUNTS, tf.float32) / 2).numpy()


def log_tf1():
    graph = tf.Graph()
    with graph.as_default():
        y = v1.log([1.0, np.e, 10.0])
    with v1.Session(graph=graph) as sess:
        return sess.run(y)


def log_tf2():
    return tf.math.log([1.0, np.e, 10.0]).numpy()


def reduce_sum_tf1():
    graph = tf.Graph()
    with graph.as_default():
        y = v1.reduce_sum(COUNTS, axis=1, keep_dims=True)  # shape (2, 1)
    with v1.Session(graph=graph) as sess:
        return sess.run(y)


def reduce_sum_tf2():
    return tf.reduce_sum(COUNTS, axis=1, keepdims=True).numpy()
# --8<-- [end:renamed_ops]


# --8<-- [start:print]
def print_tf1():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant([1.0, 2.0])
        # tf.Print is an identity op that logs as a side effect: only the returned
        # tensor prints, and only when something that is run depends on it
        x = v1.Print(x, [x], message="x = ")
        y = x * 10.0
    with v1.Session(graph=graph) as sess:
        return sess.run(y)


def print_tf2():
    @tf.function
    def f(x):
        tf.print("x =", x)  # to stderr like tf.Print; runs on every call, in order
        return x * 10.0

    return f(tf.constant([1.0, 2.0])).numpy()
# --8<-- [end:print]


# --8<-- [start:py_func]
def running_max(x):
    return np.maximum.accumulate(x).astype(np.float32)  # plain NumPy


def py_func_tf1():
    graph = tf.Graph()
    with graph.as_default():
        y = v1.py_func(running_max, [tf.constant([1.0, 3.0, 2.0, 5.0])], tf.float32)
    with v1.Session(graph=graph) as sess:
        return sess.run(y)


def py_func_tf2():
    # numpy_function keeps py_func's contract (NumPy in, NumPy out);
    # tf.py_function passes eager tensors instead and can be differentiated
    return tf.numpy_function(running_max, [tf.constant([1.0, 3.0, 2.0, 5.0])],
                             tf.float32).numpy()
# --8<-- [end:py_func]


# --8<-- [start:iterator]
def dataset():
    return tf.data.Dataset.range(7).batch(3)


def iterator_tf1():
    graph = tf.Graph()
    with graph.as_default():
        next_batch = v1.data.make_one_shot_iterator(dataset()).get_next()
    batches = []
    with v1.Session(graph=graph) as sess:
        while True:
            try:
                batches.append(sess.run(next_batch))
            except tf.errors.OutOfRangeError:  # the end of the data is an exception
                break
    return np.concatenate(batches)


def iterator_tf2():
    return np.concatenate([batch.numpy() for batch in dataset()])  # a Python loop
# --8<-- [end:iterator]


# --8<-- [start:registry]
ROWS = [  # (TF1 API as the table names it, TF1 form, TF2 form)
    ("tf.Session.run", session_run_tf1, session_run_tf2),
    ("tf.placeholder", placeholder_tf1, placeholder_tf2),
    ("feed_dict", feed_dict_tf1, feed_dict_tf2),
    ("tf.get_default_graph", get_default_graph_tf1, get_default_graph_tf2),
    ("tf.InteractiveSession", interactive_session_tf1, interactive_session_tf2),
    ("tf.global_variables_initializer", global_variables_initializer_tf1,
     global_variables_initializer_tf2),
    ("tf.variable_scope", variable_scope_tf1, variable_scope_tf2),
    ("tf.global_variables", global_variables_tf1, global_variables_tf2),
    ("tf.assign", assign_tf1, assign_tf2),
    ("tf.cond", cond_tf1, cond_tf2),
    ("tf.while_loop", while_loop_tf1, while_loop_tf2),
    ("tf.gradients", gradients_tf1, gradients_tf2),
    ("tf.train.GradientDescentOptimizer", gradient_descent_tf1, gradient_descent_tf2),
    ("tf.train.MomentumOptimizer", momentum_tf1, momentum_tf2),
    ("tf.train.AdamOptimizer", adam_tf1, adam_tf2),
    ("tf.train.exponential_decay", exponential_decay_tf1, exponential_decay_tf2),
    ("tf.layers.dense", dense_tf1, dense_tf2),
    ("tf.losses.mean_squared_error", mean_squared_error_tf1, mean_squared_error_tf2),
    ("tf.nn.softmax_cross_entropy_with_logits_v2", softmax_cross_entropy_tf1,
     softmax_cross_entropy_tf2),
    ("tf.metrics.accuracy", accuracy_tf1, accuracy_tf2),
    ("tf.summary.FileWriter", summary_tf1, summary_tf2),
    ("tf.train.Saver", saver_tf1, saver_tf2),
    ("tf.app.flags", flags_tf1, flags_tf2),
    ("tf.random_normal", random_normal_tf1, random_normal_tf2),
    ("tf.to_float", to_float_tf1, to_float_tf2),
    ("tf.log", log_tf1, log_tf2),
    ("tf.reduce_sum(keep_dims=True)", reduce_sum_tf1, reduce_sum_tf2),
    ("tf.Print", print_tf1, print_tf2),
    ("tf.py_func", py_func_tf1, py_func_tf2),
    ("make_one_shot_iterator", iterator_tf1, iterator_tf2),
]

REMOVED = {  # modules with no TF2 form: they are simply not there any more
    "tf.estimator": lambda: hasattr(tf, "estimator") or hasattr(v1, "estimator"),
    "tf.contrib": lambda: hasattr(tf, "contrib") or hasattr(v1, "contrib"),
}
# --8<-- [end:registry]


def main():
    same = 0
    for name, tf1_fn, tf2_fn in ROWS:
        ok = agree(tf1_fn(), tf2_fn())
        same += ok
        print(f"{'same' if ok else 'DIFFERENT':<9} {name}")
    for name, still_there in REMOVED.items():
        print(f"{'present' if still_there() else 'removed':<9} {name}")
    print(f"{same}/{len(ROWS)} rows agree, {len(REMOVED)} modules removed")


if __name__ == "__main__":
    main()
