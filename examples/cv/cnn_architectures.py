"""Classic CNN architectures counted layer by layer, checked against Keras.

A small walker (`Net`) follows an architecture through its layers and adds up the shape,
the parameters and the multiply-adds (MACs) of each one: LeNet-5, AlexNet, VGG-16,
ResNet-50, MobileNet-224 and DenseNet-121 at the papers' full sizes (never trained here).
Their counts are compared with keras.applications (weights=None) and with the papers.
A bottleneck residual block and a depthwise separable block, with closed-form parameter and
MAC formulas; a small CNN trained on scikit-learn's 8x8 digits, and its feature maps.

Run it:  python -m examples.cv.cnn_architectures
"""

# --8<-- [start:net]
import math

import numpy as np
import tensorflow as tf


class Net:
    """Walks an architecture: tracks the (H, W, C) shape, the parameters and the MACs.

    MACs (multiply-accumulates) count conv and dense layers only, as the papers do; one MAC
    is one multiplication plus one addition, i.e. 2 FLOPs. BatchNorm adds 4 numbers per
    channel: gamma and beta are learned, the moving mean and variance are not, but Keras'
    count_params() counts all 4 (`frozen` counts the latter).
    """

    def __init__(self, h, w, c):
        self.shape, self.params, self.macs, self.frozen = (h, w, c), 0, 0, 0

    def conv(self, filters, k, stride=1, padding="same", bias=True, groups=1):
        h, w, c = self.shape
        if padding == "same":
            h, w = math.ceil(h / stride), math.ceil(w / stride)
        else:
            h, w = (h - k) // stride + 1, (w - k) // stride + 1
        weights = k * k * (c // groups) * filters  # each filter sees c / groups channels
        self.params += weights + (filters if bias else 0)
        self.macs += h * w * weights  # every output position uses every weight once
        self.shape = (h, w, filters)
        return self

    def depthwise(self, k, stride=1, bias=False):
        """One k x k filter per input channel (padding 'same')."""
        h, w, c = self.shape
        h, w = math.ceil(h / stride), math.ceil(w / stride)
        self.params += k * k * c + (c if bias else 0)
        self.macs += h * w * k * k * c
        self.shape = (h, w, c)
        return self

    def bn(self):
        self.params += 4 * self.shape[2]
        self.frozen += 2 * self.shape[2]
        return self

    def pad(self, p):
        h, w, c = self.shape
        self.shape = (h + 2 * p, w + 2 * p, c)
        return self

    def pool(self, k, stride=None, padding="valid"):
        stride = stride or k
        h, w, c = self.shape
        if padding == "same":
            self.shape = (math.ceil(h / stride), math.ceil(w / stride), c)
        else:
            self.shape = ((h - k) // stride + 1, (w - k) // stride + 1, c)
        return self

    def global_pool(self):
        self.shape = (1, 1, self.shape[2])
        return self

    def flatten(self):
        h, w, c = self.shape
        self.shape = (1, 1, h * w * c)
        return self

    def dense(self, units, bias=True):
        c = self.shape[2]
        self.params += c * units + (units if bias else 0)
        self.macs += c * units
        self.shape = (1, 1, units)
        return self

    def branch(self):
        """A new walker that starts at this shape (for shortcuts and dense blocks)."""
        return Net(*self.shape)

    def merge(self, *branches, how="add"):
        """Add the branches' counts; 'add' keeps the shape, 'concat' stacks channels."""
        for b in branches:
            self.params, self.macs, self.frozen = (self.params + b.params, self.macs + b.macs,
                                                   self.frozen + b.frozen)
        h, w, c = branches[0].shape
        self.shape = (h, w, c if how == "add" else self.shape[2] + sum(b.shape[2] for b in branches))
        return self
# --8<-- [end:net]


# --8<-- [start:lenet]
def lenet5():
    """LeNet-5 as usually built today: 32x32x1, full C3, 2x2 average pools, dense output."""
    net = Net(32, 32, 1)
    net.conv(6, 5, padding="valid").pool(2)     # C1: 28x28x6, S2: 14x14x6
    net.conv(16, 5, padding="valid").pool(2)    # C3: 10x10x16, S4: 5x5x16
    net.conv(120, 5, padding="valid")           # C5: 1x1x120
    return net.flatten().dense(84).dense(10)    # F6, output


def lenet5_paper_params():
    """Trainable parameters per layer in LeCun et al. (1998), section II.B.

    S2/S4 subsample with one trainable coefficient and one bias per map. C3 is not fully
    connected: Table I wires its 16 maps to 3, 3, 3, 3, 3, 3, 4, ..., 4 (nine) and 6 of the 6
    S2 maps. The output is 10 RBF units with fixed, hand-chosen weights: not trained.
    """
    c3_inputs = [3] * 6 + [4] * 9 + [6]
    return {"C1": 5 * 5 * 1 * 6 + 6, "S2": 6 * 2, "C3": 5 * 5 * sum(c3_inputs) + 16,
            "S4": 16 * 2, "C5": 5 * 5 * 16 * 120 + 120, "F6": 120 * 84 + 84}


def lenet5_keras():
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((32, 32, 1)),
        layers.Conv2D(6, 5, activation="tanh"), layers.AveragePooling2D(2),
        layers.Conv2D(16, 5, activation="tanh"), layers.AveragePooling2D(2),
        layers.Conv2D(120, 5, activation="tanh"), layers.Flatten(),
        layers.Dense(84, activation="tanh"), layers.Dense(10),
    ], name="lenet5")
