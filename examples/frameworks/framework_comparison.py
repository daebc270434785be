"""Static vs dynamic graphs, shown with TensorFlow: eager code, tf.function, XLA, Keras 3.

Eager execution is TensorFlow's "dynamic graph" (define by run: the Python code runs on
every call); tf.function gives a "static graph" (traced once, then run without Python).
The helpers count how often the Python body runs, list the traced graph's ops and ask
XLA for the program it compiles. Keras 3 runs on top of a backend; here it is TensorFlow.

Run it:  python -m examples.frameworks.framework_comparison
"""

# --8<-- [start:backend]
import numpy as np
import tensorflow as tf
import keras
from keras import ops
# --8<-- [end:backend]


# --8<-- [start:keras_ops]
def standardize(x):
    """Backend-agnostic Keras 3 code: the same lines run on TensorFlow, JAX or PyTorch."""
    return (x - ops.mean(x)) / ops.std(x)
# --8<-- [end:keras_ops]


# --8<-- [start:python_runs]
PYTHON_RUNS = []


def poly(x):
    PYTHON_RUNS.append(1)  # a Python side effect: counts how often this body runs
    return x ** 2 + 3.0 * x


def count_python_runs(fn, inputs):
    """Call fn on every input; return how many times its Python body actually ran."""
    PYTHON_RUNS.clear()
    for x in inputs:
        fn(tf.constant(x))
    return len(PYTHON_RUNS)
# --8<-- [end:python_runs]


# --8<-- [start:graph_ops]
def traced_ops(fn, signature=tf.TensorSpec([], tf.float32)):
    """(name, type, inputs) of every op in the graph that tf.function traces from fn."""
    graph = tf.function(fn).get_concrete_function(signature).graph
    return [(op.name, op.type, [t.op.name for t in op.inputs]) for op in graph.get_operations()]
# --8<-- [end:graph_ops]


# --8<-- [start:control_flow]
def piecewise(x):
    if x > 0:  # eager: a plain Python `if` on the value; traced: AutoGraph makes it tf.cond
        return x ** 2
    return -x


def gradient(fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return float(tape.gradient(y, x))
# --8<-- [end:control_flow]


# --8<-- [start:xla]
poly_xla = tf.function(poly, jit_compile=True)  # ask XLA to compile the traced graph


def xla_program(fn, x):
    """The HLO program XLA builds for fn at this input (text)."""
    return fn.experimental_get_compiler_ir(tf.constant(x))(stage="hlo")
# --8<-- [end:xla]


# --8<-- [start:keras_fit]
class CountingLayer(keras.layers.Layer):
    """Doubles its input; counts how often its Python `call` runs."""

    calls = 0

    def call(self, x):
        CountingLayer.calls += 1
        return 2.0 * x


def python_calls_during_fit(run_eagerly, num_samples=32, batch_size=8, epochs=2):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), CountingLayer(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=run_eagerly)
    x = np.ones((num_samples, 3), np.float32)
    y = np.ones((num_samples, 1), np.float32)
    CountingLayer.calls = 0
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    return CountingLayer.calls, model.jit_compile
# --8<-- [end:keras_fit]


# --8<-- [start:figure]
def plot_traced_graph(fn, path):
    """Draw the ops of fn's traced graph, one row per depth, edges from inputs to users."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ops_ = traced_ops(fn)
    depth = {}
    for name, _, inputs in ops_:  # ops come in topological order
        depth[name] = 1 + max((depth[i] for i in inputs), default=-1)
    rows = {}
    for name, _, _ in ops_:
        rows.setdefault(depth[name], []).append(name)
    pos = {name: (col - (len(names) - 1) / 2, -d)
           for d, names in rows.items() for col, name in enumerate(names)}

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for name, _, inputs in ops_:
        for i in inputs:
            ax.annotate("", xy=pos[name], xytext=pos[i],
                        arrowprops=dict(arrowstyle="->", color="0.4", shrinkA=16, shrinkB=16))
    for name, kind, _ in ops_:
        ax.text(*pos[name], f"{kind}\n{name}", ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round", fc="#e8f0fe" if kind != "Const" else "#f1f3f4",
                          ec="0.5"))
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-max(rows) - 0.6, 0.6)
    ax.set_title("graph traced by tf.function from x ** 2 + 3.0 * x", fontsize=10)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"framework-comparison-traced-graph.png": lambda path: plot_traced_graph(poly, path)}


def main():
    print("Keras backend:", keras.backend.backend())
    print("standardize:", np.round(ops.convert_to_numpy(standardize(np.array([1.0, 2.0, 3.0]))), 4))
    inputs = [1.0, 2.0, 3.0, 4.0, 5.0]
    print("Python body runs, eager:", count_python_runs(poly, inputs),
          "| tf.function:", count_python_runs(tf.function(poly), inputs))
    print("traced ops:", [kind for _, kind, _ in traced_ops(poly)])
    print("gradients eager / traced:", gradient(piecewise, 3.0), gradient(tf.function(piecewise), 3.0))
    print("XLA program starts with:", xla_program(poly_xla, 2.0).splitlines()[0].split()[0])
    print("layer calls during fit (compiled, eager):",
          python_calls_during_fit(False)[0], python_calls_during_fit(True)[0])


if __name__ == "__main__":
    main()
