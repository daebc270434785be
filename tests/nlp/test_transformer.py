"""Claims of docs/*/nlp/transformer.md.

The page trains the Transformer and its uniform-attention twin once; the model tests read
that run. BLEU is checked against the cases worked by hand on the page (exact fractions);
the positional encoding against the formula of Vaswani et al., written out element by element.
"""

import math

import numpy as np
import pytest
from tensorflow import keras

from examples.nlp import transformer as tr
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("nlp/transformer.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/nlp/transformer.md")


# -- positional encoding -------------------------------------------------------------------
@pytest.mark.parametrize("length,d_model", [(50, 32), (7, 6), (128, 512)])
def test_positional_encoding_equals_the_paper_formula(length, d_model):
    pe = tr.positional_encoding(length, d_model)
    expected = np.zeros((length, d_model))
    for pos in range(length):
        for i in range(d_model // 2):
            angle = pos / 10000 ** (2 * i / d_model)
            expected[pos, 2 * i] = math.sin(angle)
            expected[pos, 2 * i + 1] = math.cos(angle)
    np.testing.assert_allclose(pe, expected, atol=1e-12)  # same float64 arithmetic


def test_positional_encoding_shifts_by_a_rotation():
    pe, d_model, k = tr.positional_encoding(60, 16), 16, 7
    omega = 1 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    m = np.zeros((d_model, d_model))
    for j, w in enumerate(omega):
        c, s = math.cos(w * k), math.sin(w * k)
        m[2 * j:2 * j + 2, 2 * j:2 * j + 2] = [[c, s], [-s, c]]
    np.testing.assert_allclose(pe[:-k] @ m.T, pe[k:], atol=1e-12)
    # and every position gets a different code
    distances = np.linalg.norm(pe[:, None] - pe[None], axis=-1)
    assert distances[~np.eye(60, dtype=bool)].min() > 0.1


def test_layer_norm_matches_keras():
    rng = np.random.default_rng(1)
    x, gamma, beta = rng.normal(size=(3, 4, 8)) * 5 + 2, rng.normal(size=8), rng.normal(size=8)
    norm = keras.layers.LayerNormalization(epsilon=1e-6)
    norm.build((None, 8))
    norm.set_weights([gamma, beta])
    # float32 in Keras on values of size ~3: round-off ~1e-6
    np.testing.assert_allclose(tr.layer_norm(x, gamma, beta), norm(x).numpy(), atol=1e-5)


# -- data --------------------------------------------------------------------------------
def test_reversal_data_is_consistent():
    src, dec_in, dec_out = tr.make_reversal_data(200, seed=5)
    lengths = (src != tr.PAD).sum(axis=1)
    assert lengths.min() == 3 and lengths.max() == 8
    for row in range(200):
        text = tr.to_text(src[row])
        assert tr.to_text(dec_out[row]) == text[::-1]
        assert dec_in[row, 0] == tr.BOS and dec_out[row, lengths[row]] == tr.EOS
        # the decoder input is the target shifted right by one (BOS in front, no EOS)
        np.testing.assert_array_equal(dec_in[row, 1:lengths[row] + 1], dec_out[row, :lengths[row]])
        assert np.all(dec_out[row, lengths[row] + 1:] == tr.PAD)
        # padding only on the right: no PAD before a digit
        assert np.all(src[row, :lengths[row]] > tr.EOS)


def test_held_out_strings_are_unseen(page):
    seen = {tr.to_text(row) for row in page["train_data"][0]}
    assert not any(tr.to_text(row) in seen for row in page["test_src"])
    assert len(page["test_src"]) == 558


def test_token_accuracy_counts_digits_and_eos_not_padding():
    target = np.array([[5, 4, tr.EOS, tr.PAD], [3, tr.EOS, tr.PAD, tr.PAD]])
    predicted = np.array([[5, 9, tr.EOS, 7], [3, tr.EOS, 8, 8]])
    assert tr.token_accuracy(predicted, target) == pytest.approx(4 / 5)


# -- the trained models (the page's run) --------------------------------------------------
def test_transformer_reverses_held_out_strings(page):
    assert page["attention_accuracy"] >= 0.95
    assert tr.token_accuracy(page["teacher_forced"], page["test_out"]) >= 0.95
    losses = page["losses"]
    assert losses[-1] < 0.05 * losses[0]


def test_uniform_attention_does_clearly_worse(page):
    # same model, data and epochs; attention weights replaced by uniform ones
    assert page["flat_accuracy"] <= page["attention_accuracy"] - 0.2
    # and it is not just untrained: it learned the short strings partly (bottleneck, not failure)
    lengths = (page["test_out"] > tr.EOS).sum(axis=1)
    short, long = lengths == 3, lengths == 8
    flat = page["flat_greedy"]
    assert tr.token_accuracy(flat[short], page["test_out"][short]) > tr.token_accuracy(flat[long], page["test_out"][long])


def test_an_untrained_transformer_is_far_below_the_threshold(page):
    keras.utils.set_random_seed(1)
    untrained = tr.Transformer()
    predicted = tr.greedy_decode(untrained, page["test_src"][:100])
    assert tr.token_accuracy(predicted, page["test_out"][:100]) < 0.3


def test_greedy_decoding_feeds_back_its_own_tokens(page):
    model, src = page["model"], page["test_src"][:20]
    greedy = tr.greedy_decode(model, src)
    assert greedy.shape == (20, 9)
    # decoding again from the model's own prefix reproduces the next token at every step
    dec_in = np.concatenate([np.full((20, 1), tr.BOS), greedy[:, :-1]], axis=1)
    np.testing.assert_array_equal(np.argmax(model((src, dec_in)).numpy(), axis=-1), greedy)


def test_decoder_is_causal(page):
    # changing a later decoder input must not change earlier predictions
    model, src, dec_in = page["model"], page["test_src"][:8], page["test_in"][:8].copy()
    before = model((src, dec_in)).numpy()
    dec_in[:, 5] = 3
    after = model((src, dec_in)).numpy()
    np.testing.assert_allclose(before[:, :5], after[:, :5], atol=1e-5)
    assert np.abs(before[:, 5:] - after[:, 5:]).max() > 1e-3


def test_source_padding_is_masked(page):
    # extra PAD columns on the source change nothing
    model = page["model"]
    src, dec_in = page["test_src"][:8], page["test_in"][:8]
    wider = np.concatenate([src, np.zeros((8, 3), src.dtype)], axis=1)
    np.testing.assert_allclose(model((src, dec_in)).numpy(), model((wider, dec_in)).numpy(), atol=1e-4)


def test_parameter_count(page):
    d, ff, v = 32, 64, tr.VOCAB
    mha = 4 * (d * d + d)
    ffn = d * ff + ff + ff * d + d
    ln = 2 * d
    expected = v * d + (mha + ffn + 2 * ln) + (2 * mha + ffn + 3 * ln) + d * v + v
    assert page["demo"].count_params() == expected == 22221


def test_corpus_bleu_of_the_models(page):
    assert tr.corpus_bleu(page["hyps"], page["gold"]) > 0.95
    assert tr.corpus_bleu(page["flat_hyps"], page["gold"]) < tr.corpus_bleu(page["hyps"], page["gold"]) - 0.2


# -- BLEU: the hand-worked cases of the page ---------------------------------------------
REF = "the cat is on the mat".split()
CAND = "the cat sat on the mat".split()


def test_bleu_counts_by_hand():
    assert [tr.clipped_counts(CAND, [REF], n) for n in range(1, 5)] == [(5, 6), (3, 5), (1, 4), (0, 3)]
    assert tr.sentence_bleu(CAND, [REF]) == 0.0
    assert tr.sentence_bleu(CAND, [REF], smooth=True) == pytest.approx((5 / 6 * 4 / 6 * 2 / 5 * 1 / 4) ** 0.25, abs=1e-12)


def test_clipping_by_hand():
    refs = [REF, "there is a cat on the mat".split()]
    assert tr.clipped_counts("the the the the the the the".split(), refs, 1) == (2, 7)
    # clipping uses the max over references, not the sum: "a a" against ["a b", "a c"] -> 1 of 2
    assert tr.clipped_counts(["a", "a"], [["a", "b"], ["a", "c"]], 1) == (1, 2)


def test_brevity_penalty_by_hand():
    assert tr.sentence_bleu("the cat is on".split(), [REF]) == pytest.approx(math.exp(1 - 6 / 4), abs=1e-12)
    assert tr.brevity_penalty(7, 6) == 1.0 and tr.brevity_penalty(6, 6) == 1.0
    assert tr.brevity_penalty(3, 6) == pytest.approx(math.exp(-1))
    # the closest reference length is used (ties: the shorter one)
    assert tr.closest_ref_length([0] * 5, [[0] * 4, [0] * 6, [0] * 9]) == 4


def test_corpus_and_sentence_level_differ_by_hand():
    other = "there is a cat on the mat".split()
    cands, refs = [CAND, other], [[REF], [other]]
    assert [tr.sentence_bleu(c, r) for c, r in zip(cands, refs)] == [0.0, 1.0]
    expected = (12 / 13 * 9 / 11 * 6 / 9 * 4 / 7) ** 0.25  # summed counts, c = r = 13
    assert tr.corpus_bleu(cands, refs) == pytest.approx(expected, abs=1e-12)
    assert round(expected, 4) == 0.7324
    # the brevity penalty of a corpus uses the summed lengths: 9 against 12
    short = "on the mat".split()
    smoothed = tr.corpus_bleu([CAND, short], [[REF], [REF]], smooth=True)
    assert smoothed == pytest.approx(math.exp(1 - 12 / 9) * (8 / 9 * 6 / 8 * 3 / 6 * 1 / 4) ** 0.25, abs=1e-12)


def test_identical_sentences_score_one():
    assert tr.sentence_bleu(REF, [REF]) == 1.0
    assert tr.corpus_bleu([REF, REF], [[REF], [REF]]) == 1.0


# -- the cost table -------------------------------------------------------------------------
def test_layer_costs_follow_table_1():
    costs = tr.layer_costs(512, 512)
    assert costs["self-attention"] == costs["recurrent"] == 512**3
    assert tr.layer_costs(32, 512)["recurrent"] == 16 * tr.layer_costs(32, 512)["self-attention"]
    assert tr.layer_costs(4096, 512)["self-attention"] == 8 * tr.layer_costs(4096, 512)["recurrent"]
    assert tr.layer_costs(100, 64, k=5)["convolutional"] == 5 * 100 * 64 * 64


def test_figure_is_written(tmp_path):
    tr.plot_positional_encoding(tmp_path / "pe.png")
    assert (tmp_path / "pe.png").stat().st_size > 5000


def test_main_runs(capsys, monkeypatch):
    calls = []

    def fake_train(data, use_attention=True, **kwargs):
        # the page already trained both models; here only main's wiring is under test
        calls.append(use_attention)
        return tr.Transformer(use_attention=use_attention), None

    monkeypatch.setattr(tr, "train_transformer", fake_train)
    monkeypatch.setattr(tr, "greedy_decode", lambda model, src: np.zeros((len(src), 9), int))
    tr.main()
    assert calls == [True, False]
    assert "BLEU: 0.4855" in capsys.readouterr().out