# --8<-- [end:lenet]


# --8<-- [start:classics]
def alexnet(groups=2):
    """Krizhevsky et al. (2012). conv2, conv4 and conv5 only see the half of the previous
    layer that lived on the same GPU: groups=2. The input must be 227x227 for the stated
    55x55 output of conv1 (the paper says 224)."""
    net = Net(227, 227, 3)
    net.conv(96, 11, stride=4, padding="valid").pool(3, 2)   # 55x55x96 -> 27x27x96
    net.conv(256, 5, groups=groups).pool(3, 2)               # 27x27x256 -> 13x13x256
    net.conv(384, 3).conv(384, 3, groups=groups).conv(256, 3, groups=groups).pool(3, 2)  # 6x6x256
    return net.flatten().dense(4096).dense(4096).dense(1000)


def vgg16():
    """Simonyan & Zisserman (2015), configuration D: 13 3x3 convs, 5 max pools, 3 FC layers."""
    net = Net(224, 224, 3)
    for filters, repeats in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
        for _ in range(repeats):
            net.conv(filters, 3)
        net.pool(2)
    return net.flatten().dense(4096).dense(4096).dense(1000)


def bottleneck(net, filters, stride=1, projection=False, bias=True):
    """He et al. (2016): 1x1 reduce, 3x3, 1x1 expand (x4), each followed by BN, plus a
    shortcut (a 1x1 projection when the shape changes). Keras puts the stride on the first 1x1."""
    main = net.branch().conv(filters, 1, stride, bias=bias).bn()
    main.conv(filters, 3, bias=bias).bn().conv(4 * filters, 1, bias=bias).bn()
    shortcut = net.branch()
    if projection:
        shortcut.conv(4 * filters, 1, stride, bias=bias).bn()
    return net.merge(main, shortcut, how="add")


def resnet50(bias=True):
    """ResNet-50 as keras.applications builds it (conv biases on, though BN follows)."""
    net = Net(224, 224, 3).pad(3).conv(64, 7, 2, padding="valid", bias=bias).bn()
    net.pad(1).pool(3, 2)                                   # 56x56x64
    for filters, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        bottleneck(net, filters, stride, projection=True, bias=bias)
        for _ in range(blocks - 1):
            bottleneck(net, filters, bias=bias)
    return net.global_pool().dense(1000)


def mobilenet():
    """Howard et al. (2017), 1.0 MobileNet-224: a 3x3 conv, then 13 depthwise separable
    blocks (3x3 depthwise + BN + 1x1 pointwise + BN), global pooling, a 1000-way classifier."""
    net = Net(224, 224, 3).conv(32, 3, 2, bias=False).bn()
    for filters, stride in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                            (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]:
        net.depthwise(3, stride).bn().conv(filters, 1, bias=False).bn()
    return net.global_pool().conv(1000, 1)  # Keras: a 1x1 conv with bias, same as a dense layer


