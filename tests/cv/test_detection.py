"""Claims of docs/*/cv/detection.md: IoU, NMS, anchors and AP, against TF/Keras/sklearn
and hand-computed values."""

import numpy as np
import pytest
import tensorflow as tf
from keras.utils import bounding_boxes
from sklearn.metrics import average_precision_score

from examples.cv import detection as det


# -- IoU -------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b, expected", [
    ([0, 0, 2, 2], [0, 0, 2, 2], 1.0),
    ([0, 0, 2, 2], [1, 0, 3, 2], 2 / 6),     # intersection 1x2, union 4 + 4 - 2
    ([0, 0, 4, 4], [1, 1, 3, 3], 4 / 16),    # contained
    ([0, 0, 2, 2], [1, 1, 3, 3], 1 / 7),     # corner overlap 1x1, union 4 + 4 - 1
    ([0, 0, 2, 2], [2, 0, 4, 2], 0.0),       # touching edges
    ([0, 0, 2, 2], [5, 5, 6, 6], 0.0),       # disjoint
    ([0, 0, 1, 10], [0, 0, 10, 1], 1 / 19),  # a cross: 1 / (10 + 10 - 1)
])
def test_iou_hand_cases(a, b, expected):
    # exact arithmetic on small integers: float64 rounding only
    assert det.iou(np.array([a]), np.array([b]))[0, 0] == pytest.approx(expected, abs=1e-12)
    assert det.iou(np.array([b]), np.array([a]))[0, 0] == pytest.approx(expected, abs=1e-12)


def test_iou_matches_keras_on_random_boxes():
    a, _ = det.random_boxes(30, seed=3)
    b, _ = det.random_boxes(20, seed=4)
    ours = det.iou(a, b)
    keras_iou = bounding_boxes.compute_iou(a, b, bounding_box_format="yxyx").numpy()
    assert ours.shape == (30, 20)
    assert np.count_nonzero(ours) > 20  # the comparison covers overlapping pairs
    np.testing.assert_allclose(ours, keras_iou, atol=1e-6)  # Keras computes in float32


# -- NMS -------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("iou_threshold", [0.3, 0.5, 0.7])
def test_nms_returns_the_same_indices_as_tensorflow(seed, iou_threshold):
    boxes, scores = det.random_boxes(150, seed=seed)
    for max_output, score_threshold in ((150, float("-inf")), (10, float("-inf")), (150, 0.4)):
        ours = det.nms(boxes, scores, iou_threshold, max_output, score_threshold)
        theirs = tf.image.non_max_suppression(boxes, scores, max_output, iou_threshold,
                                              score_threshold).numpy()
        np.testing.assert_array_equal(ours, theirs)


def test_nms_invariants():
    boxes, scores = det.random_boxes(200, seed=11)
    kept = det.nms(boxes, scores, 0.5)
    overlaps = det.iou(boxes[kept], boxes[kept])
    np.fill_diagonal(overlaps, 0)
    assert overlaps.max() <= 0.5                       # no two kept boxes overlap too much
    assert np.all(np.diff(scores[kept]) <= 0)          # best score first
    dropped = np.setdiff1d(np.arange(200), kept)       # every dropped box has a better kept neighbour
    for i in dropped:
        better = kept[scores[kept] > scores[i]]
        assert det.iou(boxes[i][None], boxes[better]).max() > 0.5
    counts = [len(det.nms(boxes, scores, t)) for t in (0.3, 0.5, 0.7)]
    assert counts[0] < counts[1] < counts[2]          # a higher threshold keeps more


def test_figure_scene_keeps_one_box_per_object():
    objects, boxes, scores = det.scene()
    kept = det.nms(boxes, scores, 0.5, score_threshold=0.3)
    assert len(boxes) == 21 and len(kept) == 3
    best = det.iou(boxes[kept], objects)
    assert sorted(best.argmax(axis=1)) == [0, 1, 2] and best.max(axis=1).min() > 0.7


