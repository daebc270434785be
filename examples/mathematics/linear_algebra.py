"""Shapes, matrix products and vectorization: loops written out by hand against np.dot / @.

The loop versions are what the formulas say, one multiply-add at a time; the vectorized ones
hand the same arithmetic to NumPy's compiled code (BLAS for matrix products). They agree to
round-off; how much faster the vectorized ones are is measured by benchmarks/vectorization.py,
never asserted in a test.

Run it:  python -m examples.mathematics.linear_algebra
"""

# --8<-- [start:loops]
import timeit

import numpy as np


def dot_loop(a, b):
    """Dot product of two vectors: sum_k a[k] * b[k], one term at a time."""
    if len(a) != len(b):
        raise ValueError(f"lengths differ: {len(a)} vs {len(b)}")
    total = 0.0
    for k in range(len(a)):
        total += a[k] * b[k]
    return total


def matmul_loop(A, B):
    """Matrix product C = A B with C[i, j] = sum_k A[i, k] * B[k, j]: three nested loops."""
    m, n = A.shape
    n2, p = B.shape
    if n != n2:
        raise ValueError(f"inner dimensions differ: ({m}, {n}) @ ({n2}, {p})")
    C = np.zeros((m, p))
    for i in range(m):
        for j in range(p):
            for k in range(n):
                C[i, j] += A[i, k] * B[k, j]
    return C
# --8<-- [end:loops]


# --8<-- [start:logistic]
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def logistic_gradient_loop(w, b, X, y):
    """Seed 003, 1.2.4 before vectorization: one sample at a time, then average.

    X has one sample per row, shape (m, n); w has shape (n,); y holds 0/1 labels.
    """
    m, n = X.shape
    dw, db = np.zeros(n), 0.0
    for i in range(m):
        z = b
        for k in range(n):
            z += w[k] * X[i, k]
        dz = sigmoid(z) - y[i]
        for k in range(n):
            dw[k] += X[i, k] * dz
        db += dz
    return dw / m, db / m


def logistic_gradient_vectorized(w, b, X, y):
    """The same gradient for all samples at once: two matrix-vector products."""
    dz = sigmoid(X @ w + b) - y  # shape (m,)
    return X.T @ dz / len(y), float(np.mean(dz))
# --8<-- [end:logistic]


# --8<-- [start:timing]
def best_time(func, *args, repeat=5, number=1):
    """Best of `repeat` timings of func(*args), in seconds per call (min filters out noise)."""
    timer = timeit.Timer(lambda: func(*args))
    return min(timer.repeat(repeat=repeat, number=number)) / number
# --8<-- [end:timing]


def main():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    print("A", A.shape, "@ B", B.shape, "->", (A @ B).shape)
    print("loop matmul equals A @ B:", np.allclose(matmul_loop(A, B), A @ B))
    a, b = rng.normal(size=100_000), rng.normal(size=100_000)
    print(f"dot of 100 000 numbers: loop {best_time(dot_loop, a, b, repeat=3) * 1e3:.1f} ms, "
          f"np.dot {best_time(np.dot, a, b, repeat=3, number=100) * 1e3:.3f} ms")
    print("(python benchmarks/vectorization.py measures the speed-up properly)")


if __name__ == "__main__":
    main()
