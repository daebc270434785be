"""Reading digit strings with CTC: synthetic strings, the CTC loss, greedy decoding, CER.

Strings of 1 to 5 handwritten digits are made by placing scikit-learn's 8x8 digit images
side by side with random gaps. A small convolutional network emits one distribution over
"0".."9" and a blank per column group; CTC trains it without ever being told where each
digit is, and greedy decoding (best path, merge repeats, drop blanks) reads it.

Run it:  python -m examples.cv.ocr_ctc
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

BLANK = 10          # classes 0..9 are the digits, class 10 is the CTC blank
MAX_LEN = 5         # strings have 1..MAX_LEN digits
WIDTH = 48          # every string image is 8 x WIDTH pixels


def split_digits(seed=0):
    """scikit-learn's 8x8 digits in [0, 1], split 75/25: test strings use unseen handwriting."""
    digits = load_digits()
    return train_test_split(digits.images / 16.0, digits.target, test_size=0.25,
                            random_state=seed, stratify=digits.target)


def make_strings(images, labels, n, seed=0, max_len=MAX_LEN, width=WIDTH):
    """n images (n, 8, width, 1) of random digit strings, labels (n, max_len) padded with -1."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 8, width, 1), np.float32)
    y = np.full((n, max_len), -1, np.int32)
    for i in range(n):
        length = rng.integers(1, max_len + 1)
        picks = rng.integers(0, len(images), size=length)
        gaps = rng.integers(0, 2, size=length)            # 0 or 1 empty column after a digit
        used = 8 * length + gaps[:-1].sum()
        col = rng.integers(0, width - used + 1)           # random left margin
        for pick, gap in zip(picks, gaps):
            x[i, :, col:col + 8, 0] = images[pick]
            col += 8 + gap
        y[i, :length] = labels[picks]
    return x, y


def to_text(label_row):
    """A padded label row -> '3141'."""
    return "".join(str(d) for d in label_row if d >= 0)
# --8<-- [end:data]


# --8<-- [start:decode]
def collapse(path, blank=BLANK):
    """CTC's many-to-one map B: merge repeated symbols first, then delete blanks."""
    merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return [s for s in merged if s != blank]


def greedy_decode(logits, blank=BLANK):
    """Best path decoding: the most likely class in every frame, then collapse."""
    return [collapse([int(s) for s in np.argmax(frames, axis=-1)], blank) for frames in np.asarray(logits)]
# --8<-- [end:decode]


# --8<-- [start:decode_tf]
def greedy_decode_tf(logits, blank=BLANK):
    """tf.nn.ctc_greedy_decoder: time-major input, the blank is the last class by default."""
    batch, steps = logits.shape[0], logits.shape[1]
    (decoded,), _ = tf.nn.ctc_greedy_decoder(tf.transpose(logits, (1, 0, 2)),
                                             sequence_length=tf.fill([batch], steps),
                                             blank_index=blank)
    dense = tf.sparse.to_dense(decoded, default_value=-1).numpy()
    return [[int(s) for s in row if s >= 0] for row in dense]
# --8<-- [end:decode_tf]


# --8<-- [start:ctc_bruteforce]
import itertools


def log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def ctc_loss_bruteforce(logits, label, blank=BLANK):
    """The definition: -log of the summed probability of every frame-by-frame path that
    collapses to `label` (C ** T paths: only for tiny T)."""
    probs = np.exp(log_softmax(np.asarray(logits, dtype=np.float64)))
    steps, classes = probs.shape
    total = sum(np.prod(probs[np.arange(steps), path])
                for path in itertools.product(range(classes), repeat=steps)
                if collapse(list(path), blank) == list(label))
    return -np.log(total)
# --8<-- [end:ctc_bruteforce]


# --8<-- [start:ctc_numpy]
def ctc_loss_numpy(logits, label, blank=BLANK):
    """-log p(label | x) for one sequence: logits (T, C), label a list of class ids.

    Forward algorithm over the label with blanks around every symbol,
    z = [b, l1, b, l2, ..., b] (length 2L + 1). alpha[s] sums the probability of every
    path prefix that has read z[:s + 1]. A step may stay on z[s], move to z[s + 1], or
    skip the blank z[s + 1] to land on z[s + 2] when z[s + 2] differs from z[s].
    """
    log_probs = log_softmax(np.asarray(logits, dtype=np.float64))
    z = [blank]
    for symbol in label:
        z += [symbol, blank]
    S = len(z)
    alpha = np.full(S, -np.inf)
    alpha[0] = log_probs[0, blank]
    if S > 1:
        alpha[1] = log_probs[0, z[1]]
    for t in range(1, len(log_probs)):
        stay = alpha
        advance = np.concatenate([[-np.inf], alpha[:-1]])
        skip = np.concatenate([[-np.inf, -np.inf], alpha[:-2]])
        skip[[s for s in range(S) if z[s] == blank or (s >= 2 and z[s] == z[s - 2])]] = -np.inf
        alpha = np.logaddexp(np.logaddexp(stay, advance), skip) + log_probs[t, z]
    return -np.logaddexp(alpha[-1], alpha[-2]) if S > 1 else -alpha[-1]
