"""Attention in CNNs: squeeze-and-excitation (channel), spatial attention, CBAM.

Each block is written twice, in NumPy from scratch and as Keras layers, and the two are
compared with the same weights. Feature maps are (batch, H, W, C), as in Keras.

Run it:  python -m examples.cv.attention_in_cv
"""

# --8<-- [start:se_numpy]
import numpy as np
import tensorflow as tf


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def se_numpy(x, w1, b1, w2, b2):
    """Squeeze-and-excitation. x: (N, H, W, C); w1: (C, C/r); w2: (C/r, C).

    squeeze: z = mean over H, W                       (N, C)
    excite:  s = sigmoid(relu(z w1 + b1) w2 + b2)     (N, C), each in (0, 1)
    scale:   x * s, the same weight for every pixel of a channel
    Returns the output and the channel weights s.
    """
    z = x.mean(axis=(1, 2))
    s = sigmoid(np.maximum(z @ w1 + b1, 0) @ w2 + b2)
    return x * s[:, None, None, :], s
# --8<-- [end:se_numpy]


# --8<-- [start:se_keras]
def se_block(channels, ratio=4, seed=0):
    """The same block as a Keras model (C -> C/r -> C)."""
    init = lambda k: tf.keras.initializers.GlorotUniform(seed=seed + k)
    inputs = tf.keras.Input((None, None, channels))
    z = tf.keras.layers.GlobalAveragePooling2D()(inputs)
    h = tf.keras.layers.Dense(channels // ratio, activation="relu", kernel_initializer=init(0))(z)
    s = tf.keras.layers.Dense(channels, activation="sigmoid", kernel_initializer=init(1))(h)
    s = tf.keras.layers.Reshape((1, 1, channels))(s)
    return tf.keras.Model(inputs, tf.keras.layers.Multiply()([inputs, s]), name="se")
# --8<-- [end:se_keras]


# --8<-- [start:spatial_numpy]
def conv2d_same(x, kernel, bias):
    """Stride-1 'same' convolution (cross-correlation, like Keras): x (N, H, W, Cin),
    kernel (k, k, Cin, Cout) with odd k."""
    k = kernel.shape[0]
    pad = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2), (0, 0)))
    n, h, w, _ = x.shape
    out = np.zeros((n, h, w, kernel.shape[-1]))
    for i in range(k):
        for j in range(k):
            out += pad[:, i:i + h, j:j + w, :] @ kernel[i, j]
    return out + bias


def spatial_numpy(x, kernel, bias):
    """CBAM's spatial attention. Pool over channels (mean and max) -> (N, H, W, 2),
    a k x k convolution to one channel, sigmoid: one weight per pixel, shared by all channels."""
    pooled = np.concatenate([x.mean(axis=-1, keepdims=True), x.max(axis=-1, keepdims=True)], axis=-1)
    m = sigmoid(conv2d_same(pooled, kernel, bias))  # (N, H, W, 1)
    return x * m, m
# --8<-- [end:spatial_numpy]


# --8<-- [start:spatial_keras]
class ChannelPool(tf.keras.layers.Layer):
    """Mean and max over the channel axis, stacked: (N, H, W, C) -> (N, H, W, 2)."""

    def call(self, x):
        return tf.concat([tf.reduce_mean(x, axis=-1, keepdims=True),
                          tf.reduce_max(x, axis=-1, keepdims=True)], axis=-1)


def spatial_block(channels, kernel_size=7, seed=0):
    inputs = tf.keras.Input((None, None, channels))
    pooled = ChannelPool()(inputs)
    m = tf.keras.layers.Conv2D(1, kernel_size, padding="same", activation="sigmoid",
                               kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed))(pooled)
    return tf.keras.Model(inputs, tf.keras.layers.Multiply()([inputs, m]), name="spatial")
# --8<-- [end:spatial_keras]


# --8<-- [start:cbam]
def channel_attention_cbam(x, w1, b1, w2, b2):
    """CBAM's channel attention: like SE, but the shared MLP sees both the average- and
    the max-pooled descriptor, and the two outputs are added before the sigmoid."""
    mlp = lambda z: np.maximum(z @ w1 + b1, 0) @ w2 + b2
    s = sigmoid(mlp(x.mean(axis=(1, 2))) + mlp(x.max(axis=(1, 2))))
    return x * s[:, None, None, :], s


