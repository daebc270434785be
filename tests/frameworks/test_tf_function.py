"""Claims of frameworks/tf-function: same results eager and traced, AutoGraph's conversions,
the exact number of traces for each calling pattern, and the pitfalls. Timings are never
asserted here: benchmarks/tf_function.py prints them.
"""

import functools
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from examples.frameworks import tf_function as tfn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def eager_stays_on():
    yield
    assert tf.executing_eagerly()
    assert not tf.config.functions_run_eagerly()


def test_graph_and_eager_give_the_same_result():
    weights = tfn.make_weights(seed=3)
    x = tf.random.stateless_normal([64, 8], seed=[2, 2])
    # same float32 kernels; graph optimizations may reorder sums, a few ulps at most
    np.testing.assert_allclose(tfn.mlp_graph(x, weights).numpy(), tfn.mlp(x, weights).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_body_is_not_eager_while_tracing():
    seen = []

    @tf.function
    def probe():
        seen.append(tf.executing_eagerly())
        return tf.constant(0)

    probe()
    assert seen == [False]


def test_autograph_rewrites_if_and_while():
    code = tf.autograph.to_code(tfn.collatz_steps)
    assert "ag__.if_stmt" in code and "ag__.while_stmt" in code


def test_tensor_condition_becomes_a_while_op_python_condition_runs_while_tracing():
    assert "StatelessWhile" in tfn.op_types(tfn.collatz_graph, tf.TensorSpec([], tf.int32))
    assert "StatelessWhile" not in tfn.op_types(tfn.collatz_graph, 27)
    assert int(tfn.collatz_graph.get_concrete_function(27)()) == 111  # folded into a constant


def test_tensor_if_becomes_a_cond_op():
    @tf.function
    def sign(x):
        if x > 0:
            y = 1.0
        else:
            y = -1.0
        return y

    assert "StatelessIf" in tfn.op_types(sign, tf.TensorSpec([], tf.float32))
    assert float(sign(tf.constant(-2.0))) == -1.0 and float(sign(tf.constant(2.0))) == 1.0


def test_collatz_graph_matches_python_with_one_trace():
    fresh = tf.function(tfn.collatz_steps)
    got = [int(fresh(tf.constant(n))) for n in range(1, 41)]
    assert got == tfn.collatz_table(40).tolist()
    assert fresh.experimental_get_tracing_count() == 1
    assert tfn.collatz_table(30).max() == 111  # n = 27


@pytest.mark.parametrize("args, options, traces", [
    ([1, 2, 1, 3], {}, 3),
    ([tf.constant(1), tf.constant(2), tf.constant(1), tf.constant(3)], {}, 1),
    ([tf.constant(1), tf.constant(1.0), tf.constant([1, 2])], {}, 3),
    ([tf.range(n) for n in range(1, 5)], {}, 4),
    ([tf.range(n) for n in range(1, 5)], {"reduce_retracing": True}, 2),
    ([tf.range(n) for n in range(1, 5)], {"input_signature": [tf.TensorSpec([None], tf.int32)]}, 1),
    ([tf.constant(1.0), 2.0, tf.constant(3.0), 2.0, tf.constant([1.0])], {}, 3),  # exercise 1
])
def test_number_of_traces(args, options, traces):
    assert tfn.count_traces(args, **options) == traces


def test_trace_curves_behind_the_figure():
    curves = tfn.trace_curves(6)
    assert [curve[-1] for curve in curves.values()] == [6, 1, 6, 2, 1]
    assert all(np.all(np.diff(curve) >= 0) for curve in curves.values())


@pytest.mark.parametrize("bad", [tf.constant([1.0, 2.0]), tf.constant([[1, 2]])])
def test_input_signature_rejects_other_arguments(bad):
    double, traces = tfn.make_traced(input_signature=[tf.TensorSpec([None], tf.int32)])
    with pytest.raises(TypeError):
        double(bad)
    assert traces == []


def test_print_runs_once_tf_print_every_call(tmp_path, capsys):
    log = tmp_path / "log.txt"
    tfn.print_vs_tf_print([5, 6, 7, 8], log)
    assert capsys.readouterr().out.count("print:") == 1
    assert log.read_text().splitlines() == [f"tf.print: {i}" for i in (5, 6, 7, 8)]


def test_python_side_effects_happen_only_while_tracing():
    state = {"python": 0}
    counter = tf.Variable(0)

    @tf.function
    def count():
        state["python"] += 1
        counter.assign_add(1)

    for _ in range(4):
        count()
    assert (state["python"], int(counter)) == (1, 4)
    tf.config.run_functions_eagerly(True)
    try:
        count()
    finally:
        tf.config.run_functions_eagerly(False)
    assert (state["python"], int(counter)) == (2, 5)


def test_a_new_variable_per_call_is_refused():
    with pytest.raises(ValueError, match="tf.Variable"):
        tfn.scale_with_new_variable(tf.constant(3.0))


def test_a_variable_created_once_is_fine():
    scale = tfn.Scale()
    assert [float(scale(tf.constant(x))) for x in (1.0, 2.0, 3.0)] == [2.0, 4.0, 6.0]
    assert len(scale.variables) == 1
    scale.v.assign(10.0)  # the graph reads the variable, not a copy of its first value
    assert float(scale(tf.constant(1.0))) == 10.0


def test_python_loops_unroll_tf_loops_do_not():
    spec = tf.TensorSpec([], tf.int32)
    python_10 = tfn.graph_size(functools.partial(tfn.add_range_python, n=10), spec)
    python_100 = tfn.graph_size(tfn.add_range_python, spec)
    tf_10 = tfn.graph_size(functools.partial(tfn.add_range_tf, n=10), spec)
    tf_100 = tfn.graph_size(tfn.add_range_tf, spec)
    assert python_100 - python_10 == 2 * 90  # one Const and one AddV2 per extra iteration
    assert tf_10 == tf_100
    for fn in (tfn.add_range_python, tfn.add_range_tf):
        assert int(tf.function(fn)(tf.constant(0))) == sum(range(100))


def load_benchmark():
    spec = importlib.util.spec_from_file_location("tf_function_bench", ROOT / "benchmarks" / "tf_function.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_timings_without_asserting_them(capsys):
    results = load_benchmark().main(["--repeat", "1", "--number", "1", "--matrix", "32"])
    out = capsys.readouterr().out
    assert [name for name, _, _ in results] == [
        "many small ops (200 ops)", "small MLP training step", "one 32 x 32 matmul",
        "collatz(27), AutoGraph loop"]
    assert all(eager_s > 0 and graph_s > 0 for _, eager_s, graph_s in results)
    assert "speed-up" in out and out.count("x\n") == 4  # one ratio per case; values not checked


def test_benchmark_refuses_functions_that_disagree(monkeypatch):
    bench = load_benchmark()
    wrong = [("broken", tfn.collatz_steps, lambda n: tfn.collatz_steps(n) + 1, (tf.constant(27),))]
    monkeypatch.setattr(bench, "cases", lambda matrix: wrong)
    with pytest.raises(SystemExit, match="disagree"):
        bench.main(["--repeat", "1", "--number", "1"])


def test_main_runs(capsys):
    tfn.main()
    out = capsys.readouterr().out
    assert "eager and graph agree: True" in out and "collatz(27): 111 111" in out
