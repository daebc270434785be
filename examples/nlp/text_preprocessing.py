"""Text preprocessing: tokenization, Chinese segmentation with jieba, vocabularies, padding,
and Keras' TextVectorization, with from-scratch versions that give the same numbers.

Run it:  python -m examples.nlp.text_preprocessing
"""

# --8<-- [start:tokenize]
import logging
import re
from collections import Counter
from pathlib import Path

import jieba
import numpy as np
import tensorflow as tf

jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict..." at INFO level

# The characters Keras' "lower_and_strip_punctuation" removes: ASCII punctuation only.
KERAS_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'


def standardize(text):
    """Lower-case and strip ASCII punctuation, as TextVectorization does by default."""
    return re.sub(KERAS_PUNCTUATION, "", text.lower())


def tokenize(text):
    """Whitespace tokenization after standardization (TextVectorization's default split)."""
    return standardize(text).split()
# --8<-- [end:tokenize]


# --8<-- [start:jieba]
def segment(text, mode="default", tokenizer=jieba):
    """Chinese word segmentation with jieba: "default" (precise), "full" or "search" mode."""
    if mode == "full":
        return tokenizer.lcut(text, cut_all=True)
    if mode == "search":
        return tokenizer.lcut_for_search(text)
    return tokenizer.lcut(text)


def tokenizer_with_user_dict(words, directory):
    """A separate jieba.Tokenizer that also knows `words` (one per line in a user dict file).

    A new Tokenizer leaves jieba's global one (jieba.lcut) untouched.
    """
    path = Path(directory) / "user_dict.txt"
    path.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(path))
    return tokenizer
# --8<-- [end:jieba]


# --8<-- [start:vocab]
def build_vocabulary(token_lists, max_tokens=None):
    """Index 0: padding "", 1: out-of-vocabulary "[UNK]", then by count (descending).

    Ties are broken like Keras: by the token's UTF-8 bytes, in descending order.
    """
    counts = Counter(t for tokens in token_lists for t in tokens)
    ranked = sorted(counts, key=lambda t: (counts[t], t.encode()), reverse=True)
    if max_tokens is not None:
        ranked = ranked[:max_tokens - 2]
    return ["", "[UNK]"] + ranked


def encode(tokens, vocabulary):
    """Token -> index; unknown tokens -> 1."""
    index = {t: i for i, t in enumerate(vocabulary)}
    return [index.get(t, 1) for t in tokens]


def pad(sequences, length, padding="post", truncating="post", value=0):
    """Cut or fill every sequence to `length`. tf.keras.utils.pad_sequences defaults to "pre"."""
    out = np.full((len(sequences), length), value, dtype=np.int64)
    for row, seq in enumerate(sequences):
        seq = list(seq)
        seq = seq[:length] if truncating == "post" else seq[max(0, len(seq) - length):]
        if padding == "post":
            out[row, :len(seq)] = seq
        else:
            out[row, length - len(seq):] = seq
    return out
# --8<-- [end:vocab]


# --8<-- [start:keras]
def keras_vectorizer(texts, max_tokens=None, length=None, split="whitespace"):
    """A TextVectorization layer adapted to `texts`."""
    layer = tf.keras.layers.TextVectorization(
        max_tokens=max_tokens, output_sequence_length=length, split=split)
    layer.adapt(texts)
    return layer


def from_scratch_vectorize(texts, max_tokens=None, length=None):
    """The same pipeline without Keras: standardize, split, vocabulary, encode, pad."""
    token_lists = [tokenize(t) for t in texts]
    vocabulary = build_vocabulary(token_lists, max_tokens)
    ids = [encode(tokens, vocabulary) for tokens in token_lists]
    length = length or max(map(len, ids))
    return vocabulary, pad(ids, length)
# --8<-- [end:keras]


# --8<-- [start:chinese]
CHINESE_PUNCTUATION = set("，。、！？；：“”‘’（）《》…—")


def segment_for_keras(texts, tokenizer=jieba):
    """Segment with jieba, drop Chinese punctuation and join with spaces, so that
    TextVectorization's whitespace split sees words."""
    return [" ".join(w for w in tokenizer.lcut(t) if w not in CHINESE_PUNCTUATION and w.strip())
            for t in texts]
# --8<-- [end:chinese]


def main():
    from examples.nlp.corpus import EN_SENTENCES, ZH_SENTENCES

    print(tokenize(EN_SENTENCES[0]))
    sentence = "我们用词向量表示每个词。"
    for mode in ("default", "full", "search"):
        print(f"{mode:8s}", " / ".join(segment(sentence, mode)))
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        user = tokenizer_with_user_dict(["词向量"], directory)
        print("user    ", " / ".join(segment(sentence, tokenizer=user)))
    vocabulary, ids = from_scratch_vectorize(EN_SENTENCES, max_tokens=10, length=6)
    layer = keras_vectorizer(EN_SENTENCES, max_tokens=10, length=6)
    print(vocabulary)
    print(ids)
    print("same as TextVectorization:", layer.get_vocabulary() == vocabulary
          and np.array_equal(layer(EN_SENTENCES).numpy(), ids))
    print(segment_for_keras(ZH_SENTENCES[:2]))


if __name__ == "__main__":
    main()
