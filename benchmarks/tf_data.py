"""tf.data throughput: naive vs prefetch vs parallel map vs cache (frameworks/tf-data).

Two kinds of cost are simulated, as in TensorFlow's "Better performance with the tf.data
API" guide:
  * latency-bound: reading sleeps `--read-ms` per element, the map sleeps `--map-ms`,
    the "training step" sleeps `--step-ms` per batch. Sleeping releases the CPU, so the
    overlap that prefetch / parallel map / cache buy shows up even on a busy 2-core box;
  * compute-bound: examples.frameworks.tf_data.expensive (matrix products), sequential
    vs num_parallel_calls=AUTOTUNE; the gain is capped by the number of free cores.
Every variant first checks that it yields the same elements as the naive pipeline.
Nothing is asserted about speed: timings depend on the machine and its load.

Run it:  python benchmarks/tf_data.py [--elements 200] [--epochs 2] [--repeat 3]
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from examples.frameworks.tf_data import expensive  # noqa: E402


def sleepy_source(num_elements, read_ms):
    """A source whose every element costs read_ms of waiting (disk, network)."""
    def generate():
        for i in range(num_elements):
            time.sleep(read_ms / 1000)
            yield i
    return tf.data.Dataset.from_generator(generate, output_signature=tf.TensorSpec([], tf.int64))


def sleepy_map(map_ms):
    """A per-element transform that waits map_ms (decoding a JPEG, say)."""
    def work(x):
        time.sleep(map_ms / 1000)
        return x * 2
    return lambda x: tf.ensure_shape(tf.py_function(work, [x], tf.int64), [])


def manual(dataset):
    """Switch off tf.data's automatic rewrites, so each variant shows only what it spells out.

    By default TF injects a prefetch after the last synchronous step and parallelizes
    stateless map functions by itself (tf.data.Options().experimental_optimization).
    """
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    options.experimental_optimization.inject_prefetch = False
    options.experimental_optimization.map_parallelization = False
    return dataset.with_options(options)


def latency_variants(n, read_ms, map_ms, batch):
    auto = tf.data.AUTOTUNE
    source = lambda: sleepy_source(n, read_ms)  # noqa: E731
    work = sleepy_map(map_ms)
    return {
        "naive": lambda: manual(source().map(work).batch(batch)),
        "prefetch": lambda: manual(source().map(work).batch(batch).prefetch(auto)),
        "parallel map": lambda: manual(source().map(work, num_parallel_calls=auto).batch(batch)),
        "cache (after map)": lambda: manual(source().map(work).cache().batch(batch)),
        "parallel map + cache + prefetch": lambda: manual(
            source().map(work, num_parallel_calls=auto).cache().batch(batch).prefetch(auto)),
        "naive, default options (auto rewrites)": lambda: source().map(work).batch(batch),
    }


def consume(dataset, epochs, step_ms):
    """Iterate like a training loop: each batch costs step_ms; returns (seconds, elements)."""
    seen = []
    start = time.perf_counter()
    for _ in range(epochs):
        for batch in dataset:
            seen.append(batch.numpy())
            time.sleep(step_ms / 1000)
    return time.perf_counter() - start, np.concatenate(seen)


def best_of(make, repeat, epochs, step_ms):
    times, elements = [], None
    for _ in range(repeat):
        seconds, elements = consume(make(), epochs, step_ms)  # a fresh pipeline (and cache) each run
        times.append(seconds)
    return min(times), elements


def compute_bound(n, batch, repeat):
    data = tf.data.Dataset.from_tensor_slices(np.random.default_rng(0).integers(0, 9, size=(n, 64)))
    variants = {
        "map, sequential": lambda: manual(data.map(expensive).batch(batch)),
        "map, num_parallel_calls=AUTOTUNE": lambda: manual(data.map(
            expensive, num_parallel_calls=tf.data.AUTOTUNE).batch(batch)),
        "map, default options (auto rewrites)": lambda: data.map(expensive).batch(batch),
    }
    return {name: best_of(make, repeat, 1, 0) for name, make in variants.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--read-ms", type=float, default=1.0)
    parser.add_argument("--map-ms", type=float, default=5.0)
    parser.add_argument("--step-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (the best is kept)")
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()}, TensorFlow {tf.__version__}, "
          f"{os.cpu_count()} CPU cores, {platform.machine()}")
    print(f"latency-bound: {args.elements} elements x {args.epochs} epochs, read {args.read_ms} ms, "
          f"map {args.map_ms} ms per element, train step {args.step_ms} ms per batch of {args.batch}")
    results = {}
    reference = None
    for name, make in latency_variants(args.elements, args.read_ms, args.map_ms, args.batch).items():
        seconds, elements = best_of(make, args.repeat, args.epochs, args.step_ms)
        if reference is None:
            reference = elements
        if not np.array_equal(np.sort(elements), np.sort(reference)):
            raise SystemExit(f"{name}: yields different elements from the naive pipeline")
        results[name] = seconds
        base = results["naive"]
        print(f"  {name:<40} {seconds:7.2f} s  {len(elements) / seconds:8.0f} elements/s  "
              f"{base / seconds:5.2f}x")
    print(f"compute-bound: {args.elements * 10} elements, 30 chained 8x8 matmul + tanh each")
    timed = compute_bound(args.elements * 10, 64, args.repeat)
    first = None
    for name, (seconds, elements) in timed.items():
        first = first or (seconds, elements)
        if not np.allclose(elements, first[1]):
            raise SystemExit(f"{name}: yields different values from the sequential map")
        print(f"  {name:<40} {seconds:7.2f} s  {len(elements) / seconds:8.0f} elements/s  "
              f"{first[0] / seconds:5.2f}x")
    return results, timed


if __name__ == "__main__":
    main()
