"""Object-detection building blocks: IoU, non-maximum suppression, anchors, average precision.

Boxes follow TensorFlow's convention: [y1, x1, y2, x2] with y1 < y2 and x1 < x2 (pixels or
normalised coordinates, as long as all boxes use the same).

Run it:  python -m examples.cv.detection
"""

# --8<-- [start:iou]
import numpy as np
import tensorflow as tf


def box_area(boxes):
    """Area of [y1, x1, y2, x2] boxes; shape (..., 4) -> (...)."""
    return np.maximum(boxes[..., 2] - boxes[..., 0], 0) * np.maximum(boxes[..., 3] - boxes[..., 1], 0)


def iou(boxes_a, boxes_b):
    """Pairwise IoU: (N, 4) and (M, 4) -> (N, M). Disjoint or touching boxes give 0."""
    a, b = np.asarray(boxes_a, float)[:, None, :], np.asarray(boxes_b, float)[None, :, :]
    top_left = np.maximum(a[..., :2], b[..., :2])
    bottom_right = np.minimum(a[..., 2:], b[..., 2:])
    inter = np.prod(np.clip(bottom_right - top_left, 0, None), axis=-1)
    union = box_area(a) + box_area(b) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
# --8<-- [end:iou]


# --8<-- [start:nms]
def nms(boxes, scores, iou_threshold=0.5, max_output_size=None, score_threshold=-np.inf):
    """Greedy non-maximum suppression. Returns the kept indices, best score first.

    Take the highest-scoring box, drop every remaining box whose IoU with it is above
    `iou_threshold`, repeat. Like tf.image.non_max_suppression, a box is dropped when
    IoU > iou_threshold and kept only if score > score_threshold.
    """
    boxes, scores = np.asarray(boxes, float), np.asarray(scores, float)
    order = np.argsort(-scores, kind="stable")
    order = order[scores[order] > score_threshold]
    keep = []
    while order.size and (max_output_size is None or len(keep) < max_output_size):
        best, rest = order[0], order[1:]
        keep.append(int(best))
        order = rest[iou(boxes[best][None], boxes[rest])[0] <= iou_threshold]
    return np.array(keep, dtype=int)
# --8<-- [end:nms]


# --8<-- [start:random_boxes]
def random_boxes(n, seed=0, size=100.0):
    """n random boxes inside a size x size image, with random scores."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(0, size, (n, 2))
    half = rng.uniform(5, 20, (n, 2))
    boxes = np.concatenate([centers - half, centers + half], axis=1).clip(0, size)
    return boxes.astype("float32"), rng.uniform(0, 1, n).astype("float32")
# --8<-- [end:random_boxes]


# --8<-- [start:anchors]
def make_anchors(feature_size, stride, scales, ratios):
    """Anchors for a feature_size x feature_size feature map with the given stride.

    Every cell (i, j) is centred at ((i + 0.5) stride, (j + 0.5) stride) in the image and
    gets one anchor per (scale, ratio): area scale^2, width / height = ratio.
    Returns (feature_size^2 * len(scales) * len(ratios), 4) boxes [y1, x1, y2, x2].
    """
    centers = (np.arange(feature_size) + 0.5) * stride
    cy, cx = np.meshgrid(centers, centers, indexing="ij")
    shapes = np.array([(s / np.sqrt(r), s * np.sqrt(r)) for s in scales for r in ratios])  # (h, w)
    cy, cx = cy.reshape(-1, 1), cx.reshape(-1, 1)  # one row per cell, one column per shape
    h, w = shapes[:, 0], shapes[:, 1]
    return np.stack([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2], axis=-1).reshape(-1, 4)


def match_anchors(anchors, gt_boxes, positive=0.5, negative=0.4):
    """Label each anchor: index of its ground-truth box (positive), -1 background, -2 ignored.

    IoU >= positive: positive; < negative: background; in between: ignored in the loss.
    Each ground-truth box also claims its best anchor, so no object is left without one.
    """
    overlaps = iou(anchors, gt_boxes)  # (anchors, objects)
    best_gt, best_iou = overlaps.argmax(axis=1), overlaps.max(axis=1)
    labels = np.where(best_iou >= positive, best_gt, np.where(best_iou < negative, -1, -2))
    labels[overlaps.argmax(axis=0)] = np.arange(len(gt_boxes))
    return labels
# --8<-- [end:anchors]


# --8<-- [start:ap]
def match_detections(boxes, scores, gt_boxes, iou_threshold=0.5):
    """PASCAL VOC matching for one class in one image: detections in descending score;
    a detection is a true positive if its best-overlapping ground truth has IoU >=
    iou_threshold and was not matched before. Returns (scores sorted, is_true_positive)."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    overlaps = iou(np.asarray(boxes)[order], gt_boxes)
    taken = np.zeros(len(gt_boxes), bool)
    tp = np.zeros(len(order), bool)
    for k, row in enumerate(overlaps):
        j = row.argmax()
        if row[j] >= iou_threshold and not taken[j]:
            tp[k], taken[j] = True, True
    return np.asarray(scores)[order], tp


