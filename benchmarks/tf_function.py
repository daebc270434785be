"""Eager vs tf.function: measure and print the speed-up (frameworks/tf-function).

Each case first checks that eager and graph execution give the same result, then times
both with timeit (best of several runs, after a warm-up call that does the tracing) and
prints the time per call and the ratio. Nothing here is asserted about speed: it depends
on the machine, its load, the TensorFlow build and the device.

Cases:
  many small ops   a Python loop of 200 tiny element-wise ops on a vector of 10 numbers:
                   eager pays Python + dispatch overhead per op, the graph pays it once;
  small MLP step   forward + backward + SGD update of a 3-layer MLP, batch 32, 64 units;
  one big matmul   a single 1024 x 1024 matrix product: the kernel dominates, little to gain;
  collatz(27)      AutoGraph's while loop (111 iterations) against Python control flow on
                   eager tensors.

Run it:  python benchmarks/tf_function.py [--repeat 5] [--number 20] [--matrix 1024]
"""

import argparse
import os
import platform
import sys
import timeit
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from examples.frameworks.tf_function import collatz_steps  # noqa: E402


def many_small_ops(x):
    for _ in range(100):
        x = x * 0.99 + 0.01
    return x


def make_mlp_step(sizes=(64, 64, 64, 10), lr=0.01, seed=0):
    weights = [tf.Variable(tf.random.stateless_normal([m, n], seed=[seed, i]) / np.sqrt(m))
               for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]

    def step(x, y):
        with tf.GradientTape() as tape:
            h = x
            for w in weights[:-1]:
                h = tf.nn.relu(h @ w)
            loss = tf.reduce_mean(tf.square(h @ weights[-1] - y))
        grads = tape.gradient(loss, weights)
        for w, g in zip(weights, grads):
            w.assign_sub(lr * g)
        return loss

    return step, weights


def big_matmul(a, b):
    return a @ b


def cases(matrix=1024):
    """(name, eager callable, graph callable, args)"""
    rng = np.random.default_rng(0)
    vector = tf.constant(rng.normal(size=10), tf.float32)
    x = tf.constant(rng.normal(size=(32, 64)), tf.float32)
    y = tf.constant(rng.normal(size=(32, 10)), tf.float32)
    a = tf.constant(rng.normal(size=(matrix, matrix)), tf.float32)
    eager_step, _ = make_mlp_step()
    graph_step, _ = make_mlp_step()
    return [
        ("many small ops (200 ops)", many_small_ops, tf.function(many_small_ops), (vector,)),
        ("small MLP training step", eager_step, tf.function(graph_step), (x, y)),
        (f"one {matrix} x {matrix} matmul", big_matmul, tf.function(big_matmul), (a, a)),
        ("collatz(27), AutoGraph loop", collatz_steps, tf.function(collatz_steps), (tf.constant(27),)),
    ]


def mlp_steps_agree(num_steps=5):
    """Two identical MLPs, one trained eagerly, one through tf.function: same weights after."""
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(32, 64)), tf.float32)
    y = tf.constant(rng.normal(size=(32, 10)), tf.float32)
    eager_step, w_eager = make_mlp_step()
    graph_step, w_graph = make_mlp_step()
    graph_step = tf.function(graph_step)
    for _ in range(num_steps):
        eager_step(x, y)
        graph_step(x, y)
    return all(np.allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5) for a, b in zip(w_eager, w_graph))


def best_time(fn, args, repeat, number):
    """Best seconds per call over `repeat` runs of `number` calls (results forced to host)."""
    def run():
        out = fn(*args)
        return out.numpy() if hasattr(out, "numpy") else out

    run()  # warm-up: traces the graph version, initializes kernels
    return min(timeit.repeat(run, repeat=repeat, number=number)) / number


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing runs, the best is kept")
    parser.add_argument("--number", type=int, default=20, help="calls per timing run")
    parser.add_argument("--matrix", type=int, default=1024, help="size of the big matmul")
    args = parser.parse_args(argv)

    devices = [d.name for d in tf.config.list_logical_devices()]
    print(f"TensorFlow {tf.__version__}, NumPy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, devices {devices}")
    print(f"{'case':30s} {'eager':>12s} {'tf.function':>12s} {'speed-up':>9s}")
    if not mlp_steps_agree():
        raise SystemExit("small MLP training step: eager and graph training disagree")
    results = []
    for name, eager_fn, graph_fn, fn_args in cases(args.matrix):
        if "training step" not in name:  # a training step changes its weights: checked above
            same = np.allclose(np.asarray(eager_fn(*fn_args)), np.asarray(graph_fn(*fn_args)),
                               rtol=1e-4, atol=1e-4)
            if not same:
                raise SystemExit(f"{name}: eager and graph results disagree")
        eager_s = best_time(eager_fn, fn_args, args.repeat, args.number)
        graph_s = best_time(graph_fn, fn_args, args.repeat, args.number)
        print(f"{name:30s} {eager_s * 1e3:9.3f} ms {graph_s * 1e3:9.3f} ms {eager_s / graph_s:8.1f}x")
        results.append((name, eager_s, graph_s))
    return results


if __name__ == "__main__":
    main()
