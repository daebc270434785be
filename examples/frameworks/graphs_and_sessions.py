"""Graphs, sessions, ops and tensor names: the TF1 way (tf.compat.v1) and its TF2 form.

Seed 003's chapter 2: a graph of operations, tensors named "<op>:<index>", placeholders
filled through feed_dict, InteractiveSession.eval(), one session per graph, device strings
and ConfigProto. Every TF1 graph here lives in its own ``tf.Graph`` and runs in a
``tf.compat.v1.Session(graph=...)``; eager execution stays on. The TF2 form of each idiom
is a ``tf.function``, whose graph we inspect with ``get_concrete_function().graph``.
A 40-line graph + session written from scratch shows what the machinery does.

Run it:  python -m examples.frameworks.graphs_and_sessions
"""

# --8<-- [start:names]
import numpy as np
import tensorflow as tf

v1 = tf.compat.v1


def build_constants_graph():
    """Seed 003's example: two unnamed constants, one named "answer", and a sum."""
    graph = tf.Graph()
    with graph.as_default():  # ops created in this block go into `graph`
        a = tf.constant(3.0)
        b = tf.constant(4.0)
        answer = tf.constant(42.0, name="answer")
        total = tf.add(a, b)
    return graph, (a, b, answer, total)
# --8<-- [end:names]


# --8<-- [start:from_scratch]
class MiniGraph:
    """A dataflow graph from scratch: ops in creation order, each with one output."""

    def __init__(self):
        self.ops = {}  # op name -> (op type, function, names of its input tensors)

    def _unique(self, name):
        """TF's rule: the second "Const" becomes "Const_1", the third "Const_2"."""
        if name not in self.ops:
            return name
        i = 1
        while f"{name}_{i}" in self.ops:
            i += 1
        return f"{name}_{i}"

    def _op(self, op_type, fn, inputs=(), name=None):
        name = self._unique(name or op_type)
        self.ops[name] = (op_type, fn, tuple(inputs))
        return f"{name}:0"  # a tensor is named after the op that makes it, plus an index

    def constant(self, value, name=None):
        value = np.float32(value)
        return self._op("Const", lambda: value, name=name)

    def placeholder(self, name=None):
        return self._op("Placeholder", None, name=name)

    def add(self, a, b, name=None):
        return self._op("Add", np.add, (a, b), name)

    def multiply(self, a, b, name=None):
        return self._op("Mul", np.multiply, (a, b), name)


class MiniSession:
    """Runs the part of a MiniGraph that a fetch depends on, and nothing else."""

    def __init__(self, graph):
        self.graph = graph

    def run(self, fetch, feed_dict=None):
        values = {t: np.asarray(v, np.float32) for t, v in (feed_dict or {}).items()}

        def evaluate(tensor):
            if tensor not in values:
                op_type, fn, inputs = self.graph.ops[tensor.split(":")[0]]
                if op_type == "Placeholder":
                    raise KeyError(f"You must feed a value for placeholder tensor '{tensor}'")
                values[tensor] = fn(*[evaluate(t) for t in inputs])
            return values[tensor]

        return evaluate(fetch)
# --8<-- [end:from_scratch]


# --8<-- [start:affine]
def build_affine_graph():
    """y = w * x + b with x a placeholder: the graph is fixed, the data arrives at run time."""
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=[None], name="x")
        w = tf.constant(2.0, name="w")
        b = tf.constant(1.0, name="b")
        y = tf.add(tf.multiply(w, x), b, name="y")
    return graph, x, y
# --8<-- [end:affine]


# --8<-- [start:mini_affine]
def build_mini_affine_graph():
    """The same graph, built with MiniGraph: same op names, same tensor names."""
    graph = MiniGraph()
    x = graph.placeholder(name="x")
    w = graph.constant(2.0, name="w")
    b = graph.constant(1.0, name="b")
    y = graph.add(graph.multiply(w, x), b, name="y")
    return graph, x, y
# --8<-- [end:mini_affine]


