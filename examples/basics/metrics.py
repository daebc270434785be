"""Classification metrics from scratch: confusion matrix, accuracy, precision, recall, F-beta,
IoU (Jaccard), Cohen's kappa, macro/micro averaging and the zero-division case.

Every function works on integer label arrays with NumPy only; the page and the tests check
each one against scikit-learn (``sklearn.metrics``). The last regions show why metrics must be
accumulated over a whole data set (not averaged per batch) and how Keras' stateful metrics do it.

Run it:  python -m examples.basics.metrics
"""

# --8<-- [start:data]
import numpy as np

# A screening test on 20 people, 5 of whom are ill (label 1).
y_true_bin = np.array([1] * 5 + [0] * 15)
y_pred_bin = np.array([1, 1, 1, 0, 0] + [1] + [0] * 14)

# Three classes (0 = cat, 1 = dog, 2 = bird), 12 images, imbalanced on purpose.
y_true_multi = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
y_pred_multi = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0, 2, 1, 1])
# --8<-- [end:data]


# --8<-- [start:confusion]
def confusion_matrix_np(y_true, y_pred, num_classes=None):
    """C[i, j] = number of samples whose true class is i and predicted class is j."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if num_classes is None:
        num_classes = int(max(y_true.max(), y_pred.max())) + 1
    flat = y_true * num_classes + y_pred  # one bin per (true, predicted) pair
    return np.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)
# --8<-- [end:confusion]


# --8<-- [start:binary]
def safe_divide(numerator, denominator, zero_division=0.0):
    """numerator / denominator, with `zero_division` wherever the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(numerator, denominator).shape, float(zero_division))
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out if out.ndim else float(out)


def binary_counts(y_true, y_pred, pos_label=1):
    """(tp, fp, fn, tn) for one class treated as positive."""
    t, p = np.asarray(y_true) == pos_label, np.asarray(y_pred) == pos_label
    return int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p)), int(np.sum(~t & ~p))


def accuracy(tp, fp, fn, tn):
    return (tp + tn) / (tp + fp + fn + tn)


def precision(tp, fp, zero_division=0.0):
    return safe_divide(tp, tp + fp, zero_division)  # undefined when nothing is predicted positive


def recall(tp, fn, zero_division=0.0):
    return safe_divide(tp, tp + fn, zero_division)  # undefined when there is no actual positive


def fbeta(tp, fp, fn, beta=1.0, zero_division=0.0):
    """F-beta = (1 + b^2) P R / (b^2 P + R), written with counts so it is defined when P is not."""
    b2 = beta**2
    return safe_divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, zero_division)


def jaccard(tp, fp, fn, zero_division=0.0):
    """IoU = |A and B| / |A or B| = tp / (tp + fp + fn)."""
    return safe_divide(tp, tp + fp + fn, zero_division)
# --8<-- [end:binary]


# --8<-- [start:kappa]
def cohen_kappa_np(y_true, y_pred, num_classes=None):
    """kappa = (p_o - p_e) / (1 - p_e): agreement beyond what chance alone would give."""
    cm = confusion_matrix_np(y_true, y_pred, num_classes).astype(float)
    n = cm.sum()
    p_o = np.trace(cm) / n                                # observed agreement (= accuracy)
    p_e = np.sum(cm.sum(axis=1) * cm.sum(axis=0)) / n**2  # agreement expected by chance
    return safe_divide(p_o - p_e, 1.0 - p_e, zero_division=np.nan)
# --8<-- [end:kappa]


# --8<-- [start:averaging]
def per_class_counts(cm):
    """tp, fp, fn per class from a confusion matrix (rows: true, columns: predicted)."""
    tp = np.diag(cm)
    fp = cm.sum(axis=0) - tp  # predicted as the class, but belong elsewhere
    fn = cm.sum(axis=1) - tp  # belong to the class, but predicted elsewhere
    return tp, fp, fn


