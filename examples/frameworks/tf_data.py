"""tf.data input pipelines: build, shuffle, batch, write and read TFRecord files, speed up.

A pipeline is a chain of small steps (from_tensor_slices -> map -> shuffle -> batch ->
repeat). Each step is shown next to a plain-Python/NumPy version that does the same
thing, so the tests can assert they agree. TFRecord files are written and read back
twice: with tf.data and with a from-scratch reader of the file format (length, CRC32C,
payload). Timing is measured by benchmarks/tf_data.py, never asserted.

Run it:  python -m examples.frameworks.tf_data
"""

# --8<-- [start:pipeline]
import numpy as np
import tensorflow as tf


def make_arrays(num_samples=10, num_features=3, seed=0):
    """A tiny dataset: uint8 'pixels' and integer labels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(num_samples, num_features), dtype=np.uint8)
    y = np.arange(num_samples, dtype=np.int64) % 3
    return x, y


def scale(x, y):
    """Per-element transform: uint8 pixels -> float32 in [0, 1]."""
    return tf.cast(x, tf.float32) / 255.0, y


def make_pipeline(x, y, batch_size=4, shuffle_buffer=0, seed=0, epochs=1,
                  drop_remainder=False):
    """from_tensor_slices -> map -> (shuffle) -> batch -> repeat."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y))  # one element per row
    dataset = dataset.map(scale)
    if shuffle_buffer:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed)  # shuffle samples, before batch
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    return dataset.repeat(epochs)
# --8<-- [end:pipeline]


# --8<-- [start:numpy_pipeline]
def numpy_pipeline(x, y, batch_size=4, epochs=1, drop_remainder=False):
    """The same pipeline without shuffling, as a plain Python generator."""
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            if drop_remainder and len(xb) < batch_size:
                break
            yield xb.astype(np.float32) / np.float32(255.0), yb
# --8<-- [end:numpy_pipeline]


# --8<-- [start:buffer_shuffle]
def buffer_shuffle(items, buffer_size, seed=0):
    """Shuffle with a fixed-size buffer, the algorithm of Dataset.shuffle.

    Fill the buffer; then repeatedly emit a random element of it and put the next input
    in its place. Memory stays at buffer_size elements, however long the stream is.
    """
    rng = np.random.default_rng(seed)
    buffer = []
    for item in items:
        if len(buffer) < buffer_size:
            buffer.append(item)
            continue
        pick = rng.integers(len(buffer))
        yield buffer[pick]
        buffer[pick] = item
    while buffer:  # the stream ended: drain what is left, in random order
        yield buffer.pop(rng.integers(len(buffer)))


def max_advance(order):
    """How many places any element moved towards the front: max(index - position)."""
    return max(int(item) - position for position, item in enumerate(order))
# --8<-- [end:buffer_shuffle]


# --8<-- [start:tfrecord_write]
def bytes_feature(value):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def float_feature(values):
    return tf.train.Feature(float_list=tf.train.FloatList(value=list(values)))


def int64_feature(value):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))


def to_example(image, label, name, weights):
    """One record: raw image bytes, an int64 label, a name (bytes), 3 float weights."""
    return tf.train.Example(features=tf.train.Features(feature={
        "image": bytes_feature(image.tobytes()),
        "height": int64_feature(image.shape[0]),
        "width": int64_feature(image.shape[1]),
        "label": int64_feature(label),
        "name": bytes_feature(name.encode("utf-8")),
        "weights": float_feature(weights),
    }))


def make_records(num_records=5, seed=0):
    """Toy records: small uint8 images with labels, names and float weights."""
    rng = np.random.default_rng(seed)
    return [dict(image=rng.integers(0, 256, size=(4, 5), dtype=np.uint8),
                 label=i % 3, name=f"sample-{i}",
                 weights=rng.normal(size=3).astype(np.float32))
            for i in range(num_records)]


def write_tfrecord(path, records):
    """Serialize each record as a tf.train.Example, one after the other in one file."""
    with tf.io.TFRecordWriter(str(path)) as writer:
        for record in records:
            writer.write(to_example(**record).SerializeToString())
# --8<-- [end:tfrecord_write]


# --8<-- [start:tfrecord_read]
FEATURES = {  # name -> how to parse it; shapes and dtypes must match what was written
    "image": tf.io.FixedLenFeature([], tf.string),
    "height": tf.io.FixedLenFeature([], tf.int64),
    "width": tf.io.FixedLenFeature([], tf.int64),
    "label": tf.io.FixedLenFeature([], tf.int64),
    "name": tf.io.FixedLenFeature([], tf.string),
    "weights": tf.io.FixedLenFeature([3], tf.float32),
}


def parse_example(serialized):
    """Bytes of one Example -> dict of tensors; the image is decoded back to (H, W)."""
    parsed = tf.io.parse_single_example(serialized, FEATURES)
    image = tf.io.decode_raw(parsed["image"], tf.uint8)
    parsed["image"] = tf.reshape(image, tf.stack([parsed["height"], parsed["width"]]))
    return parsed


def read_tfrecord(path):
    """Read the file back with tf.data; returns a list of dicts of NumPy values."""
    dataset = tf.data.TFRecordDataset(str(path)).map(parse_example)
    return [{key: value.numpy() for key, value in element.items()} for element in dataset]
