"""tf.function: eager vs graph execution, AutoGraph, tracing and retracing, and its pitfalls.

A Python function decorated with ``tf.function`` is traced into a graph the first time it
is called with a new input signature; later calls with a matching signature run the graph
without running the Python code. Traces are counted here with a Python side effect (which
only happens while tracing) and checked against ``experimental_get_tracing_count()``.
How much faster graph execution is depends on the workload: benchmarks/tf_function.py
measures it; nothing here asserts a timing.

Run it:  python -m examples.frameworks.tf_function
"""

# --8<-- [start:eager_vs_graph]
import numpy as np
import tensorflow as tf


def mlp(x, weights):
    """A few small dense layers: eager runs it op by op, tf.function as one graph."""
    for w in weights:
        x = tf.nn.relu(x @ w)
    return x


mlp_graph = tf.function(mlp)


def make_weights(sizes=(8, 16, 16, 4), seed=0):
    """Fixed random weights for layers of the given sizes."""
    return [tf.random.stateless_normal([m, n], seed=[seed, i]) / np.sqrt(m)
            for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]
# --8<-- [end:eager_vs_graph]


# --8<-- [start:autograph]
def collatz_steps(n):
    """How many Collatz steps take n to 1: a while loop with an if inside."""
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


collatz_graph = tf.function(collatz_steps)


def op_types(fn, *args):
    """The set of op types in the graph fn is traced to for these arguments."""
    graph = fn.get_concrete_function(*args).graph
    return sorted({op.type for op in graph.get_operations()})
# --8<-- [end:autograph]


# --8<-- [start:from_scratch]
def collatz_table(limit):
    """Reference: plain Python on NumPy integers, for n = 1 .. limit."""
    return np.array([collatz_steps(int(n)) for n in np.arange(1, limit + 1)])
# --8<-- [end:from_scratch]


# --8<-- [start:retracing]
def make_traced(**options):
    """A tf.function that counts its traces with a Python side effect."""
    traces = []

    @tf.function(**options)
    def double(x):
        traces.append(1)  # Python code: runs only while tracing
        return x * 2

    return double, traces


def count_traces(args, **options):
    """Call a fresh traced function with each argument; return the number of traces."""
    fn, traces = make_traced(**options)
    for arg in args:
        fn(arg)
    assert len(traces) == fn.experimental_get_tracing_count()
    return len(traces)
# --8<-- [end:retracing]


# --8<-- [start:print_vs_tf_print]
def print_vs_tf_print(values, log_path):
    """print runs while tracing; tf.print is an op in the graph and runs on every call."""

    @tf.function
    def step(x):
        print("print:", x)
        tf.print("tf.print:", x, output_stream=f"file://{log_path}")
        return x + 1

    for value in values:
        step(tf.constant(value))
# --8<-- [end:print_vs_tf_print]


# --8<-- [start:variables_inside]
@tf.function
def scale_with_new_variable(x):
    """Wrong: a new tf.Variable on every call. tf.function refuses it."""
    v = tf.Variable(2.0)
    return v * x


class Scale(tf.Module):
    """Right: the variable is created once, on the first trace, and kept on the object."""

    def __init__(self):
        super().__init__()
        self.v = None

    @tf.function
    def __call__(self, x):
        if self.v is None:  # a Python check: only true during the first trace
            self.v = tf.Variable(2.0)
        return self.v * x
# --8<-- [end:variables_inside]


# --8<-- [start:unrolling]
def add_range_python(x, n=100):
    """A Python range: the loop runs while tracing and is unrolled into n additions."""
    for i in range(n):
        x = x + i
    return x


def add_range_tf(x, n=100):
    """A tf.range: AutoGraph turns the loop into one while op, whatever n is."""
    for i in tf.range(n):
        x = x + i
    return x


def graph_size(fn, *specs):
    """Number of ops in the top-level graph of fn traced for these input specs."""
    return len(tf.function(fn).get_concrete_function(*specs).graph.get_operations())
# --8<-- [end:unrolling]


# --8<-- [start:figure]
POLICIES = {
    "Python ints 0, 1, 2, ...": ({}, lambda i: i),
    "int32 scalars": ({}, lambda i: tf.constant(i)),
    "vectors of length i+1": ({}, lambda i: tf.range(i + 1)),
    "vectors, reduce_retracing=True": ({"reduce_retracing": True}, lambda i: tf.range(i + 1)),
    "vectors, input_signature=[None]": (
        {"input_signature": [tf.TensorSpec([None], tf.int32)]}, lambda i: tf.range(i + 1)),
}


def trace_curves(num_calls=10):
    """Cumulative number of traces after each call, for each calling policy."""
    curves = {}
    for name, (options, make_arg) in POLICIES.items():
        fn, traces = make_traced(**options)
        curve = []
        for i in range(num_calls):
            fn(make_arg(i))
            curve.append(len(traces))
        curves[name] = curve
    return curves


def plot_traces(path, num_calls=10):
    """Two panels: scalar arguments (Python vs tensor), vectors of growing length."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = trace_curves(num_calls)
    calls = range(1, num_calls + 1)
    fig, axes = plt.subplots(1, 2, figsize=(6, 3.5), dpi=100, sharey=True)
    panels = [("scalar arguments", list(curves)[:2]), ("vectors of length 1, 2, 3, ...", list(curves)[2:])]
    for ax, (title, names) in zip(axes, panels):
        for name, marker in zip(names, "os^"):
            label = name.replace("vectors, ", "").replace("vectors of length i+1", "default")
            ax.plot(calls, curves[name], marker=marker, label=label)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("call")
        ax.set_xticks(list(calls))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("traces so far")
    fig.suptitle("When does tf.function retrace?", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"tf-function-retracing.png": plot_traces}


def main():
    weights = make_weights()
    x = tf.random.stateless_normal([32, 8], seed=[1, 1])
    same = np.allclose(mlp(x, weights).numpy(), mlp_graph(x, weights).numpy(), rtol=1e-5, atol=1e-6)
    print("eager and graph agree:", same)
    print("collatz(27):", collatz_steps(27), int(collatz_graph(tf.constant(27))))
    print("graph ops:", op_types(collatz_graph, tf.TensorSpec([], tf.int32)))
    for name, curve in trace_curves().items():
        print(f"{name:34s} traces after 10 calls: {curve[-1]}")
    print("timings: python benchmarks/tf_function.py")


if __name__ == "__main__":
    main()
