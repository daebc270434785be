"""Check a TensorFlow installation: versions, devices, choosing GPUs and GPU memory growth.

Everything here runs on a CPU-only machine: it finds zero GPUs and says so. Device settings
(visible GPUs, memory growth, memory limits) can only be changed before TensorFlow runs its
first op; after that TensorFlow raises RuntimeError, and these functions report it instead of
failing, so they are safe to call from any point of a program or a notebook.

Run it:  python -m examples.getting_started.environment
"""

# --8<-- [start:verify]
import platform

import keras
import numpy as np
import tensorflow as tf


def versions():
    """The versions to quote in a bug report or pin in requirements."""
    build = tf.sysconfig.get_build_info()
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "cuda build": bool(build.get("is_cuda_build", False)),
        "cuda": build.get("cuda_version", "-"),  # only CUDA builds report these two
        "cudnn": build.get("cudnn_version", "-"),
    }


def device_counts(config=tf.config):
    """How many physical devices TensorFlow sees, by type, e.g. {"CPU": 1, "GPU": 0}."""
    counts = {"CPU": 0, "GPU": 0}
    for device in config.list_physical_devices():
        counts[device.device_type] = counts.get(device.device_type, 0) + 1
    return counts
# --8<-- [end:verify]


# --8<-- [start:select]
def select_gpus(indices, config=tf.config):
    """Make only the GPUs at `indices` visible to TensorFlow; returns what happened.

    Call it before any other TensorFlow code: once TensorFlow has initialized its devices,
    set_visible_devices raises RuntimeError, which is reported here instead.
    """
    gpus = config.list_physical_devices("GPU")
    if not gpus:
        return "no GPU found: nothing to select"
    chosen = [gpus[i] for i in indices]
    try:
        config.set_visible_devices(chosen, "GPU")
    except RuntimeError as error:
        return f"too late, TensorFlow is already initialized: {error}"
    return f"visible GPUs: {[gpu.name for gpu in chosen]}"
# --8<-- [end:select]


# --8<-- [start:memory]
def enable_memory_growth(config=tf.config):
    """Let TensorFlow take GPU memory as needed instead of nearly all of it at start-up."""
    gpus = config.list_physical_devices("GPU")
    if not gpus:
        return "no GPU found: memory growth does not apply"
    try:
        for gpu in gpus:
            config.experimental.set_memory_growth(gpu, True)
    except RuntimeError as error:
        return f"too late, TensorFlow is already initialized: {error}"
    except ValueError as error:  # a memory limit is already set on a GPU: pick one of the two
        return f"conflicting settings: {error}"
    return f"memory growth enabled on {len(gpus)} GPU(s)"


def limit_gpu_memory(megabytes, index=0, config=tf.config):
    """Alternatively: a hard cap, by making a logical GPU of `megabytes` MiB on one GPU."""
    gpus = config.list_physical_devices("GPU")
    if not gpus:
        return "no GPU found: no memory to limit"
    try:
        config.set_logical_device_configuration(
            gpus[index], [config.LogicalDeviceConfiguration(memory_limit=megabytes)])
    except RuntimeError as error:
        return f"too late, TensorFlow is already initialized: {error}"
    return f"GPU {index} limited to {megabytes} MiB"
# --8<-- [end:memory]


def main():
    # Configure first, compute later: these calls must come before the first TensorFlow op.
    print(select_gpus([0]))
    print(enable_memory_growth())
    for name, version in versions().items():
        print(f"{name:>10}: {version}")
    print("devices:", device_counts())
    x = tf.random.stateless_normal([256, 256], seed=[0, 0])
    y = tf.linalg.matmul(x, x)
    print(f"a 256 x 256 matmul ran on {y.device}")


if __name__ == "__main__":
    main()
