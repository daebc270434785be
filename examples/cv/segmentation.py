"""Semantic segmentation: Dice and IoU, FCN, U-Net, SegNet unpooling, dilated convolution, ASPP.

The task is built so that a pixel threshold cannot solve it: squares, circles and triangles
of the same brightness lie on a textured, noisy background, and only the squares are to be
segmented. The best intensity threshold finds every shape; a tiny U-Net learns which shape
is a square.

Run it:  python -m examples.cv.segmentation
"""

# --8<-- [start:scenes]
import numpy as np
import tensorflow as tf

layers = tf.keras.layers
SHAPES = ("square", "circle", "triangle")


def shape_mask(kind, size, top, left, image_size):
    """A boolean mask with one filled shape whose bounding box is size x size at (top, left)."""
    rows, cols = np.mgrid[:image_size, :image_size]
    r, c = rows - top, cols - left  # coordinates inside the bounding box
    inside = (r >= 0) & (r < size) & (c >= 0) & (c < size)
    if kind == "square":
        return inside
    if kind == "circle":
        centre = (size - 1) / 2
        return (r - centre) ** 2 + (c - centre) ** 2 <= (size / 2) ** 2
    # an isosceles triangle, apex at the top centre, base along the bottom row
    return inside & (np.abs(c - (size - 1) / 2) <= (r + 1) / 2)


def make_scene(rng, image_size=32, n_shapes=(3, 5), sizes=(6, 10), texture=(0.05, 0.15), noise=0.15):
    """One grey image and the mask of its squares; at least one square per scene."""
    occupied = np.zeros((image_size, image_size), bool)
    target = np.zeros((image_size, image_size), bool)
    shapes = np.zeros((image_size, image_size), bool)
    count = rng.integers(n_shapes[0], n_shapes[1] + 1)
    kinds = ["square"] + list(rng.choice(SHAPES, size=count - 1))
    for kind in kinds:
        for _ in range(50):  # rejection sampling: shapes do not touch
            size = rng.integers(sizes[0], sizes[1] + 1)
            top, left = rng.integers(0, image_size - size + 1, size=2)
            mask = shape_mask(kind, size, top, left, image_size)
            box = shape_mask("square", size + 2, top - 1, left - 1, image_size)
            if not (box & occupied).any():
                occupied |= box
                shapes |= mask
                target |= mask if kind == "square" else False
                break
    # texture: a smooth random field (sum of random sinusoids) plus pixel noise
    rows, cols = np.mgrid[:image_size, :image_size] / image_size
    texture = sum(a * np.sin(2 * np.pi * (fr * rows + fc * cols) + ph)
                  for a, fr, fc, ph in zip(rng.uniform(*texture, 3), rng.uniform(-3, 3, 3),
                                           rng.uniform(-3, 3, 3), rng.uniform(0, 2 * np.pi, 3)))
    image = 0.3 + texture + 0.5 * shapes + rng.normal(0, noise, (image_size, image_size))
    return image.astype(np.float32), target.astype(np.float32)


def make_scenes(n, seed=0, **kwargs):
    """n scenes as (n, H, W, 1) images and (n, H, W, 1) masks of the squares."""
    rng = np.random.default_rng(seed)
    images, masks = zip(*(make_scene(rng, **kwargs) for _ in range(n)))
    return np.stack(images)[..., None], np.stack(masks)[..., None]
# --8<-- [end:scenes]


# --8<-- [start:metrics]
def dice_coefficient(y_true, y_pred, eps=1e-7):
    """2|A n B| / (|A| + |B|); with probabilities in y_pred it is the 'soft' Dice."""
    intersection = np.sum(y_true * y_pred)
    return 2 * intersection / (np.sum(y_true) + np.sum(y_pred) + eps)


def iou_score(y_true, y_pred, eps=1e-7):
    """|A n B| / |A u B|, with |A u B| = |A| + |B| - |A n B| (soft when y_pred is a probability)."""
    intersection = np.sum(y_true * y_pred)
    return intersection / (np.sum(y_true) + np.sum(y_pred) - intersection + eps)


