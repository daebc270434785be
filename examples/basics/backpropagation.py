"""Backpropagation by hand: a two-node computational graph, then an MLP in NumPy float64.

The MLP has tanh (or sigmoid) hidden layers and one sigmoid output unit trained with binary
cross-entropy. ``backward`` applies the chain rule layer by layer; ``numerical_gradients``
and ``gradients_tf`` (tf.GradientTape) check every parameter's gradient.

Run it:  python -m examples.basics.backpropagation
"""

# --8<-- [start:graph]
import numpy as np


def graph_example(x, y, z):
    """f = (x + y) * z as a graph of two nodes: q = x + y, then f = q * z.

    Forward: compute and keep every intermediate value. Backward: start from df/df = 1
    and multiply by each node's local derivative on the way back (the chain rule).
    """
    q = x + y                   # forward through the "+" node
    f = q * z                   # forward through the "*" node
    df_dq, df_dz = z, q         # "*" node: d(q z)/dq = z, d(q z)/dz = q
    df_dx = df_dq * 1.0         # "+" node: dq/dx = 1, so it passes the gradient on unchanged
    df_dy = df_dq * 1.0
    return f, {"x": df_dx, "y": df_dy, "z": df_dz}
# --8<-- [end:graph]


# --8<-- [start:mlp]
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


HIDDEN = {  # activation, and its derivative written with the activation's output A
    "tanh": (np.tanh, lambda A: 1.0 - A**2),
    "sigmoid": (sigmoid, lambda A: A * (1.0 - A)),
}


def init_params(layer_sizes, seed=0):
    """{"W1": (n0, n1), "b1": (n1,), ...}; Glorot-normal weights, small random biases."""
    rng = np.random.default_rng(seed)
    params = {}
    for l, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        params[f"W{l}"] = rng.normal(scale=np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))
        params[f"b{l}"] = rng.normal(scale=0.1, size=n_out)
    return params


def forward(params, X, hidden="tanh"):
    """Forward pass. Returns the output logits Z_L and a cache of every A and Z."""
    activation, _ = HIDDEN[hidden]
    num_layers = len(params) // 2
    cache = {"A0": X}
    A = X
    for l in range(1, num_layers + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache[f"Z{l}"] = Z
        A = activation(Z) if l < num_layers else sigmoid(Z)
        cache[f"A{l}"] = A
    return Z, cache


def loss_from_logits(Z, y):
    """Mean binary cross-entropy of sigmoid(Z) against y, computed stably from the logits."""
    return np.mean(np.logaddexp(0.0, Z) - y * Z)


def backward(params, cache, y, hidden="tanh"):
    """Gradients of the mean cross-entropy with respect to every W and b (the chain rule)."""
    _, derivative = HIDDEN[hidden]
    num_layers = len(params) // 2
    m = y.shape[0]
    grads = {}
    dZ = (cache[f"A{num_layers}"] - y) / m          # sigmoid + cross-entropy: dLoss/dZ_L
    for l in range(num_layers, 0, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"] = A_prev.T @ dZ              # Z_l = A_{l-1} W_l + b_l
        grads[f"b{l}"] = dZ.sum(axis=0)             # b_l was broadcast over the m rows
        if l > 1:
            dA_prev = dZ @ params[f"W{l}"].T        # back through the matrix product
            dZ = dA_prev * derivative(A_prev)       # back through the activation
    return grads
# --8<-- [end:mlp]


# --8<-- [start:gradient_check]
def numerical_gradients(params, X, y, hidden="tanh", eps=1e-6):
    """Central differences (L(p + eps) - L(p - eps)) / (2 eps), one parameter at a time."""
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + eps
            plus = loss_from_logits(forward(params, X, hidden)[0], y)
            value[index] = original - eps
            minus = loss_from_logits(forward(params, X, hidden)[0], y)
            value[index] = original                 # put it back
            grad[index] = (plus - minus) / (2 * eps)
        grads[name] = grad
    return grads


def relative_error(a, b):
    """|a - b| / (|a| + |b|): scale-free, so small and large gradients are judged alike."""
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)
# --8<-- [end:gradient_check]


# --8<-- [start:tensorflow]
import tensorflow as tf


def gradients_tf(params, X, y, hidden="tanh"):
    """The same loss, differentiated by tf.GradientTape. Returns (loss, {name: gradient})."""
    activation = {"tanh": tf.tanh, "sigmoid": tf.sigmoid}[hidden]
    variables = {name: tf.Variable(value, dtype=tf.float64) for name, value in params.items()}
    num_layers = len(params) // 2
    with tf.GradientTape() as tape:
        A = tf.constant(X, tf.float64)
        for l in range(1, num_layers + 1):
            Z = A @ variables[f"W{l}"] + variables[f"b{l}"]
            A = activation(Z) if l < num_layers else Z
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.constant(y, tf.float64), logits=Z))
    grads = tape.gradient(loss, variables)          # a dict in, a dict out
    return float(loss), {name: g.numpy() for name, g in grads.items()}
# --8<-- [end:tensorflow]


# --8<-- [start:train]
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split


