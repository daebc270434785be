"""Claims of docs/*/cv/cnn-architectures.md, checked against Keras, TensorFlow's profiler,
the papers' figures and scikit-learn baselines.

The page builds the six full-size models once (VGG-16, ResNet-50, DenseNet-121 and MobileNet
from keras.applications take seconds each) and trains the digits CNN once; the tests below read
that run through page_namespace instead of repeating it. Parameter and MAC counts are integers:
they must be equal, not close. The MAC walker `keras_macs` is itself checked against the float
operations TensorFlow's profiler counts in the traced graph (2 FLOPs per multiply-add).
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.cv import cnn_architectures as ca
from examples.cv.convolution import conv2d
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("cv/cnn-architectures.md")

ANALYTIC = {"LeNet-5": ca.lenet5, "AlexNet": ca.alexnet, "VGG-16": ca.vgg16, "ResNet-50": ca.resnet50,
            "MobileNet-224": ca.mobilenet, "DenseNet-121": ca.densenet121}


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/cv/cnn-architectures.md")


def profiler_flops(model, input_shape, op_types=("Conv2D", "DepthwiseConv2dNative", "MatMul")):
    """Float operations of the given op types in the model's traced graph (TF's profiler)."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    from tensorflow.python.profiler import model_analyzer, option_builder

    function = tf.function(lambda x: model(x)).get_concrete_function(tf.TensorSpec((1, *input_shape)))
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    options["account_type_regexes"] = list(op_types)
    graph = convert_variables_to_constants_v2(function).graph
    return model_analyzer.profile(graph, options=options).total_float_ops


# -- the six architectures -------------------------------------------------------------
def test_every_architecture_equals_keras(page):
    results = page["keras_results"]
    assert set(results) == set(ANALYTIC)
    for name, build in ANALYTIC.items():
        net = build()
        assert (net.params, net.params - net.frozen, net.macs) == results[name], name


def test_keras_reference_counts(page):
    # keras.applications' own counts (stable across Keras 3 releases); a changed builder shows here
    results = page["keras_results"]
    assert results["VGG-16"][0] == 138_357_544
    assert results["ResNet-50"][:2] == (25_636_712, 25_583_592)
    assert results["MobileNet-224"][:2] == (4_253_864, 4_231_976)
    assert results["DenseNet-121"][:2] == (8_062_504, 7_978_856)


def test_lenet5_paper_count_and_the_difference():
    paper = ca.lenet5_paper_params()
    # LeCun et al. 1998, section II.B: C1 156, S2 12, C3 1516, S4 32, C5 48120, F6 10164
    assert paper == {"C1": 156, "S2": 12, "C3": 1516, "S4": 32, "C5": 48120, "F6": 10164}
    assert sum(paper.values()) == 60_000
    assert ca.lenet5().params == 60_000 + (2416 - 1516) - (12 + 32) + 850 == 61_706


def test_paper_figures_within_their_rounding():
    assert round(ca.vgg16().params / 1e6) == 138                   # VGG Table 2, config D
    mobile = ca.mobilenet()
    assert round((mobile.params - mobile.frozen) / 1e5) == 42      # MobileNet Table 8: 4.2 M
    assert round(mobile.macs / 1e6) == 569                         # 569 M mult-adds
    assert abs(ca.resnet50().macs / 3.8e9 - 1) < 0.02              # ResNet Table 1: 3.8e9
    assert abs(ca.alexnet().params / 60e6 - 1) < 0.02              # "60 million parameters"
    dense = ca.densenet121()
    assert 7.9e6 < dense.params - dense.frozen < 8.1e6             # DenseNet Fig. 3: about 8 M


def test_resnet50_without_biases_is_torchvision_count():
    net = ca.resnet50(bias=False)
    assert net.params - net.frozen == 25_557_032  # torchvision.models.resnet50: 25,557,032


