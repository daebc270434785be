"""Claims of cv/segmentation: Dice and IoU, the threshold baseline, FCN, U-Net, SegNet, dilation, ASPP."""

import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import f1_score, jaccard_score

from examples.cv import segmentation as seg
from tests.docharness.plugin import page_namespace

# The page trains the U-Net once; the tests below assert on that run (same worker).
pytestmark = pytest.mark.xdist_group("cv/segmentation.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/cv/segmentation.md")


# -- the scenes ----------------------------------------------------------------------
def test_shapes_are_the_shapes_they_claim_to_be():
    square = seg.shape_mask("square", 6, 2, 3, 12)
    assert square.sum() == 36 and square[2:8, 3:9].all()
    circle = seg.shape_mask("circle", 9, 0, 0, 12)
    # a disc of radius 4.5 on the pixel grid: area close to pi r^2 (pixel-counting error ~ perimeter/4)
    assert abs(circle.sum() - np.pi * 4.5**2) < 2 * np.pi * 4.5 / 4
    assert not circle[0, 0] and circle[4, 4]
    triangle = seg.shape_mask("triangle", 9, 0, 0, 12)
    assert triangle[0].sum() == 1 and triangle[8].sum() == 9  # apex, full base
    # the triangle covers about half its box, the circle about pi/4 of it
    assert 0.4 < triangle.sum() / 81 < 0.65 and 0.7 < circle.sum() / 81 < 0.9


def test_squares_are_exactly_as_bright_as_the_other_shapes():
    rng = np.random.default_rng(5)
    others = 0
    for _ in range(20):
        # without texture and noise a scene is 0.3 (background) and 0.8 (any shape)
        image, target = seg.make_scene(rng, texture=(0.0, 0.0), noise=0.0)
        np.testing.assert_allclose(np.unique(image), [0.3, 0.8], atol=1e-6)
        assert target.sum() > 0 and np.all(image[target == 1] > 0.5)
        others += np.sum((image > 0.5) & (target == 0))
    assert others > 0  # circles and triangles: same brightness, not in the mask
    images, masks = seg.make_scenes(3, seed=0)
    again, _ = seg.make_scenes(3, seed=0)
    np.testing.assert_array_equal(images, again)  # seeded
    assert images.shape == masks.shape == (3, 32, 32, 1)
    assert set(np.unique(masks)) == {0.0, 1.0}


# -- Dice and IoU --------------------------------------------------------------------
def test_losses_on_hand_computed_cases():
    g = np.array([1.0, 1.0, 0.0, 0.0])
    p = np.array([0.5, 1.0, 0.0, 0.5])
    # intersection 1.5, sums 2 and 2: Dice 3/4, IoU 1.5 / 2.5; eps 1e-7 moves them by ~1e-8
    assert seg.dice_loss(g, p) == pytest.approx(0.25, abs=1e-6)
    assert seg.iou_loss(g, p) == pytest.approx(0.4, abs=1e-6)
    # perfect, disjoint
    assert seg.dice_loss(g, g) == pytest.approx(0.0, abs=1e-6)
    assert seg.iou_loss(g, 1 - g) == pytest.approx(1.0, abs=1e-6)
    # one of two pixels found, none extra: Dice 2*1/(2+1) = 2/3, IoU 1/2
    h = np.array([1.0, 0.0, 0.0, 0.0])
    assert seg.dice_coefficient(g, h) == pytest.approx(2 / 3, abs=1e-6)
    assert seg.iou_score(g, h) == pytest.approx(0.5, abs=1e-6)


def test_hard_dice_and_iou_match_scikit_learn_and_keras():
    rng = np.random.default_rng(0)
    y_true = (rng.random(500) < 0.3).astype(float)
    y_pred = np.where(rng.random(500) < 0.8, y_true, 1 - y_true)
    # on binary masks Dice is F1 and IoU is the Jaccard index (eps only moves the 7th decimal)
    assert seg.dice_coefficient(y_true, y_pred) == pytest.approx(f1_score(y_true, y_pred), abs=1e-6)
    assert seg.iou_score(y_true, y_pred) == pytest.approx(jaccard_score(y_true, y_pred), abs=1e-6)
    binary_iou = tf.keras.metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    binary_iou.update_state(y_true, y_pred)
    assert seg.iou_score(y_true, y_pred) == pytest.approx(float(binary_iou.result()), abs=1e-6)
    dice = seg.dice_coefficient(y_true, y_pred)
    assert seg.iou_score(y_true, y_pred) == pytest.approx(dice / (2 - dice), abs=1e-6)


