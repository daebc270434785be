"""Logistic regression from scratch, vectorized: seed 003's propagate / optimize / predict.

Samples are rows (X has shape (m, n)), as in scikit-learn and Keras; the seed's course
code stacks them as columns (X of shape (n, m)) and writes w.T @ X instead of X @ w.
The only Python loop is over gradient-descent iterations, never over samples.

Run it:  python -m examples.basics.logistic_regression
"""

# --8<-- [start:model]
import numpy as np


def sigmoid(z):
    """1 / (1 + e^-z) without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def propagate(w, b, X, y, l2=0.0):
    """Cost and gradients over the whole batch. X: (m, n), y: (m,) in {0, 1}, w: (n,), b: float.

    The cross-entropy is computed from the logits z as log(1 + e^z) - y z, which equals
    -[y log a + (1 - y) log(1 - a)] with a = sigmoid(z) but never takes log(0).
    """
    m = X.shape[0]
    z = X @ w + b                                   # forward: (m,)
    a = sigmoid(z)
    cost = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.dot(w, w)
    dz = a - y                                      # backward: dCost/dz per sample, times m
    dw = X.T @ dz / m + l2 * w
    db = np.mean(dz)
    return {"dw": dw, "db": db}, cost


def optimize(w, b, X, y, num_iterations=1000, learning_rate=0.1, l2=0.0):
    """Plain (full-batch) gradient descent. Returns ({"w": w, "b": b}, costs per iteration)."""
    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, y, l2)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        costs.append(cost)
    return {"w": w, "b": b}, costs


def predict(w, b, X, threshold=0.5):
    """Class 1 where the predicted probability exceeds the threshold."""
    return (sigmoid(X @ w + b) > threshold).astype(int)
# --8<-- [end:model]


# --8<-- [start:data]
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def breast_cancer_split(seed=0):
    """569 tumours, 30 features; 75/25 stratified split, standardized with train statistics."""
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(X_train)           # fit on the training split only
    return (scaler.transform(X_train), scaler.transform(X_test),
            y_train.astype(float), y_test.astype(float))
# --8<-- [end:data]


# --8<-- [start:tensorflow]
import tensorflow as tf


def propagate_tf(w, b, X, y, l2=0.0):
    """The same cost, with gradients from tf.GradientTape instead of the formulas above."""
    w, b = tf.Variable(w, dtype=tf.float64), tf.Variable(b, dtype=tf.float64)
    with tf.GradientTape() as tape:
        z = tf.linalg.matvec(tf.constant(X, tf.float64), w) + b
        cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.constant(y, tf.float64), logits=z)) + 0.5 * l2 * tf.reduce_sum(w * w)
    dw, db = tape.gradient(cost, [w, b])
    return {"dw": dw.numpy(), "db": float(db)}, float(cost)
# --8<-- [end:tensorflow]


# --8<-- [start:seed_cost]
def seed_cost(w, b, X, y):
    """Seed 003's cost: log of the sigmoid's output, with nothing to stop log(0)."""
    a = sigmoid(X @ w + b)
    return -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
# --8<-- [end:seed_cost]


# --8<-- [start:figure]
def plot_logistic(path, seed=0):
    """Left: training cost for three learning rates. Right: MSE vs cross-entropy for one sample."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X_train, _, y_train, _ = breast_cancer_split(seed)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=100)
    for lr in (0.01, 0.1, 1.0):
        _, costs = optimize(np.zeros(X_train.shape[1]), 0.0, X_train, y_train, 500, lr)
        left.semilogy(costs, label=f"learning rate {lr}")
    left.set_xlabel("iteration")
    left.set_ylabel("training cost (cross-entropy)")
    left.set_title("breast cancer, gradient descent")
    left.legend()
    # One positive sample (x = 1, y = 1) and a single weight w: a = sigmoid(w).
    w = np.linspace(-8, 8, 401)
    right.plot(w, np.logaddexp(0.0, -w), label="cross-entropy  -log a")
    right.plot(w, (sigmoid(w) - 1) ** 2, label="MSE  (a - 1)^2")
    right.set_xlabel("w   (prediction a = sigmoid(w), label y = 1)")
    right.set_ylabel("loss")
    right.set_title("MSE is flat where the model is most wrong")
    right.set_ylim(0, 4)
    right.legend()
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]

FIGURES = {"logistic-regression-loss.png": plot_logistic}


def main():
    from sklearn.linear_model import LogisticRegression

    X_train, X_test, y_train, y_test = breast_cancer_split()
    params, costs = optimize(np.zeros(X_train.shape[1]), 0.0, X_train, y_train, 1000, 0.1)
    ours = predict(params["w"], params["b"], X_test)
    reference = LogisticRegression().fit(X_train, y_train).predict(X_test)
    print(f"cost {costs[0]:.4f} -> {costs[-1]:.4f}")
    print(f"test accuracy: ours {np.mean(ours == y_test):.3f}, "
          f"scikit-learn {np.mean(reference == y_test):.3f}, agreement {np.mean(ours == reference):.3f}")


if __name__ == "__main__":
    main()
