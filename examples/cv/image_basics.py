"""Images as arrays: shapes (HWC vs CHW), channels, dtypes and value ranges, masks.

Everything in NumPy, checked against the matching TensorFlow op: tf.transpose,
tf.image.rgb_to_grayscale, tf.image.convert_image_dtype, tf.where, tf.boolean_mask.

Run it:  python -m examples.cv.image_basics
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits, load_sample_image


def load_photo(name="china.jpg", step=4):
    """A scikit-learn sample photo (uint8, H x W x 3), keeping every `step`-th pixel."""
    return load_sample_image(name)[::step, ::step]
# --8<-- [end:data]


# --8<-- [start:layout]
def hwc_to_chw(image):
    """(H, W, C) -> (C, H, W): move the channel axis to the front (a view, no copy)."""
    return np.transpose(image, (2, 0, 1))


def chw_to_hwc(image):
    """(C, H, W) -> (H, W, C)."""
    return np.transpose(image, (1, 2, 0))


def nhwc_to_nchw(batch):
    """A batch: (N, H, W, C) -> (N, C, H, W)."""
    return np.transpose(batch, (0, 3, 1, 2))


def nchw_to_nhwc(batch):
    """A batch: (N, C, H, W) -> (N, H, W, C)."""
    return np.transpose(batch, (0, 2, 3, 1))
# --8<-- [end:layout]


# --8<-- [start:channels]
# ITU-R BT.601 luma weights, the ones tf.image.rgb_to_grayscale uses
LUMA = np.array([0.2989, 0.5870, 0.1140])


def to_grayscale(image):
    """(H, W, 3) RGB -> (H, W, 1): a weighted sum over the channel axis."""
    return (image @ LUMA)[..., None]


def rgb_to_bgr(image):
    """Reverse the channel order (OpenCV and Caffe models use BGR)."""
    return image[..., ::-1]
# --8<-- [end:channels]


# --8<-- [start:dtype]
def to_float(image):
    """uint8 in [0, 255] -> float32 in [0, 1]."""
    return image.astype(np.float32) / 255.0


def to_uint8(image):
    """float in [0, 1] -> uint8 in [0, 255], with TF's rule: clip, multiply by 255.5, truncate."""
    return (np.clip(image, 0.0, 1.0) * 255.5).astype(np.uint8)
# --8<-- [end:dtype]


# --8<-- [start:mask]
def disk_mask(height, width, center, radius):
    """A boolean (H, W) mask, True inside the disk."""
    rows, cols = np.mgrid[:height, :width]
    return (rows - center[0]) ** 2 + (cols - center[1]) ** 2 <= radius**2


def sky_mask(image):
    """A boolean mask from a colour rule: blue clearly brighter than red (uint8 RGB input)."""
    red, blue = image[..., 0].astype(int), image[..., 2].astype(int)
    return blue > red + 20


def composite(foreground, background, mask):
    """Foreground where mask is True, background elsewhere (mask broadcast over channels)."""
    return np.where(mask[..., None], foreground, background)


def alpha_blend(foreground, background, alpha):
    """alpha * foreground + (1 - alpha) * background, alpha in [0, 1] of shape (H, W)."""
    alpha = alpha[..., None]
    return alpha * foreground + (1 - alpha) * background


def masked_mean(image, mask):
    """Mean colour of the pixels under the mask: image[mask] has shape (num_true, C)."""
    return image[mask].mean(axis=0)
# --8<-- [end:mask]


# --8<-- [start:figure]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_channels(path):
    """china.jpg, its three channels, a colour-rule mask and a composite."""
    plt = _pyplot()
    photo = load_photo("china.jpg", step=4)
    mask = sky_mask(photo)
    magenta = np.array([255, 0, 255], dtype=np.uint8)
    panels = [("RGB (H, W, 3)", photo, None)]
    for k, name in enumerate("RGB"):
        panels.append((f"channel {k} ({name})", photo[..., k], "gray"))
    panels.append(("mask: blue > red + 20", mask, "gray"))
    panels.append(("np.where(mask, magenta, RGB)", composite(magenta, photo, mask), None))
    fig, axes = plt.subplots(2, 3, figsize=(7, 3.6), dpi=100)
    for ax, (title, image, cmap) in zip(axes.flat, panels):
        ax.imshow(image, cmap=cmap, vmin=0, vmax=255 if image.dtype == np.uint8 else 1,
                  interpolation="nearest")
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"image-basics-channels.png": plot_channels}


def main():
    photo = load_photo()
    print("photo", photo.shape, photo.dtype, photo.min(), photo.max())
    chw = hwc_to_chw(photo)
    print("CHW", chw.shape, "round trip:", np.array_equal(chw_to_hwc(chw), photo),
          "same as tf.transpose:", np.array_equal(chw, tf.transpose(photo, [2, 0, 1]).numpy()))
    digits = load_digits().images
    print("digits", digits.shape, digits.dtype, digits.min(), digits.max())
    mask = sky_mask(photo)
    print(f"sky: {mask.mean():.0%} of the pixels, mean colour {masked_mean(photo, mask).round()}")


if __name__ == "__main__":
    main()
