"""Claims of nlp/rnn: the from-scratch cell and BPTT equal SimpleRNN and GradientTape, parameter
counts, receptive fields of a causal CNN vs an RNN, vanishing / exploding gradients through time."""

import numpy as np
import pytest
import tensorflow as tf

from examples.nlp import rnn
from tests.docharness.plugin import page_namespace

# The gradient-through-time runs are the page's own (same worker, once per session).
pytestmark = pytest.mark.xdist_group("nlp/rnn.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/nlp/rnn.md")

# Tolerance 1e-5: Keras computes in float32 (rounding ~1e-7 per step on values of size ~1,
# a few steps deep); a wrong formula (missing bias, transposed W_h, no tanh) is off by > 1e-2.
ATOL = 1e-5


def _weights(input_dim, units, seed):
    rng = np.random.default_rng(seed)
    return (0.5 * rng.normal(size=(input_dim, units)), 0.5 * rng.normal(size=(units, units)),
            0.1 * rng.normal(size=units))


@pytest.mark.parametrize("input_dim,units,steps", [(3, 4, 5), (1, 8, 12), (6, 2, 1)])
def test_forward_equals_simple_rnn(input_dim, units, steps):
    w_x, w_h, b = _weights(input_dim, units, seed=units)
    x = np.random.default_rng(1).normal(size=(3, steps, input_dim))
    keras = rnn.keras_simple_rnn(w_x, w_h, b)(x.astype("float32")).numpy()
    np.testing.assert_allclose(rnn.rnn_forward(x, w_x, w_h, b), keras, atol=ATOL)


def test_initial_state_is_used():
    w_x, w_h, b = _weights(2, 3, seed=0)
    x = np.random.default_rng(2).normal(size=(1, 4, 2))
    h0 = np.ones((1, 3))
    layer = rnn.keras_simple_rnn(w_x, w_h, b)
    keras = layer(x.astype("float32"), initial_state=[h0.astype("float32")]).numpy()
    np.testing.assert_allclose(rnn.rnn_forward(x, w_x, w_h, b, h0), keras, atol=ATOL)


@pytest.mark.parametrize("input_dim,units", [(3, 4), (100, 64), (1, 1)])
def test_parameter_count(input_dim, units):
    layer = tf.keras.layers.SimpleRNN(units)
    layer.build((None, None, input_dim))
    assert layer.count_params() == rnn.simple_rnn_params(input_dim, units) == units * (input_dim + units + 1)


def test_bptt_equals_gradient_tape():
    w_x, w_h, b = _weights(3, 4, seed=5)
    rng = np.random.default_rng(6)
    x, h0 = rng.normal(size=(2, 7, 3)), rng.normal(size=(2, 4))
    states = rnn.rnn_forward(x, w_x, w_h, b, h0)
    upstream = rng.normal(size=states.shape)
    ours = rnn.rnn_backward(x, states, upstream, w_x, w_h, h0)
    variables = [tf.Variable(w) for w in (w_x, w_h, b)]
    x_tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tensor)
        h, outputs = tf.constant(h0), []
        for t in range(x.shape[1]):   # the recurrence written directly in TF (float64)
            h = tf.tanh(x_tensor[:, t] @ variables[0] + h @ variables[1] + variables[2])
            outputs.append(h)
        loss = tf.reduce_sum(tf.stack(outputs, 1) * upstream)
    theirs = tape.gradient(loss, variables + [x_tensor])
    for a, b_ in zip(ours, theirs):
        np.testing.assert_allclose(a, b_.numpy(), atol=1e-10)   # both float64


def test_bptt_gradient_by_finite_differences():
    w_x, w_h, b = _weights(2, 3, seed=9)
    x = np.random.default_rng(3).normal(size=(1, 6, 2))
    upstream = np.random.default_rng(4).normal(size=(1, 6, 3))
    loss = lambda w: np.sum(rnn.rnn_forward(x, w_x, w, b) * upstream)
    _, g_wh, _, _ = rnn.rnn_backward(x, rnn.rnn_forward(x, w_x, w_h, b), upstream, w_x, w_h)
    eps, numeric = 1e-6, np.zeros_like(w_h)
    for index in np.ndindex(*w_h.shape):
        step = np.zeros_like(w_h)
        step[index] = eps
        numeric[index] = (loss(w_h + step) - loss(w_h - step)) / (2 * eps)
    np.testing.assert_allclose(g_wh, numeric, atol=1e-7)   # central differences: error ~eps^2


def test_receptive_fields():
    # two causal conv layers of width 3: the last output sees exactly the last 5 inputs
    cnn = (rnn.influence(rnn.causal_cnn(layers=2, kernel_size=3)) > 0).astype(int)
    assert cnn.tolist() == [0] * 7 + [1] * 5
    cnn3 = (rnn.influence(rnn.causal_cnn(layers=3, kernel_size=2), steps=10) > 0).astype(int)
    assert cnn3.tolist() == [0] * 6 + [1] * 4
    seen = rnn.influence(tf.keras.layers.SimpleRNN(4, return_sequences=True, seed=0))
    assert (seen > 0).all()


def test_gradients_vanish_and_explode_through_time(page):
    # page: norms = {gain: gradient_through_time(simple_rnn_with_gain(gain)) ...}
    small, default, large = (page["norms"][gain] for gain in (0.5, 1.0, 2.0))
    assert small[20] < 1e-6 * small[0]          # (0.5)^20 ~ 1e-6 bounds it
    assert small[20] < (0.5 ** 20) * small[0] * 10
    assert default[20] < 1e-2 * default[0]      # vanishes even at gain 1 (tanh' < 1)
    assert large[40] > 5 * large[0] and large[59] > 10 * large[0]   # explodes at gain 2
    assert np.all(np.diff(np.log(small[:30])) < 0)   # monotone decay


def test_linear_rnn_decays_exactly_geometrically(page):
    # exercise 2: W_x = I, W_h = 0.9 I, no activation, 30 steps
    norms = page["linear_norms"]
    assert norms.shape == (30,)
    np.testing.assert_allclose(norms / norms[0], 0.9 ** np.arange(30), rtol=1e-4)   # float32 products
