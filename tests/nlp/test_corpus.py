"""The project's corpora: sizes, labels, and the known structure of the synthetic corpus."""

from collections import Counter

import numpy as np

from examples.nlp import corpus


def test_chinese_sentences_have_one_topic_label_each():
    assert len(corpus.ZH_SENTENCES) == len(corpus.ZH_TOPICS) == 30
    assert Counter(corpus.ZH_TOPICS) == {"weather": 10, "cooking": 10, "learning": 10}
    assert len(set(corpus.ZH_SENTENCES)) == 30
    assert all(s.endswith("。") for s in corpus.ZH_SENTENCES)


def test_english_sentences():
    assert len(corpus.EN_SENTENCES) == 4 and all(s[0].isupper() for s in corpus.EN_SENTENCES)


def test_topic_corpus_is_deterministic_and_has_its_stated_structure():
    sentences, topic_of_word = corpus.topic_corpus()
    again, _ = corpus.topic_corpus()
    assert sentences == again
    assert len(sentences) == 400 and all(len(s) == 8 for s in sentences)
    assert len(topic_of_word) == 4 * 8 + 4
    for s in sentences:   # every sentence uses the words of one topic only (plus shared words)
        assert len({topic_of_word[w] for w in s} - {-1}) <= 1
    shared = np.mean([topic_of_word[w] == -1 for s in sentences for w in s])
    assert abs(shared - 0.25) < 0.03   # p_shared = 0.25 over 3200 words: sd ~0.008
    assert corpus.topic_corpus(seed=1)[0] != sentences
