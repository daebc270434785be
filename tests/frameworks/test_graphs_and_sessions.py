"""Claims of frameworks/graphs-and-sessions: tensor names, feeds, one graph per session, devices.

The from-scratch MiniGraph/MiniSession is checked against tf.compat.v1 on the same graphs;
every TF1 graph is built in its own tf.Graph and eager execution must stay on.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import graphs_and_sessions as gs

v1 = tf.compat.v1


@pytest.fixture(autouse=True)
def eager_stays_on():
    yield
    assert tf.executing_eagerly()
    assert v1.get_default_session() is None


def test_tensor_names_follow_the_seed():
    graph, (a, b, answer, total) = gs.build_constants_graph()
    assert [a.name, b.name, answer.name, total.name] == ["Const:0", "Const_1:0", "answer:0", "Add:0"]
    assert [op.name for op in graph.get_operations()] == ["Const", "Const_1", "answer", "Add"]
    assert all(t.graph is graph for t in (a, b, answer, total))


def test_output_index_is_not_always_zero():
    # the seed claims the index after the colon is always 0
    with tf.Graph().as_default():
        values, indices = tf.unique(tf.constant([3, 1, 3]))
        parts = tf.split(tf.range(6), 3)
    assert (values.name, indices.name) == ("Unique:0", "Unique:1")
    assert [t.name for t in parts] == ["split:0", "split:1", "split:2"]


@pytest.mark.parametrize("names", [
    [None, None, "answer", "answer", None, "x", "answer"],
    ["w", "w", "w", None],
])
def test_mini_graph_names_like_tensorflow(names):
    graph, mini = tf.Graph(), gs.MiniGraph()
    with graph.as_default():
        tf_names = [tf.constant(1.0, name=n).name for n in names]
    assert [mini.constant(1.0, name=n) for n in names] == tf_names


def test_mini_session_agrees_with_tf1_session():
    x_value = np.random.default_rng(0).normal(size=50).astype(np.float32)
    graph, x, y = gs.build_affine_graph()
    mini, mx, my = gs.build_mini_affine_graph()
    assert list(mini.ops) == [op.name for op in graph.get_operations()]
    assert (mx, my) == (x.name, y.name)
    with v1.Session(graph=graph) as sess:
        expected = sess.run(y, feed_dict={x: x_value})
    # both compute float32 2*x + 1; at most one rounding apart (fused vs separate ops)
    np.testing.assert_allclose(gs.MiniSession(mini).run(my, feed_dict={mx: x_value}), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(expected, 2 * x_value + 1, rtol=1e-6)


def test_only_what_the_fetch_needs_is_run():
    graph, x, y = gs.build_affine_graph()
    mini, mx, my = gs.build_mini_affine_graph()
    with v1.Session(graph=graph) as sess:
        assert sess.run("w:0") == 2.0  # no feed needed
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(y)
    assert gs.MiniSession(mini).run("w:0") == 2.0
    with pytest.raises(KeyError, match="placeholder"):
        gs.MiniSession(mini).run(my)


def test_tf2_function_agrees_with_tf1_session():
    x_value = np.linspace(-3, 3, 7, dtype=np.float32)
    graph, x, y = gs.build_affine_graph()
    with v1.Session(graph=graph) as sess:
        expected = sess.run(y, feed_dict={x: x_value})
    got = gs.affine(tf.constant(x_value), tf.constant(2.0), tf.constant(1.0)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)  # same float32 ops, see above


def test_a_session_runs_only_its_own_graph():
    assert gs.run_two_graphs() == (1, 2, "ValueError")


def test_default_graph_is_restored():
    graph, _ = gs.build_constants_graph()
    with graph.as_default():
        assert v1.get_default_graph() is graph
    assert v1.get_default_graph() is not graph


def test_interactive_session_evaluates_and_closes():
    graph, (_, _, answer, total) = gs.build_constants_graph()
    with graph.as_default():
        sess = v1.InteractiveSession()
        try:
            assert v1.get_default_session() is sess
            assert (total.eval(), answer.eval()) == (7.0, 42.0)
        finally:
            sess.close()
    # the autouse fixture checks that no default session is left behind


@pytest.mark.parametrize("name, fields", [
    ("/job:worker/replica:0/task:0/device:CPU:0", ("worker", 0, 0, "CPU", 0)),
    ("/GPU:1", (None, None, None, "GPU", 1)),
    ("/job:localhost/device:gpu:0", ("localhost", None, None, "GPU", 0)),
])
def test_device_strings(name, fields):
    assert gs.parse_device(name) == fields


def test_device_requests_are_recorded_on_ops():
    graph, a, b, total = gs.pinned_graph()
    assert (a.device, b.device) == ("/device:CPU:0", "")
    config = v1.ConfigProto(log_device_placement=False, allow_soft_placement=True)
    with v1.Session(graph=graph, config=config) as sess:
        assert sess.run(total) == 3.0


def test_func_graph_of_a_tf_function():
    specs = (tf.TensorSpec([None], tf.float32),) + (tf.TensorSpec([], tf.float32),) * 2
    graph = gs.traced_graph(gs.affine, *specs)
    assert isinstance(graph, tf.Graph)
    ops = [(op.name, op.type) for op in graph.get_operations()]
    assert ops[:3] == [("x", "Placeholder"), ("w", "Placeholder"), ("b", "Placeholder")]
    assert {"Mul", "AddV2"} <= {t for _, t in ops}


def test_removed_tf1_apis():
    for name in ("Session", "placeholder", "get_default_graph", "InteractiveSession",
                 "estimator", "contrib"):
        assert not hasattr(tf, name), name
    for name in ("Session", "placeholder", "get_default_graph", "InteractiveSession", "ConfigProto"):
        assert hasattr(v1, name), name


def test_main_runs(capsys):
    gs.main()
    out = capsys.readouterr().out
    assert "Const:0 Const_1:0 answer:0 Add:0" in out
    assert out.count("[1. 3. 5.]") == 3