def dice_loss(y_true, y_pred, eps=1e-7):
    return 1 - dice_coefficient(y_true, y_pred, eps)


def iou_loss(y_true, y_pred, eps=1e-7):
    return 1 - iou_score(y_true, y_pred, eps)
# --8<-- [end:metrics]


# --8<-- [start:losses_tf]
def dice_loss_tf(y_true, y_pred, eps=1e-7):
    """Soft Dice loss per sample (mean over the batch), differentiable in y_pred."""
    axes = tuple(range(1, len(y_pred.shape)))
    y_true = tf.cast(y_true, y_pred.dtype)
    intersection = tf.reduce_sum(y_true * y_pred, axis=axes)
    total = tf.reduce_sum(y_true, axis=axes) + tf.reduce_sum(y_pred, axis=axes)
    return tf.reduce_mean(1 - 2 * intersection / (total + eps))


def iou_loss_tf(y_true, y_pred, eps=1e-7):
    """Soft IoU (Jaccard) loss per sample (mean over the batch)."""
    axes = tuple(range(1, len(y_pred.shape)))
    y_true = tf.cast(y_true, y_pred.dtype)
    intersection = tf.reduce_sum(y_true * y_pred, axis=axes)
    union = tf.reduce_sum(y_true, axis=axes) + tf.reduce_sum(y_pred, axis=axes) - intersection
    return tf.reduce_mean(1 - intersection / (union + eps))
# --8<-- [end:losses_tf]


# --8<-- [start:threshold]
def best_threshold(images, masks):
    """Search every threshold t (predict 'square' where pixel > t); return (t, Dice) of the best.

    Sorting the pixels makes all cut points one cumulative sum: predicting the k brightest
    pixels gives TP = number of target pixels among them and |prediction| = k.
    """
    x, y = images.ravel(), masks.ravel()
    order = np.argsort(-x, kind="stable")
    tp = np.cumsum(y[order])                      # TP when the k = 1..n brightest are predicted
    k = np.arange(1, len(x) + 1)
    dice = 2 * tp / (k + y.sum())
    dice[:-1][x[order][1:] == x[order][:-1]] = 0  # a cut between equal values is not a threshold
    best = int(np.argmax(dice))
    threshold = x[order][best + 1] if best + 1 < len(x) else -np.inf  # the next value down
    return float(threshold), float(dice[best])
# --8<-- [end:threshold]


# --8<-- [start:unet]
def conv_block(x, filters, seed):
    """Two 3x3 'same' convolutions with ReLU: the unit U-Net repeats at every scale."""
    for i in range(2):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu",
                          kernel_initializer=tf.keras.initializers.HeNormal(seed + i))(x)
    return x


def build_unet(input_shape=(32, 32, 1), filters=(8, 16, 32), seed=0):
    """Encoder (conv block, 2x2 max-pool) -> bottleneck -> decoder (2x2 transposed conv,
    concatenate the encoder features of the same size, conv block) -> 1x1 conv, sigmoid."""
    inputs = tf.keras.Input(input_shape)
    x, skips = inputs, []
    for level, f in enumerate(filters[:-1]):
        x = conv_block(x, f, seed + 10 * level)
        skips.append(x)                        # kept for the skip connection
        x = layers.MaxPooling2D()(x)
    x = conv_block(x, filters[-1], seed + 100)  # bottleneck
    for level, f in reversed(list(enumerate(filters[:-1]))):
        x = layers.Conv2DTranspose(f, 2, strides=2,
                                   kernel_initializer=tf.keras.initializers.HeNormal(seed + 200 + level))(x)
        x = layers.Concatenate()([x, skips[level]])
        x = conv_block(x, f, seed + 300 + 10 * level)
    outputs = layers.Conv2D(1, 1, activation="sigmoid",
                            kernel_initializer=tf.keras.initializers.GlorotUniform(seed + 400))(x)
    return tf.keras.Model(inputs, outputs, name="unet")


def bce_dice_loss(y_true, y_pred):
    """Binary cross-entropy for per-pixel calibration + Dice for the overlap we are scored on."""
    bce = tf.reduce_mean(tf.keras.losses.binary_crossentropy(y_true, y_pred))
    return bce + dice_loss_tf(y_true, y_pred)


