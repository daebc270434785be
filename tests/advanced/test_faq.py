"""Claims of advanced/faq: benchmark timing, loss-curve diagnosis, gradient reach, global average
pooling, online vs offline training, AlexNet crops and the regularization term in a Keras loss."""

import time

import numpy as np
import pytest
import tensorflow as tf

from examples.advanced import faq
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("advanced/faq.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/advanced/faq.md")


def test_benchmark_warms_up_and_takes_the_median(monkeypatch):
    calls = []
    fake_times = iter([0.0, 1.0, 1.0, 1.5, 2.0, 12.0, 12.0, 12.5, 13.0, 13.2])  # start/stop pairs
    monkeypatch.setattr(time, "perf_counter", lambda: next(fake_times))
    median = faq.benchmark(lambda: calls.append(1), repeats=5, warmup=2)
    assert len(calls) == 7  # 2 warm-up runs, untimed, + 5 timed runs
    assert median == pytest.approx(0.5)  # durations 1.0, 0.5, 10.0, 0.5, 0.2 -> median 0.5


def test_diagnosis_of_the_page_curves(page):
    diagnoses = {name: faq.diagnose(losses) for name, losses in page["curves"].items()}
    assert diagnoses == {
        "GD, lr 1e-5": "stalled",
        "GD, lr 0.1": "converging",
        "GD, lr 1.2": "diverging",
        "SGD (batch 1), lr 0.1": "oscillating",
        "SGD (batch 1), lr 0.1 decaying": "converging",
    }


def test_curves_agree_with_least_squares(page):
    x, y = page["x"], page["y"]
    best = np.mean((x @ np.linalg.lstsq(x, y, rcond=None)[0] - y) ** 2)  # noise floor ~0.25
    curves = page["curves"]
    # converging GD reaches the least-squares loss (to 1e-6 relative after 200 steps at lr 0.1)
    assert curves["GD, lr 0.1"][-1] == pytest.approx(best, rel=1e-6)
    # constant-lr SGD hovers well above it; the decaying version gets within 5 %
    assert curves["SGD (batch 1), lr 0.1"][-50:].mean() > 1.2 * best
    assert curves["SGD (batch 1), lr 0.1 decaying"][-50:].mean() < 1.05 * best
    # the stability limit 2 / lambda_max lies between 0.1 and 1.2
    lam_max = np.linalg.eigvalsh(2 * x.T @ x / len(x)).max()
    assert 0.1 < 2 / lam_max < 1.2


@pytest.mark.parametrize("losses, expected", [
    ([1.0, 0.5, np.nan], "diverging"),
    ([1.0, 2.0, 4.0], "diverging"),
    ([1.0, 0.999, 0.998], "stalled"),
    (np.linspace(1.0, 0.1, 100), "converging"),
    (np.r_[np.linspace(1, 0.5, 50), 0.5 + 0.2 * (np.arange(50) % 2)], "oscillating"),
])
def test_diagnose_on_hand_made_curves(losses, expected):
    assert faq.diagnose(losses) == expected


def test_gradients_reach_the_first_layer_only_end_to_end(page):
    assert sorted(page["end_to_end"]) == ["features/bias", "features/kernel", "head/bias", "head/kernel"]
    assert all(norm > 0 for norm in page["end_to_end"].values())
    assert sorted(page["pipeline"]) == ["head/bias", "head/kernel"]
    # the head's gradient is the same either way: freezing changes what is trained, not the forward pass
    for name in ("head/kernel", "head/bias"):
        assert page["pipeline"][name] == pytest.approx(page["end_to_end"][name], rel=1e-5)


def test_global_average_pooling_matches_keras_and_reduce_mean():
    maps = np.random.default_rng(1).normal(size=(3, 5, 4, 6)).astype(np.float32)
    ours = faq.global_average_pool(maps)
    np.testing.assert_allclose(ours, tf.keras.layers.GlobalAveragePooling2D()(maps).numpy(), atol=1e-6)
    np.testing.assert_allclose(ours, tf.reduce_mean(maps, axis=[1, 2]).numpy(), atol=1e-6)
    pooled = tf.keras.layers.AveragePooling2D(pool_size=(5, 4))(maps).numpy().reshape(3, 6)
    np.testing.assert_allclose(ours, pooled, atol=1e-6)


def test_head_parameter_counts():
    # by hand: 7*7*64*10 + 10 weights and biases after flattening, 64*10 + 10 after GAP
    assert faq.head_parameters(7, 7, 64) == (7 * 7 * 64 * 10 + 10, 64 * 10 + 10)
    assert faq.head_parameters(7, 7, 512, classes=1000) == (25088 * 1000 + 1000, 512 * 1000 + 1000)


def test_gap_classifier_accepts_any_size():
    classifier = faq.gap_classifier(channels=8, classes=3)
    maps = tf.random.stateless_normal((2, 5, 5, 8), seed=(0, 1))
    # constant maps of any size pool to the same vector, so the logits agree
    small = classifier(tf.ones((1, 3, 3, 8))).numpy()
    large = classifier(tf.ones((1, 11, 6, 8))).numpy()
    np.testing.assert_allclose(small, large, atol=1e-6)
    assert classifier(maps).shape == (2, 3)


def test_online_learning_improves_and_offline_is_better(page):
    curve, offline = page["curve"], page["offline_accuracy"]
    assert len(curve) == int(np.ceil(1257 / 50))  # 70 % of 1797 digits in chunks of 50
    # one pass over the stream: above 0.85; far above the first chunk and the 0.1 chance level
    assert curve[-1] > 0.85 and curve[-1] > curve[0] + 0.3
    # the offline logistic regression (many passes, all data) is better still
    assert offline > curve[-1] and offline > 0.95


def test_crops():
    assert faq.crop_positions() == 33 * 33 == 1089
    assert faq.crop_positions(256, 256) == 1
    image = tf.reshape(tf.range(256 * 256 * 3, dtype=tf.float32), (256, 256, 3))
    center = faq.center_crop(image).numpy()
    np.testing.assert_array_equal(center, image.numpy()[16:240, 16:240])
    crop = faq.random_crop_and_flip(image).numpy()
    assert crop.shape == (224, 224, 3)
    # the crop (perhaps flipped) is a window of the image: find its corner value in the image
    corner = min(crop[0, 0, 0], crop[0, -1, 0])
    row, col = divmod(int(corner) // 3, 256)
    window = image.numpy()[row:row + 224, col:col + 224]
    assert np.array_equal(crop, window) or np.array_equal(crop, window[:, ::-1])


def test_keras_loss_includes_the_l2_penalty(page):
    data_loss, penalty, reported = page["data_loss"], page["penalty"], page["reported"]
    assert penalty > 0
    # float32 sums of 32 squared errors: round-off ~1e-6 relative
    assert reported == pytest.approx(data_loss + penalty, rel=1e-5)
    assert abs(reported - data_loss) > 0.5 * penalty  # it is really there, not lost in round-off
