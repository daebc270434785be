"""Claims of getting-started/environment.md: the checks run on a CPU-only machine (zero GPUs, no
error), the GPU settings never raise when TensorFlow is already initialized, and the versions
reported are the ones actually imported.

This machine has no GPU, so the GPU branches run against FakeConfig, a stand-in for tf.config
whose checks follow TensorFlow 2.21's context.py (set_memory_growth: ValueError when a memory
limit is configured, RuntimeError once initialized; set_visible_devices and
set_logical_device_configuration: RuntimeError once initialized unless nothing changes).
"""

from types import SimpleNamespace

import numpy as np
import pytest
import tensorflow as tf

from examples.getting_started import environment as env


class FakeConfig:
    LogicalDeviceConfiguration = tf.config.LogicalDeviceConfiguration

    def __init__(self, num_gpus, initialized=False):
        self.devices = [SimpleNamespace(name="/physical_device:CPU:0", device_type="CPU")] + [
            SimpleNamespace(name=f"/physical_device:GPU:{i}", device_type="GPU") for i in range(num_gpus)]
        self.initialized = initialized
        self.visible = [d for d in self.devices if d.device_type == "GPU"]
        self.growth, self.logical = {}, {}
        self.experimental = SimpleNamespace(set_memory_growth=self._set_memory_growth)

    def list_physical_devices(self, device_type=None):
        return [d for d in self.devices if device_type in (None, d.device_type)]

    def set_visible_devices(self, devices, device_type):
        if devices == self.visible:
            return
        if self.initialized:
            raise RuntimeError("Visible devices cannot be modified after being initialized")
        self.visible = list(devices)

    def _set_memory_growth(self, device, enable):
        if device.name in self.logical:
            raise ValueError("Cannot set memory growth on device when virtual devices configured")
        if self.growth.get(device.name) == enable:
            return
        if self.initialized:
            raise RuntimeError("Physical devices cannot be modified after being initialized")
        self.growth[device.name] = enable

    def set_logical_device_configuration(self, device, configurations):
        if self.logical.get(device.name) == configurations:
            return
        if self.initialized:
            raise RuntimeError("Virtual devices cannot be modified after being initialized")
        self.logical[device.name] = configurations


def test_cpu_only_machine_reports_zero_gpus_without_error():
    counts = env.device_counts(FakeConfig(num_gpus=0))
    assert counts == {"CPU": 1, "GPU": 0}
    assert env.select_gpus([0], FakeConfig(0)) == "no GPU found: nothing to select"
    assert env.enable_memory_growth(FakeConfig(0)) == "no GPU found: memory growth does not apply"
    assert env.limit_gpu_memory(1024, config=FakeConfig(0)) == "no GPU found: no memory to limit"


def test_gpu_settings_apply_before_initialization():
    config = FakeConfig(num_gpus=3)
    assert env.device_counts(config) == {"CPU": 1, "GPU": 3}
    assert env.select_gpus([0, 2], config) == "visible GPUs: ['/physical_device:GPU:0', '/physical_device:GPU:2']"
    assert [d.name for d in config.visible] == ["/physical_device:GPU:0", "/physical_device:GPU:2"]
    assert env.enable_memory_growth(config) == "memory growth enabled on 3 GPU(s)"
    assert all(config.growth.values()) and len(config.growth) == 3


def test_gpu_settings_after_initialization_report_instead_of_raising():
    config = FakeConfig(num_gpus=2, initialized=True)
    for message in (env.select_gpus([1], config), env.enable_memory_growth(config),
                    env.limit_gpu_memory(2048, config=config)):
        assert message.startswith("too late, TensorFlow is already initialized: ")
    assert [d.name for d in config.visible] == ["/physical_device:GPU:0", "/physical_device:GPU:1"]


def test_memory_limit_then_growth_is_reported_as_a_conflict():
    config = FakeConfig(num_gpus=1)
    assert env.limit_gpu_memory(4096, config=config) == "GPU 0 limited to 4096 MiB"
    assert config.logical["/physical_device:GPU:0"][0].memory_limit == 4096
    assert env.enable_memory_growth(config).startswith("conflicting settings: ")


def test_guards_are_safe_after_real_tensorflow_ops():
    # This process has already run TF ops (or does now): every call returns, none raises.
    tf.linalg.matmul(tf.ones([2, 2]), tf.ones([2, 2]))
    gpus = tf.config.list_physical_devices("GPU")
    messages = [env.select_gpus([0]), env.enable_memory_growth(), env.limit_gpu_memory(1024)]
    if not gpus:
        assert all(m.startswith("no GPU found") for m in messages)
    else:  # on a GPU machine they report instead of raising
        assert all(isinstance(m, str) for m in messages)


def test_real_tensorflow_refuses_late_device_configuration():
    # the claim the guards rely on, shown on the CPU as on the page
    tf.constant(1.0) + 1.0
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(RuntimeError, match="cannot be modified after being initialized"):
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])


def test_device_counts_match_tensorflow():
    counts = env.device_counts()
    assert counts["CPU"] == len(tf.config.list_physical_devices("CPU")) >= 1
    assert counts["GPU"] == len(tf.config.list_physical_devices("GPU"))


def test_versions_are_the_imported_ones():
    import keras

    v = env.versions()
    assert v["tensorflow"] == tf.__version__
    assert v["keras"] == keras.__version__ == tf.keras.__version__  # Keras 3 behind tf.keras
    assert v["numpy"] == np.__version__
    assert v["cuda build"] == tf.test.is_built_with_cuda()
    if not v["cuda build"]:
        assert v["cuda"] == v["cudnn"] == "-"
    assert int(v["keras"].split(".")[0]) >= 3  # TF >= 2.16 ships Keras 3


def test_tf1_config_proto_still_runs_through_compat():
    config = tf.compat.v1.ConfigProto()
    config.gpu_options.allow_growth = True
    graph = tf.Graph()
    with graph.as_default():
        total = tf.add(tf.constant(2), tf.constant(3))
    with tf.compat.v1.Session(graph=graph, config=config) as sess:
        assert sess.run(total) == 5


def test_main_runs(capsys):
    env.main()
    out = capsys.readouterr().out
    assert f"tensorflow: {tf.__version__}" in out
    assert "a 256 x 256 matmul ran on " in out
