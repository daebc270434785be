"""Text classification where word order matters: a 1-D CNN and an LSTM against a bag of words.

The synthetic reviews hold exactly one sentiment word and exactly one "not". The label flips
when "not" stands right before the sentiment word ("not good" is negative), and not when it
stands elsewhere ("good ... not ..."). A bag of words sees the same words either way.

Run it:  python -m examples.nlp.text_classification
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf
from tensorflow import keras

POSITIVE = ["good", "great", "fine", "nice"]
NEGATIVE = ["bad", "awful", "boring", "poor"]
FILLER = ["the", "movie", "was", "plot", "actors", "story", "music", "and", "it", "is",
          "really", "very", "this", "film", "but", "ending", "a", "scene", "so", "quite"]
VOCAB = ["<pad>", "not"] + POSITIVE + NEGATIVE + FILLER  # id 0 is padding
WORD_ID = {w: i for i, w in enumerate(VOCAB)}
MAX_LEN = 12


def make_reviews(n, seed=0, min_len=6, max_len=MAX_LEN):
    """n sentences and labels (1 = positive). Half are negated ("not" right before the
    sentiment word); in the other half "not" stands somewhere else."""
    rng = np.random.default_rng(seed)
    texts, labels = [], np.zeros(n, dtype=np.int64)
    for row in range(n):
        length = rng.integers(min_len, max_len + 1)
        words = list(rng.choice(FILLER, size=length))
        positive, negated = rng.random() < 0.5, rng.random() < 0.5
        sentiment = rng.choice(POSITIVE if positive else NEGATIVE)
        s = rng.integers(1, length)  # sentiment position; position 0 is left for a "not"
        words[s] = sentiment
        if negated:
            words[s - 1] = "not"
        else:  # anywhere except right before the sentiment word
            words[rng.choice([i for i in range(length) if i not in (s - 1, s)])] = "not"
        texts.append(" ".join(words))
        labels[row] = int(positive != negated)
    return texts, labels


def encode(texts, max_len=MAX_LEN):
    """Words -> ids, right-padded with 0 to max_len."""
    ids = np.zeros((len(texts), max_len), dtype=np.int64)
    for row, text in enumerate(texts):
        tokens = [WORD_ID[w] for w in text.split()][:max_len]
        ids[row, :len(tokens)] = tokens
    return ids
# --8<-- [end:data]


# --8<-- [start:bow]
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression


def bag_of_words_accuracy(train_texts, y_train, test_texts, y_test, ngram_range=(1, 1)):
    """Logistic regression on word counts (ngram_range=(1, 2) adds word pairs)."""
    vectorizer = CountVectorizer(ngram_range=ngram_range, token_pattern=r"\S+")
    x_train = vectorizer.fit_transform(train_texts)
    classifier = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    return classifier.score(vectorizer.transform(test_texts), y_test)
# --8<-- [end:bow]


# --8<-- [start:models]
def build_cnn(vocab_size=len(VOCAB), embed_dim=16, filters=32, kernel_size=3):
    """Embedding -> Conv1D (n-gram detectors) -> max over time -> logistic output."""
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.Conv1D(filters, kernel_size, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name="cnn")


def build_lstm(vocab_size=len(VOCAB), embed_dim=16, units=32):
    """Embedding (mask_zero: padding is skipped) -> LSTM's last state -> logistic output."""
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True),
        keras.layers.LSTM(units),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name="lstm")


def train(model, x, y, epochs=8, lr=2e-2, seed=0):
    keras.utils.set_random_seed(seed)  # seeds Python, NumPy and TensorFlow (shuffling, dropout)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="binary_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, batch_size=64, epochs=epochs, verbose=0)


def accuracy(model, x, y):
    return float(np.mean((model(x, training=False).numpy()[:, 0] > 0.5) == y))
# --8<-- [end:models]


# --8<-- [start:cnn_numpy]
def cnn_forward_numpy(weights, ids):
    """The trained CNN by hand: lookup, 'valid' 1-D convolution, ReLU, max over time, sigmoid."""
    embedding, kernel, conv_bias, dense_w, dense_b = weights
    x = embedding[ids]  # (B, T, E)
    k = kernel.shape[0]  # kernel: (k, E, filters)
    windows = np.stack([x[:, i:i + k] for i in range(x.shape[1] - k + 1)], axis=1)  # (B, T-k+1, k, E)
    features = np.maximum(np.einsum("btke,kef->btf", windows, kernel) + conv_bias, 0)
    pooled = features.max(axis=1)  # (B, filters)
    return 1 / (1 + np.exp(-(pooled @ dense_w + dense_b)))
# --8<-- [end:cnn_numpy]


# --8<-- [start:figures]
def plot_bag_vs_windows(path):
    """Two sentences with the same bag of words and opposite labels, and the windows a width-3 kernel sees."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sentences = {"negative": "the movie was not good".split(),
                 "positive": "not the movie was good".split()}
    words = sorted(set(sentences["negative"]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3.5), dpi=100, gridspec_kw={"width_ratios": [1, 1.4]})
    for offset, (label, tokens) in zip((-0.2, 0.2), sentences.items()):
        left.barh(np.arange(len(words)) + offset, [tokens.count(w) for w in words], height=0.4, label=label)
    left.set_yticks(range(len(words)))
    left.set_yticklabels(words)
    left.set_xticks([0, 1])
    left.set_xlabel("count")
    left.set_title("bag of words: identical", fontsize=9)
    left.legend(fontsize=7, loc="lower right")
    right.set_xlim(-0.5, 5)
    right.set_ylim(-0.5, 9.5)
    right.axis("off")
    right.set_title("windows a width-3 Conv1D kernel sees", fontsize=9)
    y = 9
    for color, (label, tokens) in zip(("C0", "C1"), sentences.items()):
        right.text(-0.3, y, f"{label}: " + " ".join(tokens), fontsize=8, color=color, va="center")
        y -= 1
        for t in range(len(tokens) - 2):
            window = tokens[t:t + 3]
            hit = any(a == "not" and b in POSITIVE + NEGATIVE for a, b in zip(window, window[1:]))
            right.text(0.2, y, "[" + " ".join(window) + "]", fontsize=8, color="C3" if hit else "0.35",
                       fontweight="bold" if hit else "normal", va="center")
            y -= 1
        y -= 1
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"text-classification-bag-vs-windows.png": plot_bag_vs_windows}
# --8<-- [end:figures]


def main():
    train_texts, y_train = make_reviews(3000, seed=0)
    test_texts, y_test = make_reviews(1000, seed=1)
    x_train, x_test = encode(train_texts), encode(test_texts)
    print(f"bag of words: {bag_of_words_accuracy(train_texts, y_train, test_texts, y_test):.3f}")
    for build in (build_cnn, build_lstm):
        model = build()
        train(model, x_train, y_train)
        print(f"{model.name}: {accuracy(model, x_test, y_test):.3f}")


if __name__ == "__main__":
    main()
