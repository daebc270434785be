"""Derivatives, partial and directional derivatives, gradients, and numerical gradient checking.

The 2-D examples use the bowl f(x, y) = x^2 + 3 y^2, whose gradient is (2x, 6y). The gradient
check uses the logistic-regression loss on synthetic data: its analytic gradient is compared
with central differences (relative error far below 1e-6 in float64) and with tf.GradientTape.

Run it:  python -m examples.mathematics.gradients
"""

# --8<-- [start:derivative]
import numpy as np


def forward_difference(f, x, h=1e-5):
    """(f(x + h) - f(x)) / h: error shrinks like h."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h=1e-5):
    """(f(x + h) - f(x - h)) / 2h: error shrinks like h^2."""
    return (f(x + h) - f(x - h)) / (2 * h)
# --8<-- [end:derivative]


# --8<-- [start:bowl]
def bowl(p):
    """f(x, y) = x^2 + 3 y^2, a function of a point p = (x, y)."""
    x, y = p
    return x**2 + 3 * y**2


def bowl_gradient(p):
    """The vector of partial derivatives (df/dx, df/dy) = (2x, 6y)."""
    x, y = p
    return np.array([2 * x, 6 * y])


def directional_derivative(grad, u):
    """Rate of change along the direction u: the gradient dotted with the unit vector u/|u|."""
    u = np.asarray(u, dtype=float)
    return float(grad @ (u / np.linalg.norm(u)))
# --8<-- [end:bowl]


# --8<-- [start:numerical_gradient]
def numerical_gradient(f, w, h=1e-5):
    """Central differences, one coordinate at a time: 2 * w.size evaluations of f."""
    w = np.array(w, dtype=np.float64)  # a copy, in float64 (see the pitfalls)
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        old = w[i]
        w[i] = old + h
        f_plus = f(w)
        w[i] = old - h
        f_minus = f(w)
        w[i] = old  # restore before moving on
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """|a - b| / max(|a|, |b|) with vector norms; 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
# --8<-- [end:numerical_gradient]