def moons_split(seed=0):
    """Two interleaving half-moons (no straight line separates them), 75/25 split."""
    X, y = make_moons(n_samples=400, noise=0.2, random_state=seed)
    return train_test_split(X, y.reshape(-1, 1).astype(float), test_size=0.25, random_state=seed)


def train(X, y, layer_sizes=(2, 8, 8, 1), learning_rate=0.2, num_epochs=1000, seed=0, hidden="tanh"):
    """Full-batch gradient descent with the hand-written backward pass."""
    params = init_params(list(layer_sizes), seed)
    losses = []
    for _ in range(num_epochs):
        Z, cache = forward(params, X, hidden)
        losses.append(loss_from_logits(Z, y))
        grads = backward(params, cache, y, hidden)
        for name in params:
            params[name] -= learning_rate * grads[name]
    return params, losses


def accuracy(params, X, y, hidden="tanh"):
    return float(np.mean((forward(params, X, hidden)[0] > 0) == (y > 0.5)))
# --8<-- [end:train]


# --8<-- [start:figures]
def plot_graph(path):
    """The graph of f = (x + y) * z with forward values (above) and gradients (below)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f, grads = graph_example(-2.0, 5.0, -4.0)
    nodes = {"x": (0, 3.2), "y": (0, 1.6), "z": (0, 0), "+": (2.5, 2.4), "*": (5, 1.2), "f": (7, 1.2)}
    values = {"x": "-2", "y": "5", "z": "-4", "+": "q = 3", "*": f"{f:g}", "f": ""}
    gradients = {"x": f"{grads['x']:g}", "y": f"{grads['y']:g}", "z": f"{grads['z']:g}",
                 "+": "-4", "*": "1", "f": ""}
    edges = [("x", "+"), ("y", "+"), ("+", "*"), ("z", "*"), ("*", "f")]
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=100)
    for start, end in edges:
        ax.annotate("", xy=nodes[end], xytext=nodes[start],
                    arrowprops=dict(arrowstyle="->", color="gray", shrinkA=16, shrinkB=16))
    for name, (px, py) in nodes.items():
        if name == "f":
            ax.text(px, py, "f", ha="center", va="center", fontsize=13)
            continue
        ax.add_patch(plt.Circle((px, py), 0.3, facecolor="white", edgecolor="k"))
        ax.text(px, py, name, ha="center", va="center", fontsize=13)
        ax.text(px, py + 0.42, values[name], ha="center", color="tab:green", fontsize=10)
        ax.text(px, py - 0.55, gradients[name], ha="center", color="tab:red", fontsize=10)
    ax.text(7, 0.5, "green: forward value\nred: df/d(node)", ha="center", fontsize=9)
    ax.set_xlim(-0.8, 7.8)
    ax.set_ylim(-0.9, 3.9)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def plot_moons(path, params=None, losses=None, seed=0):
    """Loss of the hand-trained MLP, and its decision regions on the test points.

    Pass the (params, losses) of a finished run to plot it; otherwise it trains one.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X_train, X_test, y_train, y_test = moons_split(seed)
    if params is None:
        params, losses = train(X_train, y_train, seed=seed)
    gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 200), np.linspace(-1.2, 1.7, 150))
    Z, _ = forward(params, np.column_stack([gx.ravel(), gy.ravel()]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=100)
    left.plot(losses)
    left.set_yscale("log")
    left.set_xlabel("epoch (full batch)")
    left.set_ylabel("training cross-entropy")
    left.set_title("MLP 2-8-8-1, manual backprop")
    left.grid(True, which="both", alpha=0.3)
    right.contourf(gx, gy, (Z > 0).reshape(gx.shape), levels=[-0.5, 0.5, 1.5],
                   colors=["#dbe8f5", "#f8dcc4"])
    for label, marker in ((0, "o"), (1, "s")):
        pts = X_test[y_test[:, 0] == label]
        right.scatter(pts[:, 0], pts[:, 1], marker=marker, s=18, edgecolor="k", label=f"class {label}")
    right.set_title(f"test accuracy {accuracy(params, X_test, y_test):.3f}")
    right.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]

FIGURES = {"backpropagation-graph.png": plot_graph, "backpropagation-moons.png": plot_moons}


def main():
    print("f = (x + y) * z at (-2, 5, -4):", graph_example(-2.0, 5.0, -4.0))
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 3)), (rng.random((16, 1)) < 0.5).astype(float)
    params = init_params([3, 5, 4, 1])
    Z, cache = forward(params, X)
    ours = backward(params, cache, y)
    numeric = numerical_gradients(params, X, y)
    _, tape = gradients_tf(params, X, y)
    for name in params:
        print(f"{name}: vs numerical {relative_error(ours[name], numeric[name]):.1e}, "
              f"vs GradientTape {relative_error(ours[name], tape[name]):.1e}")
    X_train, X_test, y_train, y_test = moons_split()
    trained, losses = train(X_train, y_train)
    print(f"moons: loss {losses[0]:.3f} -> {losses[-1]:.3f}, "
          f"test accuracy {accuracy(trained, X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
