"""Resizing images: nearest-neighbour and bilinear interpolation from scratch.

Both are written with TensorFlow 2's half-pixel-centre convention and match
tf.image.resize; then the 256 -> 224 crops of AlexNet-style training (random crop for
training, centre crop for evaluation).

Run it:  python -m examples.cv.resize_interpolation
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits, load_sample_image


def digit_image(index=0):
    """One 8 x 8 digit from scikit-learn, scaled to [0, 1], shape (8, 8, 1)."""
    return (load_digits().images[index] / 16.0).astype(np.float32)[..., None]


def china_image():
    """scikit-learn's china.jpg (427 x 640 x 3, uint8) as float32 in [0, 1]."""
    return load_sample_image("china.jpg").astype(np.float32) / 255.0
# --8<-- [end:data]


# --8<-- [start:nearest]
def nearest_indices(n_in, n_out):
    """Source index of each output pixel: floor((i + 0.5) * n_in / n_out), as TF computes it.

    TF works in float32; doing the same keeps the rare ties (x.5 exactly) on the same side.
    """
    scale = np.float32(n_in) / np.float32(n_out)
    centres = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale
    return np.minimum(np.floor(centres).astype(int), n_in - 1)


def resize_nearest(image, height, width):
    """Nearest-neighbour resize of an (H, W, C) array: every output pixel copies one input pixel."""
    rows = nearest_indices(image.shape[0], height)
    cols = nearest_indices(image.shape[1], width)
    return image[rows][:, cols]
# --8<-- [end:nearest]


# --8<-- [start:bilinear]
def bilinear_weights(n_in, n_out):
    """For each output pixel: the two source pixels around it and the weight of the second.

    Half-pixel centres: output pixel i covers [i, i + 1) in output units; its centre
    i + 0.5 maps to (i + 0.5) * n_in / n_out in input units, i.e. to the continuous
    coordinate (i + 0.5) * n_in / n_out - 0.5 in input pixel indices. Coordinates
    outside [0, n_in - 1] are clamped (the edge pixel is repeated).
    """
    src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    src = np.clip(src, 0, n_in - 1)
    low = np.floor(src).astype(int)
    high = np.minimum(low + 1, n_in - 1)
    return low, high, src - low


def resize_bilinear(image, height, width):
    """Bilinear resize of an (H, W, C) array: interpolate along rows, then along columns."""
    r0, r1, wr = bilinear_weights(image.shape[0], height)
    c0, c1, wc = bilinear_weights(image.shape[1], width)
    rows = image[r0] * (1 - wr)[:, None, None] + image[r1] * wr[:, None, None]
    return rows[:, c0] * (1 - wc)[None, :, None] + rows[:, c1] * wc[None, :, None]
# --8<-- [end:bilinear]


# --8<-- [start:compare]
def compare_with_tf(image, sizes):
    """{(h, w): (max |nearest - TF|, max |bilinear - TF|)} for each output size."""
    errors = {}
    for height, width in sizes:
        tf_nearest = tf.image.resize(image, (height, width), method="nearest").numpy()
        tf_bilinear = tf.image.resize(image, (height, width), method="bilinear").numpy()
        errors[(height, width)] = (
            float(np.abs(resize_nearest(image, height, width) - tf_nearest).max()),
            float(np.abs(resize_bilinear(image, height, width) - tf_bilinear).max()),
        )
    return errors
# --8<-- [end:compare]


# --8<-- [start:crops]
def resize_shorter_side(image, size=256):
    """Scale so that the shorter side is `size`, keeping the aspect ratio (bilinear)."""
    height, width = image.shape[:2]
    scale = size / min(height, width)
    new_size = (round(height * scale), round(width * scale))
    return tf.image.resize(image, new_size, method="bilinear").numpy()


def center_crop(image, size=224):
    """The central size x size window (evaluation)."""
    top = (image.shape[0] - size) // 2
    left = (image.shape[1] - size) // 2
    return image[top:top + size, left:left + size]


def random_crop(image, size, rng):
    """A size x size window at a uniformly random position (training); returns it and its offset."""
    top = int(rng.integers(0, image.shape[0] - size + 1))
    left = int(rng.integers(0, image.shape[1] - size + 1))
    return image[top:top + size, left:left + size], (top, left)


