"""Claims of frameworks/devices-and-distribution.

Distribution needs logical devices configured before TensorFlow's first op, which the pytest
worker cannot do any more. The page itself runs in a fresh interpreter (it is marked
fresh_process), where it trains with MirroredStrategy on two logical CPUs and launches two
MultiWorkerMirroredStrategy worker processes; the tests below read the figures that run
printed (same worker, one run per session) instead of training everything a second time.
Everything that needs no device configuration is tested here directly.
"""

import json
import re
import socket
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import devices_and_distribution as dd
from tests.docharness.pages import Page
from tests.docharness.plugin import run_page

PAGE = "docs/zh/frameworks/devices-and-distribution.md"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("frameworks/devices-and-distribution.md")

# Same algorithm, same batches, float32: only the summation order differs (two partial sums
# plus an all-reduce instead of one sum), ~1e-7 relative per step over 12 steps on weights of
# order 1. A wrong loss scaling (per-replica mean) doubles the step and moves weights by ~7e-2.
WEIGHT_TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def page_output():
    """{block code: what it printed} for the page's run in its fresh interpreter."""
    page = Page(ROOT / PAGE, ROOT)
    outcomes, _ = run_page(page)
    failed = [o.message for o in outcomes if o.status == "failed"]
    assert not failed, failed[0]
    return {block.code: outcome.stdout for block, outcome in zip(page.blocks(), outcomes)}


def printed(page_output, marker):
    matches = [out for code, out in page_output.items() if marker in code]
    assert len(matches) == 1, f"expected one block containing {marker!r}"
    return matches[0]


# -- from the page's own run ---------------------------------------------------------------
def test_mirrored_training_matches_single_device(page_output):
    out = printed(page_output, "max |w_mirrored - w_single|")
    difference = float(re.search(r"= ([0-9.e+-]+)", out).group(1))
    assert difference < WEIGHT_TOLERANCE


def test_both_workers_match_single_device(page_output):
    out = printed(page_output, "max |w - w_single|")
    lines = out.strip().splitlines()
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in lines] == ["worker:0", "worker:1"]
    for line in lines:
        assert float(re.search(r"= ([0-9.e+-]+)", line).group(1)) < WEIGHT_TOLERANCE


def test_the_page_ran_on_two_logical_devices_and_two_workers(page_output):
    assert printed(page_output, "print(split_cpu(2))").strip() == "['/device:CPU:0', '/device:CPU:1']"
    workers = printed(page_output, "reports = launch_workers(2)").strip().splitlines()
    assert workers == ["worker:0 /job:worker/replica:0/task:0/device:CPU:0 2 True",
                       "worker:1 /job:worker/replica:0/task:1/device:CPU:0 2 True"]


# -- data parallelism, from scratch ----------------------------------------------------------
@pytest.fixture(scope="module")
def problem():
    x, y = dd.make_data()
    params = [p.astype(np.float64) for p in dd.init_params()]
    return params, x[:64].astype(np.float64), y[:64].astype(np.float64)


def test_hand_written_gradients_match_gradient_tape(problem):
    params, xb, yb = problem
    variables = [tf.Variable(p) for p in params]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.reduce_sum(tf.square(dd.forward(variables, xb) - yb), axis=1))
    expected = [g.numpy() for g in tape.gradient(loss, variables)]
    # float64 on both sides: agreement to round-off
    for mine, theirs in zip(dd.mse_gradients(params, xb, yb, global_batch=len(xb)), expected):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("num_replicas", [1, 2, 3, 4, 8])
def test_summed_replica_gradients_equal_the_full_batch_gradient(problem, num_replicas):
    params, xb, yb = problem
    full = dd.mse_gradients(params, xb, yb, global_batch=len(xb))
    split = dd.data_parallel_gradients(params, xb, yb, num_replicas)
    assert dd.max_difference(full, split) < 1e-12


def test_a_per_replica_mean_multiplies_the_gradient(problem):
    # guard: the wrong scaling is caught by the comparison above
    params, xb, yb = problem
    full = dd.mse_gradients(params, xb, yb, global_batch=len(xb))
    parts = zip(np.array_split(xb, 4), np.array_split(yb, 4))
    wrong = [sum(g) for g in zip(*[dd.mse_gradients(params, xs, ys, len(xs)) for xs, ys in parts])]
    for w, f in zip(wrong, full):
        np.testing.assert_allclose(w, 4 * f, rtol=1e-10)
    assert dd.max_difference(full, wrong) > 1e-3