def cbam_numpy(x, channel_weights, spatial_weights):
    """CBAM = channel attention, then spatial attention, applied in sequence."""
    x, _ = channel_attention_cbam(x, *channel_weights)
    return spatial_numpy(x, *spatial_weights)[0]


class CBAM(tf.keras.layers.Layer):
    """The same as a Keras layer (Woo et al., 2018): reduction ratio r, k x k spatial conv."""

    def __init__(self, ratio=4, kernel_size=7, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.ratio, self.kernel_size, self.seed = ratio, kernel_size, seed

    def build(self, input_shape):
        c = input_shape[-1]
        init = lambda k: tf.keras.initializers.GlorotUniform(seed=self.seed + k)
        self.hidden = tf.keras.layers.Dense(c // self.ratio, activation="relu", kernel_initializer=init(0))
        self.out = tf.keras.layers.Dense(c, kernel_initializer=init(1))
        self.conv = tf.keras.layers.Conv2D(1, self.kernel_size, padding="same",
                                           activation="sigmoid", kernel_initializer=init(2))
        self.hidden.build((None, c))
        self.out.build((None, c // self.ratio))
        self.conv.build((None, None, None, 2))

    def call(self, x):
        mlp = lambda z: self.out(self.hidden(z))
        s = tf.sigmoid(mlp(tf.reduce_mean(x, axis=[1, 2])) + mlp(tf.reduce_max(x, axis=[1, 2])))
        x = x * s[:, None, None, :]
        pooled = tf.concat([tf.reduce_mean(x, -1, keepdims=True), tf.reduce_max(x, -1, keepdims=True)], -1)
        return x * self.conv(pooled)
# --8<-- [end:cbam]


# --8<-- [start:params]
def se_params(c, r):
    """Two Dense layers with biases: C*C/r + C/r + C/r*C + C."""
    return 2 * c * (c // r) + c // r + c


def spatial_params(k):
    """One k x k conv from 2 pooled maps to 1 map, with a bias."""
    return 2 * k * k + 1
# --8<-- [end:params]


# --8<-- [start:figure]
def plot_attention(path):
    """A feature map, the SE weights per channel, and a spatial attention map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.3, (1, 16, 16, 8))
    x[0, 4:9, 9:14, :] += 2.0   # a bright blob that every channel sees
    x += np.linspace(-1, 1, 8)  # channels of different mean activity
    se = se_block(8, ratio=4, seed=3)
    _, s = se_numpy(x, *se.get_weights())
    # spatial attention with a hand-set kernel: the 3 x 3 mean of both pooled maps, minus 1.5
    kernel = np.zeros((7, 7, 2, 1))
    kernel[2:5, 2:5, :, 0] = 1 / 9
    _, m = spatial_numpy(x, kernel, np.array([-1.5]))
    fig, axes = plt.subplots(1, 3, figsize=(6, 3.5), dpi=100)
    axes[0].imshow(x[0].mean(-1), cmap="gray")
    axes[0].set_title("input (mean of C)", fontsize=9)
    axes[1].bar(range(8), s[0], color="tab:blue")
    axes[1].set_ylim(0, 1)
    axes[1].set_title("SE weight per channel", fontsize=9)
    axes[1].set_xlabel("channel")
    im = axes[2].imshow(m[0, ..., 0], cmap="viridis", vmin=0, vmax=1)
    axes[2].set_title("spatial map (hand-set kernel)", fontsize=9)
    fig.colorbar(im, ax=axes[2], fraction=0.046)
    for ax in (axes[0], axes[2]):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"attention-in-cv-maps.png": plot_attention}


def main():
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 8)).astype("float32")
    se = se_block(8, ratio=4)
    ours, s = se_numpy(x, *se.get_weights())
    print("SE: same as Keras:", np.allclose(ours, se(x).numpy(), atol=1e-5),
          "params:", se.count_params(), "=", se_params(8, 4))
    spatial = spatial_block(8)
    print("spatial: same as Keras:", np.allclose(spatial_numpy(x, *spatial.get_weights())[0],
                                                 spatial(x).numpy(), atol=1e-5),
          "params:", spatial.count_params(), "=", spatial_params(7))


if __name__ == "__main__":
    main()
