"""Claims of frameworks/keras: three APIs build the same model, summary() counts equal the
hand-derived formulas, freezing moves parameters to "non-trainable", the callbacks act, and the
custom layer and loss compute their formulas. Training runs once, on the page; we assert on it.
"""

import importlib.util
import math
import os

import keras
import numpy as np
import pytest

from examples.frameworks import keras_basics as kb
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("frameworks/keras.md")

# float32 forward passes computed in two orders (NumPy vs the backend's kernels): a few ulps
RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/frameworks/keras.md")


def test_to_categorical_gives_rows_of_the_identity():
    labels = np.array([2, 0, 1, 2])
    np.testing.assert_array_equal(keras.utils.to_categorical(labels), np.eye(3)[labels])
    assert keras.utils.to_categorical(labels, num_classes=5).shape == (4, 5)
    with pytest.raises(IndexError):  # num_classes must exceed the largest label
        keras.utils.to_categorical(labels, num_classes=2)


def test_the_seeds_import_path_is_gone():
    assert importlib.util.find_spec("keras.utils.np_utils") is None


def test_three_apis_build_the_same_model():
    expected = kb.dense_params(4, 8) + kb.dense_params(8, 3)
    assert expected == 4 * 8 + 8 + 8 * 3 + 3 == 67
    subclassed = kb.SubclassedMLP()
    subclassed(kb.x[:1])
    models = [kb.build_sequential(), kb.build_functional(), subclassed]
    assert [m.count_params() for m in models] == [expected] * 3
    for m in models[1:]:
        m.set_weights(models[0].get_weights())
        np.testing.assert_array_equal(m(kb.x).numpy(), models[0](kb.x).numpy())


