"""Claims of frameworks/mnist: the IDX format, PNG export, the npz loader, the MLP and the CNN."""

import gzip
import struct

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import mnist as mn
from tests.docharness.plugin import page_namespace

# The page trains the MLP, the CNN and both softmax regressions; the tests below assert on
# that very run (same worker, once per session).
pytestmark = pytest.mark.xdist_group("frameworks/mnist.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/frameworks/mnist.md")


# -- the IDX format ---------------------------------------------------------------------
def test_header_matches_the_published_layout(tmp_path):
    # reference built by hand from the format description: 0, 0, type 0x08, ndim; big-endian dims
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    labels = np.array([7, 2], dtype=np.uint8)
    mn.write_idx(tmp_path / "images", images)
    mn.write_idx(tmp_path / "labels", labels)
    assert (tmp_path / "images").read_bytes() == struct.pack(">IIII", 2051, 2, 28, 28) + images.tobytes()
    assert (tmp_path / "labels").read_bytes() == struct.pack(">II", 2049, 2) + labels.tobytes()


def test_file_sizes_of_the_real_mnist_follow_from_the_header():
    # 16-byte header + one byte per pixel; 8-byte header + one byte per label
    assert 16 + 60000 * 28 * 28 == 47_040_016
    assert 8 + 60000 == 60_008
    assert 16 + 10000 * 28 * 28 == 7_840_016


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (2, 1, 3, 2)])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, dtype, shape, suffix):
    rng = np.random.default_rng(0)
    array = (rng.normal(size=shape) * 50).astype(dtype)
    path = tmp_path / f"a-idx{suffix}"
    mn.write_idx(path, array)
    back = mn.read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == shape
    np.testing.assert_array_equal(back, array)


def test_multibyte_values_are_stored_big_endian(tmp_path):
    mn.write_idx(tmp_path / "a", np.array([1], dtype=np.int32))
    assert (tmp_path / "a").read_bytes() == bytes([0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 0, 1])


def test_tensorflow_reader_agrees_with_numpy(tmp_path):
    images = np.random.default_rng(1).integers(0, 256, size=(6, 5, 4), dtype=np.uint8)
    for name in ("x-idx3-ubyte", "x-idx3-ubyte.gz"):
        mn.write_idx(tmp_path / name, images)
        np.testing.assert_array_equal(mn.read_idx_tf(tmp_path / name, ndim=3).numpy(), images)
    with gzip.open(tmp_path / "x-idx3-ubyte.gz", "rb") as file:  # it really is compressed
        assert file.read(4) == b"\x00\x00\x08\x03"


def test_bad_files_are_rejected(tmp_path):
    (tmp_path / "not-idx").write_bytes(b"\x1f\x8b\x08\x00" + bytes(20))  # a gzip header, unopened
    with pytest.raises(ValueError, match="not an IDX file"):
        mn.read_idx(tmp_path / "not-idx")
    (tmp_path / "short").write_bytes(struct.pack(">IIII", 2051, 2, 2, 2) + bytes(7))
    with pytest.raises(ValueError, match="header says"):
        mn.read_idx(tmp_path / "short")


# -- images and the Keras file ------------------------------------------------------------
def test_png_export_round_trips_pixels(tmp_path):
    from PIL import Image

    images = np.random.default_rng(2).integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    paths = mn.export_pngs(images, [3, 1, 4, 1], tmp_path / "png", count=10)
    assert [p.name for p in paths] == ["00000_3.png", "00001_1.png", "00002_4.png", "00003_1.png"]
    for path, image in zip(paths, images):
        with Image.open(path) as png:
            assert png.mode == "L" and png.size == (28, 28)
            np.testing.assert_array_equal(np.asarray(png), image)


def test_matplotlib_can_write_the_same_image(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    image = np.random.default_rng(3).integers(0, 256, size=(28, 28), dtype=np.uint8)
    image[0, 0], image[0, 1] = 0, 255
    plt.imsave(tmp_path / "digit.png", image, cmap="gray_r", vmin=0, vmax=255)
    written = plt.imread(tmp_path / "digit.png")
    assert written.shape == (28, 28, 4)  # RGBA, one pixel per array element
    # gray_r: background (0) is white, ink (255) is black
    assert written[0, 0, 0] == pytest.approx(1.0) and written[0, 1, 0] == pytest.approx(0.0)


def test_load_npz_reads_the_keras_layout(tmp_path):
    rng = np.random.default_rng(4)
    arrays = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, 6).astype(np.uint8),
              "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, 2).astype(np.uint8)}
    np.savez(tmp_path / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, y_test) = mn.load_npz(tmp_path / "mnist.npz")
    for got, key in zip((x_train, y_train, x_test, y_test), ("x_train", "y_train", "x_test", "y_test")):
        np.testing.assert_array_equal(got, arrays[key])
        assert got.dtype == np.uint8
    np.savez(tmp_path / "other.npz", x=arrays["x_train"])
    with pytest.raises(KeyError):
        mn.load_npz(tmp_path / "other.npz")


