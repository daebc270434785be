"""A tiny Transformer, built block by block, that learns to reverse digit strings; BLEU from scratch.

Sinusoidal positional encoding, encoder and decoder layers (multi-head attention, residual
connections, LayerNorm, feed-forward), teacher forcing, greedy decoding, and the same model
with its attention weights replaced by uniform ones, which cannot do the task.

Run it:  python -m examples.nlp.transformer
"""

# --8<-- [start:positional]
import math
from collections import Counter

import numpy as np
import tensorflow as tf
from tensorflow import keras


def positional_encoding(length, d_model):
    """PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(same angle)."""
    pos = np.arange(length)[:, None]
    i = np.arange(0, d_model, 2)[None, :]  # the even dimensions 2i
    angle = pos / np.power(10000.0, i / d_model)
    pe = np.zeros((length, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe
# --8<-- [end:positional]


# --8<-- [start:data]
PAD, BOS, EOS = 0, 1, 2  # digits 0..9 are tokens 3..12
VOCAB = 13


def make_reversal_data(n, min_len=3, max_len=8, seed=0):
    """Random digit strings of varied length; the target is the string reversed.

    Returns src (n, max_len), decoder input (n, max_len + 1) = BOS + target, and decoder
    output (n, max_len + 1) = target + EOS, all right-padded with PAD.
    """
    rng = np.random.default_rng(seed)
    src = np.full((n, max_len), PAD)
    dec_in = np.full((n, max_len + 1), PAD)
    dec_out = np.full((n, max_len + 1), PAD)
    for row in range(n):
        length = rng.integers(min_len, max_len + 1)
        digits = rng.integers(0, 10, size=length) + 3
        src[row, :length] = digits
        dec_in[row, 0], dec_in[row, 1:length + 1] = BOS, digits[::-1]
        dec_out[row, :length], dec_out[row, length] = digits[::-1], EOS
    return src, dec_in, dec_out


def drop_seen(data, seen):
    """Keep only the rows of data whose source string does not occur in seen (held-out strings)."""
    seen_strings = {to_text(row) for row in seen[0]}
    keep = np.array([to_text(row) not in seen_strings for row in data[0]])
    return tuple(array[keep] for array in data)


def to_text(tokens):
    """Token ids -> the digit string they stand for (stops at EOS, skips PAD and BOS)."""
    out = []
    for t in tokens:
        if t == EOS:
            break
        if t > EOS:
            out.append(str(t - 3))
    return "".join(out)
# --8<-- [end:data]


# --8<-- [start:layernorm]
def layer_norm(x, gamma, beta, epsilon=1e-6):
    """Normalise each position's feature vector (last axis), then scale and shift."""
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + epsilon) + beta
# --8<-- [end:layernorm]


# --8<-- [start:blocks]
class UniformAttention(keras.layers.Layer):
    """Attention switched off: every allowed key gets the same weight 1/(number allowed).

    Same projections as MultiHeadAttention, but the output no longer depends on which
    query asks, so no position can pick out another one.
    """

    def __init__(self, d_model, **kwargs):
        super().__init__(**kwargs)
        self.value_dense = keras.layers.Dense(d_model)
        self.output_dense = keras.layers.Dense(d_model)

    def call(self, query, value, attention_mask=None):
        v = self.value_dense(value)  # (B, S, d)
        if attention_mask is None:
            attention_mask = tf.ones((tf.shape(query)[0], tf.shape(query)[1], tf.shape(value)[1]))
        w = tf.cast(attention_mask, v.dtype)  # (B, T, S)
        w = w / tf.maximum(tf.reduce_sum(w, axis=-1, keepdims=True), 1.0)
        return self.output_dense(w @ v)


def attention_layer(d_model, num_heads, use_attention):
    if use_attention:
        return keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=d_model // num_heads)
    return UniformAttention(d_model)


class EncoderLayer(keras.layers.Layer):
    """x -> LayerNorm(x + SelfAttention(x)) -> LayerNorm(. + FFN(.))  (post-LN, as in the paper)."""

    def __init__(self, d_model, num_heads, d_ff, use_attention=True, **kwargs):
        super().__init__(**kwargs)
        self.self_attention = attention_layer(d_model, num_heads, use_attention)
        self.ffn = keras.Sequential([keras.layers.Dense(d_ff, activation="relu"), keras.layers.Dense(d_model)])
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, x, keep):
        x = self.norm1(x + self.self_attention(x, x, attention_mask=keep))
        return self.norm2(x + self.ffn(x))


