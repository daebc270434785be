"""Claims of frameworks/tensorboard: every summary the page writes is read back from the event
files with the right count and values; the from-scratch reader and histogram agree with
TensorFlow/TensorBoard; TF1 renames clashing tags, TF2 does not. The page writes once (into a
temporary logdir); most tests assert on that run, the others write into tmp_path.
"""

import json
import os

import numpy as np
import pytest
import tensorflow as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c as reference_crc

from examples.frameworks import summaries as sm
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("frameworks/tensorboard.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/frameworks/tensorboard.md")


def tensors_by_tag(path, tag):
    return [(step, value) for step, t, field, value in sm.read_events(path) if t == tag]


def test_crc32c_matches_the_standard_check_value_and_tensorboard():
    assert sm.crc32c(b"123456789") == 0xE3069283  # the published CRC-32C check value
    rng = np.random.default_rng(0)
    for size in (0, 1, 8, 100, 1000):
        data = rng.integers(0, 256, size=size, dtype=np.uint8).tobytes()
        assert sm.masked_crc32c(data) == reference_crc(data)


def test_scratch_reader_equals_summary_iterator(page):
    assert len(page["records"]) == 62  # header + graph + 30 histograms + 30 scalars
    assert page["scratch_events"] == page["tf_events"]
    kinds = [e.WhichOneof("what") for e in page["tf_events"]]
    assert kinds[0] == "file_version" and kinds.count("graph_def") == 1


def test_scratch_reader_rejects_a_corrupt_file(page, tmp_path):
    raw = bytearray(open(page["tf2_file"], "rb").read())
    raw[-6] ^= 0xFF  # flip bits inside the last record's data
    path = tmp_path / "events.out.tfevents.corrupt"
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="corrupt record"):
        sm.read_records(str(path))


def test_logged_losses_are_the_returned_losses(page):
    rows = tensors_by_tag(page["tf2_file"], "loss")
    assert [step for step, _ in rows] == list(range(30))
    np.testing.assert_array_equal([v for _, v in rows], page["losses"])  # stored bits, no tolerance
    assert all(v.dtype == np.float32 and v.shape == () for _, v in rows)


def test_training_reached_the_noise_floor(page):
    losses = page["losses"]
    _, y, _ = sm.make_regression()
    # predicting the mean of y gives MSE var(y) ~ 256; the noise variance is 0.1**2 = 0.01
    assert losses[0] > 0.5 * y.var()
    assert losses[-1] < 0.02 < y.var() / 1000
    assert np.all(np.diff(losses) < 0)


def test_tf2_scalars_use_the_tensor_field(page):
    value = page["value"]
    assert value.WhichOneof("value") == "tensor" and value.simple_value == 0.0
    assert value.metadata.plugin_data.plugin_name == "scalars"


def test_histograms_have_one_row_per_bucket_and_count_every_weight(page):
    hists = page["hists"]
    assert sorted(hists) == list(range(30))
    for h in hists.values():
        assert h.shape == (30, 3) and h[:, 2].sum() == sm.NUM_FEATURES
        np.testing.assert_array_equal(h[1:, 0], h[:-1, 1])  # buckets are contiguous
    # the weights start at N(0, 0.01^2) and end near the true N(0, 1) weights
    assert hists[0][-1, 1] - hists[0][0, 0] < 0.1 < 2 < hists[29][-1, 1] - hists[29][0, 0]


@pytest.mark.parametrize("data", [
    np.random.default_rng(1).normal(size=500),
    np.array([0.0, 1.0, 1.0, 2.0, 3.0]),  # values on bucket edges, the max in the last bucket
    np.full(7, 2.5),  # one distinct value
    np.random.default_rng(2).exponential(size=(10, 10)).astype("float32"),
], ids=["normal", "edges", "constant", "float32-2d"])
@pytest.mark.parametrize("bucket_count", [30, 4])
def test_numpy_histogram_equals_tensorboards(tmp_path, data, bucket_count):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.histogram("h", data, step=0, buckets=bucket_count)
    (_, stored), = tensors_by_tag(sm.event_files(str(tmp_path))[0], "h")
    ours = sm.histogram_buckets(data, bucket_count)
    np.testing.assert_array_equal(ours[:, 2], stored[:, 2])
    # edges: linspace in float64 computed by NumPy and by TF may differ in the last ulp
    np.testing.assert_allclose(ours[:, :2], stored[:, :2], rtol=0, atol=1e-12)


def test_graph_summary_holds_the_train_step(page):
    assert page["ops"]["MatMul"] == 2 and page["ops"]["AssignSubVariableOp"] == 2
    names = {node.name for node in page["graph_def"].node}
    assert {"x", "y"} <= names