# --8<-- [start:logistic]
def make_logistic_data(num_samples=64, num_features=5, seed=0):
    """Synthetic binary-classification data: X (m, n) and labels y in {0, 1}."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(num_samples, num_features))
    true_w = rng.normal(size=num_features)
    y = (X @ true_w + 0.5 * rng.normal(size=num_samples) > 0).astype(np.float64)
    return X, y


def logistic_loss(w, X, y):
    """Mean binary cross-entropy of sigmoid(X w); log(1 + e^z) written stably."""
    z = X @ w
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def logistic_gradient(w, X, y):
    """The analytic gradient: X^T (sigmoid(X w) - y) / m."""
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ (p - y) / len(y)
# --8<-- [end:logistic]


# --8<-- [start:tape]
import tensorflow as tf


def tape_gradient(w, X, y):
    """The same loss in TensorFlow; GradientTape records it and differentiates it."""
    w = tf.Variable(w, dtype=tf.float64)
    X, y = tf.constant(X, tf.float64), tf.constant(y, tf.float64)
    with tf.GradientTape() as tape:
        z = tf.linalg.matvec(X, w)
        loss = tf.reduce_mean(tf.math.softplus(z) - y * z)  # softplus(z) = log(1 + e^z)
    return tape.gradient(loss, w).numpy()
# --8<-- [end:tape]


# --8<-- [start:step_size]
def step_size_errors(hs, x=1.0, dtype=np.float64):
    """Errors of forward and central differences of sin at x, for each step h."""
    exact = np.cos(x)

    def f(t):
        return np.sin(dtype(t))  # evaluated in the given precision

    forward = [abs(float(forward_difference(f, dtype(x), dtype(h))) - exact) for h in hs]
    central = [abs(float(central_difference(f, dtype(x), dtype(h))) - exact) for h in hs]
    return np.array(forward), np.array(central)
# --8<-- [end:step_size]


def plot_tangent_and_field(path):
    """Left: f(x) = x^2 and its tangent at x = 1. Right: the gradient field of the bowl."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.6), dpi=100)
    x = np.linspace(-0.5, 2.5, 200)
    a = 1.0
    slope = central_difference(lambda t: t**2, a)
    left.plot(x, x**2, label=r"$f(x) = x^2$")
    left.plot(x, a**2 + slope * (x - a), "--", label=rf"tangent at $x=1$, slope $f'(1) = {slope:.0f}$")
    left.plot([a], [a**2], "ko")
    left.set_ylim(-1.5, 6)
    left.set_xlabel("x")
    left.legend(fontsize=8, loc="upper left")
    left.grid(True, alpha=0.3)
    left.set_title("derivative = slope of the tangent", fontsize=10)

    g = np.linspace(-2, 2, 201)
    gx, gy = np.meshgrid(g, g)
    right.contour(gx, gy, gx**2 + 3 * gy**2, levels=[0.5, 1.5, 3, 5, 8], colors="gray", linewidths=0.8)
    q = np.linspace(-1.6, 1.6, 9)
    qx, qy = np.meshgrid(q, q)
    right.quiver(qx, qy, 2 * qx, 6 * qy, color="tab:blue", angles="xy", scale=60, width=0.004)
    p = np.array([1.0, 0.5])
    grad = bowl_gradient(p)
    right.quiver(*p, *grad, color="tab:red", angles="xy", scale_units="xy", scale=4, width=0.008)
    right.annotate(r"$\nabla f(1, 0.5) = (2, 3)$", p + np.array([0.08, -0.35]), color="tab:red", fontsize=8)
    right.set_aspect("equal")
    right.set_xlabel("x")
    right.set_ylabel("y")
    right.set_title(r"$\nabla f$ of $x^2 + 3y^2$: normal to the contours", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def plot_step_size(path):
    """Error against h, log-log: truncation error falls with h, round-off error rises."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hs = np.logspace(-13, -1, 49)
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for dtype, style in ((np.float64, "-"), (np.float32, ":")):
        forward, central = step_size_errors(hs, dtype=dtype)
        name = np.dtype(dtype).name
        ax.loglog(hs, np.maximum(forward, 1e-17), style, color="tab:orange", label=f"forward, {name}")
        ax.loglog(hs, np.maximum(central, 1e-17), style, color="tab:blue", label=f"central, {name}")
    ax.set_xlabel("step h")
    ax.set_ylabel(r"$|\,$estimate $- \cos(1)\,|$")
    ax.set_title("finite differences of sin at x = 1", fontsize=10)
    ax.set_ylim(1e-13, 1e1)
    ax.legend(fontsize=8, ncol=2, loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {
    "calculus-tangent-and-gradient-field.png": plot_tangent_and_field,
    "calculus-step-size.png": plot_step_size,
}


def main():
    print(f"d/dx x^2 at x = 3: forward {forward_difference(lambda t: t**2, 3.0):.8f}, "
          f"central {central_difference(lambda t: t**2, 3.0):.8f}, exact 6")
    p = np.array([1.0, 0.5])
    grad = bowl_gradient(p)
    print(f"bowl at {p}: gradient {grad}, |gradient| = {np.linalg.norm(grad):.4f}")
    for u in ([1, 0], [0, 1], grad, [-3, 2]):
        print(f"  directional derivative along {np.round(u, 3)}: {directional_derivative(grad, u):+.4f}")
    X, y = make_logistic_data()
    w = np.random.default_rng(1).normal(size=X.shape[1])
    analytic = logistic_gradient(w, X, y)
    numeric = numerical_gradient(lambda v: logistic_loss(v, X, y), w)
    print(f"gradient check (float64): relative error {relative_error(analytic, numeric):.2e}")
    print(f"GradientTape vs analytic: relative error {relative_error(tape_gradient(w, X, y), analytic):.2e}")


if __name__ == "__main__":
    main()
