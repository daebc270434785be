"""Claims of docs/*/cv/augmentation.md, checked against tf.image and Keras layers.

Geometric transformations move pixels, so they must equal tf.image exactly. Brightness and
contrast: TF computes the channel means in float32 (sums of 17120 values; ~1e-6 relative),
so 1e-5 on values in [0, 1]; a wrong mean (over all channels instead of per channel) is off
by > 1e-2.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import data_augmentation as da


@pytest.fixture(scope="module")
def image():
    return da.load_flower()


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 5, -1])
def test_rot90_matches_tf_and_numpy(image, k):
    ours = da.rot90(image, k)
    np.testing.assert_array_equal(ours, tf.image.rot90(image, k % 4).numpy())
    np.testing.assert_array_equal(ours, np.rot90(image, k))
    assert ours.shape == (image.shape if k % 2 == 0 else (160, 107, 3))


def test_flips_and_crop_match_tf(image):
    np.testing.assert_array_equal(da.flip_left_right(image), tf.image.flip_left_right(image).numpy())
    np.testing.assert_array_equal(da.flip_up_down(image), tf.image.flip_up_down(image).numpy())
    np.testing.assert_array_equal(da.crop(image, 10, 30, 80, 120),
                                  tf.image.crop_to_bounding_box(image, 10, 30, 80, 120).numpy())
    assert not np.array_equal(da.flip_left_right(image), image)  # the flip does something


def _tf_translate(image, dy, dx):
    height, width = image.shape[:2]
    padded = tf.image.pad_to_bounding_box(image, max(dy, 0), max(dx, 0), height + abs(dy), width + abs(dx))
    return tf.image.crop_to_bounding_box(padded, max(-dy, 0), max(-dx, 0), height, width).numpy()


@pytest.mark.parametrize("dy, dx", [(15, -25), (-3, 7), (0, 0), (-10, -10), (106, 0)])
def test_translate_matches_pad_and_crop(image, dy, dx):
    shifted = da.translate(image, dy, dx)
    np.testing.assert_array_equal(shifted, _tf_translate(image, dy, dx))
    assert shifted.shape == image.shape


def test_invariants(image):
    np.testing.assert_array_equal(da.flip_left_right(da.flip_left_right(image)), image)
    np.testing.assert_array_equal(da.flip_up_down(da.flip_up_down(image)), image)
    np.testing.assert_array_equal(da.rot90(da.rot90(da.rot90(da.rot90(image)))), image)
    np.testing.assert_array_equal(da.rot90(image, 2), da.flip_up_down(da.flip_left_right(image)))
    np.testing.assert_array_equal(da.translate(da.translate(image, 5, 5), -5, -5)[:-5, :-5], image[:-5, :-5])


def test_brightness_and_contrast_match_tf(image):
    np.testing.assert_allclose(da.adjust_brightness(image, 0.25), tf.image.adjust_brightness(image, 0.25).numpy(),
                               atol=1e-6)
    for factor in (0.4, 1.5):
        np.testing.assert_allclose(da.adjust_contrast(image, factor), tf.image.adjust_contrast(image, factor).numpy(),
                                   atol=1e-5)
    batch = np.stack([image, image[::-1, :, ::-1]])  # per image and per channel means
    np.testing.assert_allclose(da.adjust_contrast(batch, 1.5), tf.image.adjust_contrast(batch, 1.5).numpy(), atol=1e-5)
    # float32 means of 17120 values: ~1e-5 relative rounding
    np.testing.assert_allclose(da.adjust_contrast(image, 0.4).mean(axis=(0, 1)), image.mean(axis=(0, 1)), atol=1e-5)
    wrong = (image - image.mean()) * 1.5 + image.mean()  # one mean over all channels
    assert np.abs(wrong - tf.image.adjust_contrast(image, 1.5).numpy()).max() > 1e-2


def test_random_pipelines_keep_shape_and_range(image):
    rng = np.random.default_rng(0)
    outs = [da.random_augment(image, rng) for _ in range(4)]
    outs += [da.tf_random_augment(image, tf.constant([0, k])).numpy() for k in range(4)]
    for out in outs:
        assert out.shape == image.shape and out.min() >= 0.0 and out.max() <= 1.0
    np.testing.assert_array_equal(da.tf_random_augment(image, tf.constant([0, 1])).numpy(), outs[5])


def test_keras_layers_augment_in_training_only(image):
    batch = np.stack([image] * 4)
    augmenter = da.make_keras_augmenter(seed=0)
    trained = augmenter(batch, training=True).numpy()
    assert trained.shape == batch.shape
    assert trained.min() >= 0.0 and trained.max() <= 1.0
    assert not np.array_equal(trained, batch)
    np.testing.assert_array_equal(augmenter(batch, training=False).numpy(), batch)


def test_keras_random_flip_gives_original_or_mirror(image):
    flipped = tf.keras.layers.RandomFlip("horizontal", seed=1)(np.stack([image] * 8)).numpy()
    kinds = [np.array_equal(out, image) or 2 * np.array_equal(out, image[:, ::-1]) for out in flipped]
    assert set(kinds) == {True, 2}  # every output is one of the two, and both occur


def test_keras_brightness_default_range_is_0_255(image):
    batch = np.stack([image] * 4)
    default = tf.keras.layers.RandomBrightness(0.1, seed=0)
    assert tuple(default.get_config()["value_range"]) == (0, 255)
    assert np.abs(default(batch).numpy() - batch).max() > 1.0
    fixed = tf.keras.layers.RandomBrightness(0.1, value_range=(0.0, 1.0), seed=0)
    assert np.abs(fixed(batch).numpy() - batch).max() <= 0.1 + 1e-6
    assert tf.keras.layers.RandomTranslation(0.1, 0.1).get_config()["fill_mode"] == "reflect"


def test_shared_seed_keeps_mask_aligned(image):
    mask = (image[..., :1] > 0.5).astype(np.float32)
    for seed in ([3, 4], [7, 7], [0, 1]):
        s = tf.constant(seed)
        img = tf.image.stateless_random_crop(tf.image.stateless_random_flip_left_right(image, s), (64, 64, 3), s)
        msk = tf.image.stateless_random_crop(tf.image.stateless_random_flip_left_right(mask, s), (64, 64, 1), s)
        np.testing.assert_array_equal(msk.numpy(), (img.numpy()[..., :1] > 0.5).astype(np.float32))
