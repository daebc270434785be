"""Vectorization vs Python loops: measure and print the speed-up (math/linear-algebra).

Each case first checks that the loop and the vectorized version give the same result, then
times both with timeit (best of several runs) and prints the times and their ratio. Nothing
here is asserted about speed: timings depend on the machine, its load and its BLAS.

Run it:  python benchmarks/vectorization.py [--size 100000] [--matrix 64] [--repeat 5]
"""

import argparse
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from examples.mathematics.linear_algebra import (  # noqa: E402
    best_time,
    dot_loop,
    logistic_gradient_loop,
    logistic_gradient_vectorized,
    matmul_loop,
)


def cases(size, matrix, samples, features, seed=0):
    """(name, loop callable, vectorized callable, args) for each benchmark."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=size), rng.normal(size=size)
    A, B = rng.normal(size=(matrix, matrix)), rng.normal(size=(matrix, matrix))
    X = rng.normal(size=(samples, features))
    y = (rng.random(samples) < 0.5).astype(float)
    w = rng.normal(size=features)
    return [
        (f"dot, n = {size}", dot_loop, np.dot, (a, b)),
        (f"matmul, {matrix} x {matrix}", matmul_loop, np.matmul, (A, B)),
        (f"logistic gradient, m = {samples}, n = {features}",
         logistic_gradient_loop, logistic_gradient_vectorized, (w, 0.1, X, y)),
    ]


def same_result(loop_out, vec_out):
    """Loop and vectorized results agree up to summation-order round-off."""
    loop_out = loop_out if isinstance(loop_out, tuple) else (loop_out,)
    vec_out = vec_out if isinstance(vec_out, tuple) else (vec_out,)
    return all(np.allclose(p, q, rtol=1e-9, atol=1e-9) for p, q in zip(loop_out, vec_out))


def run(size=100_000, matrix=64, samples=2_000, features=20, repeat=5):
    """Time every case; returns a list of (name, loop seconds, vectorized seconds)."""
    results = []
    for name, loop, vectorized, args in cases(size, matrix, samples, features):
        if not same_result(loop(*args), vectorized(*args)):
            raise SystemExit(f"{name}: the loop and the vectorized version disagree")
        loop_s = best_time(loop, *args, repeat=repeat)
        vec_s = best_time(vectorized, *args, repeat=repeat, number=20)
        results.append((name, loop_s, vec_s))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="vector length for the dot product")
    parser.add_argument("--matrix", type=int, default=64, help="side of the square matrices")
    parser.add_argument("--samples", type=int, default=2_000, help="samples for the logistic gradient")
    parser.add_argument("--features", type=int, default=20, help="features for the logistic gradient")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs per case (the best is kept)")
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}")
    print(f"{'case':<40} {'loop':>12} {'vectorized':>12} {'speed-up':>10}")
    results = run(args.size, args.matrix, args.samples, args.features, args.repeat)
    for name, loop_s, vec_s in results:
        print(f"{name:<40} {loop_s * 1e3:>9.3f} ms {vec_s * 1e3:>9.4f} ms {loop_s / vec_s:>9.0f}x")
    return results


if __name__ == "__main__":
    main()