def test_alexnet_groups():
    assert ca.alexnet(groups=1).params - ca.alexnet().params == 5 * 5 * 48 * 256 + 3 * 3 * 192 * (384 + 256)
    assert ca.alexnet().shape == (1, 1, 1000)
    assert ca.Net(227, 227, 3).conv(96, 11, 4, padding="valid").shape == (55, 55, 96)
    assert ca.Net(224, 224, 3).conv(96, 11, 4, padding="valid").shape != (55, 55, 96)


def test_lenet5_macs_against_the_profiler():
    model = ca.lenet5_keras()
    assert ca.keras_macs(model) == ca.lenet5().macs
    assert profiler_flops(model, (32, 32, 1)) == 2 * ca.lenet5().macs


# -- blocks -------------------------------------------------------------------------------
@pytest.mark.parametrize("h, w, c_in, m", [(56, 56, 256, 64), (56, 56, 64, 64), (7, 9, 48, 8)])
def test_bottleneck_formula(h, w, c_in, m):
    params, macs = ca.bottleneck_formula(h, w, c_in, m)
    block = ca.bottleneck_keras(h, w, c_in, m)
    assert params == block.count_params()
    assert macs == ca.keras_macs(block)
    assert 2 * macs == profiler_flops(block, (h, w, c_in))
    # and the walker agrees (no conv bias, stride 1)
    net = ca.bottleneck(ca.Net(h, w, c_in), m, projection=c_in != 4 * m, bias=False)
    assert (net.params, net.macs, net.shape) == (params, macs, (h, w, 4 * m))


@pytest.mark.parametrize("h, w, c_in, c_out, k", [(14, 14, 512, 512, 3), (10, 12, 32, 64, 5)])
def test_separable_formula(h, w, c_in, c_out, k):
    (std_params, std_macs), (sep_params, sep_macs) = ca.separable_formula(h, w, c_in, c_out, k)
    block = ca.separable_keras(h, w, c_in, c_out, k)
    assert sep_params == block.count_params()
    assert sep_macs == ca.keras_macs(block) and 2 * sep_macs == profiler_flops(block, (h, w, c_in))
    fused = tf.keras.layers.SeparableConv2D(c_out, k, padding="same", use_bias=False)
    fused.build((None, h, w, c_in))
    assert fused.count_params() == sep_params
    standard = tf.keras.Sequential([tf.keras.Input((h, w, c_in)),
                                    tf.keras.layers.Conv2D(c_out, k, padding="same", use_bias=False)])
    assert (std_params, std_macs) == (standard.count_params(), ca.keras_macs(standard))
    assert sep_params / std_params == pytest.approx(1 / c_out + 1 / k**2, rel=1e-12)
    assert sep_macs / std_macs == pytest.approx(1 / c_out + 1 / k**2, rel=1e-12)


# -- the digits CNN ---------------------------------------------------------------------
def test_digits_cnn_beats_the_baselines(page):
    # Held-out accuracy (450 images). Seeds 0-3 gave 0.980-0.987; logistic regression 0.969.
    assert page["cnn_accuracy"] >= 0.97
    assert page["cnn_accuracy"] > page["logistic_accuracy"] > page["majority_accuracy"]
    assert page["majority_accuracy"] < 0.15


def test_digits_cnn_parameter_count(page):
    model = page["model"]
    conv = lambda k, c_in, c_out: k * k * c_in * c_out + c_out
    assert model.count_params() == conv(3, 1, 16) + conv(3, 16, 32) + (2 * 2 * 32) * 10 + 10 == 6090


def test_feature_maps_are_relu_of_the_numpy_convolution(page):
    # The figure's maps: conv1's activations equal ReLU(conv2d + bias) computed from scratch.
    model, images = page["model"], page["x_test"][:3]
    kernel, bias = (v.numpy() for v in model.get_layer("conv1").weights)
    ours = np.maximum(conv2d(images.astype(float), kernel.astype(float), padding="SAME") + bias, 0)
    np.testing.assert_allclose(ca.feature_maps(model, images), ours, atol=1e-5)  # float32 sums of 9 terms