class DecoderLayer(keras.layers.Layer):
    """Masked self-attention, then cross-attention to the encoder, then the FFN; each with residual + LayerNorm."""

    def __init__(self, d_model, num_heads, d_ff, use_attention=True, **kwargs):
        super().__init__(**kwargs)
        self.self_attention = attention_layer(d_model, num_heads, use_attention)
        self.cross_attention = attention_layer(d_model, num_heads, use_attention)
        self.ffn = keras.Sequential([keras.layers.Dense(d_ff, activation="relu"), keras.layers.Dense(d_model)])
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-6)
        self.norm3 = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, y, memory, self_mask, cross_mask):
        y = self.norm1(y + self.self_attention(y, y, attention_mask=self_mask))
        y = self.norm2(y + self.cross_attention(y, memory, attention_mask=cross_mask))
        return self.norm3(y + self.ffn(y))


class Transformer(keras.Model):
    """Encoder-decoder Transformer; call((src, dec_in)) -> logits (B, T, vocab)."""

    def __init__(self, vocab=VOCAB, d_model=32, num_heads=4, d_ff=64, max_len=16,
                 use_attention=True, **kwargs):
        super().__init__(**kwargs)
        self.d_model = d_model
        self.embed = keras.layers.Embedding(vocab, d_model)  # shared by source and target
        self.pe = tf.constant(positional_encoding(max_len, d_model), dtype="float32")
        self.encoder = EncoderLayer(d_model, num_heads, d_ff, use_attention)
        self.decoder = DecoderLayer(d_model, num_heads, d_ff, use_attention)
        self.out = keras.layers.Dense(vocab)

    def embed_tokens(self, tokens):
        length = tf.shape(tokens)[1]
        return self.embed(tokens) * math.sqrt(self.d_model) + self.pe[:length]

    def call(self, inputs):
        src, dec_in = inputs
        src_keep = tf.not_equal(src, PAD)[:, None, :]  # (B, 1, S): padding mask on the keys
        length = tf.shape(dec_in)[1]
        causal = tf.linalg.band_part(tf.ones((length, length), tf.bool), -1, 0)  # lower triangle
        memory = self.encoder(self.embed_tokens(src), keep=src_keep)
        y = self.decoder(self.embed_tokens(dec_in), memory, self_mask=causal[None], cross_mask=src_keep)
        return self.out(y)
# --8<-- [end:blocks]


# --8<-- [start:train]
def train_transformer(data, use_attention=True, epochs=6, lr=3e-3, seed=0):
    """Teacher forcing: the decoder reads the true previous tokens (dec_in) and predicts dec_out."""
    keras.utils.set_random_seed(seed)
    src, dec_in, dec_out = data
    model = Transformer(use_attention=use_attention)
    model.compile(optimizer=keras.optimizers.Adam(lr),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=PAD))
    history = model.fit((src, dec_in), dec_out, batch_size=64, epochs=epochs, verbose=0)
    return model, history


def greedy_decode(model, src, max_steps=None):
    """Feed back the model's own most likely token, one position at a time."""
    max_steps = max_steps or src.shape[1] + 1
    dec_in = np.full((len(src), 1), BOS)
    for _ in range(max_steps):
        logits = model((src, dec_in), training=False)
        next_token = np.argmax(logits[:, -1].numpy(), axis=-1)
        dec_in = np.concatenate([dec_in, next_token[:, None]], axis=1)
    return dec_in[:, 1:]


def token_accuracy(predicted, dec_out):
    """Fraction of target tokens (digits and the final EOS, not PAD) predicted at their position."""
    keep = dec_out != PAD
    return float((predicted[:, :dec_out.shape[1]] == dec_out)[keep].mean())
