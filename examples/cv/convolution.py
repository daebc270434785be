"""2-D convolution from scratch in NumPy, checked against tf.nn.conv2d.

SAME and VALID padding exactly as TensorFlow computes them (the odd extra zero goes after),
stride and dilation, the output-shape formula, the parameter count of a Conv2D layer, the
(batch, H, W, C) shapes of a conv layer applied to a batch of 255x255 RGB images, and an
edge-detection figure.

Run it:  python -m examples.cv.convolution
"""

# --8<-- [start:conv2d]
import math

import numpy as np
import tensorflow as tf


def output_size(n, k, stride=1, dilation=1, padding="VALID"):
    """Output length along one axis (height or width), as TensorFlow computes it."""
    k_eff = (k - 1) * dilation + 1  # a dilated kernel spans this many input pixels
    if padding == "SAME":
        return math.ceil(n / stride)
    return math.ceil((n - k_eff + 1) / stride)  # VALID: = floor((n - k_eff) / stride) + 1


def same_padding(n, k, stride=1, dilation=1):
    """(before, after): the zeros SAME adds along one axis. An odd total puts the extra one after."""
    k_eff = (k - 1) * dilation + 1
    total = max((math.ceil(n / stride) - 1) * stride + k_eff - n, 0)
    return total // 2, total - total // 2


def conv2d(x, w, stride=1, dilation=1, padding="VALID"):
    """x: (batch, H, W, C_in), w: (kh, kw, C_in, C_out) -> (batch, H_out, W_out, C_out).

    Cross-correlation, like tf.nn.conv2d: the kernel is not flipped. No bias.
    """
    kh, kw, c_in, c_out = w.shape
    if padding == "VALID" and min(output_size(x.shape[1], kh, stride, dilation),
                                  output_size(x.shape[2], kw, stride, dilation)) < 1:
        raise ValueError("VALID padding: the (dilated) kernel is larger than the input")
    if padding == "SAME":
        x = np.pad(x, [(0, 0), same_padding(x.shape[1], kh, stride, dilation),
                       same_padding(x.shape[2], kw, stride, dilation), (0, 0)])
    h_out = output_size(x.shape[1], kh, stride, dilation)  # VALID on the padded input
    w_out = output_size(x.shape[2], kw, stride, dilation)
    out = np.zeros((x.shape[0], h_out, w_out, c_out))
    for i in range(kh):
        for j in range(kw):
            # the input pixels that kernel tap (i, j) sees, one per output position
            top, left = i * dilation, j * dilation
            seen = x[:, top:top + stride * (h_out - 1) + 1:stride,
                     left:left + stride * (w_out - 1) + 1:stride, :]
            out += seen @ w[i, j]  # (batch, h_out, w_out, C_in) @ (C_in, C_out)
    return out
# --8<-- [end:conv2d]


# --8<-- [start:conv2d_tf]
def conv2d_tf(x, w, stride=1, dilation=1, padding="VALID", dtype=np.float32):
    """The same convolution with TensorFlow."""
    return tf.nn.conv2d(x.astype(dtype), w.astype(dtype), strides=stride,
                        padding=padding, dilations=dilation).numpy()
# --8<-- [end:conv2d_tf]


# --8<-- [start:params]
def conv_params(kh, kw, c_in, filters, bias=True):
    """Each of the `filters` kernels is kh x kw x c_in, plus one bias per filter."""
    return kh * kw * c_in * filters + (filters if bias else 0)
# --8<-- [end:params]


# --8<-- [start:shapes]
def seed_shapes(batch=32, size=255, channels=3):
    """Output shapes and parameter counts of a few Conv2D layers on (32, 255, 255, 3).

    A symbolic Keras input: shapes are inferred, nothing is computed.
    """
    inputs = tf.keras.Input((size, size, channels), batch_size=batch)
    configs = [dict(filters=64, kernel_size=3, padding="same"),
               dict(filters=64, kernel_size=3, padding="valid"),
               dict(filters=64, kernel_size=3, strides=2, padding="same"),
               dict(filters=16, kernel_size=5, strides=2, padding="valid")]
    rows = []
    for config in configs:
        layer = tf.keras.layers.Conv2D(**config)
        rows.append((config, tuple(layer(inputs).shape), layer.count_params()))
    return rows
# --8<-- [end:shapes]


# --8<-- [start:edges]
from sklearn.datasets import load_sample_images

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)  # responds to vertical edges


def grayscale_sample(step=4):
    """scikit-learn's bundled photo of a temple in China, grey, every `step`-th pixel, in [0, 1]."""
    image = load_sample_images().images[0][::step, ::step] / 255.0
    return image @ np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma


def edge_maps(gray):
    """Two filters in one conv layer: Sobel x and its transpose. Output channels = filters = 2."""
    w = np.stack([SOBEL_X, SOBEL_X.T], axis=-1)[:, :, np.newaxis, :]  # (3, 3, 1, 2)
    return conv2d(gray[np.newaxis, :, :, np.newaxis], w, padding="SAME")[0]
# --8<-- [end:edges]


def plot_edges(path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gray = grayscale_sample()
    edges = edge_maps(gray)
    fig, axes = plt.subplots(1, 3, figsize=(6, 3.5), dpi=100)
    panels = [(gray, "input (1 channel)"), (edges[..., 0], "filter 1: Sobel x"),
              (edges[..., 1], "filter 2: Sobel y")]
    limit = np.percentile(np.abs(edges), 99)  # symmetric colour scale: white = 0
    for ax, (image, title) in zip(axes, panels):
        if image is gray:
            ax.imshow(image, cmap="gray")
        else:
            ax.imshow(image, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.suptitle("A conv layer with 2 filters (3x3x1 each) gives 2 output channels", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"convolution-edges.png": plot_edges}


def main():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 9, 9, 3)), rng.normal(size=(3, 3, 3, 4))
    for padding in ("VALID", "SAME"):
        for stride in (1, 2):
            ours, theirs = conv2d(x, w, stride, padding=padding), conv2d_tf(x, w, stride, padding=padding)
            print(padding, stride, ours.shape, np.abs(ours - theirs).max() < 1e-4)
    for config, shape, params in seed_shapes():
        print(config, shape, params)


if __name__ == "__main__":
    main()
