"""Data augmentation: flips, 90-degree rotations, crops, translations, brightness and contrast.

Each transform from scratch in NumPy and checked against tf.image; random pipelines with
tf.image's stateless ops and with Keras preprocessing layers; invariants (a flip twice is the
identity, four quarter turns are the identity) and a grid figure on a sample photo.

Run it:  python -m examples.cv.data_augmentation
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_sample_image


def load_flower(step=4):
    """scikit-learn's flower.jpg, every `step`-th pixel, float32 in [0, 1]: (107, 160, 3)."""
    return load_sample_image("flower.jpg")[::step, ::step].astype(np.float32) / 255.0
# --8<-- [end:data]


# --8<-- [start:geometric]
def flip_left_right(image):
    """Mirror the columns (axis 1 of an (H, W, C) image)."""
    return image[:, ::-1]


def flip_up_down(image):
    """Mirror the rows (axis 0)."""
    return image[::-1]


def rot90(image, k=1):
    """Rotate by k quarter turns counter-clockwise: one turn = transpose H and W, then flip rows."""
    for _ in range(k % 4):
        image = np.swapaxes(image, 0, 1)[::-1]
    return image


def crop(image, top, left, height, width):
    """The height x width window whose top-left pixel is (top, left)."""
    return image[top:top + height, left:left + width]


def translate(image, dy, dx):
    """Shift the content down by dy and right by dx pixels (negative: up/left); fill with 0."""
    height, width = image.shape[:2]
    out = np.zeros_like(image)
    out[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
        image[max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return out
# --8<-- [end:geometric]


# --8<-- [start:photometric]
def adjust_brightness(image, delta):
    """Add delta to every value (no clipping, like tf.image.adjust_brightness on floats)."""
    return image + delta


def adjust_contrast(image, factor):
    """Scale each channel's distance from its own mean: (x - mean) * factor + mean."""
    mean = image.mean(axis=(-3, -2), keepdims=True)  # per image and channel
    return (image - mean) * factor + mean
# --8<-- [end:photometric]


# --8<-- [start:random]
def random_augment(image, rng, max_shift=8, max_delta=0.1, contrast=(0.8, 1.2)):
    """One random draw of a typical training pipeline; returns the image in [0, 1]."""
    if rng.random() < 0.5:
        image = flip_left_right(image)
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    image = translate(image, int(dy), int(dx))
    image = adjust_brightness(image, rng.uniform(-max_delta, max_delta))
    image = adjust_contrast(image, rng.uniform(*contrast))
    return np.clip(image, 0.0, 1.0)


def tf_random_augment(image, seed):
    """The same kind of pipeline with tf.image's stateless ops: same seed, same result."""
    seeds = tf.random.experimental.stateless_split(seed, num=4)
    image = tf.image.stateless_random_flip_left_right(image, seeds[0])
    padded = tf.image.pad_to_bounding_box(image, 8, 8, image.shape[0] + 16, image.shape[1] + 16)
    image = tf.image.stateless_random_crop(padded, image.shape, seeds[1])  # a shift of -8..8 pixels
    image = tf.image.stateless_random_brightness(image, 0.1, seeds[2])
    image = tf.image.stateless_random_contrast(image, 0.8, 1.2, seeds[3])
    return tf.clip_by_value(image, 0.0, 1.0)


def make_keras_augmenter(seed=0):
    """Keras preprocessing layers: active when called with training=True (the default in fit)."""
    return tf.keras.Sequential([
        tf.keras.layers.RandomFlip("horizontal", seed=seed),
        tf.keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
        tf.keras.layers.RandomRotation(0.05, fill_mode="constant", seed=seed),
        tf.keras.layers.RandomBrightness(0.1, value_range=(0.0, 1.0), seed=seed),
        tf.keras.layers.RandomContrast(0.2, value_range=(0.0, 1.0), seed=seed),
    ])
# --8<-- [end:random]


# --8<-- [start:figure]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def augmentation_grid(image):
    """(title, image) pairs: the original and one example of each transform."""
    height, width = image.shape[:2]
    return [
        ("original", image),
        ("flip left-right", flip_left_right(image)),
        ("flip up-down", flip_up_down(image)),
        ("rot90, k=1", rot90(image, 1)),
        ("crop", crop(image, 10, 30, 80, 120)),
        ("translate (15, -25)", translate(image, 15, -25)),
        ("brightness +0.25", np.clip(adjust_brightness(image, 0.25), 0, 1)),
        ("contrast x 0.4", np.clip(adjust_contrast(image, 0.4), 0, 1)),
    ]


def plot_grid(path):
    """A 2 x 4 grid of augmentations of flower.jpg, drawn at their true relative sizes."""
    plt = _pyplot()
    panels = augmentation_grid(load_flower())
    fig, axes = plt.subplots(2, 4, figsize=(8, 3.9), dpi=100)
    for ax, (title, image) in zip(axes.flat, panels):
        ax.imshow(image, extent=(0, image.shape[1], image.shape[0], 0), interpolation="nearest")
        ax.set_xlim(0, 160)
        ax.set_ylim(160, 0)
        ax.set_title(f"{title} {image.shape[0]}x{image.shape[1]}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"augmentation-grid.png": plot_grid}


def main():
    image = load_flower()
    print("flower", image.shape)
    print("flip twice = identity:", np.array_equal(flip_left_right(flip_left_right(image)), image))
    print("four quarter turns = identity:", np.array_equal(rot90(image, 4), image),
          "| one turn:", rot90(image).shape)
    print("same as tf.image.rot90:", np.array_equal(rot90(image), tf.image.rot90(image).numpy()))
    out = random_augment(image, np.random.default_rng(0))
    print("random augmentation keeps the shape:", out.shape == image.shape,
          f"range [{out.min():.2f}, {out.max():.2f}]")


if __name__ == "__main__":
    main()
