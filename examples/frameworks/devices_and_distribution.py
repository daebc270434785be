"""Devices and distribution: placement, GPUs, data vs model parallelism, tf.distribute for real.

A machine without a GPU can still show everything that matters about distribution: the one
physical CPU is split into two *logical* devices, and tf.distribute.MirroredStrategy trains on
them exactly as it would on two GPUs. Two worker processes on 127.0.0.1 run
MultiWorkerMirroredStrategy the way two machines would. Both are checked against training on
a single device with the same initial weights and the same batches.

Logical devices must be configured before TensorFlow runs its first op, so run this module in
a fresh interpreter:

    python -m examples.frameworks.devices_and_distribution              # mirrored vs single
    python -m examples.frameworks.devices_and_distribution --workers 2  # and two workers
"""

# --8<-- [start:setup]
import json
import os
import socket
import subprocess
import sys

import numpy as np
import tensorflow as tf


def split_cpu(num_devices=2):
    """Split the physical CPU into logical devices. Must run before TensorFlow's first op."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * num_devices)
    except RuntimeError as error:  # "Virtual devices cannot be modified after being initialized"
        if len(tf.config.list_logical_devices("CPU")) != num_devices:
            raise RuntimeError("configure devices first thing, in a fresh process") from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]
# --8<-- [end:setup]


# --8<-- [start:devices]
def describe_devices():
    """{device type: (physical count, logical count)}; a CPU-only machine has 0 GPUs, no error."""
    return {kind: (len(tf.config.list_physical_devices(kind)), len(tf.config.list_logical_devices(kind)))
            for kind in ("CPU", "GPU")}


def device_parts(device_string):
    """'/job:localhost/replica:0/task:0/device:CPU:1' -> its named parts."""
    spec = tf.DeviceSpec.from_string(device_string)
    return {"job": spec.job, "replica": spec.replica, "task": spec.task,
            "device_type": spec.device_type, "device_index": spec.device_index}
# --8<-- [end:devices]


# --8<-- [start:gpus]
def configure_gpus(visible=None, memory_growth=True):
    """Pick GPUs and turn on memory growth; safe on a CPU-only machine. Call it first thing."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "no GPU found: running on the CPU"
    chosen = gpus if visible is None else [gpus[i] for i in visible]
    try:
        tf.config.set_visible_devices(chosen, "GPU")
        for gpu in chosen:
            tf.config.experimental.set_memory_growth(gpu, memory_growth)
    except RuntimeError as error:  # the runtime is already initialized
        return f"too late to configure GPUs ({error}); do it before any op"
    return f"using {len(chosen)} of {len(gpus)} GPU(s), memory growth {memory_growth}"
# --8<-- [end:gpus]


# --8<-- [start:tf1]
def list_devices_tf1(num_cpus=2):
    """Seed 003's ConfigProto + Session, via tf.compat.v1: device list and an op pinned to CPU:1."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        with tf.device("/cpu:1"):
            doubled = tf.constant([1.0, 2.0]) * 2
        total = tf.reduce_sum(doubled)
    config = v1.ConfigProto(device_count={"CPU": num_cpus}, allow_soft_placement=True)
    config.gpu_options.allow_growth = True  # TF1's memory growth; ignored without a GPU
    # log_device_placement=True would also print every op's device to the console
    with v1.Session(graph=graph, config=config) as sess:
        names = [device.name for device in sess.list_devices()]
        return names, doubled.device, float(sess.run(total))
# --8<-- [end:tf1]


# --8<-- [start:model_parallel]
def two_device_forward(x, w1, w2, devices=("/CPU:0", "/CPU:1")):
    """Model parallelism by hand: layer 1 lives on one device, layer 2 on another."""
    with tf.device(devices[0]):
        hidden = tf.tanh(x @ w1)
    with tf.device(devices[1]):
        output = hidden @ w2  # TensorFlow copies `hidden` across for us
    return hidden, output
# --8<-- [end:model_parallel]


# --8<-- [start:problem]
GLOBAL_BATCH = 64


def make_data(num_samples=256, seed=0):
    """A small nonlinear regression problem: 4 features, 1 target."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_samples, 4)).astype(np.float32)
    y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype(np.float32)
    return x, y


