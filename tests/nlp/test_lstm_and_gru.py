"""Claims of nlp/lstm-and-gru: LSTM and GRU (both reset_after variants) from scratch equal Keras
with the same weights, parameter-count formulas, multiply-adds, Keras defaults, and the
forget-gate bias measurement."""

import numpy as np
import pytest
import tensorflow as tf

from examples.nlp import lstm_and_gru as lg
from tests.docharness.plugin import page_namespace

# The gradient-through-time measurements are the page's own run (same worker, once).
pytestmark = pytest.mark.xdist_group("nlp/lstm-and-gru.md")

# 1e-5: Keras runs in float32 (rounding ~1e-7 per op on values of size ~1, a few dozen ops deep);
# a swapped gate, a missing bias or the wrong reset placement is off by > 1e-2 with these weights.
ATOL = 1e-5


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/nlp/lstm-and-gru.md")


def _x(batch=3, steps=7, input_dim=5, seed=2):
    return np.random.default_rng(seed).normal(size=(batch, steps, input_dim)).astype("float32")


@pytest.mark.parametrize("units", [1, 4, 9])
def test_lstm_equals_keras(units):
    x = _x()
    layer = tf.keras.layers.LSTM(units, return_sequences=True)
    weights = lg.random_weights(layer, x.shape[-1], seed=units)
    np.testing.assert_allclose(lg.lstm_forward(x, *weights), layer(x).numpy(), atol=ATOL)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("units", [1, 4, 9])
def test_gru_equals_keras(units, reset_after):
    x = _x()
    layer = tf.keras.layers.GRU(units, return_sequences=True, reset_after=reset_after)
    weights = lg.random_weights(layer, x.shape[-1], seed=units)
    np.testing.assert_allclose(lg.gru_forward(x, *weights, reset_after=reset_after),
                               layer(x).numpy(), atol=ATOL)


def test_reset_after_variants_really_differ():
    # the comparison above would not notice a swapped variant if both gave the same numbers
    x = _x()
    layer = tf.keras.layers.GRU(4, return_sequences=True, reset_after=False)
    kernel, recurrent, bias = lg.random_weights(layer, x.shape[-1])
    after = lg.gru_forward(x, kernel, recurrent, np.stack([bias, np.zeros_like(bias)]), reset_after=True)
    assert np.abs(after - layer(x).numpy()).max() > 1e-2


def test_keras_defaults_quoted_on_the_page():
    lstm = tf.keras.layers.LSTM(4).get_config()
    gru = tf.keras.layers.GRU(4).get_config()
    assert lstm["unit_forget_bias"] is True and lstm["recurrent_activation"] == "sigmoid"
    assert gru["reset_after"] is True and gru["recurrent_activation"] == "sigmoid"
    layer = tf.keras.layers.LSTM(4)
    layer.build((None, None, 3))
    bias = layer.get_weights()[2]
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])  # i f c o


@pytest.mark.parametrize("input_dim,units", [(32, 64), (100, 128), (1, 1), (7, 3)])
def test_parameter_counts_equal_keras(input_dim, units):
    counts = lg.param_counts(input_dim, units)
    for name, layer in lg.keras_layers(units).items():
        layer.build((None, None, input_dim))
        assert layer.count_params() == counts[name], name
    block = input_dim * units + units**2
    assert counts["LSTM"] == 4 * (block + units)
    assert counts["GRU (reset_after=True)"] == 3 * (block + 2 * units)


def test_gru_has_three_quarters_of_the_lstm_multiply_adds():
    for d, u in [(32, 64), (300, 512)]:
        cost = lg.multiply_adds_per_step(d, u)
        assert cost["GRU"] / cost["LSTM"] == 0.75
        assert cost["SimpleRNN"] == d * u + u * u


def test_forget_bias_sets_the_forget_columns_only():
    layer = lg.lstm_with_forget_bias(5.0, units=3, input_dim=2)
    bias = layer.get_weights()[2]
    np.testing.assert_array_equal(bias, np.r_[np.zeros(3), 5 * np.ones(3), np.zeros(6)])


def test_seeded_layers_do_not_depend_on_global_state():
    first = lg.seeded(tf.keras.layers.GRU)
    first.build((None, None, 4))
    tf.keras.layers.Dense(3).build((None, 5))   # consumes global random state
    second = lg.seeded(tf.keras.layers.GRU)
    second.build((None, None, 4))
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_forget_gate_bias_controls_long_range_gradients(page):
    norms = page["norms"]   # {name: ||dL/dx_t|| against distance}, 60 steps
    ratio = {name: n[59] / n[0] for name, n in norms.items()}
    assert ratio["LSTM, forget bias 0"] < ratio["SimpleRNN"] < ratio["LSTM, forget bias 1"]
    assert ratio["LSTM, forget bias 0"] < 1e-10 and ratio["GRU"] < 1e-10
    assert ratio["LSTM, forget bias 5"] > 0.1        # hardly decays over 60 steps
    assert ratio["LSTM, forget bias 5"] > 1e4 * ratio["LSTM, forget bias 1"]


def test_gru_with_open_update_gate_keeps_its_gradient(page):
    n = page["gru_norms"]   # exercise 2: update-gate input bias 5
    assert n[59] / n[0] > 0.5