# --8<-- [end:train]


# --8<-- [start:bleu]
def ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def clipped_counts(candidate, references, n):
    """(matches, total): candidate n-grams, each counted at most as often as in any one reference."""
    counts = ngrams(candidate, n)
    max_ref = Counter()
    for ref in references:
        for gram, c in ngrams(ref, n).items():
            max_ref[gram] = max(max_ref[gram], c)
    matches = sum(min(c, max_ref[gram]) for gram, c in counts.items())
    return matches, max(len(candidate) - n + 1, 0)


def closest_ref_length(candidate, references):
    """The reference length closest to the candidate's (ties: the shorter one)."""
    return min((abs(len(r) - len(candidate)), len(r)) for r in references)[1]


def brevity_penalty(c, r):
    return 1.0 if c > r else math.exp(1 - r / c) if c > 0 else 0.0


def bleu_from_counts(matches, totals, c, r, smooth=False):
    """BLEU = BP * exp(mean_n log p_n). smooth=True: add 1 to matches and totals for n >= 2
    (Lin and Och, 2004), so that a missing 4-gram does not make the score 0."""
    log_p = 0.0
    for n, (m, t) in enumerate(zip(matches, totals), start=1):
        if smooth and n >= 2:
            m, t = m + 1, t + 1
        if m == 0 or t == 0:
            return 0.0
        log_p += math.log(m / t) / len(matches)
    return brevity_penalty(c, r) * math.exp(log_p)


def sentence_bleu(candidate, references, max_n=4, smooth=False):
    counts = [clipped_counts(candidate, references, n) for n in range(1, max_n + 1)]
    return bleu_from_counts([m for m, _ in counts], [t for _, t in counts],
                            len(candidate), closest_ref_length(candidate, references), smooth)


def corpus_bleu(candidates, references_list, max_n=4, smooth=False):
    """Sum matches, totals and lengths over all sentences first, then combine once."""
    matches, totals, c, r = [0] * max_n, [0] * max_n, 0, 0
    for candidate, references in zip(candidates, references_list):
        for n in range(1, max_n + 1):
            m, t = clipped_counts(candidate, references, n)
            matches[n - 1] += m
            totals[n - 1] += t
        c += len(candidate)
        r += closest_ref_length(candidate, references)
    return bleu_from_counts(matches, totals, c, r, smooth)
# --8<-- [end:bleu]


# --8<-- [start:cost]
def layer_costs(n, d, k=3):
    """Multiply-adds per layer, as in Table 1 of Vaswani et al. (projections not counted)."""
    return {"self-attention": n * n * d, "recurrent": n * d * d, "convolutional": k * n * d * d}
# --8<-- [end:cost]


# --8<-- [start:figures]
def plot_positional_encoding(path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pe = positional_encoding(50, 32)
    fig, axes = plt.subplots(1, 2, figsize=(6, 3.5), dpi=100)
    image = axes[0].imshow(pe, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    axes[0].set_xlabel("dimension")
    axes[0].set_ylabel("position")
    axes[0].set_title("PE (50 positions, d = 32)", fontsize=9)
    fig.colorbar(image, ax=axes[0])
    for dim in (0, 4, 10):
        axes[1].plot(pe[:, dim], label=f"dim {dim}")
    axes[1].set_xlabel("position")
    axes[1].set_title("PE[:, dim]: the period grows with dim", fontsize=9)
    axes[1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"transformer-positional-encoding.png": plot_positional_encoding}
# --8<-- [end:figures]


def main():
    train = make_reversal_data(3000, seed=0)
    test = drop_seen(make_reversal_data(600, seed=1), train)
    for use_attention in (True, False):
        model, _ = train_transformer(train, use_attention=use_attention)
        predicted = greedy_decode(model, test[0])
        print(f"attention={use_attention}: held-out token accuracy {token_accuracy(predicted, test[2]):.3f}")
    print("BLEU:", round(sentence_bleu("the cat sat on the mat".split(), ["the cat is on the mat".split()],
                                       smooth=True), 4))


if __name__ == "__main__":
    main()
