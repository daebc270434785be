"""Claims of docs/*/cv/pooling-and-fc.md, checked against tf.nn pooling ops and Keras layers.

Tolerances: max pooling selects an input element, so it must match exactly; average pooling
and reductions sum float32 numbers of size ~1 in a different order than TensorFlow, which
differs by a few float32 roundings (~1e-7), hence atol 1e-6. A wrong window, stride or padding
rule changes values by O(1).
"""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import pooling_and_fc as pf

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_equals_tf_over_a_grid(mode):
    cases = 0
    for h, w, size, stride, padding in itertools.product((4, 5, 7, 8), (5, 6), (1, 2, 3),
                                                         (1, 2, 3), ("VALID", "SAME")):
        if padding == "VALID" and size > min(h, w):
            continue
        x = RNG.normal(size=(2, h, w, 3)).astype(np.float32)
        ours = pf.pool2d(x, size, stride, padding, mode)
        theirs = pf.pool2d_tf(x, size, stride, padding, mode)
        assert ours.shape == theirs.shape, (h, w, size, stride, padding)
        if mode == "max":
            np.testing.assert_array_equal(ours, theirs)
        else:
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
        cases += 1
    assert cases > 100


def test_default_stride_is_the_window_like_keras():
    x = RNG.normal(size=(1, 6, 6, 2)).astype(np.float32)
    np.testing.assert_array_equal(pf.pool2d(x, 2), tf.keras.layers.MaxPooling2D()(x).numpy())
    np.testing.assert_allclose(pf.pool2d(x, 3, mode="avg"),
                               tf.keras.layers.AveragePooling2D(3)(x).numpy(), atol=1e-6)


def test_average_pooling_same_ignores_padding():
    ones = np.ones((1, 3, 3, 1), dtype=np.float32)
    np.testing.assert_array_equal(pf.pool2d(ones, 2, padding="SAME", mode="avg"), np.ones((1, 2, 2, 1)))
    np.testing.assert_array_equal(pf.pool2d_tf(ones, 2, padding="SAME", mode="avg"), np.ones((1, 2, 2, 1)))


def test_max_pooling_same_never_picks_padding():
    negative = -np.ones((1, 3, 3, 1), dtype=np.float32)
    np.testing.assert_array_equal(pf.pool2d(negative, 2, padding="SAME"), -np.ones((1, 2, 2, 1)))
    np.testing.assert_array_equal(pf.pool2d_tf(negative, 2, padding="SAME"), -np.ones((1, 2, 2, 1)))


def test_pooling_layers_have_no_parameters_and_keep_channels():
    for layer in (tf.keras.layers.MaxPooling2D(), tf.keras.layers.AveragePooling2D(2),
                  tf.keras.layers.GlobalAveragePooling2D()):
        out = layer(np.zeros((1, 8, 8, 5), dtype=np.float32))
        assert layer.count_params() == 0 and out.shape[-1] == 5


def test_global_average_pooling_four_ways():
    x = RNG.normal(size=(3, 5, 6, 4)).astype(np.float32)
    gap = pf.global_average_pool(x)
    np.testing.assert_allclose(gap, tf.reduce_mean(x, axis=[1, 2]).numpy(), atol=1e-6)
    np.testing.assert_allclose(gap, tf.keras.layers.GlobalAveragePooling2D()(x).numpy(), atol=1e-6)
    # the seed's claim: a fully connected layer with weights 1/(H W), applied to the flattened map,
    # here with Keras' own Flatten and Dense and the fixed weights loaded into them
    layer = tf.keras.layers.Dense(4)
    flat = tf.keras.layers.Flatten()(x)
    layer.build(flat.shape)
    layer.set_weights([pf.gap_as_dense_weights(5, 6, 4).astype(np.float32), np.zeros(4, np.float32)])
    np.testing.assert_allclose(gap, layer(flat).numpy(), atol=1e-6)


def test_gap_weights_are_sparse_and_block_diagonal():
    weights = pf.gap_as_dense_weights(7, 7, 3)
    assert weights.shape == (147, 3) and np.count_nonzero(weights) == 147
    np.testing.assert_allclose(weights.sum(axis=0), np.ones(3))  # each output averages 49 inputs
    assert np.all((weights != 0).sum(axis=1) == 1)  # each input feeds exactly one output


def test_flatten_and_dense_equal_keras():
    x = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)
    flat = tf.keras.layers.Flatten()(x).numpy()
    np.testing.assert_array_equal(pf.flatten(x), flat)
    assert pf.flatten(x)[0, 1] == x[0, 0, 0, 1]  # the channel index changes fastest
    layer = tf.keras.layers.Dense(6)
    layer.build(flat.shape)
    kernel, bias = (v.numpy() for v in layer.weights)
    np.testing.assert_allclose(pf.dense(flat, kernel, bias), layer(flat).numpy(), atol=1e-5)


@pytest.mark.parametrize("h, w, c, classes", [(7, 7, 512, 100), (2, 2, 32, 10)])
def test_head_params_equal_keras(h, w, c, classes):
    for head, pooling in (("flatten", tf.keras.layers.Flatten()),
                          ("gap", tf.keras.layers.GlobalAveragePooling2D())):
        model = tf.keras.Sequential([tf.keras.Input((h, w, c)), pooling, tf.keras.layers.Dense(classes)])
        assert pf.head_params(h, w, c, classes, head) == model.count_params()


def test_gap_ignores_position_flatten_dense_does_not():
    x = RNG.normal(size=(2, 7, 7, 3)).astype(np.float32)
    shifted = np.roll(x, 1, axis=2)
    np.testing.assert_allclose(pf.global_average_pool(shifted), pf.global_average_pool(x), atol=1e-6)
    kernel = RNG.normal(size=(147, 5))
    assert not np.allclose(pf.dense(pf.flatten(shifted), kernel, 0), pf.dense(pf.flatten(x), kernel, 0))


def test_translation_invariance_is_only_within_a_window():
    def spot(i):
        image = np.zeros((1, 4, 4, 1))
        image[0, 1, i, 0] = 1.0
        return pf.pool2d(image, 2)

    assert np.array_equal(spot(0), spot(1)) and not np.array_equal(spot(1), spot(2))