def train_unet(model, images, masks, epochs=15, batch_size=16, lr=1e-2, seed=0):
    """Adam with a cosine-decayed learning rate, fed by a seeded tf.data pipeline."""
    steps = epochs * int(np.ceil(len(images) / batch_size))
    schedule = tf.keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps)
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule), loss=bce_dice_loss,
                  steps_per_execution=8)
    dataset = (tf.data.Dataset.from_tensor_slices((images, masks))
               .shuffle(len(images), seed=seed).batch(batch_size).prefetch(tf.data.AUTOTUNE))
    return model.fit(dataset, epochs=epochs, shuffle=False, verbose=0)  # the dataset shuffles


def predict_masks(model, images):
    """Binary masks: probability > 0.5."""
    return (model.predict(images, verbose=0, batch_size=256) > 0.5).astype(np.float32)
# --8<-- [end:unet]


# --8<-- [start:fcn]
def build_fcn(input_shape=(32, 32, 3), num_classes=5, seed=0):
    """FCN's idea in miniature (FCN-8s fuses strides 32, 16 and 8; a 32x32 input stops at 8):
    1x1 convolutions turn features into class scores at strides 8 and 4, a transposed conv
    upsamples the coarse scores x2, a skip connection adds the finer ones, and a second
    transposed conv upsamples x4 back to the input size."""
    init = tf.keras.initializers.HeNormal
    inputs = tf.keras.Input(input_shape)
    x = layers.Conv2D(16, 3, padding="same", activation="relu", kernel_initializer=init(seed))(inputs)
    x = layers.MaxPooling2D()(x)                               # stride 2
    x = layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=init(seed + 1))(x)
    pool4 = layers.MaxPooling2D()(x)                           # stride 4
    x = layers.Conv2D(64, 3, padding="same", activation="relu", kernel_initializer=init(seed + 2))(pool4)
    x = layers.MaxPooling2D()(x)                               # stride 8
    score8 = layers.Conv2D(num_classes, 1, name="score_stride8")(x)   # a 1x1 conv replaces 'fc'
    up2 = layers.Conv2DTranspose(num_classes, 4, strides=2, padding="same", name="up_x2")(score8)
    score4 = layers.Conv2D(num_classes, 1, name="score_stride4")(pool4)
    fused = layers.Add(name="skip_fuse")([up2, score4])       # coarse semantics + finer location
    outputs = layers.Conv2DTranspose(num_classes, 8, strides=4, padding="same", name="up_x4")(fused)
    return tf.keras.Model(inputs, outputs, name="fcn")
# --8<-- [end:fcn]


