"""Claims of docs/*/nlp/attention.md, checked against keras.layers.MultiHeadAttention.

Tolerance 1e-5 (absolute) for "NumPy equals Keras": Keras computes in float32 (round-off
~1e-7 on outputs of size ~1 after three 16-term dot products), the NumPy code in float64.
A wrong scale (no 1/sqrt(d_k)), a mask applied after the softmax or heads mixed up move the
results by 1e-2 or more, as test_a_wrong_scale_is_caught shows.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.nlp import attention as at

ATOL = 1e-5


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(42)
    query = rng.normal(size=(3, 4, 16)).astype("float32")
    value = rng.normal(size=(3, 6, 16)).astype("float32")
    tokens = np.array([[5, 2, 0, 0, 0, 0], [4, 4, 4, 4, 4, 0], [1, 2, 3, 4, 5, 6]])
    return query, value, tokens


@pytest.mark.parametrize("num_heads,key_dim", [(1, 16), (2, 8), (4, 4), (4, 8)])
def test_multi_head_attention_matches_keras(inputs, num_heads, key_dim):
    query, value, _ = inputs
    layer, out_tf, w_tf = at.keras_attention(query, value, num_heads, key_dim, seed=num_heads)
    out_np, w_np = at.multi_head_attention(query, value, layer.get_weights(), num_heads)
    np.testing.assert_allclose(out_np, out_tf, atol=ATOL)
    np.testing.assert_allclose(w_np, w_tf, atol=ATOL)
    assert w_np.shape == (3, num_heads, 4, 6)


def test_separate_key_input_matches_keras(inputs):
    query, value, _ = inputs
    key = np.random.default_rng(1).normal(size=value.shape).astype("float32")
    layer = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=8)
    out_tf, w_tf = layer(query, value, key=key, return_attention_scores=True)
    out_np, w_np = at.multi_head_attention(query, value, layer.get_weights(), 2, key=key)
    np.testing.assert_allclose(out_np, out_tf.numpy(), atol=ATOL)
    np.testing.assert_allclose(w_np, w_tf.numpy(), atol=ATOL)


def test_padding_mask_matches_keras_and_zeroes_padded_keys(inputs):
    query, value, tokens = inputs
    mask = np.broadcast_to(at.padding_mask(tokens), (3, 4, 6))
    layer, out_tf, w_tf = at.keras_attention(query, value, 2, 8, mask=mask)
    out_np, w_np = at.multi_head_attention(query, value, layer.get_weights(), 2, mask=mask)
    np.testing.assert_allclose(out_np, out_tf, atol=ATOL)
    np.testing.assert_allclose(w_np, w_tf, atol=ATOL)
    assert np.all(w_np[0, :, :, 2:] == 0) and np.all(w_np[1, :, :, 5] == 0)
    np.testing.assert_allclose(w_np.sum(-1), 1, atol=1e-12)
    # the mask matters: without it the padded keys get weight
    _, w_unmasked = at.multi_head_attention(query, value, layer.get_weights(), 2)
    assert w_unmasked[0, :, :, 2:].min() > 1e-3


def test_causal_mask_matches_keras_use_causal_mask(inputs):
    _, value, tokens = inputs
    x = value
    layer, out_tf, w_tf = at.keras_attention(x, x, 2, 8, mask=at.padding_mask(tokens), use_causal_mask=True)
    both = at.causal_mask(6)[None] & at.padding_mask(tokens)
    out_np, w_np = at.multi_head_attention(x, x, layer.get_weights(), 2, mask=both)
    np.testing.assert_allclose(out_np, out_tf, atol=ATOL)
    np.testing.assert_allclose(w_np, w_tf, atol=ATOL)
    upper = np.triu(np.ones((6, 6), dtype=bool), k=1)
    assert np.all(w_np[:, :, upper] == 0)
    # causal alone (no padding) equals Keras' use_causal_mask alone
    layer, out_tf, _ = at.keras_attention(x, x, 2, 8, use_causal_mask=True)
    out_np, _ = at.multi_head_attention(x, x, layer.get_weights(), 2, mask=at.causal_mask(6))
    np.testing.assert_allclose(out_np, out_tf, atol=ATOL)


def test_causal_position_ignores_the_future():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1, 5, 8))
    changed = x.copy()
    changed[0, 4] += 10.0  # change only the last position
    out, _ = at.scaled_dot_product_attention(x, x, x, at.causal_mask(5))
    out2, _ = at.scaled_dot_product_attention(changed, changed, changed, at.causal_mask(5))
    np.testing.assert_allclose(out[0, :4], out2[0, :4], atol=1e-12)
    assert np.abs(out[0, 4] - out2[0, 4]).max() > 1


def test_sdpa_matches_keras_single_head_without_projections():
    # tf.keras.layers.Attention (Luong dot product) with use_scale=False computes softmax(q k^T) v;
    # feeding q / sqrt(d_k) gives the scaled version.
    rng = np.random.default_rng(5)
    q, k, v = rng.normal(size=(2, 3, 8)), rng.normal(size=(2, 4, 8)), rng.normal(size=(2, 4, 5))
    ours, _ = at.scaled_dot_product_attention(q, k, v)
    keras_out = tf.keras.layers.Attention()([q / np.sqrt(8), v, k])
    np.testing.assert_allclose(ours, keras_out.numpy(), atol=ATOL)


def test_a_wrong_scale_is_caught(inputs):
    query, value, _ = inputs
    layer, out_tf, _ = at.keras_attention(query, value, 2, 8)
    w = layer.get_weights()
    # the same computation without 1/sqrt(d_k): scale the query kernel and bias by sqrt(8)
    unscaled = [w[0] * np.sqrt(8), w[1] * np.sqrt(8)] + w[2:]
    out_wrong, _ = at.multi_head_attention(query, value, unscaled, 2)
    assert np.abs(out_wrong - out_tf).max() > 1e-2


def test_scaling_keeps_score_variance_at_one():
    rng = np.random.default_rng(0)
    for d_k in (4, 64, 512):
        q, k = rng.normal(size=(4000, d_k)), rng.normal(size=(4000, d_k))
        dots = (q * k).sum(axis=1)
        # std of q.k is sqrt(d_k); the sample std of 4000 draws is within ~3 % of it
        assert dots.std() == pytest.approx(np.sqrt(d_k), rel=0.06)
        assert (dots / np.sqrt(d_k)).std() == pytest.approx(1.0, rel=0.06)


def test_soft_lookup_example():
    keys = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    values = np.array([[10.0], [20.0], [30.0]])
    out, w = at.scaled_dot_product_attention(np.array([[4.0, 0.0]]), keys, values)
    scores = np.array([4.0, 0.0, -4.0]) / np.sqrt(2)
    expected = np.exp(scores) / np.exp(scores).sum()  # softmax by hand
    np.testing.assert_allclose(w[0], expected, atol=1e-12)
    np.testing.assert_allclose(out[0, 0], expected @ [10, 20, 30], atol=1e-12)
    assert w[0].min() > 0  # soft attention: every value takes part


def test_self_attention_is_permutation_equivariant():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(5, 16))
    perm = np.array([3, 0, 4, 1, 2])
    out, _ = at.scaled_dot_product_attention(x, x, x)
    out_perm, _ = at.scaled_dot_product_attention(x[perm], x[perm], x[perm])
    np.testing.assert_allclose(out_perm, out[perm], atol=1e-12)


def test_parameter_count():
    layer = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=8)
    layer(np.zeros((1, 2, 16), "float32"), np.zeros((1, 3, 16), "float32"))
    assert layer.count_params() == 1088


def test_figure_is_written(tmp_path):
    at.plot_attention_maps(tmp_path / "a.png")
    assert (tmp_path / "a.png").stat().st_size > 5000


def test_main_runs(capsys):
    at.main()
    out = capsys.readouterr().out
    assert "weight on padding: 0.0" in out