# --8<-- [start:tf2_affine]
@tf.function
def affine(x, w, b):
    """TF2: the placeholder becomes an argument, Session.run becomes a call."""
    return w * x + b


def traced_graph(fn, *specs):
    """The graph tf.function traced for these input specs (a FuncGraph, a tf.Graph)."""
    return fn.get_concrete_function(*specs).graph
# --8<-- [end:tf2_affine]


# --8<-- [start:two_graphs]
def run_two_graphs():
    """A session runs the graph it was created with; two graphs need two sessions."""
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        one = tf.constant(1, name="one")
    with g2.as_default():
        two = tf.constant(2, name="two")
    with v1.Session(graph=g1) as s1, v1.Session(graph=g2) as s2:
        results = int(s1.run(one)), int(s2.run(two))
        try:
            s1.run(two)  # `two` belongs to g2
        except ValueError as error:
            results += (type(error).__name__,)
    return results
# --8<-- [end:two_graphs]


# --8<-- [start:devices]
def parse_device(name):
    """Split a device string into its fields (job, replica, task, device type, index)."""
    spec = tf.DeviceSpec.from_string(name)
    return spec.job, spec.replica, spec.task, spec.device_type, spec.device_index


def pinned_graph():
    """TF1: `with tf.device(...)` records a device request on the ops built inside."""
    graph = tf.Graph()
    with graph.as_default():
        with tf.device("/device:CPU:0"):
            a = tf.constant(1.0, name="a")
        b = tf.constant(2.0, name="b")  # no request: the runtime chooses
        total = tf.add(a, b, name="total")
    return graph, a, b, total
# --8<-- [end:devices]


# --8<-- [start:figure]
def plot_graph(graph, path, title="y = w * x + b as a TF1 graph"):
    """Draw a small tf.Graph: ops as boxes in columns by depth, tensors as arrows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ops = graph.get_operations()
    depth = {}
    for op in ops:  # creation order is a topological order
        depth[op.name] = 1 + max((depth[t.op.name] for t in op.inputs), default=-1)
    columns = {}
    for op in ops:
        columns.setdefault(depth[op.name], []).append(op)
    position = {}
    for d, column in columns.items():
        for i, op in enumerate(column):
            position[op.name] = (d, (len(column) - 1) / 2 - i)

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for op in ops:
        for tensor in op.inputs:
            (x0, y0), (x1, y1) = position[tensor.op.name], position[op.name]
            ax.annotate("", xy=(x1 - 0.25, y1), xytext=(x0, y0),
                        arrowprops=dict(arrowstyle="->", color="0.4"))
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.08, tensor.name, ha="center",
                    fontsize=8, color="tab:blue")
    for op in ops:
        x, y = position[op.name]
        ax.text(x, y, f"{op.name}\n({op.type})", ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round", facecolor="0.95", edgecolor="0.3"))
    ax.set_xlim(-0.5, max(columns) + 0.5)
    ax.set_ylim(-1.3, 1.3)
    ax.set_title(title)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"graphs-and-sessions-affine.png": lambda path: plot_graph(build_affine_graph()[0], path)}


def main():
    graph, (a, b, answer, total) = build_constants_graph()
    print("tensor names:", a.name, b.name, answer.name, total.name)
    print("ops:", [op.name for op in graph.get_operations()])
    with v1.Session(graph=graph) as sess:
        print("Session.run(total) =", sess.run(total))

    graph, x, y = build_affine_graph()
    with v1.Session(graph=graph) as sess:
        print("TF1 y for x = [0, 1, 2]:", sess.run(y, feed_dict={x: [0.0, 1.0, 2.0]}))
    mini, mx, my = build_mini_affine_graph()
    print("from scratch:            ", MiniSession(mini).run(my, feed_dict={mx: [0.0, 1.0, 2.0]}))
    print("TF2 tf.function:         ", affine(tf.constant([0.0, 1.0, 2.0]), 2.0, 1.0).numpy())
    print("two graphs, two sessions:", run_two_graphs())
    print("device fields:", parse_device("/job:worker/replica:0/task:0/device:CPU:0"))


if __name__ == "__main__":
    main()