def test_soft_losses_numpy_tf_and_keras_agree():
    rng = np.random.default_rng(1)
    y_true = (rng.random((4, 8, 8, 1)) < 0.3).astype(np.float32)
    y_pred = rng.random((4, 8, 8, 1)).astype(np.float32)
    per_image_dice = np.mean([seg.dice_loss(t, p) for t, p in zip(y_true, y_pred)])
    per_image_iou = np.mean([seg.iou_loss(t, p) for t, p in zip(y_true, y_pred)])
    # float32 sums of 64 terms: round-off ~1e-6
    assert float(seg.dice_loss_tf(y_true, tf.constant(y_pred))) == pytest.approx(per_image_dice, abs=1e-5)
    assert float(seg.iou_loss_tf(y_true, tf.constant(y_pred))) == pytest.approx(per_image_iou, abs=1e-5)
    # keras.losses.Dice: one Dice over the whole batch by default, per sample with axis
    assert float(tf.keras.losses.Dice()(y_true, y_pred)) == pytest.approx(seg.dice_loss(y_true, y_pred), abs=1e-5)
    assert float(tf.keras.losses.Dice(axis=(1, 2, 3))(y_true, y_pred)) == pytest.approx(per_image_dice, abs=1e-5)


def test_soft_losses_have_the_right_gradient():
    # d(1 - 2I/S)/dp_i = -(2 g_i S - 2I) / S^2 with I = sum p g, S = sum p + sum g
    g = np.array([[1.0, 1.0, 0.0, 0.0]])
    p = tf.Variable([[0.5, 1.0, 0.0, 0.5]])
    with tf.GradientTape() as tape:
        loss = seg.dice_loss_tf(g, p)
    intersection, total = 1.5, 4.0
    expected = -(2 * g * total - 2 * intersection) / total**2
    np.testing.assert_allclose(tape.gradient(loss, p).numpy(), expected, atol=1e-6)


# -- the threshold baseline ----------------------------------------------------------
def test_best_threshold_equals_a_brute_force_search():
    images, masks = seg.make_scenes(20, seed=3)
    threshold, dice = seg.best_threshold(images, masks)
    candidates = np.unique(images)
    brute = [seg.dice_coefficient(masks, (images > t).astype(np.float32), eps=0) for t in candidates[::7]]
    # the cumulative-sum search sees every cut, so it is at least as good as any subset of them
    assert dice >= max(brute) - 1e-9
    assert seg.dice_coefficient(masks, (images > threshold).astype(np.float32), eps=0) == pytest.approx(dice)


def test_threshold_search_handles_ties():
    images = np.array([0.1, 0.5, 0.5, 0.9])
    masks = np.array([0.0, 1.0, 0.0, 1.0])
    threshold, dice = seg.best_threshold(images, masks)
    # cuts: {0.9} -> 2/3, {0.9, 0.5, 0.5} -> 4/5, all -> 4/6; {0.9, one 0.5} would give 1.0,
    # but no threshold splits two equal pixels
    assert dice == pytest.approx(0.8) and 0.1 <= threshold < 0.5


def test_threshold_baseline_is_far_below_the_unet(page):
    assert page["threshold_dice"] < 0.7  # same brightness: a threshold cannot single out squares
    assert page["unet_dice"] >= 0.8
    assert page["unet_dice"] - page["threshold_dice"] >= 0.2
    # and training is what got it there: the untrained network is no better than the threshold
    untrained = seg.predict_masks(seg.build_unet(seed=0), page["x_test"])
    assert seg.dice_coefficient(page["y_test"], untrained) < page["threshold_dice"]
    losses = page["history"].history["loss"]
    assert losses[-1] < 0.3 * losses[0]


# -- architectures -------------------------------------------------------------------
def test_fcn_scores_and_upsamples_to_the_input_size():
    fcn = seg.build_fcn(input_shape=(32, 32, 3), num_classes=5)
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in fcn.layers}
    assert shapes["score_stride8"] == (4, 4, 5) and shapes["score_stride4"] == (8, 8, 5)
    assert shapes["up_x2"] == (8, 8, 5) and shapes["up_x4"] == (32, 32, 5)
    # fully convolutional: any input that is a multiple of 8 works
    assert seg.build_fcn(input_shape=(48, 64, 3)).output.shape[1:] == (48, 64, 5)


def test_unet_shapes_and_parameter_count():
    unet = seg.build_unet()
    assert unet.output.shape[1:] == (32, 32, 1)
    concat = [layer for layer in unet.layers if isinstance(layer, tf.keras.layers.Concatenate)]
    # decoder channels (transposed conv) + encoder channels of the same level
    assert [tuple(c.output.shape[1:]) for c in concat] == [(16, 16, 32), (32, 32, 16)]
    # two 3x3 convs per block: 9*c_in*c_out + c_out each; transposed 2x2 convs; 1x1 head
    conv = lambda cin, cout: 9 * cin * cout + cout
    expected = (conv(1, 8) + conv(8, 8) + conv(8, 16) + conv(16, 16) + conv(16, 32) + conv(32, 32)
                + (4 * 32 * 16 + 16) + conv(32, 16) + conv(16, 16)
                + (4 * 16 * 8 + 8) + conv(16, 8) + conv(8, 8) + (8 + 1))
    assert unet.count_params() == expected == 29321


