"""Claims of nlp/text-preprocessing: tokenization, jieba segmentation (default, full, search,
user dictionary, no global side effects), vocabulary order, padding, TextVectorization."""

import jieba
import numpy as np
import pytest
import tensorflow as tf

from examples.nlp import text_preprocessing as tp
from examples.nlp.corpus import EN_SENTENCES, ZH_SENTENCES
from tests.docharness.plugin import page_namespace

# Loading jieba's dictionary into a new Tokenizer takes ~1 s: the tests reuse the page's
# tokenizers (same worker, once per session).
pytestmark = pytest.mark.xdist_group("nlp/text-preprocessing.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/nlp/text-preprocessing.md")

SENTENCE = "我们用词向量表示每个词。"


def test_tokenize_matches_keras_standardization():
    # Keras' own standardize + whitespace split, run on strings with every ASCII punctuation mark
    texts = EN_SENTENCES + ["Hello, World! (a-b) [c] {d} x_y 'quoted' \"double\" 3.14 #tag @me ~ok`"]
    layer = tf.keras.layers.TextVectorization()
    layer.adapt(texts)
    keras_tokens = set(layer.get_vocabulary()[2:])
    assert keras_tokens == {t for s in texts for t in tp.tokenize(s)}


def test_jieba_default_segmentation_of_fixed_sentences():
    # jieba 0.42.1 with its bundled dictionary; the page prints these
    assert tp.segment(SENTENCE) == ["我们", "用词", "向量", "表示", "每个", "词", "。"]
    assert tp.segment("今天下雨了，出门记得带伞。") == ["今天", "下雨", "了", "，", "出门", "记得", "带伞", "。"]
    assert tp.segment("学习率太大，损失函数会震荡。")[:2] == ["学习", "率太大"]


def test_jieba_modes():
    full = tp.segment(SENTENCE, "full")
    assert "量表" in full and "量表" not in tp.segment(SENTENCE)   # overlapping fragments
    search = tp.segment("南京市长江大桥", "search")
    assert tp.segment("南京市长江大桥") == ["南京市", "长江大桥"]
    assert {"南京", "长江", "大桥", "南京市", "长江大桥"} <= set(search)


def test_user_dict_file(tmp_path, monkeypatch):
    # A stand-in Tokenizer records what load_userdict read (a real one loads the dictionary: ~1 s).
    seen = []

    class Recorder:
        def load_userdict(self, path):
            seen.append(open(path, encoding="utf-8").read())

    monkeypatch.setattr(jieba, "Tokenizer", Recorder)
    tokenizer = tp.tokenizer_with_user_dict(["词向量", "学习率"], tmp_path)
    assert isinstance(tokenizer, Recorder) and seen == ["词向量\n学习率\n"]


def test_user_dictionary_changes_segmentation_without_touching_the_global_tokenizer(page):
    before = jieba.lcut(SENTENCE)
    user = page["user"]   # tokenizer_with_user_dict(["词向量", "学习率", "验证集"], ...)
    assert tp.segment(SENTENCE, tokenizer=user) == ["我们", "用", "词向量", "表示", "每个", "词", "。"]
    assert tp.segment("学习率太大，损失函数会震荡。", tokenizer=user)[0] == "学习率"
    assert tp.segment("验证集上的损失不再下降就停止训练。", tokenizer=user)[0] == "验证集"
    assert jieba.lcut(SENTENCE) == before and "词向量" not in jieba.dt.FREQ


def test_suggest_freq_on_a_separate_tokenizer(page):
    tokenizer = page["tokenizer"]   # exercise 1: jieba.Tokenizer() + suggest_freq("词向量", tune=True)
    assert "词向量" in tokenizer.lcut(SENTENCE)
    assert "词向量" not in jieba.lcut(SENTENCE)


@pytest.mark.parametrize("max_tokens", [None, 6, 10])
def test_vocabulary_equals_keras(max_tokens):
    texts = EN_SENTENCES + ["b a c", "c b a", "zz yy xx"]   # many ties in the counts
    layer = tf.keras.layers.TextVectorization(max_tokens=max_tokens)
    layer.adapt(texts)
    assert tp.build_vocabulary([tp.tokenize(t) for t in texts], max_tokens) == layer.get_vocabulary()


def test_vocabulary_ties_break_by_descending_bytes_on_chinese():
    texts = tp.segment_for_keras(ZH_SENTENCES)
    layer = tp.keras_vectorizer(texts)
    assert tp.build_vocabulary([t.split() for t in texts]) == layer.get_vocabulary()


def test_encode_maps_unknown_to_one():
    vocabulary = ["", "[UNK]", "the", "cat"]
    assert tp.encode(["the", "dog", "cat"], vocabulary) == [2, 1, 3]


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_pad_equals_pad_sequences(padding, truncating):
    sequences = [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10], [], [11]]
    expected = tf.keras.utils.pad_sequences(sequences, maxlen=5, padding=padding, truncating=truncating)
    np.testing.assert_array_equal(tp.pad(sequences, 5, padding, truncating), expected)


def test_pad_sequences_defaults_to_pre():
    assert tf.keras.utils.pad_sequences([[1, 2]], maxlen=3).tolist() == [[0, 1, 2]]
    assert tf.keras.utils.pad_sequences([[1, 2, 3, 4]], maxlen=3).tolist() == [[2, 3, 4]]


@pytest.mark.parametrize("max_tokens,length", [(10, 6), (None, 4), (7, 12)])
def test_from_scratch_pipeline_equals_text_vectorization(max_tokens, length):
    layer = tp.keras_vectorizer(EN_SENTENCES, max_tokens=max_tokens, length=length)
    vocabulary, ids = tp.from_scratch_vectorize(EN_SENTENCES, max_tokens, length)
    assert layer.get_vocabulary() == vocabulary
    np.testing.assert_array_equal(layer(EN_SENTENCES).numpy(), ids)


def test_chinese_needs_segmentation_before_text_vectorization():
    raw = tp.keras_vectorizer(ZH_SENTENCES[:3])
    assert sorted(raw.get_vocabulary()[2:]) == sorted(ZH_SENTENCES[:3])   # one token per sentence
    texts = tp.segment_for_keras(ZH_SENTENCES[:3])
    assert texts[0] == "今天 下雨 了 出门 记得 带伞"
    layer = tp.keras_vectorizer(texts, length=8)
    vocabulary = layer.get_vocabulary()
    ids = layer(tp.segment_for_keras(["明天下雨，记得带伞。"])).numpy()[0]
    assert [vocabulary[i] for i in ids[:4]] == ["明天", "下雨", "记得", "带伞"]
    assert ids[4:].tolist() == [0, 0, 0, 0]


def test_default_standardization_keeps_chinese_punctuation():
    chars = tp.keras_vectorizer(ZH_SENTENCES[:3], split="character")
    assert "，" in chars.get_vocabulary() and "。" in chars.get_vocabulary()
    assert tp.standardize("你好，世界。Hi!") == "你好，世界。hi"
