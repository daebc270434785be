"""Activation functions from scratch: values, derivatives, softmax and vanishing gradients.

Sigmoid, tanh, ReLU, leaky ReLU, ELU and GELU are written in NumPy (float64) together with
their derivatives, then checked against ``tf.nn`` / ``tf.keras.activations`` and against the
derivatives ``tf.GradientTape`` computes. Softmax is checked against ``tf.nn.softmax`` and
shown to be a sigmoid when there are two classes. A deep MLP, back-propagated by hand,
shows why sigmoid networks stop learning in their first layers.

Run it:  python -m examples.basics.activations
"""

# --8<-- [start:numpy]
import math

import numpy as np

_erf = np.vectorize(math.erf)  # NumPy has no erf; the standard library has one


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow: exp only ever sees -|x|."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)  # at most 0.25, reached at x = 0


def tanh(x):
    """tanh is a sigmoid stretched to (-1, 1): tanh(x) = 2 sigmoid(2x) - 1."""
    return 2 * sigmoid(2 * np.asarray(x, dtype=float)) - 1


def tanh_grad(x):
    return 1 - tanh(x) ** 2  # at most 1, reached at x = 0


def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0)


def relu_grad(x):
    # Not differentiable at 0; like TensorFlow we use 0 there.
    return (np.asarray(x) > 0).astype(float)


def leaky_relu(x, alpha=0.2):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x, alpha=0.2):
    return np.where(np.asarray(x) > 0, 1.0, alpha)  # alpha at 0, like TensorFlow


def elu(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_grad(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def gelu(x):
    """x * Phi(x), Phi the standard normal CDF (the exact form, Keras' default)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def gelu_tanh(x):
    """The tanh approximation of Hendrycks & Gimpel (approximate=True in TF/Keras)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def gelu_grad(x):
    x = np.asarray(x, dtype=float)
    cdf = 0.5 * (1 + _erf(x / math.sqrt(2)))
    pdf = np.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)
    return cdf + x * pdf  # product rule on x * Phi(x)
# --8<-- [end:numpy]


# --8<-- [start:tensorflow]
import tensorflow as tf

# name: (NumPy function, NumPy derivative, tf.nn function); the tf.keras.activations
# function of the same name is checked too. Leaky ReLU: slope 0.2 in all three.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad, tf.nn.sigmoid),
    "tanh": (tanh, tanh_grad, tf.nn.tanh),
    "relu": (relu, relu_grad, tf.nn.relu),
    "leaky_relu": (leaky_relu, leaky_relu_grad, tf.nn.leaky_relu),
    "elu": (elu, elu_grad, tf.nn.elu),
    "gelu": (gelu, gelu_grad, tf.nn.gelu),
}


