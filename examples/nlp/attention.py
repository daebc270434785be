"""Attention from scratch: scaled dot-product, multi-head, padding and causal masks.

The NumPy code below reads the weights of a keras.layers.MultiHeadAttention layer and
computes the same output and the same attention weights, with and without masks.

Run it:  python -m examples.nlp.attention
"""

# --8<-- [start:sdpa]
import numpy as np


def softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)  # subtracting the max changes nothing but avoids overflow
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d_k)) v.

    q: (..., T, d_k), k: (..., S, d_k), v: (..., S, d_v); mask: bool, broadcastable to
    (..., T, S), True where query t may look at key s. Returns (output, weights).
    """
    d_k = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)  # exp(-1e9) is exactly 0 after the softmax
    weights = softmax(scores, axis=-1)
    return weights @ v, weights
# --8<-- [end:sdpa]


# --8<-- [start:masks]
def padding_mask(tokens, pad=0):
    """(B, S) token ids -> (B, 1, S): True for real tokens, False for padding keys."""
    return (np.asarray(tokens) != pad)[:, None, :]


def causal_mask(length):
    """(T, T) lower-triangular: position t may look at positions 0..t only."""
    return np.tril(np.ones((length, length), dtype=bool))
# --8<-- [end:masks]


# --8<-- [start:mha]
def multi_head_attention(query, value, weights, num_heads, mask=None, key=None):
    """Multi-head attention with the weight layout of keras.layers.MultiHeadAttention.

    weights = layer.get_weights(): W_q (d, h, d_k), b_q (h, d_k), W_k, b_k, W_v, b_v,
    W_o (h, d_k, d), b_o (d). query: (B, T, d); value (and key, default value): (B, S, d).
    Returns (output (B, T, d), weights (B, h, T, S)).
    """
    key = value if key is None else key
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    assert wq.shape[1] == num_heads
    # project and split into heads in one einsum: (B, T, d) x (d, h, d_k) -> (B, h, T, d_k)
    q = np.einsum("btd,dhk->bhtk", query, wq) + bq[None, :, None, :]
    k = np.einsum("bsd,dhk->bhsk", key, wk) + bk[None, :, None, :]
    v = np.einsum("bsd,dhk->bhsk", value, wv) + bv[None, :, None, :]
    if mask is not None:
        mask = np.asarray(mask)[:, None] if np.ndim(mask) == 3 else mask  # same mask for every head
    heads, attn = scaled_dot_product_attention(q, k, v, mask)
    # concatenate the heads and project back: (B, h, T, d_k) x (h, d_k, d) -> (B, T, d)
    return np.einsum("bhtk,hkd->btd", heads, wo) + bo, attn
# --8<-- [end:mha]


# --8<-- [start:keras]
import tensorflow as tf


def keras_attention(query, value, num_heads, key_dim, mask=None, seed=0, use_causal_mask=False):
    """Build a Keras MultiHeadAttention layer, run it, return (layer, output, weights)."""
    layer = tf.keras.layers.MultiHeadAttention(
        num_heads=num_heads, key_dim=key_dim,
        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed),
        bias_initializer=tf.keras.initializers.RandomNormal(stddev=0.1, seed=seed + 1))
    output, scores = layer(query, value, attention_mask=mask, use_causal_mask=use_causal_mask,
                           return_attention_scores=True)
    return layer, output.numpy(), scores.numpy()
# --8<-- [end:keras]


# --8<-- [start:figures]
def plot_attention_maps(path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 6, 8))
    tokens = np.array([[5, 3, 8, 2, 0, 0]])  # a sentence of 4 tokens padded to 6
    masks = {"no mask": None,
             "padding mask": padding_mask(tokens),
             "causal + padding": causal_mask(6)[None] & padding_mask(tokens)}
    fig, axes = plt.subplots(1, 3, figsize=(6, 3.5), dpi=100)
    for ax, (title, mask) in zip(axes, masks.items()):
        _, w = scaled_dot_product_attention(x, x, x, mask)
        ax.imshow(w[0], cmap="viridis", vmin=0, vmax=1)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("key position")
        ax.set_xticks(range(6))
        ax.set_yticks(range(6))
    axes[0].set_ylabel("query position")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"attention-masks.png": plot_attention_maps}
# --8<-- [end:figures]


def main():
    rng = np.random.default_rng(0)
    query, value = rng.normal(size=(2, 4, 16)), rng.normal(size=(2, 5, 16))
    tokens = np.array([[7, 1, 4, 0, 0], [2, 9, 3, 6, 1]])
    mask = np.broadcast_to(padding_mask(tokens), (2, 4, 5))
    layer, out_tf, w_tf = keras_attention(query, value, num_heads=2, key_dim=8, mask=mask)
    out_np, w_np = multi_head_attention(query, value, layer.get_weights(), 2, mask)
    print("max |NumPy - Keras| output:", float(np.abs(out_np - out_tf).max()))
    print("max |NumPy - Keras| weights:", float(np.abs(w_np - w_tf).max()))
    print("weight on padding:", float(w_np[0, :, :, 3:].max()))


if __name__ == "__main__":
    main()
