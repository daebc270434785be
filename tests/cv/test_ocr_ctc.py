"""Claims of cv/ocr-and-captcha: digit strings, CTC loss and decoding, edit distance, the trained reader."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import ocr_ctc as ocr
from tests.docharness.plugin import page_namespace

# The page trains the reader once; the tests below assert on that run (same worker).
pytestmark = pytest.mark.xdist_group("cv/ocr-and-captcha.md")
B = ocr.BLANK


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/cv/ocr-and-captcha.md")


# -- data ----------------------------------------------------------------------------
def test_split_is_stratified():
    train_images, test_images, train_labels, test_labels = ocr.split_digits()
    assert len(train_images) == 1347 and len(test_images) == 450
    assert train_images.max() == 1.0 and train_images.min() == 0.0
    all_labels = np.concatenate([train_labels, test_labels])
    for digit in range(10):  # ~180 images per digit: 25 % of them is 45 +- 1
        assert abs(np.sum(test_labels == digit) / np.sum(all_labels == digit) - 0.25) < 0.01


def test_strings_place_the_digits_left_to_right():
    # stand-in images: digit d is a constant block of value (d + 1) / 10, so the image says the label
    images = np.repeat(((np.arange(10) + 1) / 10)[:, None, None], 8, axis=1).repeat(8, axis=2)
    x, y = ocr.make_strings(images, np.arange(10), 200, seed=3)
    assert x.shape == (200, 8, ocr.WIDTH, 1) and y.shape == (200, ocr.MAX_LEN)
    lengths = (y >= 0).sum(axis=1)
    assert set(lengths) == {1, 2, 3, 4, 5}
    for image, label, length in zip(x, y, lengths):
        assert np.all(label[length:] == -1) and np.all(label[:length] >= 0)
        columns = image[0, :, 0]
        values = [v for i, v in enumerate(columns) if v > 0 and (i == 0 or columns[i - 1] != v)]
        # reading the non-empty column runs gives the label (equal neighbours merge only without a gap)
        digits = [round(v * 10) - 1 for v in values]
        assert ocr.collapse(digits, blank=-1) == ocr.collapse(list(label[:length]), blank=-1)
        assert np.count_nonzero(columns) == 8 * length
        inked = np.flatnonzero(columns)
        assert inked[-1] - inked[0] + 1 <= 8 * length + (length - 1)  # gaps of 0 or 1 column
    assert ocr.to_text(np.array([3, 0, 1, -1, -1])) == "301"


# -- decoding ------------------------------------------------------------------------
@pytest.mark.parametrize("path, expected", [
    ([3, 3, B, 3, 1, 1], [3, 3, 1]),   # a blank separates two 3s
    ([3, B, B, 3], [3, 3]),
    ([3, 3, 3], [3]),                  # repeats merge
    ([B, B], []),
    ([B, 7, 7, B], [7]),
    ([1, B, 1, 1, B, 1], [1, 1, 1]),
    ([], []),
])
def test_collapse_merges_repeats_then_drops_blanks(path, expected):
    assert ocr.collapse(path) == expected


def test_greedy_decoders_agree():
    logits = np.random.default_rng(0).normal(size=(64, 15, 11)).astype(np.float32)
    ours = ocr.greedy_decode(logits)
    assert ours == ocr.greedy_decode_tf(logits)
    keras_dense, _ = tf.keras.ops.ctc_decode(logits, sequence_lengths=[15] * 64, strategy="greedy",
                                              mask_index=B)
    assert ours == [[int(s) for s in row if s >= 0] for row in np.asarray(keras_dense[0])]
    # and greedy is argmax then collapse, by hand for the first one
    assert ours[0] == ocr.collapse(list(np.argmax(logits[0], axis=1)))


# -- the CTC loss --------------------------------------------------------------------
@pytest.mark.parametrize("label", [[0], [0, 1], [1, 1], [0, 1, 0], [1, 1, 1]])
def test_forward_algorithm_equals_the_definition(label):
    logits = np.random.default_rng(len(label)).normal(size=(6, 3))
    # both in float64: only summation order differs
    assert ocr.ctc_loss_numpy(logits, label, blank=2) == pytest.approx(
        ocr.ctc_loss_bruteforce(logits, label, blank=2), rel=1e-10)


def test_bruteforce_counts_the_alignments():
    # uniform frames: p(l) = (#paths that collapse to l) / C^T; "01" in 4 frames over {0, 1, -}
    loss = ocr.ctc_loss_bruteforce(np.zeros((4, 3)), [0, 1], blank=2)
    count = sum(ocr.collapse(list(p), blank=2) == [0, 1] for p in itertools.product(range(3), repeat=4))
    assert count == 15
    assert loss == pytest.approx(-np.log(15 / 81))


def test_forward_algorithm_matches_tf_and_keras_on_a_batch():
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(6, 12, 11)).astype(np.float32)
    labels = [[3, 3, 5], [1], [9, 0, 9, 0, 9], [2, 2, 2], [7, 8], [4, 4]]
    padded = np.array([l + [0] * (5 - len(l)) for l in labels])
    lengths = [len(l) for l in labels]
    ours = [ocr.ctc_loss_numpy(lg, l) for lg, l in zip(logits, labels)]
    tf_loss = tf.nn.ctc_loss(padded, logits, lengths, [12] * 6, logits_time_major=False, blank_index=B)
    keras_loss = tf.keras.ops.ctc_loss(padded, logits, lengths, [12] * 6, mask_index=B)
    # float32 log-sum-exp over 12 frames: relative error ~1e-6
    np.testing.assert_allclose(tf_loss.numpy(), ours, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(keras_loss), ours, rtol=1e-5)
    # the Keras loss function used in training reads the -1 padding
    with_minus_one = np.array([l + [-1] * (5 - len(l)) for l in labels])
    np.testing.assert_allclose(ocr.ctc_loss(with_minus_one, tf.constant(logits)).numpy(), ours, rtol=1e-5)


def test_too_few_frames_is_impossible():
    logits = np.random.default_rng(3).normal(size=(4, 11))
    assert ocr.ctc_loss_numpy(logits, [1, 1, 2, 1]) == np.inf   # needs 4 + 1 frames
    assert np.isfinite(ocr.ctc_loss_numpy(logits, [1, 2, 2]))   # needs 3 + 1
    assert np.isinf(ocr.ctc_loss_numpy(logits[:3], [1, 2, 2]))


def test_default_blank_index_is_not_ours():
    logits = np.random.default_rng(5).normal(size=(1, 8, 11)).astype(np.float32)
    right = tf.nn.ctc_loss([[3, 3, 5]], logits, [3], [8], logits_time_major=False, blank_index=B)
    default = tf.nn.ctc_loss([[3, 3, 5]], logits, [3], [8], logits_time_major=False)
    assert float(right[0]) == pytest.approx(ocr.ctc_loss_numpy(logits[0], [3, 3, 5]), rel=1e-5)
    assert float(default[0]) == pytest.approx(ocr.ctc_loss_numpy(logits[0], [3, 3, 5], blank=0), rel=1e-5)
    assert abs(float(right[0]) - float(default[0])) > 0.1


# -- edit distance and CER -----------------------------------------------------------
@pytest.mark.parametrize("a, b, expected", [
    ("kitten", "sitting", 3), ("", "", 0), ("", "12", 2), ("123", "", 3), ("3141", "31415", 1),
    ("1123", "123", 1), ("2718", "2178", 2), ("12345", "54321", 4), ("0", "0", 0),
])
def test_edit_distance_hand_cases(a, b, expected):
    assert ocr.edit_distance(a, b) == expected == ocr.edit_distance(b, a)


def test_edit_distance_matches_tensorflow():
    rng = np.random.default_rng(11)
    for _ in range(40):
        a = list(rng.integers(0, 4, size=rng.integers(0, 7)))
        b = list(rng.integers(0, 4, size=rng.integers(0, 7)))
        assert ocr.edit_distance(a, b) == ocr.edit_distance_tf(a, b)


def test_cer_and_sequence_accuracy_by_hand():
    references = [[1, 2, 3], [4, 5], [6]]
    hypotheses = [[1, 3], [4, 5], [6, 6, 7]]
    # edits 1 + 0 + 2 over 3 + 2 + 1 characters; one string of three read exactly
    assert ocr.character_error_rate(references, hypotheses) == pytest.approx(3 / 6)
    assert ocr.sequence_accuracy(references, hypotheses) == pytest.approx(1 / 3)
    assert ocr.character_error_rate([[1]], [[2, 3, 4]]) == 3  # insertions: CER above 1


# -- the trained reader --------------------------------------------------------------
def test_reader_reads_unseen_handwriting(page):
    # Level: a classifier told where each 8x8 digit is errs on ~3 % (logistic regression, see
    # frameworks/mnist); the reader must also find the digits and count them. Below 0.1 allows
    # about three times that; it measured 0.04. The prior guess is above 1.
    assert page["cer"] < 0.1
    assert page["seq_acc"] > 0.7
    assert page["baseline_cer"] > 0.9 and page["cer"] < page["baseline_cer"] / 10
    assert page["predicted"] == ocr.greedy_decode_tf(page["logits_test"])
    losses = page["history"].history["loss"]
    assert losses[-1] < 0.1 * losses[0]


def test_an_untrained_reader_cannot_read(page):
    untrained = ocr.greedy_decode(ocr.build_reader(seed=0).predict(page["x_test"], verbose=0))
    assert ocr.character_error_rate(page["references"], untrained) > 0.8


def test_reader_shapes():
    reader = ocr.build_reader()
    assert reader.output.shape[1:] == (ocr.WIDTH // 2, ocr.BLANK + 1)
    # enough frames for the longest string with every neighbour repeated: 5 + 4
    assert ocr.WIDTH // 2 >= 2 * ocr.MAX_LEN - 1


def test_main_runs(capsys, monkeypatch):
    # the page already trained the reader; here only main's wiring is under test
    monkeypatch.setattr(ocr, "train_reader", lambda model, *args, **kwargs: None)
    ocr.main()
    out = capsys.readouterr().out
    assert "reader (26059 parameters): CER" in out and "truth" in out
