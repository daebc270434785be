"""A neuron, a dense layer and a multilayer perceptron (MLP) forward pass in NumPy.

Weights follow Keras' layout: a layer's kernel W has shape (inputs, units) and a batch X of
shape (samples, inputs) goes through as X @ W + b, so the same arrays can be loaded into a
``tf.keras`` model with ``set_weights`` and give the same outputs.

Run it:  python -m examples.basics.neural_networks
"""

# --8<-- [start:neuron]
import numpy as np


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), written so that no exp() overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": sigmoid,
}


def neuron(x, w, b, activation="sigmoid"):
    """One neuron: the weighted sum of its inputs plus a bias, through an activation."""
    z = np.dot(x, w) + b
    return ACTIVATIONS[activation](z)
# --8<-- [end:neuron]


# --8<-- [start:mlp]
def init_mlp(layer_sizes, seed=0):
    """[(W, b), ...] for sizes like [4, 8, 8, 3]: Glorot-uniform kernels (Keras' default), zero biases."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params.append((rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros(n_out)))
    return params


def dense(X, W, b, activation):
    """A fully connected layer on a batch: every unit is a neuron that sees every input."""
    return ACTIVATIONS[activation](X @ W + b)


def mlp_forward(X, params, activations):
    """Forward propagation: the output of each layer is the input of the next."""
    A = np.asarray(X, dtype=float)
    for (W, b), activation in zip(params, activations):
        A = dense(A, W, b, activation)
    return A


def count_params(params):
    """Each layer has n_in * n_out weights and n_out biases."""
    return sum(W.size + b.size for W, b in params)
# --8<-- [end:mlp]


# --8<-- [start:keras]
import tensorflow as tf


def keras_mlp(params, activations, dtype="float64"):
    """The same MLP as a tf.keras Sequential model, loaded with the same weights."""
    n_inputs = params[0][0].shape[0]
    model = tf.keras.Sequential(
        [tf.keras.Input(shape=(n_inputs,), dtype=dtype)]
        + [tf.keras.layers.Dense(W.shape[1], activation=activation, dtype=dtype)
           for (W, _), activation in zip(params, activations)]
    )
    model.set_weights([array for pair in params for array in pair])  # [W1, b1, W2, b2, ...]
    return model
# --8<-- [end:keras]


# --8<-- [start:xor]
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])

# Hand-picked weights: hidden unit 1 is "x1 OR x2", hidden unit 2 is "x1 AND x2",
# the output is "OR and not AND", which is XOR. The factor 20 makes the sigmoids steep.
XOR_PARAMS = [
    (20.0 * np.array([[1.0, 1.0], [1.0, 1.0]]), 20.0 * np.array([-0.5, -1.5])),
    (20.0 * np.array([[1.0], [-1.0]]), 20.0 * np.array([-0.5])),
]
XOR_ACTIVATIONS = ["sigmoid", "sigmoid"]
# --8<-- [end:xor]


# --8<-- [start:figure]
def plot_xor(path):
    """Decision regions on the unit square: one neuron (a line) vs the 2-2-1 MLP above."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(-0.25, 1.25, 151)
    gx, gy = np.meshgrid(grid, grid)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    # One neuron's boundary is a straight line; the first hidden unit (OR) is as good as any:
    # 3 of the 4 points right.
    (W1, b1), _ = XOR_PARAMS
    regions = [("one neuron: a line, 3 of 4 right", neuron(points, W1[:, 0], b1[0])),
               ("MLP 2-2-1, hand-set weights", mlp_forward(points, XOR_PARAMS, XOR_ACTIVATIONS)[:, 0])]
    fig, axes = plt.subplots(1, 2, figsize=(7, 3.4), dpi=100)
    for ax, (title, prob) in zip(axes, regions):
        ax.contourf(gx, gy, prob.reshape(gx.shape) > 0.5, levels=[-0.5, 0.5, 1.5],
                    colors=["#dbe8f5", "#f8dcc4"])
        for label, marker in ((0, "o"), (1, "s")):
            pts = XOR_X[XOR_Y == label]
            ax.scatter(pts[:, 0], pts[:, 1], marker=marker, s=70, edgecolor="k",
                       label=f"XOR = {label}")
        ax.set_title(title)
        ax.set_xlabel("x1")
        ax.set_aspect("equal")
    axes[0].set_ylabel("x2")
    axes[0].legend(loc="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]

FIGURES = {"neural-networks-xor.png": plot_xor}


def main():
    params = init_mlp([4, 8, 8, 3], seed=0)
    activations = ["relu", "tanh", "linear"]
    X = np.random.default_rng(1).normal(size=(5, 4))
    ours = mlp_forward(X, params, activations)
    model = keras_mlp(params, activations)
    print("max |NumPy - Keras| =", np.abs(ours - model(X).numpy()).max())
    print("parameters:", count_params(params), "Keras:", model.count_params())
    print("XOR:", mlp_forward(XOR_X, XOR_PARAMS, XOR_ACTIVATIONS).ravel().round(3))


if __name__ == "__main__":
    main()
