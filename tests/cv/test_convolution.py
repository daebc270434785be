"""Claims of docs/*/cv/convolution.md, checked against tf.nn.conv2d, Keras and SciPy.

Tolerance for "conv2d equals tf.nn.conv2d": 1e-5 absolute and relative when TensorFlow runs
in float32 (outputs are sums of up to 48 products of N(0, 1) numbers, |y| < 30; float32
rounding gives ~4e-6 at worst), 1e-10 when it runs in float64 (the same sums, only the order
of additions differs). A wrong index, padding side or stride moves values by O(1).
"""

import itertools

import numpy as np
import pytest
import tensorflow as tf
from scipy.signal import convolve2d, correlate2d

from examples.cv import convolution as cv

RNG = np.random.default_rng(2026)


def _random_cases(count):
    cases = []
    while len(cases) < count:
        h, w = RNG.integers(3, 12, size=2)
        k = int(RNG.integers(1, 5))
        stride, dilation = int(RNG.integers(1, 4)), int(RNG.integers(1, 3))
        padding = ["SAME", "VALID"][int(RNG.integers(2))]
        if padding == "VALID" and (k - 1) * dilation + 1 > min(h, w):
            continue
        cases.append((int(h), int(w), k, int(RNG.integers(1, 4)), int(RNG.integers(1, 5)),
                      stride, dilation, padding))
    return cases


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_conv2d_equals_tf_nn_conv2d_on_random_shapes(dtype, tol):
    for h, w, k, c_in, c_out, stride, dilation, padding in _random_cases(120):
        x = RNG.normal(size=(2, h, w, c_in))
        kernel = RNG.normal(size=(k, k, c_in, c_out))
        ours = cv.conv2d(x, kernel, stride, dilation, padding)
        theirs = cv.conv2d_tf(x, kernel, stride, dilation, padding, dtype=dtype)
        assert ours.shape == theirs.shape, (h, w, k, stride, dilation, padding)
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol,
                                   err_msg=str((h, w, k, stride, dilation, padding)))


def test_rectangular_kernel():
    x, kernel = RNG.normal(size=(1, 7, 9, 2)), RNG.normal(size=(2, 4, 2, 3))
    for padding in ("SAME", "VALID"):
        np.testing.assert_allclose(cv.conv2d(x, kernel, 2, padding=padding),
                                   cv.conv2d_tf(x, kernel, 2, padding=padding, dtype=np.float64),
                                   atol=1e-10)


def test_output_size_formula_over_a_grid():
    # The formula against the shape tf.nn.conv2d returns, over every case of the grid.
    checked = 0
    for n, k, s, d, padding in itertools.product(range(1, 13), range(1, 6), range(1, 4),
                                                 range(1, 3), ("SAME", "VALID")):
        if padding == "VALID" and (k - 1) * d + 1 > n:
            continue  # the kernel does not fit (see test_valid_kernel_larger_than_input)
        shape = tf.nn.conv2d(tf.zeros((1, n, n + 1, 1)), tf.zeros((k, k, 1, 1)), strides=s,
                             padding=padding, dilations=d).shape
        assert shape[1:3] == (cv.output_size(n, k, s, d, padding),
                              cv.output_size(n + 1, k, s, d, padding)), (n, k, s, d, padding)
        checked += 1
    assert checked > 500


def test_same_padding_puts_the_odd_zero_after():
    assert cv.same_padding(8, 3, 2) == (0, 1)
    assert cv.same_padding(224, 7, 2) == (2, 3)
    assert cv.same_padding(5, 4, 1) == (1, 2)
    assert cv.same_padding(9, 3, 1) == (1, 1)
    # and tf agrees: a kernel that copies its top-left tap shows where row 0 of the output starts
    x = np.arange(8.0).reshape(1, 8, 1, 1)
    kernel = np.zeros((3, 1, 1, 1))
    kernel[0, 0] = 1  # y[i] = x_padded[2 i]
    out = cv.conv2d_tf(x, kernel, stride=2, padding="SAME", dtype=np.float64)[0, :, 0, 0]
    np.testing.assert_array_equal(out, [0, 2, 4, 6])  # no zero on top: padding (0, 1)


def test_output_channels_equal_number_of_filters():
    # The seed note claims the channels equal the kernel's channels; they equal the filters.
    x = RNG.normal(size=(2, 6, 6, 3))
    for filters in (1, 5, 7):
        assert cv.conv2d(x, RNG.normal(size=(3, 3, 3, filters))).shape[-1] == filters
        layer = tf.keras.layers.Conv2D(filters, 3)
        assert layer(x.astype(np.float32)).shape[-1] == filters
        assert layer.kernel.shape[2] == 3  # the kernel's depth is the input's channels


@pytest.mark.parametrize("kh, kw, c_in, filters, bias", [(3, 3, 3, 64, True), (5, 5, 3, 16, True),
                                                          (1, 1, 64, 128, True), (7, 3, 2, 5, False)])
def test_parameter_count_equals_keras(kh, kw, c_in, filters, bias):
    layer = tf.keras.layers.Conv2D(filters, (kh, kw), use_bias=bias)
    layer.build((None, 32, 32, c_in))
    assert cv.conv_params(kh, kw, c_in, filters, bias) == layer.count_params()


def test_seed_shapes():
    rows = cv.seed_shapes()
    assert [shape for _, shape, _ in rows] == [(32, 255, 255, 64), (32, 253, 253, 64),
                                               (32, 128, 128, 64), (32, 126, 126, 16)]
    for config, _, params in rows:
        k = config["kernel_size"]
        assert params == cv.conv_params(k, k, 3, config["filters"])


def test_deep_learning_convolution_is_cross_correlation():
    image, kernel = RNG.normal(size=(6, 7)), RNG.normal(size=(3, 3))
    ours = cv.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    np.testing.assert_allclose(ours, correlate2d(image, kernel, mode="valid"), atol=1e-12)
    assert not np.allclose(ours, convolve2d(image, kernel, mode="valid"))


def test_valid_kernel_larger_than_input():
    with pytest.raises(ValueError):
        cv.conv2d(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)))
    # The page reports that TF 2.21 on CPU does not raise: it returns an empty (1, 0, 0, 1)
    # tensor without oneDNN, a 2x2 tensor of garbage with it. If this starts to fail,
    # TensorFlow changed: update the pitfall on the page.
    out = tf.nn.conv2d(tf.ones((1, 2, 2, 1)), tf.ones((3, 3, 1, 1)), strides=1, padding="VALID")
    assert out.shape in ((1, 0, 0, 1), (1, 2, 2, 1))


def test_keras_refuses_stride_with_dilation():
    with pytest.raises(ValueError):
        tf.keras.layers.Conv2D(4, 3, strides=2, dilation_rate=2)


def test_edge_maps():
    gray = cv.grayscale_sample()
    edges = cv.edge_maps(gray)
    assert gray.shape == (107, 160) and edges.shape == (107, 160, 2)
    # Sobel x on a vertical step responds, Sobel y does not
    step = np.zeros((5, 6))
    step[:, 3:] = 1
    response = cv.edge_maps(step)
    assert np.abs(response[1:-1, 1:-1, 0]).max() == 4 and np.abs(response[1:-1, 1:-1, 1]).max() == 0