# -- anchors ---------------------------------------------------------------------------
def test_anchor_shapes_areas_ratios_and_centres():
    scales, ratios, stride, size = (16, 32), (0.5, 1, 2), 16, 3
    anchors = det.make_anchors(size, stride, scales, ratios)
    assert anchors.shape == (size * size * len(scales) * len(ratios), 4)
    h, w = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    per_cell = anchors.reshape(size, size, len(scales) * len(ratios), 4)
    expected_area = np.repeat(np.square(scales), len(ratios)).astype(float)
    expected_ratio = np.tile(ratios, len(scales)).astype(float)
    np.testing.assert_allclose((h * w).reshape(size, size, -1), np.broadcast_to(expected_area, (size, size, 6)))
    np.testing.assert_allclose((w / h).reshape(size, size, -1), np.broadcast_to(expected_ratio, (size, size, 6)))
    centres = (per_cell[..., :2] + per_cell[..., 2:]) / 2   # (i, j, k, (cy, cx))
    grid = (np.arange(size) + 0.5) * stride
    np.testing.assert_allclose(centres[..., 0], np.broadcast_to(grid[:, None, None], (size, size, 6)))
    np.testing.assert_allclose(centres[..., 1], np.broadcast_to(grid[None, :, None], (size, size, 6)))


def test_anchor_matching_rules():
    anchors = det.make_anchors(2, 16, (16, 32), (0.5, 1, 2))
    gt = np.array([[0, 0, 16, 16], [8, 8, 40, 40]], float)
    labels = det.match_anchors(anchors, gt)
    assert np.sum(labels == 0) == 3 and np.sum(labels == 1) == 3 and np.sum(labels == -1) == 18
    # the rules, checked anchor by anchor on random objects
    anchors = det.make_anchors(4, 8, (8, 16), (0.5, 1, 2))
    boxes, _ = det.random_boxes(5, seed=2, size=32)
    labels = det.match_anchors(anchors, boxes)
    overlaps = det.iou(anchors, boxes)
    claimed = set(overlaps.argmax(axis=0).tolist())
    assert {-2, -1}.issubset(set(labels.tolist())) and np.sum(labels >= 0) >= 5
    for k, row in enumerate(overlaps):
        if k in claimed:
            assert labels[k] >= 0
        elif row.max() >= 0.5:
            assert labels[k] == row.argmax()
        elif row.max() < 0.4:
            assert labels[k] == -1
        else:
            assert labels[k] == -2
    # a tiny object that overlaps no anchor well still claims its best anchor
    tiny = np.array([[30, 30, 32, 32]], float)
    assert det.iou(anchors, tiny).max() < 0.4 and np.sum(det.match_anchors(anchors, tiny) == 0) == 1


# -- AP --------------------------------------------------------------------------------
def test_worked_example_matches_the_hand_computation():
    scores, tp = det.match_detections(det.CAT_DETECTIONS, det.CAT_SCORES, det.CAT_GT)
    np.testing.assert_array_equal(tp, [True, False, False, True, True])
    precision, recall = det.precision_recall(tp, 3)
    np.testing.assert_allclose(precision, [1, 1 / 2, 1 / 3, 2 / 4, 3 / 5])
    np.testing.assert_allclose(recall, [1 / 3, 1 / 3, 1 / 3, 2 / 3, 1])
    # by hand (page): (1 + 1/2 + 3/5)/3, (1 + 0.6 + 0.6)/3, (4 * 1 + 7 * 0.6)/11
    assert det.average_precision(tp, 3, "none") == pytest.approx(0.7, abs=1e-12)
    assert det.average_precision(tp, 3, "all-point") == pytest.approx(2.2 / 3, abs=1e-12)
    assert det.average_precision(tp, 3, "11-point") == pytest.approx(8.2 / 11, abs=1e-12)
    # a missed fourth object: recall scaled by 3/4; 11-point (3 + 5 * 0.6) / 11
    assert det.average_precision(tp, 4, "none") == pytest.approx(0.525, abs=1e-12)
    assert det.average_precision(tp, 4, "11-point") == pytest.approx(6 / 11, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_non_interpolated_ap_equals_sklearn_when_every_object_is_found(seed):
    rng = np.random.default_rng(seed)
    scores = rng.uniform(size=40)
    tp = rng.uniform(size=40) < 0.4
    order = np.argsort(-scores)
    ours = det.average_precision(tp[order], num_gt=int(tp.sum()), method="none")
    assert ours == pytest.approx(average_precision_score(tp, scores), abs=1e-12)
    # interpolation can only raise the value
    assert det.average_precision(tp[order], int(tp.sum()), "all-point") >= ours


def test_duplicates_and_poor_localisation_are_false_positives():
    gt = np.array([[0, 0, 10, 10]], float)
    boxes = np.array([[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 4.9]], float)  # last IoU 0.49
    _, tp = det.match_detections(boxes, np.array([0.9, 0.8, 0.95]), gt)
    np.testing.assert_array_equal(tp, [False, True, False])