def find_offset(image, crop):
    """Where a crop came from: the (top, left) at which it equals the image, else None."""
    h, w = crop.shape[:2]
    corners = image[:image.shape[0] - h + 1, :image.shape[1] - w + 1]
    # candidates: positions whose pixel equals the crop's top-left pixel; then check the window
    for top, left in np.argwhere(np.all(corners == crop[0, 0], axis=-1)):
        if np.array_equal(image[top:top + h, left:left + w], crop):
            return int(top), int(left)
    return None
# --8<-- [end:crops]


# --8<-- [start:figure]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_interpolation(path):
    """An 8 x 8 digit enlarged to 64 x 64 three ways, and a 1-D row profile."""
    plt = _pyplot()
    digit = digit_image(0)
    big = {"nearest": resize_nearest(digit, 64, 64),
           "bilinear": resize_bilinear(digit, 64, 64),
           "bicubic (TF)": tf.image.resize(digit, (64, 64), method="bicubic").numpy()}
    fig, axes = plt.subplots(1, 5, figsize=(10, 2.4), dpi=100,
                             gridspec_kw={"width_ratios": [1, 1, 1, 1, 1.6]})
    axes[0].imshow(digit[..., 0], cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title("input 8 x 8", fontsize=9)
    for ax, (name, image) in zip(axes[1:4], big.items()):
        ax.imshow(image[..., 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{name} 64 x 64", fontsize=9)
    for ax in axes[:4]:
        ax.set_xticks([])
        ax.set_yticks([])
    row = 3  # input row 3; output rows 24..31 come from it (nearest)
    x_in = (np.arange(8) + 0.5) * 8  # input pixel centres in output coordinates
    axes[4].plot(x_in, digit[row, :, 0], "ko", ms=4, label="input pixels")
    for name, image in big.items():
        axes[4].plot(np.arange(64) + 0.5, image[row * 8 + 4, :, 0], lw=1, label=name)
    axes[4].set_title("row profile", fontsize=9)
    axes[4].set_xlabel("x (output pixels)", fontsize=8)
    axes[4].legend(fontsize=6, loc="upper right")
    axes[4].tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def plot_crops(path):
    """china.jpg: shorter side resized to 256, the centre 224 crop and two random 224 crops."""
    plt = _pyplot()
    resized = resize_shorter_side(china_image(), 256)
    rng = np.random.default_rng(0)
    fig, axes = plt.subplots(1, 4, figsize=(7, 2.2), dpi=100)
    axes[0].imshow(resized[::2, ::2], extent=(-0.5, resized.shape[1] - 0.5, resized.shape[0] - 0.5, -0.5))
    axes[0].set_title(f"resized {resized.shape[0]} x {resized.shape[1]}", fontsize=8)
    top, left = (resized.shape[0] - 224) // 2, (resized.shape[1] - 224) // 2
    boxes = [("centre", top, left, "yellow")]
    for k in range(2):
        _, (t, l) = random_crop(resized, 224, rng)
        boxes.append((f"random {k + 1}", t, l, "cyan"))
    for name, t, l, color in boxes:
        axes[0].add_patch(plt.Rectangle((l - 0.5, t - 0.5), 224, 224, fill=False,
                                        edgecolor=color, lw=1))
    for ax, (name, t, l, _) in zip(axes[1:], boxes):
        ax.imshow(resized[t:t + 224:2, l:l + 224:2])  # every 2nd pixel: the PNG stays small
        ax.set_title(f"{name} at ({t}, {l})", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {
    "interpolation-comparison.png": plot_interpolation,
    "interpolation-crops.png": plot_crops,
}


def main():
    image = china_image()[::2, ::2]
    sizes = [(224, 224), (512, 300), (37, 91)]
    print(f"input {image.shape}: max |from scratch - tf.image.resize|")
    for size, (near, bil) in compare_with_tf(image, sizes).items():
        print(f"  {size}: nearest {near:.1e}, bilinear {bil:.1e}")
    resized = resize_shorter_side(china_image(), 256)
    print("china.jpg", china_image().shape[:2], "->", resized.shape[:2],
          "-> centre crop", center_crop(resized).shape[:2])


if __name__ == "__main__":
    main()
