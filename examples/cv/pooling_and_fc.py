"""Pooling, flatten and fully connected layers from scratch, checked against TensorFlow.

Max and average pooling (VALID and SAME, any window and stride) equal tf.nn.max_pool2d /
tf.nn.avg_pool2d; global average pooling equals tf.reduce_mean and a fixed fully connected
layer with weights 1/(H W); Flatten is a reshape; Dense is x @ W + b; the parameter count
of a classifier head with Flatten versus global average pooling.

Run it:  python -m examples.cv.pooling_and_fc
"""

# --8<-- [start:pool2d]
import math

import numpy as np
import tensorflow as tf


def pool2d(x, size=2, stride=None, padding="VALID", mode="max"):
    """x: (batch, H, W, C) -> (batch, H_out, W_out, C); every channel is pooled on its own.

    SAME pads with NaN and ignores it, as TensorFlow does: a max never picks padding,
    an average divides by the number of real pixels in the window.
    """
    stride = stride or size  # Keras' default: windows that do not overlap
    n_h, n_w = x.shape[1], x.shape[2]
    if padding == "SAME":
        h_out, w_out = math.ceil(n_h / stride), math.ceil(n_w / stride)
        pad_h = max((h_out - 1) * stride + size - n_h, 0)
        pad_w = max((w_out - 1) * stride + size - n_w, 0)
        x = np.pad(x.astype(float), [(0, 0), (pad_h // 2, pad_h - pad_h // 2),
                                     (pad_w // 2, pad_w - pad_w // 2), (0, 0)],
                   constant_values=np.nan)
    else:
        h_out, w_out = (n_h - size) // stride + 1, (n_w - size) // stride + 1
    windows = np.stack([x[:, i:i + stride * (h_out - 1) + 1:stride,
                          j:j + stride * (w_out - 1) + 1:stride, :]
                        for i in range(size) for j in range(size)])  # (size*size, batch, ...)
    return np.nanmax(windows, axis=0) if mode == "max" else np.nanmean(windows, axis=0)


def global_average_pool(x):
    """(batch, H, W, C) -> (batch, C): one number per channel, the mean of its whole map."""
    return x.mean(axis=(1, 2))
# --8<-- [end:pool2d]


# --8<-- [start:pool_tf]
def pool2d_tf(x, size=2, stride=None, padding="VALID", mode="max"):
    op = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    return op(x.astype(np.float32), ksize=size, strides=stride or size, padding=padding).numpy()
# --8<-- [end:pool_tf]


# --8<-- [start:gap_as_fc]
def gap_as_dense_weights(h, w, c):
    """The (H*W*C, C) weight matrix of a fully connected layer that computes global average
    pooling on the flattened map: weight 1/(H W) from every position of channel k to output k,
    0 everywhere else. Fixed, not learned, and only H*W*C of its H*W*C*C entries are non-zero."""
    weights = np.zeros((h, w, c, c))
    weights[:, :, np.arange(c), np.arange(c)] = 1.0 / (h * w)
    return weights.reshape(h * w * c, c)  # rows in Flatten's order: (h, w, c), c fastest
# --8<-- [end:gap_as_fc]


# --8<-- [start:dense]
def flatten(x):
    """(batch, H, W, C) -> (batch, H*W*C), row-major: the channel index changes fastest."""
    return x.reshape(len(x), -1)


def dense(x, weights, bias):
    """A fully connected layer: every input feature is connected to every output unit."""
    return x @ weights + bias


def head_params(h, w, c, classes, head="flatten"):
    """Parameters of the classifier head on an (h, w, c) feature map."""
    features = h * w * c if head == "flatten" else c  # global average pooling keeps c numbers
    return features * classes + classes
# --8<-- [end:dense]


def _digit():
    from sklearn.datasets import load_digits

    return load_digits().images[0] / 16.0  # the first digit, a 0, as 8x8 in [0, 1]


def plot_pooling(path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    image = _digit()[np.newaxis, :, :, np.newaxis]
    panels = [(image[0, :, :, 0], "input 8x8"),
              (pool2d(image, 2, mode="max")[0, :, :, 0], "max pool 2x2 -> 4x4"),
              (pool2d(image, 2, mode="avg")[0, :, :, 0], "average pool 2x2 -> 4x4"),
              (pool2d(image, 4, mode="max")[0, :, :, 0], "max pool 4x4 -> 2x2")]
    fig, axes = plt.subplots(1, 4, figsize=(6, 3.5), dpi=100)
    for ax, (img, title) in zip(axes, panels):
        ax.imshow(img, cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"pooling-and-fc-digit.png": plot_pooling}


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 7, 7, 3))
    for mode in ("max", "avg"):
        for padding in ("VALID", "SAME"):
            ours, theirs = pool2d(x, 3, 2, padding, mode), pool2d_tf(x, 3, 2, padding, mode)
            print(mode, padding, ours.shape, np.abs(ours - theirs).max() < 1e-6)
    print("GAP == reduce_mean:", np.allclose(global_average_pool(x), tf.reduce_mean(x, axis=[1, 2])))
    print("GAP == fixed dense:", np.allclose(global_average_pool(x), flatten(x) @ gap_as_dense_weights(7, 7, 3)))
    print("VGG-16 head on 7x7x512:", head_params(7, 7, 512, 4096), "parameters for fc6;",
          "global average pooling + 1000 classes:", head_params(7, 7, 512, 1000, head="gap"))


if __name__ == "__main__":
    main()
