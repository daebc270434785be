"""Claims of frameworks/migration-tf1-to-tf2: every TF1 form and its TF2 form give the same numbers."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import migration as mig

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "docs" / lang / "frameworks" / "migration-tf1-to-tf2.md" for lang in ("zh", "en")]


@pytest.fixture(autouse=True)
def no_leaked_state():
    """No row may switch off eager mode, leave a default session or change the global seed."""
    seed_before = tf.compat.v1.get_seed(None)[0]
    yield
    assert tf.executing_eagerly()
    assert tf.compat.v1.get_default_session() is None
    assert tf.compat.v1.get_seed(None)[0] == seed_before


@pytest.mark.parametrize("name, tf1_fn, tf2_fn", mig.ROWS, ids=[row[0] for row in mig.ROWS])
def test_row_gives_the_same_numbers(name, tf1_fn, tf2_fn):
    old, new = tf1_fn(), tf2_fn()
    if isinstance(old, list) and isinstance(old[0], str):
        assert old == new
    else:
        old, new = np.asarray(old, dtype=np.float64), np.asarray(new, dtype=np.float64)
        assert old.shape == new.shape
        # Both forms do the same float32 arithmetic (only grouped differently: fused TF1
        # optimizer kernels vs Keras ops), so float32 round-off (~1e-7 relative) is the only
        # expected difference; 1e-5 relative leaves room for other CPUs and BLAS builds.
        np.testing.assert_allclose(old, new, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(mig.REMOVED))
def test_removed_module_is_gone(name):
    assert mig.REMOVED[name]() is False


def _table_rows(page: Path) -> list[str]:
    """First cell of every row of the table in the #api-table section, backticks removed."""
    text = page.read_text(encoding="utf-8")
    section = text.split("{ #api-table }", 1)[1].split("\n## ", 1)[0]
    return [line.split("|")[1].strip().strip("`") for line in section.splitlines()
            if line.startswith("| `")]


@pytest.mark.parametrize("page", PAGES, ids=["zh", "en"])
def test_table_lists_exactly_the_registry(page):
    expected = [name for name, _, _ in mig.ROWS] + list(mig.REMOVED)
    assert _table_rows(page) == expected


def test_the_table_has_at_least_25_executed_rows():
    assert len(mig.ROWS) >= 25
    assert len({name for name, _, _ in mig.ROWS}) == len(mig.ROWS)


def test_agree_can_fail():
    # guards against a comparison that cannot fail
    assert not mig.agree([1.0, 2.0], [1.0, 2.001])
    assert not mig.agree([1.0, 2.0], [[1.0, 2.0]])  # same numbers, different shape
    assert not mig.agree(["Mul"], ["Add"])
    assert mig.agree([1.0, 2.0], np.array([1.0, 2.0], np.float32))


def test_rows_do_not_all_return_the_same_thing():
    # a helper that returned a constant would make every row "agree"
    results = {repr(np.round(np.asarray(new(), dtype=np.float64), 4).tolist())
               for _, _, new in mig.ROWS[:3]}
    assert len(results) == 3


def test_tf1_variables_need_the_initializer():
    graph = tf.Graph()
    with graph.as_default():
        v = tf.compat.v1.Variable([1.0, 2.0])
        doubled = v * 2.0
    with tf.compat.v1.Session(graph=graph) as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(doubled)


def test_feed_dict_overrides_a_non_placeholder():
    assert mig.feed_dict_tf1() == [6.0, 15.0]


def test_variable_scope_shares_and_module_shares():
    count_tf1, *_ = mig.variable_scope_tf1()
    count_tf2, *_ = mig.variable_scope_tf2()
    assert count_tf1 == count_tf2 == 2  # two calls, still only w and b


def test_tf_layers_needs_tf_keras():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=[None, 3])
        with pytest.raises(AttributeError, match="not available with Keras 3"):
            tf.compat.v1.layers.dense(x, 2)


def test_dense_stand_in_is_relu_of_x_kernel():
    np.testing.assert_allclose(mig.dense_tf1(), np.maximum(mig.X3 @ mig.KERNEL, 0.0), rtol=1e-6)


