"""Claims of docs/*/nlp/text-classification.md.

The page trains the CNN and the LSTM once; the tests below read that run. The margin over the
bag of words (0.3, i.e. 300 of 1,000 held-out sentences) is far above sampling noise: the
bag of words is at chance (std of the accuracy of a coin on 1,000 sentences: 0.016).
"""

import numpy as np
import pytest

from examples.nlp import text_classification as tc
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("nlp/text-classification.md")

MARGIN = 0.3


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/nlp/text-classification.md")


# -- the corpus ------------------------------------------------------------------------
def test_every_review_has_one_not_and_one_sentiment_word():
    texts, labels = tc.make_reviews(500, seed=3)
    for text, label in zip(texts, labels):
        words = text.split()
        assert 6 <= len(words) <= tc.MAX_LEN
        assert words.count("not") == 1
        sentiment = [(i, w) for i, w in enumerate(words) if w in tc.POSITIVE + tc.NEGATIVE]
        assert len(sentiment) == 1
        position, word = sentiment[0]
        negated = position > 0 and words[position - 1] == "not"
        assert label == int((word in tc.POSITIVE) != negated)  # the rule stated on the page


def test_labels_and_negation_are_balanced_and_independent_of_the_words():
    texts, labels = tc.make_reviews(4000, seed=4)
    assert labels.mean() == pytest.approx(0.5, abs=0.03)
    # for every sentiment word, half of its sentences are positive: the word alone says nothing
    for word in tc.POSITIVE + tc.NEGATIVE:
        has = np.array([word in t.split() for t in texts])
        assert labels[has].mean() == pytest.approx(0.5, abs=0.1), word


def test_encode_pads_with_zero_on_the_right():
    ids = tc.encode(["not good", "the movie was not bad"])
    assert ids.shape == (2, tc.MAX_LEN)
    assert ids[0].tolist() == [tc.WORD_ID["not"], tc.WORD_ID["good"]] + [0] * 10
    assert tc.VOCAB[0] == "<pad>" and len(tc.VOCAB) == len(set(tc.VOCAB)) == 30


# -- baselines and models, from the page's run ------------------------------------------
def test_bag_of_words_is_at_chance(page):
    assert 0.4 <= page["bow"] <= 0.6


def test_bigram_bag_of_words_solves_it():
    # the task is local order only: one bigram feature ("not good") decides it
    train_texts, y_train = tc.make_reviews(3000, seed=0)
    test_texts, y_test = tc.make_reviews(1000, seed=1)
    assert tc.bag_of_words_accuracy(train_texts, y_train, test_texts, y_test, (1, 2)) >= 0.99


def test_cnn_beats_the_bag_of_words(page):
    assert page["cnn_accuracy"] >= 0.95
    assert page["cnn_accuracy"] >= page["bow"] + MARGIN


def test_lstm_beats_the_bag_of_words(page):
    assert page["lstm_accuracy"] >= 0.95
    assert page["lstm_accuracy"] >= page["bow"] + MARGIN


def test_untrained_networks_are_at_chance(page):
    # guard: the thresholds above are not met without training
    for build in (tc.build_cnn, tc.build_lstm):
        assert tc.accuracy(build(), page["x_test"], page["y_test"]) < 0.7


def test_parameter_counts(page):
    assert page["cnn"].count_params() == 30 * 16 + 3 * 16 * 32 + 32 + 33 == 2081
    assert page["lstm"].count_params() == 30 * 16 + 4 * ((16 + 32) * 32 + 32) + 33 == 6785


def test_numpy_cnn_matches_keras(page):
    # float32 sums of 48 products and a sigmoid: round-off ~1e-7 on probabilities
    np.testing.assert_allclose(page["probs_np"], page["probs_tf"], atol=1e-5)
    x = tc.encode(["not the movie was good", "the film was so not nice"])
    np.testing.assert_allclose(tc.cnn_forward_numpy(page["cnn"].get_weights(), x),
                               page["cnn"](x).numpy(), atol=1e-5)


def test_probe_sentences_follow_the_negation_rule(page):
    probe = tc.encode(["the movie was really not good", "not the movie was really good",
                       "the movie was really not bad", "not the movie was really bad"])
    for name in ("cnn", "lstm"):
        predicted = (page[name](probe).numpy()[:, 0] > 0.5).astype(int)
        assert predicted.tolist() == [0, 1, 1, 0], name


def test_lstm_mask_skips_padding(page):
    # with mask_zero the prediction does not depend on how much padding follows
    short = tc.encode(["the movie was really not good"], max_len=6)
    long = tc.encode(["the movie was really not good"], max_len=20)
    np.testing.assert_allclose(page["lstm"](short).numpy(), page["lstm"](long).numpy(), atol=1e-5)


def test_figure_is_written(tmp_path):
    tc.plot_bag_vs_windows(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 5000


def test_figure_sentences_share_a_bag_of_words():
    # the figure's claim: same counts, opposite labels under the page's rule
    a, b = "the movie was not good".split(), "not the movie was good".split()
    assert sorted(a) == sorted(b)


def test_main_runs(capsys, monkeypatch):
    trained = []
    # the page already trained both models; here only main's wiring is under test
    monkeypatch.setattr(tc, "train", lambda model, *args, **kwargs: trained.append(model.name))
    tc.main()
    assert trained == ["cnn", "lstm"]
    assert "bag of words: 0.480" in capsys.readouterr().out