# --8<-- [end:ctc_numpy]


# --8<-- [start:cer]
def edit_distance(a, b):
    """Levenshtein distance: fewest insertions, deletions and substitutions turning a into b."""
    previous = list(range(len(b) + 1))          # distance from a[:0] to b[:j]
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1,                 # delete ca
                               current[j - 1] + 1,              # insert cb
                               previous[j - 1] + (ca != cb)))   # substitute (or match)
        previous = current
    return previous[-1]


def character_error_rate(references, hypotheses):
    """Total edits over total reference characters (can exceed 1 with many insertions)."""
    edits = sum(edit_distance(r, h) for r, h in zip(references, hypotheses))
    return edits / sum(len(r) for r in references)


def sequence_accuracy(references, hypotheses):
    return float(np.mean([list(r) == list(h) for r, h in zip(references, hypotheses)]))
# --8<-- [end:cer]


# --8<-- [start:cer_tf]
def edit_distance_tf(a, b):
    """tf.edit_distance works on SparseTensors; build them by hand (from_dense would drop 0s)."""
    def sparse(seq):
        return tf.SparseTensor(indices=[[0, i] for i in range(len(seq))] or np.zeros((0, 2), np.int64),
                               values=tf.constant(list(seq), tf.int64), dense_shape=[1, len(seq)])
    return int(tf.edit_distance(sparse(a), sparse(b), normalize=False)[0])
# --8<-- [end:cer_tf]


# --8<-- [start:model]
layers = tf.keras.layers


def build_reader(width=WIDTH, num_classes=BLANK + 1, seed=0):
    """Columns become time steps: conv features of an 8 x width strip -> width / 2 frames,
    each a distribution over the ten digits and the blank (logits)."""
    init = tf.keras.initializers.HeNormal
    inputs = tf.keras.Input((8, width, 1))
    x = layers.Conv2D(16, 3, padding="same", activation="relu", kernel_initializer=init(seed))(inputs)
    x = layers.MaxPooling2D((2, 2))(x)                            # 4 x width/2 x 16
    x = layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=init(seed + 1))(x)
    x = layers.MaxPooling2D((2, 1))(x)                            # 2 x width/2 x 32
    x = layers.Permute((2, 1, 3))(x)                              # width/2 x 2 x 32
    x = layers.Reshape((width // 2, 2 * 32))(x)                   # one 64-vector per frame
    x = layers.Conv1D(64, 5, padding="same", activation="relu", kernel_initializer=init(seed + 2))(x)
    outputs = layers.Dense(num_classes, kernel_initializer=tf.keras.initializers.GlorotUniform(seed + 3))(x)
    return tf.keras.Model(inputs, outputs, name="reader")


def ctc_loss(y_true, y_pred):
    """Keras loss: labels padded with -1, every output sequence uses all its frames."""
    y_true = tf.cast(y_true, tf.int32)
    label_length = tf.reduce_sum(tf.cast(y_true >= 0, tf.int32), axis=1)
    logit_length = tf.fill([tf.shape(y_pred)[0]], tf.shape(y_pred)[1])
    return tf.keras.ops.ctc_loss(tf.maximum(y_true, 0), y_pred, label_length, logit_length,
                                 mask_index=BLANK)


def train_reader(model, x, y, epochs=15, batch_size=32, lr=3e-3, seed=0):
    steps = epochs * int(np.ceil(len(x) / batch_size))
    schedule = tf.keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps)
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule), loss=ctc_loss, steps_per_execution=8)
    dataset = (tf.data.Dataset.from_tensor_slices((x, y))
               .shuffle(len(x), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE))
    return model.fit(dataset, epochs=epochs, shuffle=False, verbose=0)  # the dataset shuffles
# --8<-- [end:model]


# --8<-- [start:figure]
def plot_strings(path, count=6):
    """A few synthetic digit strings with their labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images, _, labels, _ = split_digits()
    x, y = make_strings(images, labels, count, seed=3)
    fig, axes = plt.subplots(count // 2, 2, figsize=(6, 3.5), dpi=100)
    for ax, image, label in zip(axes.ravel(), x, y):
        ax.imshow(image[..., 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f'label "{to_text(label)}"', fontsize=9)
        ax.set_xticks(range(0, WIDTH + 1, 8))
        ax.set_xticklabels([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"ocr-and-captcha-strings.png": plot_strings}


def main():
    train_images, test_images, train_labels, test_labels = split_digits()
    x_train, y_train = make_strings(train_images, train_labels, 1000, seed=0)
    x_test, y_test = make_strings(test_images, test_labels, 300, seed=1)
    model = build_reader()
    train_reader(model, x_train, y_train)
    predicted = greedy_decode(model.predict(x_test, verbose=0))
    references = [[int(d) for d in row if d >= 0] for row in y_test]
    print(f"reader ({model.count_params()} parameters): CER "
          f"{character_error_rate(references, predicted):.3f}, "
          f"sequence accuracy {sequence_accuracy(references, predicted):.3f}")
    for reference, hypothesis in list(zip(references, predicted))[:5]:
        print(f"  truth {to_text(reference):>5}  read {to_text(hypothesis):>5}")


if __name__ == "__main__":
    main()