def tensorflow_value_and_grad(fn, x):
    """fn(x) and its elementwise derivative from tf.GradientTape (float32)."""
    x = tf.constant(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    # Each y_i depends on x_i only, so d(sum y)/dx_i is the derivative at x_i.
    return y.numpy(), tape.gradient(y, x).numpy()


def compare_with_tensorflow(x, rtol=1e-5, atol=1e-6):
    """{name: (values agree, derivatives agree)} for tf.nn and tf.keras.activations."""
    report = {}
    for name, (f, df, tf_fn) in ACTIVATIONS.items():
        agree_value, agree_grad = True, True
        for reference in (tf_fn, tf.keras.activations.get(name)):
            y, dy = tensorflow_value_and_grad(reference, x)
            agree_value &= np.allclose(f(x), y, rtol=rtol, atol=atol)
            agree_grad &= np.allclose(df(x), dy, rtol=rtol, atol=atol)
        report[name] = (bool(agree_value), bool(agree_grad))
    return report
# --8<-- [end:tensorflow]


# --8<-- [start:softmax]
def softmax(z, axis=-1):
    """exp(z_i) / sum_j exp(z_j); subtracting the max changes nothing but avoids overflow."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def naive_softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(z):
    """d softmax_i / d z_j = p_i (delta_ij - p_j), i.e. diag(p) - p p^T."""
    p = softmax(z)
    return np.diag(p) - np.outer(p, p)
# --8<-- [end:softmax]


# --8<-- [start:depth]
ACTIVATION_PAIRS = {"sigmoid": (sigmoid, sigmoid_grad), "tanh": (tanh, tanh_grad),
                    "relu": (relu, relu_grad)}


def init_mlp(depth=20, width=64, init="glorot", seed=0):
    """depth hidden (width x width) matrices plus a (width x 1) output layer, no biases.

    glorot: uniform in +-sqrt(6 / (fan_in + fan_out)), Keras' default for Dense;
    he: normal with std sqrt(2 / fan_in), the usual choice for ReLU.
    """
    rng = np.random.default_rng(seed)
    shapes = [(width, width)] * depth + [(width, 1)]
    weights = []
    for fan_in, fan_out in shapes:
        if init == "glorot":
            limit = math.sqrt(6 / (fan_in + fan_out))
            weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
        else:
            weights.append(rng.normal(0, math.sqrt(2 / fan_in), size=(fan_in, fan_out)))
    return weights


def layer_gradient_norms(weights, x, y, activation):
    """Backprop by hand through the MLP; returns ||dL/dW_l|| for each hidden layer l.

    Loss: L = mean((y_hat - y)^2) / 2 over the batch.
    """
    f, df = ACTIVATION_PAIRS[activation]
    inputs, pre_activations = [], []
    h = x
    for w in weights[:-1]:
        inputs.append(h)
        z = h @ w
        pre_activations.append(z)
        h = f(z)
    y_hat = h @ weights[-1]
    delta = (y_hat - y) / len(x)          # dL/dy_hat
    grad_h = delta @ weights[-1].T        # dL/dh of the last hidden layer
    norms = []
    for w, h_in, z in zip(reversed(weights[:-1]), reversed(inputs), reversed(pre_activations)):
        grad_z = grad_h * df(z)           # chain rule through the activation
        norms.append(np.linalg.norm(h_in.T @ grad_z))
        grad_h = grad_z @ w.T             # and through the weights
    return np.array(norms[::-1])          # layer 1 first


def depth_experiment(depth=20, width=64, batch=128, seed=0):
    """Gradient norm per layer for sigmoid / tanh (Glorot init) and ReLU (He init)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, width))
    y = rng.normal(size=(batch, 1))
    setups = {"sigmoid": "glorot", "tanh": "glorot", "relu": "he"}
    return {name: layer_gradient_norms(init_mlp(depth, width, init, seed), x, y, name)
            for name, init in setups.items()}
# --8<-- [end:depth]


# --8<-- [start:figures]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_activations(path):
    """Values (left) and derivatives (right) of the six activations."""
    plt = _pyplot()
    x = np.linspace(-4, 4, 401)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100)
    for name, (f, df, _) in ACTIVATIONS.items():
        left.plot(x, f(x), label=name)
        right.plot(x, df(x), label=name)
    left.set_title("activation f(x)")
    right.set_title("derivative f'(x)")
    left.set_ylim(-1.5, 4)
    right.set_ylim(-0.2, 1.2)
    for ax in (left, right):
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    left.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def plot_vanishing(path, norms=None):
    """||dL/dW_l|| against layer l for a 20-layer MLP (log scale)."""
    plt = _pyplot()
    norms = depth_experiment() if norms is None else norms
    labels = {"sigmoid": "sigmoid (Glorot init)", "tanh": "tanh (Glorot init)",
              "relu": "ReLU (He init)"}
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for name, values in norms.items():
        ax.semilogy(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=labels[name])
    ax.set_xticks(range(1, len(values) + 1, 2))
    ax.set_xlabel("hidden layer l (1 = next to the input)")
    ax.set_ylabel("||dL/dW_l||")
    ax.set_title("Gradient norm per layer, 20 hidden layers of width 64")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {
    "activation-functions-curves.png": plot_activations,
    "activation-functions-vanishing.png": plot_vanishing,
}


def main():
    x = np.linspace(-6, 6, 241)
    print("function     values  derivatives   (NumPy vs tf.nn and tf.keras.activations)")
    for name, (value_ok, grad_ok) in compare_with_tensorflow(x).items():
        print(f"{name:12s} {value_ok!s:7s} {grad_ok!s}")
    z = 1.7
    print(f"softmax([0, {z}])[1] = {softmax([0, z])[1]:.6f}, sigmoid({z}) = {sigmoid(z):.6f}")
    for name, values in depth_experiment().items():
        print(f"{name:8s} ||dW_1|| / ||dW_20|| = {values[0] / values[-1]:.1e}")


if __name__ == "__main__":
    main()
