"""Word embeddings: one-hot vs distributed representations, word2vec from scratch.

Skip-gram and CBOW with negative sampling in NumPy (vectorized mini-batches), the same loss
in TensorFlow with GradientTape, trained on a synthetic corpus with known topics and on the
project's Chinese sentences segmented by jieba.

Run it:  python -m examples.nlp.word_embeddings
"""

# --8<-- [start:vocab]
import logging
from collections import Counter

import jieba
import numpy as np
import tensorflow as tf

from examples.nlp.corpus import ZH_SENTENCES, topic_corpus

jieba.setLogLevel(logging.WARNING)


def build_vocab(sentences, min_count=1):
    """Words sorted by count (ties: alphabetically); returns (words, counts)."""
    counts = Counter(w for s in sentences for w in s)
    kept = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], w))
    return kept, np.array([counts[w] for w in kept])


def one_hot(ids, vocab_size):
    return np.eye(vocab_size)[ids]


def cosine_matrix(vectors):
    """Cosine similarity between every pair of rows."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit.T
# --8<-- [end:vocab]


# --8<-- [start:pairs]
def skipgram_pairs(id_sentences, window):
    """(center, context) pairs: every word with each neighbour at distance 1..window."""
    centers, contexts = [], []
    for s in id_sentences:
        s = np.asarray(s)
        for d in range(1, window + 1):
            centers += [s[:-d], s[d:]]     # left word predicts the right one, and back
            contexts += [s[d:], s[:-d]]
    return np.concatenate(centers), np.concatenate(contexts)


def cbow_windows(id_sentences, window, pad=-1):
    """(context ids padded with `pad` to 2 * window, center id) for every position."""
    contexts, centers = [], []
    for s in id_sentences:
        for i, center in enumerate(s):
            ctx = s[max(0, i - window):i] + s[i + 1:i + 1 + window]
            contexts.append(ctx + [pad] * (2 * window - len(ctx)))
            centers.append(center)
    return np.array(contexts), np.array(centers)


def noise_distribution(counts, power=0.75):
    """Mikolov et al.'s negative-sampling distribution: unigram counts to the power 3/4."""
    p = counts ** power
    return p / p.sum()
# --8<-- [end:pairs]


# --8<-- [start:sgns]
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sgns_loss_and_grads(h, u_pos, u_neg):
    """Negative-sampling loss of a batch and its gradients.

    h: (B, d) input vectors (skip-gram: the center word; CBOW: the mean of the context),
    u_pos: (B, d) output vectors of the true words, u_neg: (B, k, d) of k noise words.
    loss = sum_b [ -log s(u_pos.h) - sum_j log s(-u_neg_j.h) ]
    """
    s_pos = np.sum(u_pos * h, axis=1)                  # (B,)
    s_neg = np.einsum("bkd,bd->bk", u_neg, h)          # (B, k)
    loss = -np.sum(np.log(sigmoid(s_pos))) - np.sum(np.log(sigmoid(-s_neg)))
    g_pos = sigmoid(s_pos) - 1                         # d loss / d s_pos
    g_neg = sigmoid(s_neg)                             # d loss / d s_neg
    grad_h = g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg)
    return loss, grad_h, g_pos[:, None] * h, g_neg[:, :, None] * h[:, None, :]
# --8<-- [end:sgns]


# --8<-- [start:train]
def train_word2vec(id_sentences, counts, mode="skipgram", dim=16, window=2, negatives=5,
                   epochs=5, batch_size=256, lr=0.05, seed=0):
    """Word2vec with negative sampling, plain SGD on mini-batches. Returns (W_in, losses).

    W_in holds the word vectors; W_out the output ("context") vectors used only in training.
    """
    rng = np.random.default_rng(seed)
    vocab_size = len(counts)
    w_in = (rng.random((vocab_size, dim)) - 0.5) / dim  # word2vec's initialisation
    w_out = np.zeros((vocab_size, dim))
    noise = noise_distribution(counts)
    if mode == "skipgram":
        inputs, targets = skipgram_pairs(id_sentences, window)
        inputs = inputs[:, None]                        # one input word per example
    else:
        inputs, targets = cbow_windows(id_sentences, window)
    mask = (inputs >= 0).astype(float)                  # CBOW windows are padded with -1
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(targets))
        total = 0.0
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            x, m, y = inputs[rows], mask[rows], targets[rows]
            neg = rng.choice(vocab_size, size=(len(rows), negatives), p=noise)
            n_ctx = m.sum(1, keepdims=True)
            h = (w_in[np.maximum(x, 0)] * m[:, :, None]).sum(1) / n_ctx  # mean of inputs
            loss, g_h, g_pos, g_neg = sgns_loss_and_grads(h, w_out[y], w_out[neg])
            total += loss
            # scatter the gradients back; np.add.at sums repeated indices correctly
            np.add.at(w_out, y, -lr * g_pos)
            np.add.at(w_out, neg, -lr * g_neg)
            np.add.at(w_in, np.maximum(x, 0), -lr * (g_h / n_ctx)[:, None, :] * m[:, :, None])
        losses.append(total / len(order))
    return w_in, losses
