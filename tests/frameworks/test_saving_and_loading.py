"""Claims of frameworks/saving-and-loading: every way of saving is a round trip that gives
bit-identical predictions, and the failure modes shown on the page are the real ones.
The page saves and loads once; most tests assert on that run.
"""

import logging
import os
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import saving_and_loading as sl
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("frameworks/saving-and-loading.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/frameworks/saving-and-loading.md")


def assert_identical(a, b):
    # saving copies bits: no tolerance
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_fresh_model_predicts_differently(page):
    # guards every round trip below: equality is not what an untrained copy would give anyway
    fresh = sl.build_model(seed=123)
    assert not np.allclose(fresh(page["x"]).numpy(), page["reference"])


def test_checkpoint_manager_keeps_the_newest_two(page):
    names = [os.path.basename(p) for p in page["manager"].checkpoints]
    assert names == ["ckpt-2", "ckpt-3"]
    assert tf.train.latest_checkpoint(page["ckpt_dir"]) == page["manager"].latest_checkpoint


def test_checkpoint_restores_weights_and_optimizer_state(page):
    restored, model = page["restored"], page["model"]
    assert_identical(restored(page["x"]), page["reference"])
    assert len(restored.optimizer.variables) == len(model.optimizer.variables) == 10
    for a, b in zip(restored.optimizer.variables, model.optimizer.variables):
        assert_identical(a, b)


def test_keras_file_round_trip(page):
    loaded = page["loaded"]
    assert_identical(loaded(page["x"]), page["reference"])
    assert len(loaded.optimizer.variables) == 10  # iterations, learning rate, m and v of 4 weights
    assert sl.same_optimizer_state(loaded, page["model"])


def test_same_optimizer_state_can_fail(page):
    other = sl.build_model()
    other.optimizer.build(other.trainable_variables)  # same shapes, all zeros
    assert not sl.same_optimizer_state(other, page["model"])
    assert not sl.same_optimizer_state(sl.build_model(), page["model"])  # 2 variables against 10


def test_save_to_a_directory_raises_in_keras_3(tmp_path):
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        sl.build_model().save(str(tmp_path / "no_extension"))


def test_weights_only_round_trips(page):
    assert_identical(page["from_numpy"](page["x"]), page["reference"])
    assert_identical(page["from_h5"](page["x"]), page["reference"])
    assert sl.same_optimizer_state(page["from_h5"], page["model"])
    assert int(page["model"].optimizer.iterations) == 9  # 2 epochs of 3 batches + 3 single steps


def test_unbuilt_optimizer_skips_the_optimizer_state(page):
    unbuilt, caught = page["unbuilt"], page["caught"]
    assert_identical(unbuilt(page["x"]), page["reference"])  # the model weights did load
    assert int(unbuilt.optimizer.iterations) == 0
    assert len(unbuilt.optimizer.variables) == 2 and not sl.same_optimizer_state(unbuilt, page["model"])
    assert len(caught) == 1 and "Skipping variable loading for optimizer" in str(caught[0].message)


def test_loading_a_trained_model_gives_no_optimizer_warning(page):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.models.load_model(page["custom_path"], custom_objects={
            "Doubling": sl.Doubling, "focal_loss_fixed": sl.focal_loss(gamma=2.0)})
        keras.models.load_model(page["keras_path"])
    assert not [w for w in caught if "Skipping variable loading" in str(w.message)]


