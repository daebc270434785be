"""Claims of frameworks/tensors-and-variables, one rule per test, each rule enforced with pytest.raises.

Rules: set_shape may only refine unknown dimensions (same rank, same known dims); a fully known
static shape cannot be changed; reshape keeps the element count (ValueError at graph build time
when the shape is static, InvalidArgumentError when it runs or in eager mode); no implicit dtype
promotion; tf.cast truncates toward zero; TF1 variables need an initializer; trainable=False
variables get no gradient; get_variable refuses duplicates unless reuse=True.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import tensors_and_variables as tv

v1 = tf.compat.v1


@pytest.fixture(autouse=True)
def eager_stays_on():
    yield
    assert tf.executing_eagerly()


def placeholder(shape):
    return v1.placeholder(tf.float32, shape=shape)


# -- creation and dtypes ---------------------------------------------------------
def test_tf_and_numpy_creators_agree_on_shapes_not_on_default_dtypes():
    tf_side, np_side = tv.tf_tensors(), tv.numpy_arrays()
    assert tf_side.keys() == np_side.keys()
    for name in tf_side:
        assert tuple(tf_side[name].shape) == np_side[name].shape, name
        if name not in ("random normal [2, 2]",):
            np.testing.assert_allclose(tf_side[name].numpy(), np_side[name], rtol=1e-6, err_msg=name)
    assert tf_side["constant(3.0)"].dtype == tf.float32 and np_side["constant(3.0)"].dtype == np.float64
    assert tf_side["constant([1, 2, 3])"].dtype == tf.int32
    assert tf_side["from NumPy float64"].dtype == tf.float64  # the array's dtype is kept


def test_stateless_random_is_reproducible():
    a, b = tv.tf_tensors()["random normal [2, 2]"], tv.tf_tensors()["random normal [2, 2]"]
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_cast_truncates_toward_zero_like_numpy():
    x = np.array([-2.9, -1.7, -0.5, 0.5, 1.7, 2.5, 2.9], dtype=np.float32)
    np.testing.assert_array_equal(tf.cast(x, tf.int32).numpy(), x.astype(np.int32))
    np.testing.assert_array_equal(tf.round(x).numpy(), np.round(x))  # both round half to even


def test_no_implicit_dtype_promotion():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.constant(1) + tf.constant(1.0)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.constant(np.array([1.0])) + tf.constant([1.0])
    assert (tf.constant(7) / 2).dtype == tf.float64


# -- static vs dynamic shape -----------------------------------------------------
@pytest.mark.parametrize("batch", [1, 4, 9])
def test_static_shape_is_partial_dynamic_shape_is_real(batch):
    static, dynamic = tv.shapes_in_tf1_graph(batch)
    assert static.as_list() == [None, 3]
    np.testing.assert_array_equal(dynamic, [batch, 3])
    assert int(tv.batch_size(tf.zeros([batch, 3]))) == batch


# -- set_shape -------------------------------------------------------------------
def test_set_shape_refines_unknown_dimensions():
    with tf.Graph().as_default():
        x = placeholder([None, 3])
        x.set_shape([5, 3])
        assert x.shape.as_list() == [5, 3]
        y = placeholder(None)
        y.set_shape([4, None])  # unknown rank: any rank may be set
        assert y.shape.as_list() == [4, None]


def test_set_shape_cannot_change_a_known_dimension():
    with tf.Graph().as_default():
        x = placeholder([None, 3])
        with pytest.raises(ValueError):
            x.set_shape([5, 4])


def test_set_shape_cannot_change_a_known_rank():
    with tf.Graph().as_default():
        x = placeholder([None, 3])
        with pytest.raises(ValueError):
            x.set_shape([5, 3, 1])
        with pytest.raises(ValueError):
            x.set_shape([15])  # same element count does not help


def test_fully_known_static_shape_cannot_be_reset():
    with tf.Graph().as_default():
        x = placeholder([2, 3])
        x.set_shape([2, 3])  # the same shape again is allowed
        with pytest.raises(ValueError):
            x.set_shape([3, 2])
    eager = tf.constant([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError):
        eager.set_shape([3, 1])


def test_try_set_shape_reports_what_the_page_shows():
    assert tv.try_set_shape([None, 3], [5, 3]).as_list() == [5, 3]
    assert tv.try_set_shape([None, 3], [5, 4]) == "ValueError"
    assert tv.try_set_shape([2, 3], [3, 2]) == "ValueError"


def test_set_shape_is_checked_when_feeding():
    # set_shape is a promise; a session refuses a feed that breaks it
    graph = tf.Graph()
    with graph.as_default():
        x = placeholder([None, 3])
        x.set_shape([5, 3])
        y = x * 2
    with v1.Session(graph=graph) as sess:
        with pytest.raises(ValueError):
            sess.run(y, feed_dict={x: np.zeros((4, 3))})


# -- reshape ---------------------------------------------------------------------
@pytest.mark.parametrize("shape, new", [
    ((6,), [2, 3]), ((6,), [-1, 2]), ((2, 3, 4), [4, -1]), ((2, 3, 4), [24]), ((1,), []),
    ((2, 3), [3, 1, 2]), ((0, 3), [-1, 3]),
])
def test_reshape_from_scratch_matches_tf(shape, new):
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    np.testing.assert_array_equal(tv.reshape_from_scratch(x, new), tf.reshape(x, new).numpy())


def test_reshape_requires_the_same_element_count():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reshape(tf.range(6), [4, 2])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reshape(tf.range(6), [4, -1])  # -1 cannot make 6 divisible by 4
    with pytest.raises(ValueError):
        tv.reshape_from_scratch(np.arange(6), [4, 2])
    with pytest.raises(ValueError):
        tv.reshape_from_scratch(np.arange(6), [4, -1])


def test_reshape_count_is_checked_at_build_time_for_static_shapes():
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            tf.reshape(tf.range(6), [4, 2])


def test_reshape_count_is_checked_at_run_time_for_unknown_shapes():
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.int32, shape=[None])
        y = tf.reshape(x, [4, 2])
    with v1.Session(graph=graph) as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.arange(8)}), np.arange(8).reshape(4, 2))
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(y, {x: np.arange(6)})


def test_reshape_is_not_transpose():
    x = tf.reshape(tf.range(6), [2, 3])
    assert tf.reshape(x, [3, 2]).numpy().tolist() == [[0, 1], [2, 3], [4, 5]]
    assert tf.transpose(x).numpy().tolist() == [[0, 3], [1, 4], [2, 5]]


# -- math --------------------------------------------------------------------------
def test_math_ops_match_numpy():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=(4, 3)).astype(np.float32)
    got, want = tv.math_ops_tf(tf.constant(a), tf.constant(b)), tv.math_ops_numpy(a, b)
    assert got.keys() == want.keys()
    for name in want:
        # float32 sums of a few terms: differences stay within a few ulps (~1e-6 relative)
        np.testing.assert_allclose(got[name].numpy(), want[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_incompatible_shapes_raise():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.ones([2, 3]) + tf.ones([2])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))


# -- variables ---------------------------------------------------------------------
def test_frozen_variable_gets_no_gradient():
    grad_w, grad_frozen = tv.gradients_with_a_frozen_variable()
    assert float(grad_w) == 3.0 and grad_frozen is None


def test_tf1_variables_need_the_initializer():
    before, after = tv.tf1_initialization()
    assert before == "FailedPreconditionError"
    np.testing.assert_array_equal(after, [1.0, 1.0])
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(1.0)
    with v1.Session(graph=graph) as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(w)


def test_tf2_variables_are_initialized_on_creation():
    assert float(tf.Variable(2.5)) == 2.5


def test_tf1_variable_scope_and_reuse():
    assert tv.tf1_variable_scope() == ("original_data/weights:0", "ValueError", True)
    with tf.Graph().as_default():
        with v1.variable_scope("s"):
            v1.get_variable("w", shape=[1])
        with pytest.raises(ValueError):
            with v1.variable_scope("s"):
                v1.get_variable("w", shape=[1])
        with pytest.raises(ValueError):  # reuse=True cannot create what does not exist
            with v1.variable_scope("s", reuse=True):
                v1.get_variable("other", shape=[1])


def test_tf_module_tracks_variables_and_names_them():
    layer = tv.Linear(2, 1, name="original_data")
    assert [v.name for v in layer.trainable_variables] == ["original_data/bias:0", "original_data/weights:0"]
    assert [v.name for v in layer.non_trainable_variables] == ["original_data/calls:0"]
    x = np.ones((3, 2), np.float32)
    np.testing.assert_allclose(layer(x).numpy(), x @ layer.w.numpy() + layer.b.numpy(), rtol=1e-6)
    layer(x)
    assert int(layer.calls) == 2


def test_rebinding_is_not_assignment():
    counter = tf.Variable(1.0)
    result = counter + 1
    assert not isinstance(result, tf.Variable) and float(counter) == 1.0


def test_main_runs(capsys):
    tv.main()
    out = capsys.readouterr().out
    assert "set_shape [None, 3] -> [5, 4]: ValueError" in out
    assert "TF1 variable_scope: ('original_data/weights:0', 'ValueError', True)" in out
