"""SimpleRNN vs LSTM vs GRU: measure and print the forward and training-step time (nlp/lstm-and-gru).

GRU does 3/4 of an LSTM's multiply-adds (examples/nlp/lstm_and_gru.py: multiply_adds_per_step),
but wall-clock time also depends on how many small ops the implementation runs per time step,
the device and the batch size. Nothing here is asserted: it depends on the machine and its load.

Each case compiles a forward pass and a training step (forward + backward + SGD update) with
tf.function, warms them up (tracing), then reports the best of several timeit runs.

Run it:  python benchmarks/recurrent_layers.py [--batch 32] [--steps 50] [--units 64] [--repeat 5]
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

from examples.nlp.lstm_and_gru import keras_layers, multiply_adds_per_step  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--number", type=int, default=10)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(args.batch, args.steps, args.features)), tf.float32)
    y = tf.constant(rng.normal(size=(args.batch, args.units)), tf.float32)
    print(f"TensorFlow {tf.__version__}, {platform.processor() or platform.machine()}, "
          f"devices: {[d.device_type for d in tf.config.list_logical_devices()]}")
    print(f"batch {args.batch}, {args.steps} steps, {args.features} features, {args.units} units")
    print(f"multiply-adds per step and example: {multiply_adds_per_step(args.features, args.units)}")
    print(f"{'layer':26s} {'params':>8s} {'forward ms':>11s} {'train step ms':>14s}")
    for name, layer in keras_layers(args.units).items():
        layer.build((None, None, args.features))
        optimizer = tf.keras.optimizers.SGD(0.01)

        forward = tf.function(lambda: layer(x))

        @tf.function
        def train_step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(layer(x) - y))
            optimizer.apply_gradients(zip(tape.gradient(loss, layer.trainable_weights),
                                          layer.trainable_weights))
            return loss

        forward(), train_step()   # trace once
        times = [min(timeit.repeat(f, repeat=args.repeat, number=args.number)) / args.number
                 for f in (forward, train_step)]
        print(f"{name:26s} {layer.count_params():8d} {1000 * times[0]:11.2f} {1000 * times[1]:14.2f}")


if __name__ == "__main__":
    main()