def average_scores(cm, metric="f1", average="macro", beta=1.0, zero_division=0.0):
    """Precision / recall / F-beta / Jaccard of a multi-class problem, averaged three ways."""
    tp, fp, fn = per_class_counts(cm)
    support = cm.sum(axis=1)
    if average == "micro":  # pool the counts of all classes, then compute once
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    score = {"precision": lambda: precision(tp, fp, zero_division),
             "recall": lambda: recall(tp, fn, zero_division),
             "f1": lambda: fbeta(tp, fp, fn, 1.0, zero_division),
             "fbeta": lambda: fbeta(tp, fp, fn, beta, zero_division),
             "jaccard": lambda: jaccard(tp, fp, fn, zero_division)}[metric]()
    if average == "micro":
        return float(score)
    if average == "macro":  # every class counts the same; NaN (undefined) classes are left out
        return float(np.nanmean(score))
    if average == "weighted":  # weighted by the number of true samples of each class
        return float(np.average(score, weights=support))
    return np.asarray(score)  # average=None: one score per class
# --8<-- [end:averaging]


# --8<-- [start:batches]
def f1_per_batch_vs_global(y_true, y_pred, batch_size):
    """Mean of per-batch F1 scores, and the F1 of the whole set: they are not the same thing."""
    batch_scores = []
    for start in range(0, len(y_true), batch_size):
        tp, fp, fn, _ = binary_counts(y_true[start:start + batch_size], y_pred[start:start + batch_size])
        batch_scores.append(fbeta(tp, fp, fn))
    tp, fp, fn, _ = binary_counts(y_true, y_pred)
    return float(np.mean(batch_scores)), float(fbeta(tp, fp, fn))


def make_rare_positive_data(num_samples=1000, prevalence=0.05, seed=0):
    """Labels with few positives and a noisy classifier's probabilities for them."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(num_samples) < prevalence).astype(int)
    scores = np.clip(0.5 * y_true + rng.normal(0.3, 0.15, num_samples), 0.0, 1.0)
    return y_true, scores
# --8<-- [end:batches]


# --8<-- [start:keras]
def keras_streaming_scores(y_true, scores, batch_size, threshold=0.5):
    """Keras' stateful metrics accumulate counts batch after batch, then compute once."""
    import keras

    metrics = [keras.metrics.Precision(thresholds=threshold), keras.metrics.Recall(thresholds=threshold),
               keras.metrics.F1Score(threshold=threshold)]
    for start in range(0, len(y_true), batch_size):
        t = y_true[start:start + batch_size].reshape(-1, 1).astype("float32")
        s = scores[start:start + batch_size].reshape(-1, 1).astype("float32")
        for metric in metrics:
            metric.update_state(t, s)
    return [float(np.squeeze(metric.result())) for metric in metrics]
# --8<-- [end:keras]


# --8<-- [start:figure]
def plot_confusion_matrix(cm, class_names, path):
    """A confusion matrix as a heat map, with counts and per-row (recall) fractions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.8, 4), dpi=100)
    ax.imshow(cm / cm.sum(axis=1, keepdims=True), cmap="Blues", vmin=0, vmax=1)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            fraction = cm[i, j] / cm[i].sum()
            ax.text(j, i, f"{cm[i, j]}\n({fraction:.0%})", ha="center", va="center",
                    color="white" if fraction > 0.5 else "black")
    ax.set_xticks(range(len(class_names)), class_names)
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("Confusion matrix (row-normalized colours)")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"metrics-confusion-matrix.png": lambda path: plot_confusion_matrix(
    confusion_matrix_np(y_true_multi, y_pred_multi, 3), ["cat", "dog", "bird"], path)}


def main():
    tp, fp, fn, tn = binary_counts(y_true_bin, y_pred_bin)
    print(f"binary: tp={tp} fp={fp} fn={fn} tn={tn}")
    print(f"  accuracy={accuracy(tp, fp, fn, tn):.4f} precision={precision(tp, fp):.4f} "
          f"recall={recall(tp, fn):.4f} F1={fbeta(tp, fp, fn):.4f} F2={fbeta(tp, fp, fn, 2):.4f} "
          f"IoU={jaccard(tp, fp, fn):.4f} kappa={cohen_kappa_np(y_true_bin, y_pred_bin):.4f}")
    cm = confusion_matrix_np(y_true_multi, y_pred_multi, 3)
    print("multi-class confusion matrix:\n", cm)
    for average in ("macro", "micro", "weighted"):
        print(f"  {average:8s} F1 = {average_scores(cm, 'f1', average):.4f}")
    y_true, scores = make_rare_positive_data()
    mean_batch, whole = f1_per_batch_vs_global(y_true, (scores > 0.5).astype(int), 16)
    print(f"rare positives: mean per-batch F1 = {mean_batch:.4f}, F1 of the whole set = {whole:.4f}")


if __name__ == "__main__":
    main()
