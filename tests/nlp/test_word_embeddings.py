"""Claims of nlp/word-embeddings: one-hot vs Embedding, skip-gram pairs, the negative-sampling
loss and gradients against TensorFlow, training that finds the known topics, and the Chinese run."""

import numpy as np
import pytest
import tensorflow as tf

from examples.nlp import word_embeddings as we
from examples.nlp.corpus import ZH_SENTENCES, ZH_TOPICS
from tests.docharness.plugin import page_namespace

# The page trains skip-gram, CBOW and the Chinese model; the tests read that run.
pytestmark = pytest.mark.xdist_group("nlp/word-embeddings.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/nlp/word-embeddings.md")


def test_one_hot_vectors_are_orthogonal_and_equidistant():
    vectors = we.one_hot(np.arange(5), 5)
    np.testing.assert_array_equal(we.cosine_matrix(vectors), np.eye(5))
    distances = np.linalg.norm(vectors[:, None] - vectors[None], axis=-1)
    np.testing.assert_allclose(distances[~np.eye(5, dtype=bool)], np.sqrt(2))


def test_embedding_layer_is_one_hot_times_the_table():
    layer = tf.keras.layers.Embedding(10, 4)
    layer.build((None,))
    ids = np.array([0, 9, 3, 3])
    # float32 lookup vs float32 table times an exact 0/1 matrix: identical to rounding
    np.testing.assert_allclose(layer(ids).numpy(), we.one_hot(ids, 10) @ layer.embeddings.numpy(), atol=1e-7)


def test_skipgram_pairs_by_hand():
    centers, contexts = we.skipgram_pairs([[0, 1, 2]], window=2)
    assert sorted(zip(centers.tolist(), contexts.tolist())) == [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    contexts, centers = we.cbow_windows([[0, 1, 2]], window=1)
    assert contexts.tolist() == [[1, -1], [0, 2], [1, -1]] and centers.tolist() == [0, 1, 2]


def test_noise_distribution_is_the_three_quarter_power():
    p = we.noise_distribution(np.array([1.0, 16.0]))
    np.testing.assert_allclose(p, np.array([1, 8]) / 9)   # 16^(3/4) = 8


def test_sgns_loss_and_gradients_equal_gradient_tape():
    rng = np.random.default_rng(3)
    w_in, w_out = rng.normal(size=(12, 6)), rng.normal(size=(12, 6))
    c, o, neg = rng.integers(12, size=40), rng.integers(12, size=40), rng.integers(12, size=(40, 4))
    loss, g_h, g_pos, g_neg = we.sgns_loss_and_grads(w_in[c], w_out[o], w_out[neg])
    g_in, g_out = np.zeros_like(w_in), np.zeros_like(w_out)
    np.add.at(g_in, c, g_h)
    np.add.at(g_out, o, g_pos)
    np.add.at(g_out, neg, g_neg)
    tf_loss, tf_g_in, tf_g_out = we.sgns_grads_tf(w_in, w_out, c, o, neg)
    # both in float64: agreement to rounding (~1e-13 on sums of 40 terms)
    np.testing.assert_allclose(loss, tf_loss, rtol=1e-10)
    np.testing.assert_allclose(g_in, tf_g_in, atol=1e-10)
    np.testing.assert_allclose(g_out, tf_g_out, atol=1e-10)


def test_initial_loss_is_k_plus_one_log_two():
    h = np.random.default_rng(0).normal(size=(10, 16))
    loss, *_ = we.sgns_loss_and_grads(h, np.zeros((10, 16)), np.zeros((10, 5, 16)))
    assert loss / 10 == pytest.approx(6 * np.log(2), rel=1e-12)


def test_training_finds_the_topics(page):
    # A margin of 0.4 in mean cosine: the page's run gives 0.63 (skip-gram) and 0.71 (CBOW);
    # one-hot vectors give exactly 0 and untrained random vectors about 0 (|.| < 0.1).
    words, topic_of_word = page["words"], page["topic_of_word"]
    assert we.topic_margin(page["skipgram_vectors"], words, topic_of_word) > 0.4
    cbow = page["vectors"]  # the loop's last model
    assert we.topic_margin(cbow, words, topic_of_word) > 0.4
    assert we.topic_margin(np.eye(len(words)), words, topic_of_word) == pytest.approx(0, abs=1e-12)
    assert abs(we.topic_margin(page["untrained"], words, topic_of_word)) < 0.1
    for word in ("t0w0", "t1w3", "t2w5", "t3w7"):
        neighbours = we.nearest(page["skipgram_vectors"], words, word, k=3)
        assert all(topic_of_word[n] == topic_of_word[word] for n in neighbours)


def test_training_lowers_the_loss(page):
    losses = page["losses"]
    assert losses[-1] < 0.7 * losses[0]


def test_chinese_neighbours_share_the_topic(page):
    # Topic of a Chinese word: the topic of the sentences it occurs in (words in two topics skipped).
    zh_words, vectors = page["zh_words"], page["zh_vectors"]
    topics = {}
    for sentence, topic in zip(page["zh_sentences"], ZH_TOPICS):
        for w in sentence:
            topics.setdefault(w, set()).add(topic)
    topical = [w for w in zh_words if len(topics[w]) == 1]
    same = [topics[we.nearest(vectors, zh_words, w, k=1)[0]] == topics[w] for w in topical]
    # chance is about 1/3 (three topics of similar size); the page's run gives 1.0
    assert len(topical) > 100 and np.mean(same) > 0.9


def test_segment_corpus_drops_punctuation_and_stop_words():
    segmented = we.segment_corpus(ZH_SENTENCES)
    assert segmented[0] == ["今天", "下雨", "出门", "记得", "带伞"]
    assert not any(w in we.STOP_WORDS for s in segmented for w in s)