def init_params(hidden=16, seed=0):
    """The same starting weights for every run: W1, b1, W2, b2."""
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=0.5, size=(4, hidden)).astype(np.float32), np.zeros(hidden, np.float32),
            rng.normal(scale=0.5, size=(hidden, 1)).astype(np.float32), np.zeros(1, np.float32)]


def max_difference(weights_a, weights_b):
    """Largest absolute difference between two lists of weight arrays."""
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(weights_a, weights_b))
# --8<-- [end:problem]


# --8<-- [start:numpy_allreduce]
def mse_gradients(params, x, y, global_batch):
    """Gradients of sum((f(x) - y)^2) / global_batch for f = tanh(x W1 + b1) W2 + b2."""
    w1, b1, w2, b2 = params
    hidden = np.tanh(x @ w1 + b1)
    d_out = 2 * (hidden @ w2 + b2 - y) / global_batch
    d_hidden = (d_out @ w2.T) * (1 - hidden**2)
    return [x.T @ d_hidden, d_hidden.sum(0), hidden.T @ d_out, d_out.sum(0)]


def data_parallel_gradients(params, x, y, num_replicas):
    """Split the global batch, let each 'replica' compute its gradient, all-reduce by summing."""
    shards = zip(np.array_split(x, num_replicas), np.array_split(y, num_replicas))
    per_replica = [mse_gradients(params, xs, ys, global_batch=len(x)) for xs, ys in shards]
    return [sum(grads) for grads in zip(*per_replica)]  # the all-reduce
# --8<-- [end:numpy_allreduce]


# --8<-- [start:train]
def forward(params, x):
    w1, b1, w2, b2 = params
    return tf.tanh(x @ w1 + b1) @ w2 + b2


def train(strategy, params, x, y, lr=0.1, epochs=3, global_batch=GLOBAL_BATCH):
    """Mini-batch SGD on MSE under any tf.distribute strategy. Returns (weights, losses)."""
    with strategy.scope():
        variables = [tf.Variable(p) for p in params]  # one mirrored copy per replica
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch)
    options = tf.data.Options()  # split each global batch by elements, across workers too
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = strategy.experimental_distribute_dataset(dataset.with_options(options))

    def replica_step(xb, yb):  # runs on every replica with its slice of the global batch
        with tf.GradientTape() as tape:
            per_example = tf.reduce_sum(tf.square(forward(variables, xb) - yb), axis=1)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
        grads = tape.gradient(loss, variables)
        grads = tf.distribute.get_replica_context().all_reduce("sum", grads)
        for variable, grad in zip(variables, grads):
            variable.assign_sub(lr * grad)
        return loss

    @tf.function
    def step(batch):
        per_replica_loss = strategy.run(replica_step, args=batch)
        return strategy.reduce("sum", per_replica_loss, axis=None)

    losses = [float(step(batch)) for _ in range(epochs) for batch in batches]
    return [variable.numpy() for variable in variables], losses
# --8<-- [end:train]


# --8<-- [start:keras_fit]
def keras_fit(strategy, params, x, y, lr=0.1, epochs=3, global_batch=GLOBAL_BATCH):
    """The usual way: build and compile under strategy.scope(), then fit."""
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.Input((4,)),
                                     tf.keras.layers.Dense(len(params[1]), activation="tanh"),
                                     tf.keras.layers.Dense(1)])
        model.set_weights(params)
        model.compile(optimizer=tf.keras.optimizers.SGD(lr), loss="mse")
    history = model.fit(x, y, batch_size=global_batch, epochs=epochs, shuffle=False, verbose=0)
    return model.get_weights(), history.history["loss"]
# --8<-- [end:keras_fit]