def test_tf1_tags_are_renamed_on_a_clash_and_values_are_simple(page):
    rows = page["tf1_rows"]
    assert {(tag, field) for _, tag, field, _ in rows} == {
        ("error", "simple_value"), ("weights", "histo"), ("weights_1", "histo")}
    np.testing.assert_array_equal(page["tf1_logged"], page["tf1_errors"])  # float32 both ways
    assert np.all(np.diff(page["tf1_errors"]) < 0)
    # weights_1 is the bias: 0.0 before the first update, then moving towards 0.7
    bias = [v for _, tag, _, v in rows if tag == "weights_1"]
    assert (bias[0].num, bias[0].min, bias[0].max) == (1, 0.0, 0.0)
    assert 0.0 < bias[-1].min == bias[-1].max < 0.7
    assert [e.WhichOneof("what") for e in page["tf1_events"][:3]] == [
        "file_version", "graph_def", "meta_graph_def"]


def test_tf1_name_scope_avoids_the_clash(tmp_path):
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        for layer in ("layer1", "layer2"):
            with tf.name_scope(layer):
                v1.summary.scalar("weights", tf.constant(1.0))
        merged = v1.summary.merge_all()
    with v1.Session(graph=graph) as sess:
        summary = v1.Summary.FromString(sess.run(merged))
    assert [v.tag for v in summary.value] == ["layer1/weights", "layer2/weights"]


def test_tf2_keeps_clashing_tags(page):
    rows = sm.read_events(sm.event_files(page["clash_dir"])[0])
    assert [(tag, float(v)) for _, tag, _, v in rows] == [
        ("loss", 1.0), ("loss", 2.0), ("validation/loss", 3.0)]


def test_keras_callback_logs_what_fit_returned(page):
    history = page["history"].history
    # the callback logs the same float32 numbers fit() puts in History (converted to float)
    np.testing.assert_allclose(page["epoch_loss"], history["loss"], rtol=1e-6)
    np.testing.assert_allclose(page["val_loss"], history["val_loss"], rtol=1e-6)
    assert len(page["epoch_loss"]) == 2
    config = next(v for _, tag, _, v in page["train_rows"] if tag == "keras")
    assert json.loads(config.item())["class_name"] == "Sequential"
    kernels = [v for _, tag, _, v in page["train_rows"] if tag == "sequential/linear/kernel/histogram"]
    assert len(kernels) == 2 and kernels[0][:, 2].sum() == sm.NUM_FEATURES


def test_event_accumulator_keeps_ten_tensors_by_default(page):
    acc, full = page["acc"], page["full"]
    kept = acc.Tensors("loss")
    assert len(kept) == 10 and kept[-1].step == 29
    assert {e.step for e in kept} <= set(range(30))
    assert len(full.Tensors("loss")) == len(full.Tensors("weights")) == 30
    with pytest.raises(KeyError):
        acc.Scalars("loss")  # TF2 scalars are tensors to EventAccumulator


def test_summaries_without_a_writer_or_a_step(tmp_path):
    assert not bool(tf.summary.scalar("loss", 1.0, step=0))
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("loss", 1.0)
        tf.summary.experimental.set_step(3)
        try:
            assert bool(tf.summary.scalar("loss", 1.0))
        finally:
            tf.summary.experimental.set_step(None)
    (step, value), = tensors_by_tag(sm.event_files(str(tmp_path))[0], "loss")
    assert step == 3 and value == 1.0


def test_writer_buffers_until_flush(page):
    assert page["before"] == 1  # the file_version header is written when the file is created
    assert len(sm.read_records(sm.event_files(page["buffered_dir"])[0])) == 4


def test_exercises(page):
    assert abs(page["estimate"] - page["w0"].mean()) <= page["half_width"]
    assert page["final"]["lr_0.2"] < page["final"]["lr_0.05"]
    for run in ("lr_0.05", "lr_0.2"):  # one subdirectory, one event file per run
        assert len(sm.event_files(os.path.join(page["logdir"], run))) == 1


def test_writer_flushes_when_more_than_ten_events_are_queued(tmp_path):
    counts = []
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        for step in range(12):
            tf.summary.scalar("loss", 1.0, step=step)
            counts.append(len(sm.read_records(sm.event_files(str(tmp_path))[0])))
    # the header is on disk at once; the queue is written when its 11th event arrives
    assert counts == [1] * 10 + [12, 12]


def test_two_experiments_in_one_directory_become_one_run(tmp_path):
    for offset in (0.0, 10.0):
        with tf.summary.create_file_writer(str(tmp_path)).as_default():
            for step in range(3):
                tf.summary.scalar("loss", offset + step, step=step)
    acc = EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    acc.Reload()
    points = [(e.step, float(tf.make_ndarray(e.tensor_proto))) for e in acc.Tensors("loss")]
    assert sorted(points) == [(0, 0.0), (0, 10.0), (1, 1.0), (1, 11.0), (2, 2.0), (2, 12.0)]


def test_tf1_histograms_use_exponential_bucket_limits(page):
    histo = next(v for _, tag, _, v in page["tf1_rows"] if tag == "weights")
    limits = np.array(histo.bucket_limit)
    positive = limits[(limits > 1e-12) & (limits < 1e300)]
    # TF1's default buckets grow by a factor 1.1 from 1e-12 (float64 arithmetic: tiny tolerance)
    np.testing.assert_allclose(positive[1:] / positive[:-1], 1.1, rtol=1e-9)
    assert histo.num == 1 and histo.min == histo.max
