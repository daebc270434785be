"""Claims of frameworks/tf-data: pipelines, the shuffle buffer, TFRecord round trips, cache/prefetch."""

import math

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import tf_data as td


@pytest.mark.parametrize("num_samples, batch_size, drop", [(10, 4, False), (10, 4, True), (12, 3, False), (7, 8, False)])
def test_numpy_generator_matches_tf_data(num_samples, batch_size, drop):
    x, y = td.make_arrays(num_samples)
    expected = list(td.numpy_pipeline(x, y, batch_size, epochs=2, drop_remainder=drop))
    got = list(td.make_pipeline(x, y, batch_size, epochs=2, drop_remainder=drop).as_numpy_iterator())
    per_epoch = num_samples // batch_size if drop else math.ceil(num_samples / batch_size)
    assert len(got) == len(expected) == 2 * per_epoch
    for (xa, ya), (xb, yb) in zip(expected, got):
        # the same float32 division on both sides: bit-for-bit equal
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_drop_remainder_fixes_the_batch_dimension():
    x, y = td.make_arrays()
    assert td.make_pipeline(x, y, 4).element_spec[0].shape.as_list() == [None, 3]
    assert td.make_pipeline(x, y, 4, drop_remainder=True).element_spec[0].shape.as_list() == [4, 3]


@pytest.mark.parametrize("buffer_size", [1, 3, 10, 50])
def test_shuffle_moves_an_element_forward_at_most_buffer_minus_one(buffer_size):
    n = 60
    tf_order = list(tf.data.Dataset.range(n).shuffle(buffer_size, seed=3).as_numpy_iterator())
    scratch = list(td.buffer_shuffle(range(n), buffer_size, seed=3))
    for order in (tf_order, scratch):
        assert sorted(order) == list(range(n))
        assert td.max_advance(order) <= buffer_size - 1
    if buffer_size == 1:  # a buffer of one cannot reorder anything
        assert tf_order == scratch == list(range(n))


def test_first_output_comes_from_the_first_buffer_load():
    # TF's shuffle and the from-scratch one: the first element out is one of the first K in
    for seed in range(20):
        first_tf = next(iter(tf.data.Dataset.range(100).shuffle(5, seed=seed))).numpy()
        first_scratch = next(td.buffer_shuffle(range(100), 5, seed=seed))
        assert first_tf < 5 and first_scratch < 5


def test_max_advance_detects_a_real_reordering():
    # guard: the bound above is not vacuous, a reversed stream moves element 59 by 59 places
    assert td.max_advance(list(range(60))[::-1]) == 59
    assert td.max_advance(list(range(60))) == 0


def test_seeded_shuffle_is_reproducible_and_reshuffles_per_epoch():
    def epochs(seed):
        dataset = tf.data.Dataset.range(20).shuffle(20, seed=seed)
        return [list(dataset.as_numpy_iterator()) for _ in range(2)]

    first, again, other = epochs(7), epochs(7), epochs(8)
    assert first == again
    assert first[0] != first[1]
    assert first != other


def test_tfrecord_round_trip_is_identical(tmp_path):
    path = tmp_path / "records.tfrecord"
    records = td.make_records(7, seed=1)
    td.write_tfrecord(path, records)
    back = td.read_tfrecord(path)
    assert len(back) == len(records)
    for record, read in zip(records, back):
        np.testing.assert_array_equal(read["image"], record["image"])
        assert read["image"].dtype == np.uint8 and read["image"].shape == (4, 5)
        assert read["label"] == record["label"]
        assert read["name"].decode() == record["name"]
        np.testing.assert_array_equal(read["weights"], record["weights"])  # float32 in, float32 out


def test_float_list_keeps_only_float32(tmp_path):
    path = tmp_path / "f.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as writer:
        example = tf.train.Example(features=tf.train.Features(feature={"v": td.float_feature([0.1])}))
        writer.write(example.SerializeToString())
    value = next(iter(tf.data.TFRecordDataset(str(path)).map(
        lambda s: tf.io.parse_single_example(s, {"v": tf.io.FixedLenFeature([], tf.float32)}))))["v"]
    assert float(value.numpy()) == float(np.float32(0.1)) != 0.1


