"""Claims of frameworks/framework-comparison: eager vs tf.function, the traced graph, XLA, Keras 3."""

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import framework_comparison as fc
from tests.docharness.plugin import page_namespace

# The page runs Keras' fit twice; the fit tests assert on that very run.
pytestmark = pytest.mark.xdist_group("frameworks/framework-comparison.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/frameworks/framework-comparison.md")


def test_keras_backend_is_tensorflow_here():
    import keras

    assert keras.backend.backend() == "tensorflow"


def test_eager_runs_python_every_call_and_tf_function_once():
    inputs = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert fc.count_python_runs(fc.poly, inputs) == 5
    assert fc.count_python_runs(tf.function(fc.poly), inputs) == 1


def test_a_new_input_shape_traces_again():
    inputs = [1.0, [1.0, 2.0], 3.0, [4.0, 5.0], [6.0, 7.0, 8.0]]
    assert fc.count_python_runs(tf.function(fc.poly), inputs) == 3


def test_traced_graph_is_x_squared_plus_3x():
    kinds = [kind for _, kind, _ in fc.traced_ops(fc.poly)]
    assert kinds == ["Placeholder", "Const", "Pow", "Const", "Mul", "AddV2", "Identity"]
    x = np.linspace(-3, 3, 7).astype(np.float32)
    graph_fn = tf.function(fc.poly)
    np.testing.assert_allclose(graph_fn(tf.constant(x)).numpy(), x ** 2 + 3 * x, rtol=1e-6)


@pytest.mark.parametrize("x, expected", [(3.0, 6.0), (0.5, 1.0), (-2.0, -1.0)])
def test_both_modes_differentiate_the_branch_that_runs(x, expected):
    assert fc.gradient(fc.piecewise, x) == pytest.approx(expected)
    assert fc.gradient(tf.function(fc.piecewise), x) == pytest.approx(expected)


def test_traced_if_holds_both_branches():
    kinds = {kind for _, kind, _ in fc.traced_ops(fc.piecewise)}
    assert kinds & {"If", "StatelessIf"}


def test_xla_compiles_a_program_with_the_same_result():
    hlo = fc.xla_program(fc.poly_xla, 2.0)
    assert hlo.startswith("HloModule")
    assert float(fc.poly_xla(tf.constant(2.0))) == float(fc.poly(tf.constant(2.0))) == 10.0


def test_standardize_matches_numpy():
    x = np.array([1.0, 4.0, 9.0, 16.0])
    np.testing.assert_allclose(fc.ops.convert_to_numpy(fc.standardize(x)),
                               (x - x.mean()) / x.std(), rtol=1e-6)


def test_fit_compiles_the_step_unless_run_eagerly(page):
    calls_compiled, jit_compiled = page["compiled_fit"]
    calls_eager, jit_eager = page["eager_fit"]
    batches = 2 * 32 // 8  # epochs * samples / batch size
    assert calls_eager == batches  # the layer's Python ran once per batch
    assert calls_compiled == 1  # traced once, then the graph ran for every batch
    # jit_compile="auto" enables XLA on the TF backend only with an accelerator
    has_accelerator = any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    assert jit_compiled is has_accelerator and jit_eager is False


def test_page_left_functions_in_graph_mode(page):
    assert "debug_me" in page
    assert not tf.config.functions_run_eagerly()


def test_figure_is_written(tmp_path):
    path = tmp_path / "graph.png"
    fc.plot_traced_graph(fc.poly, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_main_runs(capsys, monkeypatch):
    monkeypatch.setattr(fc, "python_calls_during_fit", lambda run_eagerly: (0, False))  # fit ran on the page
    fc.main()
    out = capsys.readouterr().out
    assert "Keras backend: tensorflow" in out
    assert "Python body runs, eager: 5 | tf.function: 1" in out