def test_numpy_forward_pass_equals_keras(page):
    np.testing.assert_allclose(page["probs_numpy"], page["probs_keras"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(page["probs_numpy"].sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("n_in, units", [(4, 8), (13, 1), (400, 120)])
def test_dense_formula(n_in, units):
    model = keras.Sequential([keras.Input((n_in,)), keras.layers.Dense(units)])
    assert kb.summary_param_counts(model)[1]["Total"] == kb.dense_params(n_in, units)


@pytest.mark.parametrize("kernel, c_in, filters", [((5, 5), 1, 6), ((3, 3), 3, 16), ((1, 7), 4, 2)])
def test_conv2d_formula_does_not_depend_on_the_image_size(kernel, c_in, filters):
    expected = kb.conv2d_params(*kernel, c_in, filters)
    for size in (16, 40):
        model = keras.Sequential([keras.Input((size, size, c_in)), keras.layers.Conv2D(filters, kernel)])
        assert kb.summary_param_counts(model)[1]["Total"] == model.count_params() == expected


@pytest.mark.parametrize("n_in, units", [(8, 16), (1, 3), (32, 4)])
def test_lstm_formula(n_in, units):
    model = keras.Sequential([keras.Input((5, n_in)), keras.layers.LSTM(units)])
    assert kb.summary_param_counts(model)[1]["Total"] == kb.lstm_params(n_in, units)


@pytest.mark.parametrize("channels", [5, 16])
def test_batchnorm_trainable_and_non_trainable_split(channels):
    model = keras.Sequential([keras.Input((channels,)), keras.layers.BatchNormalization()])
    trainable, frozen = kb.batchnorm_params(channels)
    _, totals = kb.summary_param_counts(model)
    assert (totals["Trainable"], totals["Non-trainable"]) == (trainable, frozen)
    bn = model.layers[-1]
    assert {w.name for w in bn.trainable_weights} == {"gamma", "beta"}
    assert {w.name for w in bn.non_trainable_weights} == {"moving_mean", "moving_variance"}


def test_lenet5_counts_layer_by_layer(page):
    assert page["lenet_layers"] == kb.LENET5_FORMULAS
    assert page["lenet_totals"] == {"Total": 61706, "Trainable": 61706, "Non-trainable": 0}
    assert kb.build_lenet5().output_shape == (None, 10)


def test_summary_parser_reads_the_dense_bn_table(page):
    per_layer, totals = kb.summary_param_counts(page["dense_bn"])
    assert per_layer == {"dense": 16, "batch_norm": 16}
    assert totals == {"Total": 32, "Trainable": 24, "Non-trainable": 8}


def test_freezing_moves_parameters_to_non_trainable(page):
    frozen = page["frozen"]
    assert page["frozen_totals"] == {"Total": 67, "Trainable": kb.dense_params(8, 3),
                              "Non-trainable": kb.dense_params(4, 8)}
    assert frozen.count_params() == 67


def test_frozen_batchnorm_uses_the_moving_statistics(page):
    # after one training call on a batch of 10s: moving mean 0.01 * 10, moving variance 0.99 * 1
    mean, var, eps = 0.1, 0.99, 1e-3
    out = page["bn_layer"](page["batch"], training=True).numpy()
    np.testing.assert_allclose(out, (10.0 - mean) / np.sqrt(var + eps), rtol=1e-5)


def test_custom_layer_is_x_w_plus_b():
    layer = kb.Linear(3)
    inputs = kb.x[:10]
    out = layer(inputs).numpy()
    w, b = layer.get_weights()
    np.testing.assert_allclose(out, inputs @ w + b, rtol=RTOL, atol=ATOL)
    dense = keras.layers.Dense(3)
    dense(inputs)
    dense.set_weights([w, b])
    np.testing.assert_allclose(out, dense(inputs).numpy(), rtol=RTOL, atol=ATOL)
    assert layer.count_params() == kb.dense_params(kb.NUM_FEATURES, 3)
    assert kb.Linear.from_config(layer.get_config()).units == 3


def test_custom_loss_matches_formula_and_keras():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(3), size=20).astype("float32")
    targets = np.eye(3, dtype="float32")[rng.integers(0, 3, size=20)]
    ours = keras.ops.convert_to_numpy(kb.smoothed_crossentropy(targets, probs))
    np.testing.assert_allclose(ours, kb.smoothed_crossentropy_numpy(targets, probs), rtol=RTOL)
    builtin = keras.losses.CategoricalCrossentropy(label_smoothing=kb.SMOOTHING, reduction=None)
    np.testing.assert_allclose(ours, builtin(targets, probs), rtol=RTOL)
    # smoothing 0 is plain cross-entropy, and a different epsilon gives a different loss
    np.testing.assert_allclose(kb.smoothed_crossentropy_numpy(targets, probs, smoothing=0.0),
                               -np.log(np.clip((targets * probs).sum(axis=1), 1e-7, 1)), rtol=RTOL)
    assert not np.allclose(ours, kb.smoothed_crossentropy_numpy(targets, probs, smoothing=0.2), rtol=1e-3)


def test_early_stopping_stopped_after_patience_epochs(page):
    early, val = page["early"], page["val_losses"]
    best = int(np.argmin(val))
    assert 0 < early.stopped_epoch < 30 - 1
    assert len(val) == early.stopped_epoch + 1
    assert len(val) - 1 - best == early.patience == 2  # exactly `patience` epochs without a new best
    assert all(v > val[best] for v in val[best + 1:])


def test_model_checkpoint_kept_the_best_weights(page):
    assert os.path.exists(page["ckpt_path"])
    np.testing.assert_array_equal(page["best_model"](kb.x_val).numpy(), page["model"](kb.x_val).numpy())
    # the restored model's loss on the validation set is the minimum of the curve (float32 sums)
    assert page["restored_loss"] == pytest.approx(min(page["val_losses"]), rel=1e-5)


def test_custom_callback_recorded_every_batch_and_epoch(page):
    epochs = len(page["val_losses"])
    assert page["recorder"].batches == epochs * math.ceil(len(kb.x_train) / 50)
    assert page["recorder"].val_losses == page["history"].history["val_loss"]


def test_trained_model_beats_the_majority_baseline(page):
    history = page["history"].history
    best = int(np.argmin(history["val_loss"]))
    majority = np.bincount(kb.y[200:]).max() / len(kb.y[200:])
    # the blobs overlap (Bayes accuracy ~0.85); a useless model stays near the majority share (~0.37)
    assert history["val_accuracy"][best] > majority + 0.3


def test_input_shape_on_a_layer_warns_in_keras_3():
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`"):
        keras.layers.Dense(8, input_shape=(4,))


def test_lenet5_output_shapes_follow_the_table():
    model = kb.build_lenet5()
    shapes = {layer.name: layer.output.shape[1:] for layer in model.layers}
    assert shapes == {"c1": (28, 28, 6), "s2": (14, 14, 6), "c3": (10, 10, 16), "s4": (5, 5, 16),
                      "flatten": (400,), "c5": (120,), "f6": (84,), "output": (10,)}