# --8<-- [end:train]


# --8<-- [start:evaluate]
def topic_margin(vectors, words, topic_of_word):
    """Mean cosine of word pairs from the same topic minus that of pairs across topics
    (shared words left out)."""
    topics = np.array([topic_of_word[w] for w in words])
    keep = topics >= 0
    sim, topics = cosine_matrix(vectors[keep]), topics[keep]
    same = topics[:, None] == topics[None, :]
    off_diagonal = ~np.eye(len(topics), dtype=bool)
    return sim[same & off_diagonal].mean() - sim[~same].mean()


def nearest(vectors, words, word, k=3):
    """The k words with the highest cosine similarity to `word` (itself excluded)."""
    sim = cosine_matrix(vectors)[words.index(word)]
    order = [i for i in np.argsort(-sim) if words[i] != word]
    return [words[i] for i in order[:k]]
# --8<-- [end:evaluate]


# --8<-- [start:keras]
def sgns_loss_tf(w_in, w_out, centers, contexts, negatives):
    """The skip-gram negative-sampling loss in TensorFlow (summed over the batch)."""
    h = tf.gather(w_in, centers)                        # (B, d)
    s_pos = tf.reduce_sum(tf.gather(w_out, contexts) * h, axis=1)
    s_neg = tf.einsum("bkd,bd->bk", tf.gather(w_out, negatives), h)
    return -tf.reduce_sum(tf.math.log_sigmoid(s_pos)) - tf.reduce_sum(tf.math.log_sigmoid(-s_neg))


def sgns_grads_tf(w_in, w_out, centers, contexts, negatives):
    """Dense gradients of sgns_loss_tf with respect to both embedding tables."""
    w_in, w_out = tf.Variable(w_in), tf.Variable(w_out)
    with tf.GradientTape() as tape:
        loss = sgns_loss_tf(w_in, w_out, centers, contexts, negatives)
    g_in, g_out = tape.gradient(loss, [w_in, w_out])
    return loss.numpy(), tf.convert_to_tensor(g_in).numpy(), tf.convert_to_tensor(g_out).numpy()
# --8<-- [end:keras]


# --8<-- [start:chinese]
STOP_WORDS = set("，。、！？；：的了和在是把要有都先再就很更用我们") | {"一点", "一些", "之前", "以后", "时候"}


def segment_corpus(sentences):
    """jieba segmentation, punctuation and stop words removed."""
    return [[w for w in jieba.lcut(s) if w not in STOP_WORDS and w.strip()] for s in sentences]
# --8<-- [end:chinese]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def synthetic_run(mode="skipgram", **kwargs):
    """Train on topic_corpus(); returns (words, vectors, losses, topic_of_word)."""
    sentences, topic_of_word = topic_corpus()
    words, counts = build_vocab(sentences)
    index = {w: i for i, w in enumerate(words)}
    ids = [[index[w] for w in s] for s in sentences]
    vectors, losses = train_word2vec(ids, counts, mode=mode, **kwargs)
    return words, vectors, losses, topic_of_word


def plot_similarity(path):
    """Cosine similarity of the skip-gram vectors, words grouped by topic."""
    plt = _pyplot()
    words, vectors, _, topic_of_word = synthetic_run("skipgram")
    order = sorted(range(len(words)), key=lambda i: (topic_of_word[words[i]], words[i]))
    sim = cosine_matrix(vectors[order])
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    image = ax.imshow(sim, cmap="RdBu_r", vmin=-1, vmax=1)
    labels = [words[i] for i in order]
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=5)
    ax.set_yticks(range(len(labels)), labels, fontsize=5)
    ax.set_title("Skip-gram vectors: cosine similarity (grouped by topic)", fontsize=9)
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"word-embeddings-similarity.png": plot_similarity}


def main():
    for mode in ("skipgram", "cbow"):
        words, vectors, losses, topic_of_word = synthetic_run(mode)
        print(f"{mode:8s} loss {losses[0]:.3f} -> {losses[-1]:.3f}, "
              f"topic margin {topic_margin(vectors, words, topic_of_word):.2f}")
    sentences = segment_corpus(ZH_SENTENCES)
    words, counts = build_vocab(sentences)
    index = {w: i for i, w in enumerate(words)}
    vectors, _ = train_word2vec([[index[w] for w in s] for s in sentences], counts, epochs=100)
    for word in ("下雨", "米饭", "模型"):
        print(word, nearest(vectors, words, word))


if __name__ == "__main__":
    main()
