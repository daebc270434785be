"""Claims of frameworks/linear-regression: both styles recover w = 0.8, b = 0.7; checkpoints round-trip."""

import numpy as np
import pytest

from examples.frameworks import linear_regression as lr
from tests.docharness.plugin import page_namespace

# The page trains both models; we assert on that very run (once per session, same worker).
pytestmark = pytest.mark.xdist_group("frameworks/linear-regression.md")

# Noise-free data and 200 steps at lr = 0.1 shrink the error by ~0.8 per step, so float32
# round-off (~1e-7) is the only error left; 1e-4 leaves room for other BLAS/CPU builds.
ATOL = 1e-4


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/frameworks/linear-regression.md")


def test_data_follows_the_seed():
    x, y = lr.make_data()
    assert x.shape == y.shape == (100, 1)
    np.testing.assert_allclose(y, 0.8 * x + 0.7, rtol=1e-6)


def test_tf1_recovers_the_parameters(page):
    assert page["w1"] == pytest.approx(0.8, abs=ATOL)
    assert page["b1"] == pytest.approx(0.7, abs=ATOL)


def test_tf2_recovers_the_parameters(page):
    model = page["model"]
    assert float(model.w[0, 0]) == pytest.approx(0.8, abs=ATOL)
    assert float(model.b[0]) == pytest.approx(0.7, abs=ATOL)


def test_both_losses_decrease_to_round_off(page):
    for losses in (page["losses_tf1"], page["losses_tf2"]):
        assert losses[-1] < 1e-10 < losses[0]


def test_restored_checkpoints_predict_the_same(page, tmp_path):
    x = page["x"]
    restored = lr.save_and_restore_tf2(page["model"], str(tmp_path))
    np.testing.assert_array_equal(restored(x).numpy(), page["model"](x).numpy())
    np.testing.assert_allclose(lr.predict_tf1(page["ckpt"], x), page["w1"] * x + page["b1"], atol=1e-6)


def test_tf1_summaries_were_written(page):
    from pathlib import Path

    events = list(Path(page["workdir"], "logs").glob("events.out.tfevents.*"))
    assert len(events) == 1


def test_a_wrong_gradient_step_would_be_caught():
    # guard against a test that cannot fail: too few steps leave the parameters far off
    x, y = lr.make_data()
    w, b, _, _ = lr.train_tf1(x, y, lr=0.1, max_step=3)
    assert abs(w - 0.8) > ATOL or abs(b - 0.7) > ATOL


def test_main_runs_from_the_command_line(capsys):
    lr.main(["--max-step", "30"])
    out = capsys.readouterr().out
    assert out.startswith("TF1: w = ") and "TF2: w = " in out