def test_from_scratch_reader_matches_tf_and_both_reject_corruption(tmp_path):
    path = tmp_path / "records.tfrecord"
    td.write_tfrecord(path, td.make_records(4))
    tf_records = [r.numpy() for r in tf.data.TFRecordDataset(str(path))]
    assert td.read_records_from_scratch(path) == tf_records
    assert path.stat().st_size == sum(map(len, tf_records)) + 16 * len(tf_records)

    broken = tmp_path / "broken.tfrecord"
    data = bytearray(path.read_bytes())
    data[20] ^= 0xFF  # flip a byte inside the first record's payload
    broken.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="corrupt record"):
        td.read_records_from_scratch(broken)
    with pytest.raises(tf.errors.DataLossError):
        list(tf.data.TFRecordDataset(str(broken)))


def test_crc32c_check_value():
    # RFC 3720 B.4 / the CRC catalogue: CRC-32C("123456789") = 0xE3069283
    assert td.crc32c(b"123456789") == 0xE3069283
    assert td.crc32c(b"") == 0


def test_tf1_queue_reader_reads_what_tf2_wrote(tmp_path):
    path = tmp_path / "records.tfrecord"
    records = td.make_records(5)
    td.write_tfrecord(path, records)
    labels, names = td.read_tfrecord_tf1(path, batch_size=2)  # 2 + 2 + a smaller final batch of 1
    assert labels == [r["label"] for r in records]
    assert names == [r["name"] for r in records]
    assert tf.executing_eagerly()


def test_parallel_map_cache_and_prefetch_change_nothing_but_speed():
    data = tf.data.Dataset.from_tensor_slices(np.arange(50 * 64).reshape(50, 64) % 7)
    sequential = np.array(list(data.map(td.expensive).as_numpy_iterator()))
    fast = np.concatenate(list(td.fast_pipeline(data, batch_size=8, cache="").as_numpy_iterator()))
    np.testing.assert_array_equal(fast, sequential)  # same values, same order (deterministic=True)


def test_cache_runs_the_map_once_and_can_live_on_disk(tmp_path):
    calls = []

    def traced(x):
        def count(value):
            calls.append(int(value))
            return value
        return tf.py_function(count, [x], tf.int64)

    for cache in ("", str(tmp_path / "cache")):
        calls.clear()
        dataset = tf.data.Dataset.range(10).map(traced).cache(cache)
        epochs = [list(dataset.as_numpy_iterator()) for _ in range(3)]
        assert epochs[0] == epochs[1] == epochs[2] == list(range(10))
        assert sorted(calls) == list(range(10))  # 3 epochs, the map ran once per element
    assert any(p.name.startswith("cache") for p in tmp_path.iterdir())

    calls.clear()
    uncached = tf.data.Dataset.range(10).map(traced)
    for _ in range(3):
        list(uncached.as_numpy_iterator())
    assert len(calls) == 30  # without cache the map runs every epoch


def test_main_runs(capsys):
    td.main()
    out = capsys.readouterr().out
    assert "identical: True" in out and "from-scratch reader agrees: True" in out


def load_benchmark():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "tf_data.py"
    spec = importlib.util.spec_from_file_location("tf_data_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_figures_without_asserting_them(capsys):
    # tiny sizes, no sleeping: checks that every variant runs and yields the naive elements
    results, timed = load_benchmark().main(["--elements", "20", "--epochs", "2", "--batch", "5",
                                            "--read-ms", "0", "--map-ms", "0", "--step-ms", "0",
                                            "--repeat", "1"])
    out = capsys.readouterr().out
    assert set(results) >= {"naive", "prefetch", "parallel map", "cache (after map)"}
    assert "elements/s" in out and len(timed) == 3


def test_benchmark_switches_off_automatic_rewrites():
    options = load_benchmark().manual(tf.data.Dataset.range(3)).options()
    assert options.experimental_optimization.apply_default_optimizations is False
    assert options.experimental_optimization.inject_prefetch is False
    assert options.experimental_optimization.map_parallelization is False