# --8<-- [start:multi_worker]
def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tf_config(ports, index):
    """TF_CONFIG for worker `index` of a cluster of local workers."""
    return {"cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index}}


def launch_workers(num_workers=2, timeout=300):
    """Start one process per worker, each with its own TF_CONFIG; collect what they report."""
    ports = [free_port() for _ in range(num_workers)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    workers = [subprocess.Popen(
        [sys.executable, "-m", "examples.frameworks.devices_and_distribution", "--worker"],
        env=dict(env, TF_CONFIG=json.dumps(tf_config(ports, index))),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for index in range(num_workers)]
    reports = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=timeout)
            if worker.returncode:
                raise RuntimeError(f"a worker exited with {worker.returncode}:\n{err[-3000:]}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    return reports


def worker_main():
    """What each worker process runs: the strategy first, then the same training as above."""
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    x, y = make_data()
    weights, losses = train(strategy, init_params(), x, y)
    resolver = strategy.cluster_resolver
    print(json.dumps({"task": f"{resolver.task_type}:{resolver.task_id}",
                      "replicas": strategy.num_replicas_in_sync,
                      "device": tf.zeros(1).device,
                      "weights": [w.tolist() for w in weights], "losses": losses}))
# --8<-- [end:multi_worker]


# --8<-- [start:figure]
def plot_parallelism(path):
    """A schematic of data parallelism (left) and model parallelism (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    def box(ax, x, y, w, h, text, color):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=color, ec="0.3"))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8)

    def arrow(ax, start, end, text=""):
        ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", color="0.3"))
        if text:
            ax.text((start[0] + end[0]) / 2 + 0.02, (start[1] + end[1]) / 2, text, fontsize=7, va="center")

    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.4), dpi=100)
    for ax, title in ((left, "data parallelism"), (right, "model parallelism")):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
        ax.set_title(title, fontsize=10)

    box(left, 0.25, 0.86, 0.5, 0.1, "global batch (B samples)", "#dbe9f6")
    for index, x in enumerate((0.02, 0.53)):
        box(left, x, 0.5, 0.45, 0.2, f"CPU:{index}: full model copy\nB/2 samples \u2192 g{index}", "#fde7c8")
        arrow(left, (0.5, 0.85), (x + 0.225, 0.71))
        arrow(left, (x + 0.225, 0.49), (0.5, 0.33))
    box(left, 0.2, 0.18, 0.6, 0.14, "all-reduce: g = g0 + g1\nsame update on every copy", "#d5f0d5")
    left.text(0.5, 0.05, "weights stay identical", ha="center", fontsize=8)

    box(right, 0.25, 0.86, 0.5, 0.1, "batch (B samples)", "#dbe9f6")
    box(right, 0.2, 0.56, 0.6, 0.16, "CPU:0: layer 1\nh = tanh(x W1)", "#fde7c8")
    box(right, 0.2, 0.26, 0.6, 0.16, "CPU:1: layer 2\ny = h W2", "#f3d6e8")
    arrow(right, (0.5, 0.85), (0.5, 0.73), "x")
    arrow(right, (0.5, 0.55), (0.5, 0.43), "h copied across")
    arrow(right, (0.5, 0.25), (0.5, 0.12), "y")
    right.text(0.5, 0.05, "each device holds part of the weights", ha="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"devices-and-distribution-parallelism.png": plot_parallelism}


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0, help="also run N local MultiWorkerMirroredStrategy workers")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # set by launch_workers
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main()

    print("logical devices:", split_cpu(2))  # first thing: before any op
    print("devices (physical, logical):", describe_devices(), "|", configure_gpus())
    x, y = make_data()
    single, single_losses = train(tf.distribute.get_strategy(), init_params(), x, y)
    strategy = tf.distribute.MirroredStrategy(["/CPU:0", "/CPU:1"])
    mirrored, mirrored_losses = train(strategy, init_params(), x, y)
    print(f"single device: loss {single_losses[0]:.4f} -> {single_losses[-1]:.4f}")
    print(f"MirroredStrategy on {strategy.num_replicas_in_sync} logical CPUs: "
          f"max |weight difference| = {max_difference(single, mirrored):.1e}")
    if args.workers:
        for report in launch_workers(args.workers):
            print(f"{report['task']} on {report['device']}: {report['replicas']} replicas, "
                  f"max |weight difference| = {max_difference(single, report['weights']):.1e}")


if __name__ == "__main__":
    main()
