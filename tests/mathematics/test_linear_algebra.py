"""Claims of math/linear-algebra.md: the loop dot product / matrix product / logistic gradient equal
np.dot, @ and tf.matmul; the vectorization benchmark runs and reports timings (never asserted)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from examples.mathematics.linear_algebra import (
    best_time,
    dot_loop,
    logistic_gradient_loop,
    logistic_gradient_vectorized,
    matmul_loop,
)

ROOT = Path(__file__).resolve().parents[2]
RNG = np.random.default_rng(0)


def summation_tolerance(terms):
    # Loop and BLAS add the same products in different orders; each ordering is within
    # n * eps * sum|terms| of the exact sum, so twice that bounds their difference.
    terms = np.asarray(terms)
    return 2 * terms.size * np.finfo(np.float64).eps * np.sum(np.abs(terms))


@pytest.mark.parametrize("n", [1, 7, 1000])
def test_dot_loop_equals_np_dot(n):
    a, b = RNG.normal(size=n), RNG.normal(size=n)
    assert abs(dot_loop(a, b) - np.dot(a, b)) <= summation_tolerance(a * b)
    assert dot_loop(a, a) > 0


@pytest.mark.parametrize("shape", [(3, 4, 2), (1, 5, 1), (5, 1, 5), (16, 9, 12)])
def test_matmul_loop_equals_the_operator_and_np_dot(shape):
    m, n, p = shape
    A, B = RNG.normal(size=(m, n)), RNG.normal(size=(n, p))
    C = matmul_loop(A, B)
    assert C.shape == (m, p)
    tol = summation_tolerance(np.abs(A) @ np.abs(B)) / (m * p)  # per entry: n products
    np.testing.assert_allclose(C, A @ B, rtol=0, atol=max(tol, 1e-15))
    np.testing.assert_allclose(C, np.dot(A, B), rtol=0, atol=max(tol, 1e-15))


def test_matmul_loop_equals_tf_matmul():
    import tensorflow as tf

    A, B = RNG.normal(size=(6, 5)), RNG.normal(size=(5, 4))
    # float64 in, float64 out; Eigen sums in yet another order: 1e-12 covers 5-term sums of O(1).
    np.testing.assert_allclose(matmul_loop(A, B), tf.matmul(A, B).numpy(), rtol=1e-12, atol=1e-12)
    a, b = RNG.normal(size=50), RNG.normal(size=50)
    assert dot_loop(a, b) == pytest.approx(float(tf.tensordot(a, b, axes=1)), abs=summation_tolerance(a * b))


def test_shape_mismatch_raises_like_numpy():
    A, B = np.ones((4, 2)), np.ones((4, 2))
    with pytest.raises(ValueError, match="inner dimensions"):
        matmul_loop(A, B)
    with pytest.raises(ValueError):
        A @ B
    with pytest.raises(ValueError):
        dot_loop(np.ones(3), np.ones(4))


def test_batched_matmul_vs_np_dot_shapes():
    A3, B3 = RNG.normal(size=(8, 3, 4)), RNG.normal(size=(8, 4, 5))
    batched = A3 @ B3
    assert batched.shape == (8, 3, 5)
    assert np.dot(A3, B3).shape == (8, 3, 8, 5)
    for i in range(8):  # @ multiplies matching pairs; np.dot's diagonal blocks are the same products
        np.testing.assert_allclose(batched[i], matmul_loop(A3[i], B3[i]), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.dot(A3, B3)[i, :, i, :], batched[i], rtol=1e-12, atol=1e-12)


def test_elementwise_product_is_not_the_matrix_product():
    P = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert (P * P).tolist() == [[1.0, 4.0], [9.0, 16.0]]
    assert (P @ P).tolist() == matmul_loop(P, P).tolist() == [[7.0, 10.0], [15.0, 22.0]]


def test_vector_shapes_broadcast_silently():
    y_true, y_pred = np.ones(4), np.ones((4, 1))
    assert (y_true - y_pred).shape == (4, 4)
    assert np.arange(3.0).T.shape == (3,)


@pytest.mark.parametrize("m, n", [(1, 3), (200, 5), (50, 20)])
def test_logistic_gradient_loop_equals_vectorized(m, n):
    rng = np.random.default_rng(m + n)
    X, y = rng.normal(size=(m, n)), (rng.random(m) < 0.5).astype(float)
    w, b = rng.normal(size=n), 0.3
    dw_loop, db_loop = logistic_gradient_loop(w, b, X, y)
    dw_vec, db_vec = logistic_gradient_vectorized(w, b, X, y)
    # same sums in different orders over m <= 200 terms of size O(1): 1e-12 is ample
    np.testing.assert_allclose(dw_loop, dw_vec, rtol=1e-12, atol=1e-12)
    assert db_loop == pytest.approx(db_vec, rel=1e-12, abs=1e-12)


def test_logistic_gradient_is_the_gradient_of_the_cross_entropy():
    import tensorflow as tf

    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(40, 3)), (rng.random(40) < 0.5).astype(float)
    w, b = tf.Variable(rng.normal(size=3)), tf.Variable(0.2, dtype=tf.float64)
    with tf.GradientTape() as tape:
        z = tf.linalg.matvec(tf.constant(X), w) + b
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
    dw_tf, db_tf = tape.gradient(loss, [w, b])
    dw, db = logistic_gradient_vectorized(w.numpy(), float(b.numpy()), X, y)
    np.testing.assert_allclose(dw, dw_tf.numpy(), rtol=1e-10, atol=1e-14)  # float64 both sides
    assert db == pytest.approx(float(db_tf), rel=1e-10)


def test_best_time_returns_seconds_per_call():
    seconds = best_time(np.dot, np.ones(10), np.ones(10), repeat=2, number=10)
    assert 0 < seconds < 1


def load_benchmark():
    spec = importlib.util.spec_from_file_location("vectorization_bench", ROOT / "benchmarks" / "vectorization.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_timings_without_asserting_them(capsys):
    bench = load_benchmark()
    results = bench.main(["--size", "500", "--matrix", "6", "--samples", "30", "--features", "4", "--repeat", "1"])
    out = capsys.readouterr().out
    assert [name for name, _, _ in results] == [
        "dot, n = 500", "matmul, 6 x 6", "logistic gradient, m = 30, n = 4"]
    assert all(loop_s > 0 and vec_s > 0 for _, loop_s, vec_s in results)
    assert "speed-up" in out and out.count("x\n") == 3  # one ratio per case; its value is not checked


def test_benchmark_refuses_to_time_functions_that_disagree(monkeypatch):
    bench = load_benchmark()
    wrong = [("broken", dot_loop, lambda a, b: np.dot(a, b) + 1.0, (np.ones(3), np.ones(3)))]
    monkeypatch.setattr(bench, "cases", lambda *args, **kwargs: wrong)
    with pytest.raises(SystemExit, match="disagree"):
        bench.run(repeat=1)


def test_main_runs(capsys):
    from examples.mathematics import linear_algebra

    linear_algebra.main()
    out = capsys.readouterr().out
    assert "A (3, 4) @ B (4, 2) -> (3, 2)" in out
    assert "loop matmul equals A @ B: True" in out