def precision_recall(tp, num_gt):
    """Precision and recall after each detection (tp sorted by descending score)."""
    hits = np.cumsum(tp)
    return hits / np.arange(1, len(tp) + 1), hits / num_gt


def average_precision(tp, num_gt, method="all-point"):
    """AP of one class from the sorted true-positive flags.

    "all-point": area under the precision envelope (VOC 2010 onwards, COCO uses 101 points);
    "11-point": mean envelope precision at recall 0, 0.1, ..., 1 (VOC 2007);
    "none": sum of (R_k - R_{k-1}) P_k, no envelope (scikit-learn's average_precision_score).
    """
    precision, recall = precision_recall(np.asarray(tp, bool), num_gt)
    if method == "none":
        return float(np.sum(np.diff(recall, prepend=0) * precision))
    envelope = np.maximum.accumulate(precision[::-1])[::-1]  # best precision at recall >= r
    if method == "11-point":
        return float(np.mean([envelope[recall >= r].max() if np.any(recall >= r) else 0
                              for r in np.linspace(0, 1, 11)]))
    return float(np.sum(np.diff(recall, prepend=0) * envelope))
# --8<-- [end:ap]


# --8<-- [start:example]
# One image, class "cat": three cats and five detections (score order).
CAT_GT = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], float)
CAT_DETECTIONS = np.array([
    [0, 0, 10, 9],     # 0.95: on cat 1            -> TP
    [1, 0, 10, 10],    # 0.90: cat 1 again         -> FP (duplicate)
    [20, 20, 25, 25],  # 0.80: a quarter of cat 2  -> FP (IoU 0.25)
    [20, 21, 30, 30],  # 0.70: on cat 2            -> TP
    [41, 40, 50, 50],  # 0.60: on cat 3            -> TP
], float)
CAT_SCORES = np.array([0.95, 0.90, 0.80, 0.70, 0.60])
# --8<-- [end:example]


# --8<-- [start:scene]
def scene(seed=0):
    """Three objects, each covered by a cluster of jittered detections, plus stray ones."""
    rng = np.random.default_rng(seed)
    objects = np.array([[15, 10, 55, 40], [30, 50, 80, 90], [60, 8, 90, 38]], float)
    boxes, scores = [], []
    for obj in objects:
        for _ in range(6):
            boxes.append(obj + rng.normal(0, 2, 4))
            scores.append(rng.uniform(0.5, 0.95))
    for _ in range(3):
        y, x = rng.uniform(0, 80, 2)
        boxes.append([y, x, y + rng.uniform(8, 20), x + rng.uniform(8, 20)])
        scores.append(rng.uniform(0.05, 0.3))
    return objects, np.array(boxes), np.array(scores)
# --8<-- [end:scene]


# --8<-- [start:figure]
def plot_nms(path):
    """Detections before and after NMS (IoU threshold 0.5, score threshold 0.3)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    objects, boxes, scores = scene()
    keep = nms(boxes, scores, iou_threshold=0.5, score_threshold=0.3)
    fig, axes = plt.subplots(1, 2, figsize=(6, 3.5), dpi=100)
    for ax, shown, title in ((axes[0], range(len(boxes)), f"before NMS: {len(boxes)} boxes"),
                             (axes[1], keep, f"after NMS: {len(keep)} boxes")):
        for obj in objects:
            ax.add_patch(Rectangle((obj[1], obj[0]), obj[3] - obj[1], obj[2] - obj[0],
                                   fill=False, ec="black", lw=2, ls="--"))
        for i in shown:
            y1, x1, y2, x2 = boxes[i]
            ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False,
                                   ec=plt.cm.viridis(scores[i]), lw=1.2))
            ax.text(x1, y1 - 1, f"{scores[i]:.2f}", fontsize=6, color=plt.cm.viridis(scores[i]))
        ax.set_xlim(0, 100)
        ax.set_ylim(100, 0)  # image coordinates: y grows downwards
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.text(0.5, 0.02, "dashed: ground truth; colour: score (yellow = high)", ha="center", fontsize=8)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"detection-nms.png": plot_nms}


def main():
    boxes, scores = random_boxes(200, seed=0)
    ours = nms(boxes, scores, iou_threshold=0.5)
    theirs = tf.image.non_max_suppression(boxes, scores, max_output_size=200, iou_threshold=0.5).numpy()
    print(f"NMS keeps {len(ours)} of 200 random boxes; same as TensorFlow: {np.array_equal(ours, theirs)}")
    _, tp = match_detections(CAT_DETECTIONS, CAT_SCORES, CAT_GT)
    print("TP flags:", tp.astype(int))
    for method in ("all-point", "11-point", "none"):
        print(f"AP ({method}): {average_precision(tp, len(CAT_GT), method):.4f}")
    anchors = make_anchors(2, 16, scales=(16, 32), ratios=(0.5, 1, 2))
    print("anchors on a 2x2 map:", anchors.shape)


if __name__ == "__main__":
    main()