def test_max_unpool_matches_tensorflow():
    rng = np.random.default_rng(2)
    feature = rng.normal(size=(6, 8))
    pooled, argmax = seg.max_pool_with_argmax(feature)
    np.testing.assert_array_equal(pooled, feature.reshape(3, 2, 4, 2).max(axis=(1, 3)))
    pooled_tf, unpooled_tf = seg.max_unpool_tf(tf.constant(feature[None, :, :, None], tf.float32))
    np.testing.assert_allclose(pooled_tf.numpy()[0, :, :, 0], pooled, rtol=1e-6)
    unpooled = seg.max_unpool(pooled, argmax, feature.shape)
    np.testing.assert_allclose(unpooled_tf.numpy()[0, :, :, 0], unpooled, rtol=1e-6)
    # every 2x2 window keeps exactly its maximum
    assert np.count_nonzero(unpooled) == pooled.size
    np.testing.assert_array_equal(unpooled.reshape(3, 2, 4, 2).max(axis=(1, 3)), np.maximum(pooled, 0))


@pytest.mark.parametrize("rate", [1, 2, 3, 5])
def test_dilated_conv_matches_keras_and_tf_nn(rate):
    rng = np.random.default_rng(rate)
    image, kernel = rng.normal(size=(11, 11)), rng.normal(size=(3, 3))
    ours = seg.dilated_conv2d(image, kernel, rate)
    conv = tf.keras.layers.Conv2D(1, 3, padding="same", dilation_rate=rate, use_bias=False)
    conv.build((1, 11, 11, 1))
    conv.set_weights([kernel[:, :, None, None]])
    x = image[None, :, :, None].astype(np.float32)
    # float32 sums of nine products of O(1) numbers: ~1e-6
    np.testing.assert_allclose(ours, conv(x).numpy()[0, :, :, 0], atol=1e-5)
    atrous = tf.nn.atrous_conv2d(x, kernel[:, :, None, None].astype(np.float32), rate, "SAME")
    np.testing.assert_allclose(ours, atrous.numpy()[0, :, :, 0], atol=1e-5)


def test_large_rate_degenerates_to_a_1x1_conv():
    rng = np.random.default_rng(4)
    image, kernel = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    center = np.zeros((3, 3))
    center[1, 1] = kernel[1, 1]
    np.testing.assert_allclose(seg.dilated_conv2d(image, kernel, 8), seg.dilated_conv2d(image, center, 8))
    # at rate 4 the outer taps still see the map
    assert not np.allclose(seg.dilated_conv2d(image, kernel, 4), seg.dilated_conv2d(image, center, 4))


def test_aspp_keeps_the_spatial_size():
    aspp = seg.build_aspp(input_shape=(8, 8, 32), filters=16, rates=(1, 2, 4))
    branch_shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in aspp.layers
                     if layer.name.startswith("aspp")}
    assert branch_shapes == {name: (8, 8, 16) for name in
                             ["aspp_1x1", "aspp_rate1", "aspp_rate2", "aspp_rate4",
                              "aspp_image_pool", "aspp_project"]}
    assert [layer.dilation_rate for layer in aspp.layers if layer.name.startswith("aspp_rate")] == \
        [(1, 1), (2, 2), (4, 4)]
    concat = [layer for layer in aspp.layers if isinstance(layer, tf.keras.layers.Concatenate)][0]
    assert concat.output.shape[1:] == (8, 8, 5 * 16)
    # DeepLab v3's rates on a 16x16 map, stride 16 of a 256 image
    assert seg.build_aspp((16, 16, 8), rates=(6, 12, 18)).output.shape[1:] == (16, 16, 16)


def test_transposed_conv_checkerboard():
    ones = tf.ones((1, 4, 4, 1))
    rows = {}
    for k in (3, 4):
        up = tf.keras.layers.Conv2DTranspose(1, k, strides=2, padding="same", use_bias=False,
                                             kernel_initializer="ones")
        rows[k] = up(ones).numpy()[0, 2:6, 3, 0]
    np.testing.assert_array_equal(rows[3], [2, 1, 2, 1])
    np.testing.assert_array_equal(rows[4], [4, 4, 4, 4])


def test_main_runs(capsys, monkeypatch):
    # the page already trained the U-Net; here only main's wiring is under test
    monkeypatch.setattr(seg, "train_unet", lambda model, *args, **kwargs: None)
    seg.main()
    out = capsys.readouterr().out
    assert "best threshold" in out and "U-Net (29321 parameters)" in out
