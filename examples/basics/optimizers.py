"""Gradient-descent optimizers from scratch, step for step equal to tf.keras.optimizers.

GD, SGD and mini-batch SGD on a least-squares problem; momentum, Nesterov, Adagrad,
Adadelta, RMSprop and Adam on the 2-D surface f(x, y) = 0.1 x^2 + 2 y^2, written with the
exact update formulas of Keras 3 (where the epsilon sits, the initial accumulator, the
Nesterov form) so that 20 steps land on the same point as Keras.

Run it:  python -m examples.basics.optimizers
"""

# --8<-- [start:surface]
import numpy as np
import tensorflow as tf


def surface(w):
    """f(x, y) = 0.1 x^2 + 2 y^2: a valley 20 times steeper across (y) than along (x)."""
    x, y = w[..., 0], w[..., 1]
    return 0.1 * x**2 + 2 * y**2


def surface_grad(w):
    return np.array([0.2 * w[0], 4 * w[1]])


START = np.array([-5.0, -2.0])
# --8<-- [end:surface]


# --8<-- [start:gd]
def gradient_descent(grad, w0, lr, steps):
    """w <- w - lr * g. Returns the path: steps + 1 points."""
    w, path = np.array(w0, dtype=float), [np.array(w0, dtype=float)]
    for _ in range(steps):
        w = w - lr * grad(w)
        path.append(w)
    return np.array(path)
# --8<-- [end:gd]