def test_optimizer_rows_match_numpy():
    # independent reference: plain gradient descent in closed form, w = t + (w0 - t)(1 - 2 lr c)^n
    c, t = np.array(mig.CURVATURE), np.array(mig.TARGET)
    expected = t + (0.0 - t) * (1 - 2 * 0.04 * c) ** mig.STEPS
    np.testing.assert_allclose(mig.gradient_descent_tf2(), expected, rtol=1e-5)


def test_adam_default_epsilon_changed_and_matters_for_small_gradients():
    assert tf.keras.optimizers.Adam().epsilon == pytest.approx(1e-7)
    assert tf.compat.v1.train.AdamOptimizer()._epsilon == pytest.approx(1e-8)

    def first_step(optimizer, grad=1e-7):
        w = tf.Variable(0.0)
        optimizer.apply_gradients([(tf.constant(grad), w)])
        return -float(w.numpy())

    def expected(eps, g=1e-7, beta_2=0.999):
        # first step of Adam (both TF1 and Keras put eps outside the bias-corrected root):
        # lr * sqrt(1 - beta_2) * g / (sqrt(1 - beta_2) * |g| + eps)
        root = np.sqrt(1 - beta_2)
        return root * g / (root * g + eps)

    with_tf1_eps = first_step(tf.keras.optimizers.Adam(1.0, epsilon=1e-8))
    with_keras_eps = first_step(tf.keras.optimizers.Adam(1.0))
    assert with_tf1_eps == pytest.approx(expected(1e-8), rel=1e-3)  # ~0.24
    assert with_keras_eps == pytest.approx(expected(1e-7), rel=1e-3)  # ~0.03: 8x smaller


def test_rmsprop_differs_and_numpy_explains_why():
    old = mig.fit_tf1(lambda: tf.compat.v1.train.RMSPropOptimizer(0.1))
    new = mig.fit_tf2(tf.keras.optimizers.RMSprop(0.1))
    assert not mig.agree(old, new)
    w, ms = np.zeros(2), np.ones(2)
    c, t = np.array(mig.CURVATURE), np.array(mig.TARGET)
    for _ in range(mig.STEPS):
        g = 2 * c * (w - t)
        ms = 0.9 * ms + 0.1 * g ** 2
        w = w - 0.1 * g / np.sqrt(ms + 1e-10)
    np.testing.assert_allclose(old, w, rtol=1e-5)


def test_resize_changed_its_default():
    image = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    new = tf.image.resize(image, [6, 6]).numpy()
    old = tf.compat.v1.image.resize(image, [6, 6]).numpy()
    graph = tf.Graph()
    with graph.as_default():
        resized = tf.compat.v1.image.resize_images(image, [6, 6])
    with tf.compat.v1.Session(graph=graph) as sess:
        np.testing.assert_allclose(sess.run(resized), old, atol=1e-6)
    assert np.abs(new - old).max() == pytest.approx(0.8333, abs=1e-3)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the script's own ast visitor
def test_upgrade_script_only_renames(tmp_path):
    from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2

    old = tmp_path / "old.py"
    new = tmp_path / "new.py"
    old.write_text("import tensorflow as tf\n"
                   "x = tf.placeholder(tf.float32)\n"
                   "y = tf.to_float(tf.random_normal([2]))\n"
                   "with tf.Session() as sess:\n"
                   "    sess.run(y, feed_dict={x: 1.0})\n")
    ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec()).process_file(str(old), str(new))
    text = new.read_text()
    assert "tf.compat.v1.placeholder" in text
    assert "tf.compat.v1.Session()" in text
    assert "tf.random.normal" in text
    assert "tf.cast(tf.random.normal([2]), dtype=tf.float32)" in text
    assert "feed_dict" in text  # the session structure is left as it was


def test_summary_rows_read_back_what_was_written():
    np.testing.assert_allclose(mig.summary_tf1(), [0.9, 0.5, 0.2], rtol=1e-6)


def test_main_reports_rows_and_removed_modules(capsys, monkeypatch):
    # every row already ran above: main() gets two of them, to test its report only
    monkeypatch.setattr(mig, "ROWS", mig.ROWS[:2])
    mig.main()
    out = capsys.readouterr().out
    assert "same      tf.Session.run" in out and "removed   tf.contrib" in out
    assert out.rstrip().endswith("2/2 rows agree, 2 modules removed")
