"""Claims of docs/*/cv/attention-in-cv.md: SE, spatial attention and CBAM.

Tolerance 1e-5 between NumPy (float64 on float32 weights) and Keras (float32): outputs are of
order 1, float32 rounding is ~1e-7 per operation, and a wrong formula (softmax for sigmoid,
a missing max-pool branch, flipped kernel) moves them by 1e-2 or more.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import attention_in_cv as att


@pytest.fixture(scope="module")
def x():
    rng = np.random.default_rng(7)
    return (rng.normal(size=(3, 5, 7, 8)) + np.linspace(-2, 2, 8)).astype("float32")


@pytest.mark.parametrize("ratio", [2, 4])
def test_se_matches_keras_and_scales_by_channel_weights(x, ratio):
    se = att.se_block(8, ratio=ratio, seed=3)
    ours, s = att.se_numpy(x, *se.get_weights())
    np.testing.assert_allclose(ours, se(x).numpy(), atol=1e-5)
    assert s.shape == (3, 8) and np.all((s > 0) & (s < 1))
    np.testing.assert_allclose(ours, x * s[:, None, None, :], rtol=1e-12)
    # s is a function of the per-channel spatial means only (the squeeze)
    permuted = x[:, ::-1, ::-1, :]
    np.testing.assert_allclose(att.se_numpy(permuted, *se.get_weights())[1], s, atol=1e-6)


def test_se_weights_depend_on_the_input(x):
    se = att.se_block(8, ratio=4, seed=3)
    _, s = att.se_numpy(x * 2, *se.get_weights())
    _, s_ref = att.se_numpy(x, *se.get_weights())
    assert np.abs(s - s_ref).max() > 1e-2


def test_a_gated_channel_is_suppressed(x):
    w1, b1, w2, b2 = att.se_block(8, ratio=4, seed=3).get_weights()
    b2 = b2.copy()
    b2[5] = -30.0
    out, s = att.se_numpy(x, w1, b1, w2, b2)
    assert np.abs(out[..., 5]).max() < 1e-10 < np.abs(x[..., 5]).max()
    others = np.delete(np.arange(8), 5)
    assert np.all(np.abs(out[..., others]).max(axis=(0, 1, 2)) > 1e-3)  # the rest pass


def test_se_with_large_biases_is_the_identity(x):
    w1, b1, w2, b2 = att.se_block(8, ratio=4, seed=3).get_weights()
    out, _ = att.se_numpy(x, w1, b1, w2, np.full_like(b2, 30.0))
    np.testing.assert_allclose(out, x, rtol=1e-6)


def test_conv2d_same_matches_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 6, 5, 3))
    kernel = rng.normal(size=(5, 5, 3, 4))
    bias = rng.normal(size=4)
    keras = tf.nn.conv2d(x, kernel, strides=1, padding="SAME").numpy() + bias
    np.testing.assert_allclose(att.conv2d_same(x, kernel, bias), keras, atol=1e-10)


def test_spatial_attention_matches_keras_and_broadcasts_over_channels(x):
    spatial = att.spatial_block(8, kernel_size=7, seed=0)
    ours, m = att.spatial_numpy(x, *spatial.get_weights())
    np.testing.assert_allclose(ours, spatial(x).numpy(), atol=1e-5)
    assert m.shape == (3, 5, 7, 1) and np.all((m > 0) & (m < 1))
    np.testing.assert_allclose(ours, x * m, rtol=1e-12)
    # the map is computed from the channel-pooled maps: permuting channels changes nothing
    np.testing.assert_allclose(att.spatial_numpy(x[..., ::-1], *spatial.get_weights())[1], m, atol=1e-12)


def test_cbam_matches_keras_and_is_channel_then_spatial(x):
    layer = att.CBAM(ratio=4, kernel_size=7, seed=0)
    keras_out = layer(x).numpy()
    w = layer.get_weights()
    np.testing.assert_allclose(att.cbam_numpy(x, w[:4], w[4:]), keras_out, atol=1e-5)
    channel_scaled, s = att.channel_attention_cbam(x, *w[:4])
    # CBAM's channel gate uses both pooled descriptors: it differs from SE's with the same weights
    assert np.abs(s - att.se_numpy(x, *w[:4])[1]).max() > 1e-3
    # reversed order (spatial first) gives a different result
    spatial_first = att.channel_attention_cbam(att.spatial_numpy(x, *w[4:])[0], *w[:4])[0]
    assert np.abs(spatial_first - keras_out).max() > 1e-3
    np.testing.assert_allclose(att.spatial_numpy(channel_scaled, *w[4:])[0], keras_out, atol=1e-5)


@pytest.mark.parametrize("c, r", [(8, 4), (64, 16), (256, 16), (2048, 16)])
def test_se_parameter_formula(c, r):
    assert att.se_block(c, ratio=r).count_params() == att.se_params(c, r) == 2 * c * c // r + c // r + c


@pytest.mark.parametrize("k", [3, 7])
def test_spatial_and_cbam_parameter_formulas(k):
    assert att.spatial_block(16, kernel_size=k).count_params() == att.spatial_params(k) == 2 * k * k + 1
    layer = att.CBAM(ratio=4, kernel_size=k)
    layer.build((None, 6, 6, 16))
    assert layer.count_params() == att.se_params(16, 4) + att.spatial_params(k)


def test_figure_map_highlights_the_bright_patch():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.3, (1, 16, 16, 8))
    x[0, 4:9, 9:14, :] += 2.0
    x += np.linspace(-1, 1, 8)
    kernel = np.zeros((7, 7, 2, 1))
    kernel[2:5, 2:5, :, 0] = 1 / 9
    _, m = att.spatial_numpy(x, kernel, np.array([-1.5]))
    assert m[0, 5:8, 10:13, 0].min() > 0.95          # page: close to 1 on the patch
    assert 0.3 < np.median(m) < 0.5                  # page: mostly 0.3-0.5 in the background