# --8<-- [start:momentum]
def momentum(grad, w0, lr, mu=0.9, steps=20, nesterov=False):
    """Keras' form: m <- mu m - lr g;  w <- w + m  (Nesterov: w <- w + mu m - lr g)."""
    w, m = np.array(w0, dtype=float), np.zeros_like(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        g = grad(w)
        m = mu * m - lr * g
        w = w + (mu * m - lr * g if nesterov else m)
        path.append(w)
    return np.array(path)


def nesterov_lookahead(grad, w0, lr, mu=0.9, steps=20):
    """Sutskever et al.'s Nesterov momentum: the gradient is taken at theta + mu v.

    Returns the path of theta and of v; Keras stores the look-ahead point theta + mu v.
    """
    theta, v = np.array(w0, dtype=float), np.zeros_like(w0, dtype=float)
    thetas, vs = [theta], [v]
    for _ in range(steps):
        v = mu * v - lr * grad(theta + mu * v)
        theta = theta + v
        thetas.append(theta)
        vs.append(v)
    return np.array(thetas), np.array(vs)
# --8<-- [end:momentum]


# --8<-- [start:adaptive]
def adagrad(grad, w0, lr, steps=20, initial_accumulator=0.1, epsilon=1e-7):
    """acc <- acc + g^2;  w <- w - lr g / sqrt(acc + eps). Keras starts acc at 0.1."""
    w = np.array(w0, dtype=float)
    acc = np.full_like(w, initial_accumulator)
    path = [w]
    for _ in range(steps):
        g = grad(w)
        acc = acc + g**2
        w = w - lr * g / np.sqrt(acc + epsilon)
        path.append(w)
    return np.array(path)


def adadelta(grad, w0, lr=1.0, rho=0.95, steps=20, epsilon=1e-7):
    """Zeiler's Adadelta; Keras multiplies the step by lr (the paper has none, i.e. 1.0)."""
    w = np.array(w0, dtype=float)
    avg_sq_grad, avg_sq_delta = np.zeros_like(w), np.zeros_like(w)
    path = [w]
    for _ in range(steps):
        g = grad(w)
        avg_sq_grad = rho * avg_sq_grad + (1 - rho) * g**2
        delta = -np.sqrt(avg_sq_delta + epsilon) / np.sqrt(avg_sq_grad + epsilon) * g
        avg_sq_delta = rho * avg_sq_delta + (1 - rho) * delta**2
        w = w + lr * delta
        path.append(w)
    return np.array(path)


def rmsprop(grad, w0, lr, rho=0.9, steps=20, epsilon=1e-7):
    """v <- rho v + (1 - rho) g^2;  w <- w - lr g / sqrt(v + eps)  (eps inside the root)."""
    w, v = np.array(w0, dtype=float), np.zeros_like(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        g = grad(w)
        v = rho * v + (1 - rho) * g**2
        w = w - lr * g / np.sqrt(v + epsilon)
        path.append(w)
    return np.array(path)


def adam(grad, w0, lr, beta_1=0.9, beta_2=0.999, steps=20, epsilon=1e-7):
    """Keras' Adam: bias correction folded into the step size, eps added to sqrt(v)."""
    w = np.array(w0, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    path = [w]
    for t in range(1, steps + 1):
        g = grad(w)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        # Keras raises beta_1 and beta_2 to the power t as float32 tensors: 0.999 becomes
        # 0.99900001287..., which moves 1 - beta_2**t by 1.3e-5 (relative) at t = 1.
        b1, b2 = float(np.float32(beta_1)), float(np.float32(beta_2))
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - alpha * m / (np.sqrt(v) + epsilon)
        path.append(w)
    return np.array(path)


def adam_textbook(grad, w0, lr, beta_1=0.9, beta_2=0.999, steps=20, epsilon=1e-7):
    """Algorithm 1 of Kingma & Ba as usually written: eps added to sqrt(v_hat)."""
    w = np.array(w0, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    path = [w]
    for t in range(1, steps + 1):
        g = grad(w)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + epsilon)
        path.append(w)
    return np.array(path)
# --8<-- [end:adaptive]


# --8<-- [start:keras]
def keras_path(optimizer, w0, steps=20, loss=None):
    """Run a tf.keras optimizer on surface() (float32); returns its steps + 1 points."""
    loss = loss or (lambda w: 0.1 * w[0] ** 2 + 2 * w[1] ** 2)
    w = tf.Variable(w0, dtype=tf.float32)
    path = [w.numpy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            value = loss(w)
        optimizer.apply_gradients([(tape.gradient(value, w), w)])
        path.append(w.numpy())
    return np.array(path)


# name: (from-scratch path, Keras optimizer with the same hyperparameters)
OPTIMIZERS = {
    "GD": (lambda: gradient_descent(surface_grad, START, lr=0.4, steps=20),
           lambda: tf.keras.optimizers.SGD(learning_rate=0.4)),
    "Momentum": (lambda: momentum(surface_grad, START, lr=0.1, mu=0.6),
                 lambda: tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.6)),
    "Nesterov": (lambda: momentum(surface_grad, START, lr=0.1, mu=0.6, nesterov=True),
                 lambda: tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.6, nesterov=True)),
    "Adagrad": (lambda: adagrad(surface_grad, START, lr=1.5),
                lambda: tf.keras.optimizers.Adagrad(learning_rate=1.5)),
    "Adadelta": (lambda: adadelta(surface_grad, START, lr=1.0),
                 lambda: tf.keras.optimizers.Adadelta(learning_rate=1.0)),
    "RMSprop": (lambda: rmsprop(surface_grad, START, lr=0.3),
                lambda: tf.keras.optimizers.RMSprop(learning_rate=0.3)),
    "Adam": (lambda: adam(surface_grad, START, lr=0.5),
             lambda: tf.keras.optimizers.Adam(learning_rate=0.5)),
}


def compare_with_keras(steps=20):
    """{name: max |from scratch - Keras| over the whole path}."""
    return {name: float(np.abs(ours() - keras_path(make_keras(), START, steps)).max())
            for name, (ours, make_keras) in OPTIMIZERS.items()}
# --8<-- [end:keras]


# --8<-- [start:minibatch]
def make_regression(num_samples=64, seed=0):
    """y = X w_true + noise with w_true = (2, -3)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, 2))
    y = x @ np.array([2.0, -3.0]) + 0.1 * rng.normal(size=num_samples)
    return x, y


def mse_grad(w, x, y):
    """Gradient of mean((x w - y)^2) over the rows given."""
    return 2 * x.T @ (x @ w - y) / len(x)


def minibatch_sgd(x, y, lr, batch_size, epochs, seed=0):
    """batch_size = len(x): (full-batch) GD; 1: SGD; in between: mini-batch SGD.

    Returns the weights after every update and the index order used (to replay it).
    """
    rng = np.random.default_rng(seed)
    w, path, orders = np.zeros(2), [np.zeros(2)], []
    for _ in range(epochs):
        order = rng.permutation(len(x))  # reshuffle every epoch
        orders.append(order)
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            w = w - lr * mse_grad(w, x[rows], y[rows])
            path.append(w)
    return np.array(path), orders


def minibatch_sgd_keras(x, y, lr, batch_size, orders):
    """The same batches fed to tf.keras.optimizers.SGD."""
    w = tf.Variable(tf.zeros(2))
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr)
    xs, ys = tf.constant(x, tf.float32), tf.constant(y, tf.float32)
    for order in orders:
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            xb, yb = tf.gather(xs, rows), tf.gather(ys, rows)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.linalg.matvec(xb, w) - yb))
            optimizer.apply_gradients([(tape.gradient(loss, w), w)])
    return w.numpy()
# --8<-- [end:minibatch]


# --8<-- [start:figures]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_trajectories(path):
    """The 20 steps of every optimizer on the contour plot of f(x, y) = 0.1 x^2 + 2 y^2."""
    plt = _pyplot()
    grid_x, grid_y = np.meshgrid(np.linspace(-5.5, 2, 200), np.linspace(-2.5, 2.5, 200))
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    ax.contour(grid_x, grid_y, surface(np.stack([grid_x, grid_y], -1)),
               levels=np.geomspace(0.05, 12, 12), colors="lightgray", linewidths=0.8)
    for (name, (ours, _)), marker in zip(OPTIMIZERS.items(), "osD^v<>"):
        points = ours()
        ax.plot(points[:, 0], points[:, 1], marker=marker, ms=3, lw=1, label=name)
    ax.plot(0, 0, "k*", ms=10)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("20 steps from (-5, -2) on f = 0.1 x^2 + 2 y^2")
    ax.legend(fontsize=8, loc="upper right", ncol=2)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def plot_minibatch(path):
    """Training loss of full-batch GD, mini-batch SGD (8) and SGD (1), all at lr = 0.05,
    against epochs (left: the same compute) and against updates (right)."""
    plt = _pyplot()
    x, y = make_regression()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100, sharey=True)
    for batch_size, label in ((64, "GD (batch 64)"), (8, "mini-batch (8)"), (1, "SGD (batch 1)")):
        weights, _ = minibatch_sgd(x, y, lr=0.05, batch_size=batch_size, epochs=10)
        losses = np.array([np.mean((x @ w - y) ** 2) for w in weights])
        updates = np.arange(len(losses))
        left.semilogy(updates * batch_size / len(x), losses, label=label)
        right.semilogy(updates[:81], losses[:81], label=label)
    left.set_xlabel("epochs (passes over the 64 samples)")
    left.set_ylabel("training MSE")
    right.set_xlabel("updates")
    left.set_title("per epoch")
    right.set_title("per update")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {
    "optimizers-trajectories.png": plot_trajectories,
    "optimizers-minibatch.png": plot_minibatch,
}


def main():
    print("max |from scratch - tf.keras| after 20 steps on f = 0.1 x^2 + 2 y^2")
    for name, error in compare_with_keras().items():
        final = OPTIMIZERS[name][0]()[-1]
        print(f"{name:9s} {error:.1e}   final point ({final[0]:+.4f}, {final[1]:+.4f})")
    x, y = make_regression()
    for batch_size in (64, 8, 1):
        weights, _ = minibatch_sgd(x, y, lr=0.05, batch_size=batch_size, epochs=2)
        print(f"batch {batch_size:2d}: {len(weights) - 1:3d} updates, "
              f"loss {np.mean((x @ weights[-1] - y) ** 2):.4f}")


if __name__ == "__main__":
    main()