def densenet121(growth=32, blocks=(6, 12, 24, 16)):
    """Huang et al. (2017), DenseNet-BC: each layer is BN-ReLU-1x1(4k)-BN-ReLU-3x3(k) and its
    k new channels are concatenated to its input; transitions halve channels and size."""
    net = Net(224, 224, 3).pad(3).conv(64, 7, 2, padding="valid", bias=False).bn()
    net.pad(1).pool(3, 2)                                    # 56x56x64
    for i, layers in enumerate(blocks):
        for _ in range(layers):
            new = net.branch().bn().conv(4 * growth, 1, bias=False).bn().conv(growth, 3, bias=False)
            net.merge(new, how="concat")
        if i < len(blocks) - 1:
            net.bn().conv(net.shape[2] // 2, 1, bias=False).pool(2)  # compression 0.5
    return net.bn().global_pool().dense(1000)


PAPERS = {  # what each paper reports (parameters; multiply-adds where it reports them)
    "LeNet-5": "60,000 params", "AlexNet": "60 million params", "VGG-16": "138 M params",
    "ResNet-50": "3.8e9 FLOPs (multiply-adds)", "MobileNet-224": "4.2 M params, 569 M mult-adds",
    "DenseNet-121": "no table; about 8 M in Fig. 3",
}
# --8<-- [end:classics]


# --8<-- [start:keras_counts]
def keras_macs(model):
    """MACs of a built Keras model from its own layers: for every layer with a kernel,
    (number of output positions) x (number of kernel weights)."""
    total = 0
    for layer in model.layers:
        if hasattr(layer, "kernel"):
            positions = math.prod(layer.output.shape[1:-1])  # H_out * W_out, or 1 for Dense
            total += positions * math.prod(layer.kernel.shape)
    return total


def keras_counts(build):
    """(all parameters, trainable parameters, MACs) of a model; the model is dropped after."""
    model = build()
    trainable = sum(math.prod(v.shape) for v in model.trainable_weights)
    return model.count_params(), trainable, keras_macs(model)
# --8<-- [end:keras_counts]


# --8<-- [start:alexnet_keras]
def alexnet_keras(groups=2):
    """AlexNet in Keras, for its parameter count (LRN and dropout have no parameters)."""
    layers = tf.keras.layers
    conv = lambda f, k, **kw: layers.Conv2D(f, k, activation="relu", **kw)
    return tf.keras.Sequential([
        tf.keras.Input((227, 227, 3)),
        conv(96, 11, strides=4), layers.MaxPooling2D(3, 2),
        conv(256, 5, padding="same", groups=groups), layers.MaxPooling2D(3, 2),
        conv(384, 3, padding="same"), conv(384, 3, padding="same", groups=groups),
        conv(256, 3, padding="same", groups=groups), layers.MaxPooling2D(3, 2),
        layers.Flatten(), layers.Dense(4096, activation="relu"),
        layers.Dense(4096, activation="relu"), layers.Dense(1000),
    ], name="alexnet")
# --8<-- [end:alexnet_keras]


# --8<-- [start:blocks]
def bottleneck_formula(h, w, c_in, m):
    """Parameters and MACs of a bottleneck block (no conv bias), with a projection shortcut
    when c_in != 4m. Output h x w x 4m, stride 1."""
    weights = c_in * m + 9 * m * m + m * 4 * m + (c_in * 4 * m if c_in != 4 * m else 0)
    bn = 4 * (m + m + 4 * m + (4 * m if c_in != 4 * m else 0))
    return weights + bn, h * w * weights


def bottleneck_keras(h, w, c_in, m):
    layers = tf.keras.layers
    inputs = tf.keras.Input((h, w, c_in))
    x = layers.Conv2D(m, 1, use_bias=False)(inputs)
    x = layers.ReLU()(layers.BatchNormalization()(x))
    x = layers.Conv2D(m, 3, padding="same", use_bias=False)(x)
    x = layers.ReLU()(layers.BatchNormalization()(x))
    x = layers.BatchNormalization()(layers.Conv2D(4 * m, 1, use_bias=False)(x))
    shortcut = inputs
    if c_in != 4 * m:  # the shapes differ: project the input with a 1x1 conv
        shortcut = layers.BatchNormalization()(layers.Conv2D(4 * m, 1, use_bias=False)(inputs))
    outputs = layers.ReLU()(layers.Add()([x, shortcut]))  # y = F(x) + x
    return tf.keras.Model(inputs, outputs, name="bottleneck")


def separable_formula(h, w, c_in, c_out, k=3):
    """(standard conv, depthwise separable conv): (parameters, MACs) of each, no bias."""
    standard = k * k * c_in * c_out
    separable = k * k * c_in + c_in * c_out  # depthwise + pointwise
    return (standard, h * w * standard), (separable, h * w * separable)


def separable_keras(h, w, c_in, c_out, k=3):
    layers = tf.keras.layers
    inputs = tf.keras.Input((h, w, c_in))
    x = layers.DepthwiseConv2D(k, padding="same", use_bias=False)(inputs)  # k x k per channel
    outputs = layers.Conv2D(c_out, 1, use_bias=False)(x)                    # mixes channels
    return tf.keras.Model(inputs, outputs, name="separable")
# --8<-- [end:blocks]


# --8<-- [start:digits]
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def digits_split(seed=0):
    """scikit-learn's 1797 8x8 digits as (N, 8, 8, 1) in [0, 1]; 25 % held out, stratified."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., np.newaxis]
    return train_test_split(x, digits.target, test_size=0.25, random_state=seed,
                            stratify=digits.target)


def digits_cnn(seed=0):
    """LeNet in miniature: conv-pool, conv-pool, dense. About 6 thousand parameters."""
    layers, init = tf.keras.layers, tf.keras.initializers.GlorotUniform
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu", kernel_initializer=init(seed),
                      name="conv1"),                                   # 8x8x16
        layers.MaxPooling2D(),                                         # 4x4x16
        layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=init(seed + 1)),
        layers.MaxPooling2D(),                                         # 2x2x32
        layers.Flatten(),                                              # 128
        layers.Dense(10, kernel_initializer=init(seed + 2)),
    ], name="digits_cnn")


def train_digits_cnn(x_train, y_train, epochs=20, seed=0):
    """Adam on cross-entropy; a seeded tf.data pipeline shuffles, so runs repeat."""
    model = digits_cnn(seed)
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    data = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(len(x_train), seed=seed).batch(32))
    model.fit(data, epochs=epochs, shuffle=False, verbose=0)  # the dataset shuffles
    return model


def logistic_baseline(x_train, y_train, x_test, y_test):
    """Multinomial logistic regression on the 64 raw pixels."""
    flat = lambda x: x.reshape(len(x), -1)
    return LogisticRegression(max_iter=2000).fit(flat(x_train), y_train).score(flat(x_test), y_test)
# --8<-- [end:digits]


# --8<-- [start:feature_maps]
def feature_maps(model, images, layer="conv1"):
    """The activations of one conv layer: (N, H, W, filters)."""
    probe = tf.keras.Model(model.inputs, model.get_layer(layer).output)
    return probe.predict(images, verbose=0)
# --8<-- [end:feature_maps]


def plot_feature_maps(path, model=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_train, x_test, y_train, y_test = digits_split()
    model = model or train_digits_cnn(x_train, y_train)
    image = x_test[:1]
    maps = feature_maps(model, image)[0]  # (8, 8, 16)
    fig = plt.figure(figsize=(6, 3.5), dpi=100)
    grid = fig.add_gridspec(4, 8, left=0.02, right=0.98, top=0.86, bottom=0.02, wspace=0.1, hspace=0.35)
    ax = fig.add_subplot(grid[:, :4])
    ax.imshow(image[0, :, :, 0], cmap="gray_r")
    ax.set_title(f"input (label {y_test[0]})", fontsize=8)
    ax.axis("off")
    top = maps.max()  # one colour scale for all maps: a weak filter looks dark
    for i in range(16):
        ax = fig.add_subplot(grid[i // 4, 4 + i % 4])
        ax.imshow(maps[:, :, i], cmap="viridis", vmin=0, vmax=top)
        ax.set_title(f"filter {i}", fontsize=7, pad=2)
        ax.axis("off")
    fig.suptitle("conv1 of the trained digits CNN: 16 filters -> 16 feature maps (ReLU)", fontsize=9)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"cnn-architectures-feature-maps.png": plot_feature_maps}

def main():
    for name, net in [("LeNet-5", lenet5()), ("AlexNet", alexnet()), ("VGG-16", vgg16()),
                      ("ResNet-50", resnet50()), ("MobileNet-224", mobilenet()),
                      ("DenseNet-121", densenet121())]:
        print(f"{name:13s} {net.params:>12,d} params {net.macs / 1e6:>9,.1f} M MACs   paper: {PAPERS[name]}")
    x_train, x_test, y_train, y_test = digits_split()
    model = train_digits_cnn(x_train, y_train)
    accuracy = np.mean(np.argmax(model.predict(x_test, verbose=0), axis=1) == y_test)
    print(f"digits CNN {accuracy:.3f}, logistic regression {logistic_baseline(x_train, y_train, x_test, y_test):.3f}")


if __name__ == "__main__":
    main()