# -- the models, from the page's own training run -----------------------------------------
def test_data_split_is_stratified_and_scaled():
    x_train, x_test, y_train, y_test = mn.load_small_digits()
    assert x_train.shape == (1347, 8, 8, 1) and x_test.shape == (450, 8, 8, 1)
    assert 0.0 == x_train.min() and x_train.max() == 1.0
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert np.all(np.abs(np.bincount(y_test) - 0.25 * counts) <= 1)  # stratified: 25 % of each class


def test_baselines(page):
    baselines = page["baselines"]
    # the majority class guesses one digit; each holds ~10 % of the test set
    assert baselines["majority class"] == pytest.approx(np.bincount(page["y_test"]).max() / 450)
    assert 0.95 <= baselines["logistic regression"] <= 0.99


def test_mlp_reaches_95_percent_and_beats_the_majority_baseline(page):
    assert page["mlp_accuracy"] >= 0.95
    assert page["mlp_accuracy"] > page["baselines"]["majority class"] + 0.8
    assert page["mlp"].count_params() == 64 * 128 + 128 + 128 * 10 + 10


def test_cnn_reaches_97_percent_and_beats_logistic_regression(page):
    # over seeds 0..7 the CNN scored 0.980-0.987 against logistic regression's 0.969
    assert page["cnn_accuracy"] >= 0.97
    assert page["cnn_accuracy"] > page["baselines"]["logistic regression"]
    losses = page["cnn_history"].history["loss"]
    assert losses[-1] < 0.2 * losses[0]


def test_seeded_builders_give_the_same_weights_without_touching_the_global_seed():
    before = tf.compat.v1.get_seed(None)
    first, again, other = mn.build_cnn(seed=3), mn.build_cnn(seed=3), mn.build_cnn(seed=4)
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])
    assert tf.compat.v1.get_seed(None) == before


def test_an_untrained_cnn_is_at_chance(page):
    # guard: the thresholds above are not met by an untrained network
    assert mn.accuracy(mn.build_cnn(), page["x_test"], page["y_test"]) < 0.3


def test_numpy_forward_pass_matches_keras(page):
    # float32 sums of 64 and 128 products: round-off ~1e-6 on logits of size ~10
    np.testing.assert_allclose(page["logits_np"], page["logits_tf"], atol=1e-4)
    logits = mn.mlp_forward_numpy(page["mlp"].get_weights(), page["x_test"][:5])
    np.testing.assert_allclose(logits, page["mlp"](page["x_test"][:5]).numpy(), atol=1e-4)


def test_tf1_and_tf2_softmax_regression_learn_the_same_weights(page):
    # same zero start, same 300 batches, same SGD step: only float32 round-off differs
    np.testing.assert_allclose(page["w_tf1"], page["w_tf2"], atol=1e-5)
    np.testing.assert_allclose(page["b_tf1"], page["b_tf2"], atol=1e-5)
    assert page["acc_tf1"] > 0.9 and page["acc_tf2"] > 0.9
    assert np.abs(page["w_tf1"]).max() > 0.1  # and they did move away from zero


def test_batches_wrap_around_like_next_batch():
    x, y = np.arange(10), np.arange(10) * 10
    got = [xb.tolist() for xb, _ in mn.batches(x, y, steps=3, batch_size=4)]
    assert got == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1]]


def test_main_runs(capsys, monkeypatch):
    trained = []
    # the page already trained both models; here only main's wiring is under test
    monkeypatch.setattr(mn, "train", lambda model, *args, **kwargs: trained.append((model.name, kwargs)))
    mn.main(["--epochs", "2"])
    assert trained == [("mlp", {"epochs": 2, "lr": 3e-3}), ("cnn", {"epochs": 2, "lr": 5e-3})]
    out = capsys.readouterr().out
    assert "IDX round trip: (1797, 8, 8) uint8 True" in out and "cnn:" in out
