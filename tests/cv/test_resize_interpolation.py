"""Claims of docs/*/cv/interpolation.md, checked against tf.image.resize and Keras.

Tolerance for bilinear: 1e-4 on pixel values in [0, 1]. TF computes the weights in float32
(relative rounding ~6e-8 per operation, a few operations per pixel); a wrong coordinate map
(no half-pixel offset, no clamping) is off by 1e-2 or more, as the tests below show.
Nearest-neighbour copies pixels, so it must be exactly equal.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import resize_interpolation as ri
from tests.docharness.plugin import page_namespace

SIZES = [(3, 3), (5, 13), (32, 32), (64, 20)]  # shrink, mixed, enlarge, mixed


@pytest.fixture(scope="module")
def digit():
    return ri.digit_image(0)


@pytest.fixture(scope="module")
def photo():
    return ri.china_image()[::4, ::4]  # 107 x 160


@pytest.mark.xdist_group("cv/interpolation.md")
def test_page_comparison_with_tf_resize():
    # The page compares china.jpg at three sizes (224, 224 from 214 x 320 included); reuse that run.
    errors = page_namespace("docs/zh/cv/interpolation.md")["interp_errors"]
    assert set(errors) == {(224, 224), (512, 300), (37, 91)}
    for near, bil in errors.values():
        assert near == 0.0
        assert bil < 1e-4


@pytest.mark.parametrize("size", SIZES)
def test_nearest_equals_tf_exactly(digit, photo, size):
    for image in (digit, photo):
        ours = ri.resize_nearest(image, *size)
        np.testing.assert_array_equal(ours, tf.image.resize(image, size, method="nearest").numpy())


@pytest.mark.parametrize("size", SIZES)
def test_bilinear_matches_tf(digit, photo, size):
    for image in (digit, photo):
        ours = ri.resize_bilinear(image, *size)
        np.testing.assert_allclose(ours, tf.image.resize(image, size).numpy(), atol=1e-4)


def test_nearest_index_formula():
    # floor((i + 0.5) * in / out): 8 -> 3 picks pixels 1, 4, 6 (the centres 1.33, 4.0, 6.67)
    np.testing.assert_array_equal(ri.nearest_indices(8, 3), [1, 4, 6])
    np.testing.assert_array_equal(ri.nearest_indices(2, 4), [0, 0, 1, 1])


def test_without_half_pixel_offset_the_result_is_wrong(digit):
    # The check above can fail: dropping the "- 0.5" (TF1's asymmetric map) moves values by > 1e-2.
    src = np.arange(32) * 8 / 32
    low = np.floor(src).astype(int)
    high, w = np.minimum(low + 1, 7), src - low
    rows = digit[low] * (1 - w)[:, None, None] + digit[high] * w[:, None, None]
    shifted = rows[:, low] * (1 - w)[None, :, None] + rows[:, high] * w[None, :, None]
    assert np.abs(shifted - tf.image.resize(digit, (32, 32)).numpy()).max() > 1e-2


def test_same_size_is_identity_and_values_stay_in_range(photo):
    np.testing.assert_array_equal(ri.resize_bilinear(photo, *photo.shape[:2]), photo)
    big = ri.resize_bilinear(photo, 200, 300)
    assert big.min() >= photo.min() and big.max() <= photo.max()  # convex combinations


def test_nearest_keeps_label_values_bilinear_does_not(digit):
    labels = (digit > 0.5).astype(np.float32) * 3
    assert set(np.unique(ri.resize_nearest(labels, 20, 20))) == {0.0, 3.0}
    assert len(np.unique(ri.resize_bilinear(labels, 20, 20))) > 2


def test_antialias_claim():
    stripes = np.tile(np.array([0.0, 1.0], np.float32), 48)[None, :, None] * np.ones((96, 1, 1), np.float32)
    aliased = tf.image.resize(stripes, (32, 32)).numpy()
    smooth = tf.image.resize(stripes, (32, 32), antialias=True).numpy()
    assert aliased.min() == 0.0 and aliased.max() == 1.0
    assert np.abs(smooth - 0.5).max() < 0.1
    np.testing.assert_allclose(ri.resize_bilinear(stripes, 32, 32), aliased, atol=1e-6)


def test_resize_shorter_side_and_center_crop():
    resized = ri.resize_shorter_side(ri.china_image(), 256)
    assert resized.shape == (256, 384, 3)  # 427 x 640 keeps its 2 : 3 ratio
    center = ri.center_crop(resized, 224)
    assert center.shape == (224, 224, 3)
    np.testing.assert_array_equal(center, resized[16:240, 80:304])
    np.testing.assert_array_equal(center, tf.keras.layers.CenterCrop(224, 224)(resized).numpy())
    np.testing.assert_array_equal(center, tf.image.crop_to_bounding_box(resized, 16, 80, 224, 224).numpy())
    square = np.zeros((256, 256, 3), np.float32)
    assert tf.image.central_crop(square, 224 / 256).shape == (224, 224, 3)


def test_random_crops_are_windows_with_33_positions_per_axis():
    image = np.random.default_rng(0).random((256, 256, 3)).astype(np.float32)
    rng = np.random.default_rng(1)
    offsets = set()
    for _ in range(3000):
        crop, offset = ri.random_crop(image, 224, rng)
        assert crop.shape == (224, 224, 3)
        offsets.add(offset)
    tops, lefts = zip(*offsets)
    assert min(tops) == min(lefts) == 0 and max(tops) == max(lefts) == 32  # 33 positions, not 32
    crop_tf = tf.image.stateless_random_crop(image, (224, 224, 3), seed=(1, 2)).numpy()
    top, left = ri.find_offset(image, crop_tf)
    np.testing.assert_array_equal(image[top:top + 224, left:left + 224], crop_tf)
    assert ri.find_offset(image, image[:224, :224] + 1) is None