def test_train_on_one_device_is_plain_minibatch_sgd():
    # reference: the same SGD written in NumPy (float64) with the hand-written gradients
    x, y = dd.make_data()
    weights, losses = dd.train(tf.distribute.get_strategy(), dd.init_params(), x, y, lr=0.1, epochs=2)
    params = [p.astype(np.float64) for p in dd.init_params()]
    for _ in range(2):
        for start in range(0, len(x), dd.GLOBAL_BATCH):
            xb, yb = x[start:start + dd.GLOBAL_BATCH], y[start:start + dd.GLOBAL_BATCH]
            grads = dd.mse_gradients(params, xb.astype(np.float64), yb.astype(np.float64), dd.GLOBAL_BATCH)
            params = [p - 0.1 * g for p, g in zip(params, grads)]
    assert len(losses) == 2 * len(x) // dd.GLOBAL_BATCH
    assert losses[-1] < 0.2 * losses[0]
    # float32 training vs a float64 reference, 8 steps: 1e-4 covers float32 round-off
    assert dd.max_difference(weights, params) < 1e-4


# -- devices, placement, GPUs ------------------------------------------------------------------
def test_a_cpu_only_machine_lists_no_gpu():
    devices = dd.describe_devices()
    assert devices["GPU"] == (0, 0) and devices["CPU"][0] == 1


def test_device_string_parts():
    assert dd.device_parts("/job:worker/replica:0/task:1/device:CPU:0") == {
        "job": "worker", "replica": 0, "task": 1, "device_type": "CPU", "device_index": 0}


def test_two_device_forward_computes_the_same_as_one_device():
    x = tf.random.stateless_normal([5, 4], seed=[0, 1])
    w1 = tf.random.stateless_normal([4, 8], seed=[0, 2])
    w2 = tf.random.stateless_normal([8, 1], seed=[0, 3])
    hidden, output = dd.two_device_forward(x, w1, w2, devices=("/CPU:0", "/CPU:0"))
    np.testing.assert_allclose(output, tf.tanh(x @ w1) @ w2, rtol=1e-6)


def test_tf1_session_creates_the_requested_cpu_devices():
    names, pinned, total = dd.list_devices_tf1(num_cpus=2)
    assert [n.rsplit("/", 1)[-1] for n in names] == ["device:CPU:0", "device:CPU:1"]
    assert pinned == "/device:CPU:1" and total == 6.0
    assert tf.executing_eagerly()


class FakeConfig:
    """Stands in for tf.config on a machine with GPUs; records what was asked."""

    def __init__(self, gpus, late=False):
        self.gpus, self.late, self.visible, self.growth = gpus, late, None, {}

    def list_physical_devices(self, kind):
        return self.gpus if kind == "GPU" else []

    def set_visible_devices(self, devices, kind):
        if self.late:
            raise RuntimeError("Visible devices cannot be modified after being initialized")
        self.visible = (devices, kind)

    def set_memory_growth(self, device, enabled):
        self.growth[device] = enabled


def _patch(monkeypatch, fake):
    monkeypatch.setattr(tf.config, "list_physical_devices", fake.list_physical_devices)
    monkeypatch.setattr(tf.config, "set_visible_devices", fake.set_visible_devices)
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", fake.set_memory_growth)


def test_configure_gpus_on_a_cpu_only_machine():
    assert dd.configure_gpus() == "no GPU found: running on the CPU"


def test_configure_gpus_picks_the_chosen_gpus_and_turns_on_growth(monkeypatch):
    fake = FakeConfig(["gpu0", "gpu1", "gpu2"])
    _patch(monkeypatch, fake)
    assert dd.configure_gpus(visible=[0, 2]) == "using 2 of 3 GPU(s), memory growth True"
    assert fake.visible == (["gpu0", "gpu2"], "GPU")
    assert fake.growth == {"gpu0": True, "gpu2": True}


def test_configure_gpus_reports_being_too_late(monkeypatch):
    _patch(monkeypatch, FakeConfig(["gpu0"], late=True))
    assert dd.configure_gpus().startswith("too late to configure GPUs")


# -- the multi-worker cluster description ------------------------------------------------------
def test_tf_config_is_what_the_cluster_resolver_reads(monkeypatch):
    config = dd.tf_config([12345, 23456], index=1)
    monkeypatch.setenv("TF_CONFIG", json.dumps(config))
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    assert resolver.cluster_spec().as_dict() == {"worker": ["127.0.0.1:12345", "127.0.0.1:23456"]}
    assert (resolver.task_type, resolver.task_id) == ("worker", 1)
    assert resolver.master() == "127.0.0.1:23456"


def test_free_port_can_be_bound():
    port = dd.free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