# --8<-- [end:tfrecord_read]


# --8<-- [start:tfrecord_scratch]
import struct


def _crc32c_table():
    """CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, one entry per byte value."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC32C_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    """TFRecord stores a rotated CRC plus a constant, not the CRC itself."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_records_from_scratch(path):
    """Each record: uint64 length | uint32 masked CRC of length | data | uint32 masked CRC of data."""
    records = []
    with open(path, "rb") as file:
        while header := file.read(12):
            length_bytes, length_crc = header[:8], struct.unpack("<I", header[8:])[0]
            if masked_crc(length_bytes) != length_crc:
                raise ValueError("corrupt length field")
            (length,) = struct.unpack("<Q", length_bytes)
            data = file.read(length)
            (data_crc,) = struct.unpack("<I", file.read(4))
            if masked_crc(data) != data_crc:
                raise ValueError("corrupt record")
            records.append(data)
    return records
# --8<-- [end:tfrecord_scratch]


# --8<-- [start:tf1_queue]
def read_tfrecord_tf1(path, batch_size=2):
    """Seed 001's TF1 way: a filename queue, a reader and queue runners (runs via compat.v1)."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        filename_queue = v1.train.string_input_producer([str(path)], num_epochs=1, shuffle=False)
        _, serialized = v1.TFRecordReader().read(filename_queue)
        parsed = v1.parse_single_example(serialized, {
            "label": v1.FixedLenFeature([], tf.int64),
            "name": v1.FixedLenFeature([], tf.string)})
        batch = v1.train.batch([parsed["label"], parsed["name"]], batch_size=batch_size,
                               allow_smaller_final_batch=True)
        init = [v1.global_variables_initializer(), v1.local_variables_initializer()]
    labels, names = [], []
    with v1.Session(graph=graph) as sess:
        sess.run(init)  # num_epochs is a local variable
        coord = v1.train.Coordinator()
        threads = v1.train.start_queue_runners(sess=sess, coord=coord)
        try:
            while True:
                label_batch, name_batch = sess.run(batch)
                labels.extend(label_batch.tolist())
                names.extend(name.decode() for name in name_batch)
        except tf.errors.OutOfRangeError:  # the queue is closed after num_epochs
            pass
        finally:
            coord.request_stop()
            coord.join(threads)
    return labels, names
# --8<-- [end:tf1_queue]


# --8<-- [start:performance]
def expensive(x):
    """Stand-in for costly per-element work (decoding, augmentation): 30 matrix products."""
    m = tf.reshape(tf.cast(x, tf.float32), [8, 8]) / 64.0
    for _ in range(30):
        m = tf.tanh(m @ m)
    return tf.reduce_sum(m)


def fast_pipeline(dataset, batch_size=32, cache=None):
    """Parallel map, optional cache, batch, prefetch: the tf.data performance recipe."""
    dataset = dataset.map(expensive, num_parallel_calls=tf.data.AUTOTUNE)
    if cache is not None:
        dataset = dataset.cache(cache)  # "" = in memory, a path = files on disk
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
# --8<-- [end:performance]


# --8<-- [start:figure]
def plot_shuffle(path, num_items=200, buffers=(10, 200), seed=0):
    """Input index vs output position for a small and a full shuffle buffer.

    Drawn with buffer_shuffle (the same algorithm as Dataset.shuffle, NumPy's generator) so
    the picture does not depend on TensorFlow's global seed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(buffers), figsize=(6, 3.2), dpi=100, sharey=True)
    for ax, buffer_size in zip(axes, buffers):
        order = np.array(list(buffer_shuffle(range(num_items), buffer_size, seed=seed)))
        ax.plot(order, np.arange(num_items), ".", markersize=3)
        ax.plot([0, num_items], [0, num_items], "k--", linewidth=0.8)
        ax.set_title(f"shuffle(buffer_size={buffer_size})", fontsize=10)
        ax.set_xlabel("input index")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("output position")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"tf-data-shuffle-buffer.png": plot_shuffle}


def main():
    import tempfile
    from pathlib import Path

    x, y = make_arrays()
    for xb, yb in make_pipeline(x, y, batch_size=4, shuffle_buffer=10, seed=0):
        print("batch", xb.shape, "labels", yb.numpy())
    order = list(tf.data.Dataset.range(100).shuffle(10, seed=0).as_numpy_iterator())
    print("shuffle(10) moved an element forward by at most", max_advance(order), "places")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "toy.tfrecord"
        records = make_records()
        write_tfrecord(path, records)
        back = read_tfrecord(path)
        same = all(np.array_equal(r["image"], b["image"]) and r["label"] == b["label"]
                   for r, b in zip(records, back))
        print(f"TFRecord round trip: {len(back)} records, identical: {same}, "
              f"{path.stat().st_size} bytes")
        print("from-scratch reader agrees:",
              read_records_from_scratch(path) == [s.numpy() for s in tf.data.TFRecordDataset(str(path))])
        print("TF1 queue reader labels:", read_tfrecord_tf1(path)[0])


if __name__ == "__main__":
    main()
