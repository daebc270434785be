"""Tensors and variables: creation, dtypes, static vs dynamic shape, reshape, math, tf.Variable.

Seed 003's sections 2.4-2.5, each rule shown the TF1 way (tf.compat.v1, inside its own
tf.Graph, eager execution left on) and the TF2 way: set_shape may only refine unknown
dimensions, reshape must keep the number of elements, TF1 variables need an initializer,
variable_scope/get_variable became tf.Module and tf.name_scope.

Run it:  python -m examples.frameworks.tensors_and_variables
"""

# --8<-- [start:creation]
import numpy as np
import tensorflow as tf

v1 = tf.compat.v1


def describe(t):
    """Shape and dtype in one line (NumPy arrays and TF tensors both have .shape, .dtype.name)."""
    return f"shape {tuple(t.shape)}, dtype {t.dtype.name}"


def tf_tensors():
    """The usual ways to create a tensor in TF2 (all eager)."""
    return {
        "constant(3.0)": tf.constant(3.0),
        "constant([1, 2, 3])": tf.constant([1, 2, 3]),
        "zeros([2, 3])": tf.zeros([2, 3]),
        "fill([2, 2], 7.0)": tf.fill([2, 2], 7.0),
        "range(0, 10, 3)": tf.range(0, 10, 3),
        "linspace(0.0, 1.0, 5)": tf.linspace(0.0, 1.0, 5),
        "random normal [2, 2]": tf.random.stateless_normal([2, 2], seed=[1, 2]),
        "from NumPy float64": tf.convert_to_tensor(np.arange(6.0).reshape(2, 3)),
    }
# --8<-- [end:creation]


# --8<-- [start:creation_numpy]
def numpy_arrays():
    """The same tensors in NumPy: same shapes, but NumPy's default dtypes are 64-bit."""
    rng = np.random.default_rng(1)
    return {
        "constant(3.0)": np.array(3.0),
        "constant([1, 2, 3])": np.array([1, 2, 3]),
        "zeros([2, 3])": np.zeros([2, 3]),
        "fill([2, 2], 7.0)": np.full([2, 2], 7.0),
        "range(0, 10, 3)": np.arange(0, 10, 3),
        "linspace(0.0, 1.0, 5)": np.linspace(0.0, 1.0, 5),
        "random normal [2, 2]": rng.normal(size=(2, 2)),
        "from NumPy float64": np.arange(6.0).reshape(2, 3),
    }
# --8<-- [end:creation_numpy]


# --8<-- [start:shapes]
def shapes_in_tf1_graph(batch):
    """Static shape: known when the graph is built. Dynamic shape: known when it runs."""
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=[None, 3], name="x")
        static = x.shape  # TensorShape([None, 3])
        dynamic = tf.shape(x)  # a tensor, evaluated by the session
    with v1.Session(graph=graph) as sess:
        return static, sess.run(dynamic, feed_dict={x: np.zeros((batch, 3))})


@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
def batch_size(x):
    """TF2: inside a traced function x.shape is static, tf.shape(x) is dynamic."""
    print("static shape while tracing:", x.shape)  # Python print: runs once, when tracing
    return tf.shape(x)[0]
# --8<-- [end:shapes]


# --8<-- [start:set_shape]
def try_set_shape(start_shape, new_shape):
    """set_shape on a placeholder of start_shape: the new static shape, or the error's type."""
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, shape=start_shape)
        try:
            x.set_shape(new_shape)
        except ValueError as error:
            return type(error).__name__
        return x.shape
# --8<-- [end:set_shape]


# --8<-- [start:reshape]
def reshape_from_scratch(array, shape):
    """Row-major reshape: infer -1, check the element count, copy in the same order."""
    flat = list(np.asarray(array).flat)  # elements in row-major (C) order
    shape = list(shape)
    if shape.count(-1) == 1:
        known = int(np.prod([d for d in shape if d != -1]))
        if known == 0 or len(flat) % known:
            raise ValueError(f"cannot infer -1: {len(flat)} elements into {shape}")
        shape[shape.index(-1)] = len(flat) // known
    if int(np.prod(shape)) != len(flat):
        raise ValueError(f"cannot reshape {len(flat)} elements into shape {shape}")
    out = np.empty(shape, dtype=np.asarray(array).dtype)
    for position, index in enumerate(np.ndindex(*shape)):
        out[index] = flat[position]
    return out
# --8<-- [end:reshape]


# --8<-- [start:math]
def math_ops_tf(a, b):
    """Element-wise ops, broadcasting, matrix product and reductions in TF."""
    return {
        "a + b": a + b,
        "a * b": a * b,
        "a + [10, 20, 30]": a + tf.constant([10.0, 20.0, 30.0]),
        "a @ transpose(b)": tf.matmul(a, b, transpose_b=True),
        "reduce_sum(a, axis=0)": tf.reduce_sum(a, axis=0),
        "reduce_mean(square(a - b))": tf.reduce_mean(tf.square(a - b)),
    }


