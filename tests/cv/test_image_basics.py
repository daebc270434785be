"""Claims of docs/*/cv/image-basics.md, checked against TensorFlow's ops.

Layout changes, channel reversal, masks and uint8 round trips move or copy values, so they
must be exactly equal. Grey levels: TF sums the weighted channels in float32; 1e-4 on values
up to 255 is ~3 float32 ulps, and a wrong weight (0.299 vs 0.2989) would be off by > 1e-2.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import image_basics as ib


@pytest.fixture(scope="module")
def photo():
    return ib.load_photo("china.jpg", step=4)


@pytest.fixture(scope="module")
def batch(photo):
    return np.stack([photo, ib.load_photo("flower.jpg", step=4)])


def test_photo_is_hwc_uint8(photo):
    assert photo.shape == (107, 160, 3) and photo.dtype == np.uint8
    assert photo.min() == 0 and photo.max() == 255


def test_transpose_round_trips_and_matches_tf(photo, batch):
    chw = ib.hwc_to_chw(photo)
    assert chw.shape == (3, 107, 160)
    np.testing.assert_array_equal(chw, tf.transpose(photo, [2, 0, 1]).numpy())
    np.testing.assert_array_equal(ib.chw_to_hwc(chw), photo)
    np.testing.assert_array_equal(chw[1], photo[..., 1])  # channel c of CHW is channel c of HWC
    nchw = ib.nhwc_to_nchw(batch)
    assert nchw.shape == (2, 3, 107, 160)
    np.testing.assert_array_equal(nchw, tf.transpose(batch, [0, 3, 1, 2]).numpy())
    np.testing.assert_array_equal(ib.nchw_to_nhwc(nchw), batch)
    np.testing.assert_array_equal(ib.nchw_to_nhwc(nchw), tf.transpose(nchw, [0, 2, 3, 1]).numpy())


def test_reshape_is_not_a_transpose(photo):
    assert not np.array_equal(photo.reshape(3, 107, 160), ib.hwc_to_chw(photo))
    chw = ib.hwc_to_chw(photo)
    assert np.shares_memory(chw, photo) and not chw.flags["C_CONTIGUOUS"]


def test_keras_default_is_channels_last():
    assert tf.keras.backend.image_data_format() == "channels_last"


def test_grayscale_matches_tf(photo):
    as_float = photo.astype(np.float32)
    ours = ib.to_grayscale(as_float)
    assert ours.shape == (107, 160, 1)
    np.testing.assert_allclose(ours, tf.image.rgb_to_grayscale(as_float).numpy(), atol=1e-4)
    gray_pixel = np.full((1, 1, 3), 100.0)
    np.testing.assert_allclose(ib.to_grayscale(gray_pixel), [[[100.0]]], atol=0.01)  # weights sum to ~1


def test_rgb_to_bgr(photo):
    bgr = ib.rgb_to_bgr(photo)
    np.testing.assert_array_equal(bgr, tf.reverse(photo, axis=[-1]).numpy())
    np.testing.assert_array_equal(bgr[..., 0], photo[..., 2])
    np.testing.assert_array_equal(ib.rgb_to_bgr(bgr), photo)


def test_dtype_conversions_match_tf(photo):
    as_float = ib.to_float(photo)
    assert as_float.dtype == np.float32 and as_float.min() == 0.0 and as_float.max() == 1.0
    tf_float = tf.image.convert_image_dtype(photo, tf.float32).numpy()
    np.testing.assert_allclose(as_float, tf_float, rtol=0, atol=1e-7)  # x/255 vs x*(1/255): 1 ulp
    np.testing.assert_array_equal(ib.to_uint8(as_float), photo)
    grid = np.linspace(0, 1, 1001, dtype=np.float32)
    np.testing.assert_array_equal(ib.to_uint8(grid), tf.image.convert_image_dtype(grid, tf.uint8).numpy())
    assert ib.to_uint8(np.array([0.5]))[0] == 127 and ib.to_uint8(np.array([1.5]))[0] == 255


def test_uint8_overflow_claim():
    a, b = np.array([200], np.uint8), np.array([100], np.uint8)
    assert (a + b)[0] == 44 and (b - a)[0] == 156


def test_masks_select_and_composite(photo, batch):
    flower = batch[1]
    sky = ib.sky_mask(photo)
    assert sky.dtype == bool and sky.shape == (107, 160)
    assert photo[sky].shape == (sky.sum(), 3) and 0.1 < sky.mean() < 0.5
    mean = ib.masked_mean(photo, sky)
    np.testing.assert_allclose(mean, tf.reduce_mean(tf.cast(tf.boolean_mask(photo, sky), tf.float64), 0).numpy())
    assert mean[2] > mean[0]  # the sky is blue
    disk = ib.disk_mask(107, 160, center=(53, 80), radius=40)
    assert abs(disk.sum() - np.pi * 40**2) < 0.01 * np.pi * 40**2
    mixed = ib.composite(flower, photo, disk)
    np.testing.assert_array_equal(mixed, tf.where(disk[..., None], flower, photo).numpy())
    np.testing.assert_array_equal(mixed[disk], flower[disk])
    np.testing.assert_array_equal(mixed[~disk], photo[~disk])
    blended = ib.alpha_blend(ib.to_float(flower), ib.to_float(photo), disk.astype(np.float32))
    np.testing.assert_array_equal(blended, ib.composite(ib.to_float(flower), ib.to_float(photo), disk))
    half = ib.alpha_blend(ib.to_float(flower), ib.to_float(photo), np.full((107, 160), 0.5))
    np.testing.assert_allclose(half, (ib.to_float(flower) + ib.to_float(photo)) / 2, atol=1e-7)