def test_legacy_h5_format_is_logged(page, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        page["model"].save(str(tmp_path / "legacy.h5"))
    assert "considered legacy" in caplog.text
    assert_identical(keras.models.load_model(str(tmp_path / "legacy.h5"))(page["x"]), page["reference"])


def test_weights_file_needs_the_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        sl.build_model().save_weights(str(tmp_path / "w.h5"))


def test_savedmodel_holds_no_optimizer_state(page):
    variables = tf.train.list_variables(os.path.join(page["export_dir"], "variables", "variables"))
    shapes = {tuple(shape) for name, shape in variables if name != "_CHECKPOINTABLE_OBJECT_GRAPH"}
    assert shapes == {(4, 8), (8,), (8, 3), (3,)}  # the two Dense layers' kernels and biases only
    assert not any("optimizer" in name for name, _ in variables)


def test_savedmodel_serves_the_same_predictions(page):
    assert_identical(page["serving"].serve(page["x"]), page["reference"])
    assert_identical(page["as_layer"](page["x"]), page["reference"])
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model(page["export_dir"])


def test_registered_layer_loads_without_custom_objects(tmp_path):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, sl.Scale(0.25)(inputs))
    path = str(tmp_path / "scale.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.arange(8, dtype="float32").reshape(2, 4)
    assert_identical(loaded(x), 0.25 * x)
    assert loaded.layers[1].initial == 0.25  # get_config() carried the constructor argument


def test_custom_objects_and_compile_false(page):
    assert sl.same_optimizer_state(page["full"], page["custom"])
    assert int(page["full"].optimizer.iterations) == 1
    assert_identical(page["for_inference"](page["x"]), page["custom_reference"])
    assert not page["for_inference"].compiled
    assert_identical(page["full"](page["x"]), page["custom_reference"])
    with pytest.raises(TypeError, match="Could not locate class 'Doubling'"):
        keras.models.load_model(page["custom_path"])
    with pytest.raises(TypeError, match="Could not locate function 'focal_loss_fixed'"):
        keras.models.load_model(page["custom_path"], custom_objects={"Doubling": sl.Doubling})


def test_focal_loss_matches_keras_categorical_focal_crossentropy():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=16).astype("float32")
    labels = rng.integers(0, 3, size=16)
    ours = keras.ops.convert_to_numpy(sl.focal_loss(gamma=2.0)(labels, probs))
    # Keras weights the term by alpha (default 0.25); alpha = 1 is the unweighted form
    reference = keras.losses.CategoricalFocalCrossentropy(alpha=1.0, gamma=2.0, reduction=None)(
        np.eye(3, dtype="float32")[labels], probs)
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-7)
    # float32 logs and powers: 1e-5 relative is a few ulps of the terms
    assert not np.allclose(ours, keras.ops.convert_to_numpy(sl.focal_loss(gamma=0.0)(labels, probs)))


def test_seed_style_custom_objects_break_the_loss(page):
    with pytest.raises(TypeError, match="positional arguments"):
        page["seed_style"].loss(page["y"][:8], page["probs"])


def test_tf1_saver_and_tf2_checkpoint_round_trips(page):
    assert_identical(sl.tf1_restore_and_predict(page["tf1_dir"], page["x"][:5]), page["tf1_out"])
    assert_identical(page["module_restored"](page["x"][:5]), page["module"](page["x"][:5]))
    names = dict(tf.train.list_variables(page["tf1_path"]))
    assert names == {"dense/W": [4, 3], "dense/b": [3]}


def test_tf1_checkpoint_values_migrate_to_tf2(page):
    reader = tf.train.load_checkpoint(page["tf1_path"])
    assert_identical(page["migrated"].w, reader.get_tensor("dense/W"))
    # same float32 matmul in graph and eager mode; allow a few ulps
    np.testing.assert_allclose(page["migrated"](page["x"][:5]), page["tf1_out"], rtol=1e-6, atol=1e-6)


def test_tf1_saver_stores_optimizer_slots_as_plain_variables(tmp_path):
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        w = v1.get_variable("w", initializer=tf.constant([1.0, 2.0]))
        train_op = v1.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(tf.square(w)))
        saver = v1.train.Saver()
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        sess.run(train_op)
        path = saver.save(sess, str(tmp_path / "adam.ckpt"))
    names = {name for name, _ in tf.train.list_variables(path)}
    assert names == {"w", "w/Adam", "w/Adam_1", "beta1_power", "beta2_power"}


def test_tf1_saver_needs_a_graph():
    with pytest.raises(RuntimeError, match="eager execution"):
        tf.compat.v1.train.Saver()
    assert tf.executing_eagerly()