def show(results):
    """Print each result rounded to 4 decimals (float64 first, so float32 noise is not shown)."""
    for name, value in results.items():
        print(f"{name:28s} {np.asarray(value, dtype=float).round(4).tolist()}")


def math_ops_numpy(a, b):
    """The same in NumPy."""
    return {
        "a + b": a + b,
        "a * b": a * b,
        "a + [10, 20, 30]": a + np.array([10.0, 20.0, 30.0]),
        "a @ transpose(b)": a @ b.T,
        "reduce_sum(a, axis=0)": a.sum(axis=0),
        "reduce_mean(square(a - b))": np.mean((a - b) ** 2),
    }
# --8<-- [end:math]


# --8<-- [start:variables]
def gradients_with_a_frozen_variable():
    """trainable=False: the tape does not watch the variable, its gradient is None."""
    w = tf.Variable(2.0, name="w")
    frozen = tf.Variable(3.0, trainable=False, name="frozen")
    with tf.GradientTape() as tape:
        loss = w * frozen
    return tape.gradient(loss, [w, frozen])


def tf1_initialization():
    """TF1: a variable has no value until its initializer runs in a session."""
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(tf.ones([2]), name="w")
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        try:
            sess.run(w)
        except tf.errors.FailedPreconditionError as error:
            before = type(error).__name__
        sess.run(init)
        return before, sess.run(w)
# --8<-- [end:variables]


# --8<-- [start:scopes_tf1]
def tf1_variable_scope():
    """variable_scope + get_variable: names with a prefix, sharing only when reuse=True."""
    with tf.Graph().as_default():
        with v1.variable_scope("original_data"):
            w = v1.get_variable("weights", shape=[1, 1], initializer=v1.ones_initializer())
        try:
            with v1.variable_scope("original_data"):
                v1.get_variable("weights", shape=[1, 1])
        except ValueError as error:
            duplicate = type(error).__name__
        with v1.variable_scope("original_data", reuse=True):
            same = v1.get_variable("weights")
        return w.name, duplicate, same is w
# --8<-- [end:scopes_tf1]


# --8<-- [start:scopes_tf2]
class Linear(tf.Module):
    """TF2: a module owns its variables; sharing means reusing the Python object."""

    def __init__(self, units_in, units_out, name=None):
        super().__init__(name=name)
        with self.name_scope:  # prefixes the variable names, as variable_scope did
            self.w = tf.Variable(tf.random.stateless_normal([units_in, units_out], seed=[0, 0]),
                                 name="weights")
            self.b = tf.Variable(tf.zeros([units_out]), name="bias")
            self.calls = tf.Variable(0, trainable=False, name="calls")

    @tf.Module.with_name_scope
    def __call__(self, x):
        self.calls.assign_add(1)
        return x @ self.w + self.b
# --8<-- [end:scopes_tf2]


# --8<-- [start:figure]
def plot_reshape(path):
    """tf.range(6) reshaped to [2, 3], [3, 2] and [6]: the row-major order never changes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = tf.range(6)
    shapes = [[2, 3], [3, 2], [1, 6]]
    fig, axes = plt.subplots(1, 3, figsize=(6, 2.4), dpi=100,
                             gridspec_kw={"width_ratios": [3, 2, 6]})
    cmap = plt.get_cmap("viridis")
    for ax, shape in zip(axes, shapes):
        grid = tf.reshape(values, shape).numpy()
        ax.imshow(grid, cmap=cmap, vmin=-1, vmax=6)
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j, i, str(v), ha="center", va="center", color="white", fontsize=12)
        label = "[6]" if shape == [1, 6] else str(shape)
        ax.set_title(f"reshape(x, {label})", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("x = tf.range(6): same elements, same row-major order", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"tensors-and-variables-reshape.png": plot_reshape}


def main():
    for name, t in tf_tensors().items():
        print(f"{name:24s} {describe(t)}")
    print("static/dynamic shape in a TF1 graph:", shapes_in_tf1_graph(4))
    for start, new in [([None, 3], [5, 3]), ([None, 3], [5, 4]), ([2, 3], [3, 2]), (None, [4, 3])]:
        print(f"set_shape {start} -> {new}: {try_set_shape(start, new)}")
    print("reshape from scratch:", reshape_from_scratch(np.arange(6), [-1, 2]).tolist())
    print("gradients (w, frozen):", gradients_with_a_frozen_variable())
    print("TF1 initialization:", tf1_initialization())
    print("TF1 variable_scope:", tf1_variable_scope())
    layer = Linear(2, 1, name="original_data")
    print("TF2 tf.Module:", [v.name for v in layer.trainable_variables])


if __name__ == "__main__":
    main()