# --8<-- [start:segnet]
def max_pool_with_argmax(x):
    """2x2/2 max pooling of one (H, W) map; also returns the flat index of each maximum."""
    h, w = x.shape
    windows = x.reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
    k = windows.argmax(axis=-1)                            # 0..3 inside each 2x2 window
    rows = 2 * np.arange(h // 2)[:, None] + k // 2
    cols = 2 * np.arange(w // 2)[None, :] + k % 2
    return windows.max(axis=-1), rows * w + cols


def max_unpool(pooled, argmax, shape):
    """SegNet's decoder upsampling: put each value back where its maximum was, zeros elsewhere."""
    out = np.zeros(int(np.prod(shape)), dtype=pooled.dtype)
    out[argmax.ravel()] = pooled.ravel()
    return out.reshape(shape)


def max_unpool_tf(x):
    """The same with TensorFlow: tf.nn.max_pool_with_argmax, then a scatter (batch of 1)."""
    pooled, argmax = tf.nn.max_pool_with_argmax(x, ksize=2, strides=2, padding="VALID",
                                                include_batch_in_index=True)
    flat = tf.scatter_nd(tf.reshape(argmax, (-1, 1)), tf.reshape(pooled, (-1,)),
                         shape=tf.cast(tf.reshape(tf.size(x), (1,)), tf.int64))
    return pooled, tf.reshape(flat, tf.shape(x))
# --8<-- [end:segnet]


# --8<-- [start:dilated]
def dilated_conv2d(x, kernel, rate):
    """'same' 2-D cross-correlation of one (H, W) map with a (k, k) kernel dilated by `rate`:
    kernel taps are `rate` pixels apart, the effective size is k + (k - 1)(rate - 1)."""
    k = kernel.shape[0]
    pad = rate * (k - 1) // 2
    padded = np.pad(x, pad)
    out = np.zeros_like(x, dtype=float)
    for i in range(k):
        for j in range(k):
            out += kernel[i, j] * padded[i * rate:i * rate + x.shape[0], j * rate:j * rate + x.shape[1]]
    return out
# --8<-- [end:dilated]


# --8<-- [start:aspp]
def build_aspp(input_shape=(8, 8, 32), filters=16, rates=(1, 2, 4), seed=0):
    """Atrous Spatial Pyramid Pooling (DeepLab v3): parallel branches see the same map at
    several scales - a 1x1 conv, 3x3 convs with dilation `rates`, and global image pooling -
    concatenated and mixed by a 1x1 conv. Every branch keeps H x W."""
    init = tf.keras.initializers.HeNormal
    inputs = tf.keras.Input(input_shape)
    branches = [layers.Conv2D(filters, 1, activation="relu", kernel_initializer=init(seed),
                              name="aspp_1x1")(inputs)]
    for i, rate in enumerate(rates):
        branches.append(layers.Conv2D(filters, 3, padding="same", dilation_rate=rate,
                                      activation="relu", kernel_initializer=init(seed + 1 + i),
                                      name=f"aspp_rate{rate}")(inputs))
    pooled = layers.GlobalAveragePooling2D(keepdims=True)(inputs)        # 1 x 1
    pooled = layers.Conv2D(filters, 1, activation="relu", kernel_initializer=init(seed + 9))(pooled)
    branches.append(layers.UpSampling2D(input_shape[:2], name="aspp_image_pool")(pooled))
    x = layers.Concatenate()(branches)
    outputs = layers.Conv2D(filters, 1, activation="relu", kernel_initializer=init(seed + 10),
                            name="aspp_project")(x)
    return tf.keras.Model(inputs, outputs, name="aspp")
# --8<-- [end:aspp]


# --8<-- [start:figures]
def plot_predictions(path, model=None, images=None, masks=None, count=3):
    """Input, ground truth, U-Net prediction and the best threshold's prediction."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if model is None:  # standalone: train the page's U-Net
        x_train, y_train = make_scenes(400, seed=0)
        images, masks = make_scenes(100, seed=1)
        model = build_unet()
        train_unet(model, x_train, y_train)
    threshold, _ = best_threshold(*make_scenes(400, seed=0))
    predicted = predict_masks(model, images[:count])
    columns = [("input", images), ("truth: squares", masks), ("U-Net", predicted),
               ("best threshold", (images > threshold).astype(np.float32))]
    fig, axes = plt.subplots(count, 4, figsize=(6, 3.5 / 3 * count + 0.3), dpi=100)
    for row in range(count):
        for col, (title, data) in enumerate(columns):
            ax = axes[row, col]
            ax.imshow(data[row, ..., 0], cmap="gray", vmin=0 if col else None, vmax=1 if col else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {"segmentation-predictions.png": plot_predictions}


def main():
    x_train, y_train = make_scenes(400, seed=0)
    x_test, y_test = make_scenes(100, seed=1)
    threshold, train_dice = best_threshold(x_train, y_train)
    baseline = dice_coefficient(y_test, (x_test > threshold).astype(np.float32))
    print(f"best threshold {threshold:.3f}: Dice {train_dice:.3f} (train), {baseline:.3f} (held out)")
    model = build_unet()
    train_unet(model, x_train, y_train)
    predicted = predict_masks(model, x_test)
    print(f"U-Net ({model.count_params()} parameters): held-out Dice "
          f"{dice_coefficient(y_test, predicted):.3f}, IoU {iou_score(y_test, predicted):.3f}")


if __name__ == "__main__":
    main()
