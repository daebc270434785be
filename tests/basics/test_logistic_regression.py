"""Claims of basics/logistic-regression.md: TensorFlow's gradients, scikit-learn's predictions."""

import numpy as np
import pytest

from examples.basics.logistic_regression import (
    breast_cancer_split,
    predict,
    propagate,
    propagate_tf,
    seed_cost,
    sigmoid,
)
from tests.docharness.plugin import page_namespace

# The page trains the model; the tests assert on that very run (same worker under xdist).
pytestmark = pytest.mark.xdist_group("basics/logistic-regression.md")


@pytest.fixture(scope="module")
def data():
    return breast_cancer_split(seed=0)


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/basics/logistic-regression.md")


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_gradients_equal_gradient_tape(data, l2):
    X_train, _, y_train, _ = data
    rng = np.random.default_rng(1)
    w, b = rng.normal(scale=0.5, size=X_train.shape[1]), -0.2
    grads, cost = propagate(w, b, X_train, y_train, l2)
    grads_tf, cost_tf = propagate_tf(w, b, X_train, y_train, l2)
    # Both float64; different summation order only. The page's bound is 1e-6.
    np.testing.assert_allclose(grads["dw"], grads_tf["dw"], rtol=1e-6, atol=1e-6)
    assert grads["db"] == pytest.approx(grads_tf["db"], rel=1e-6, abs=1e-6)
    assert cost == pytest.approx(cost_tf, rel=1e-6)


def test_gradient_matches_central_differences():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(40, 3)), (rng.random(40) < 0.4).astype(float)
    w, b, eps = rng.normal(size=3), 0.1, 1e-6
    grads, _ = propagate(w, b, X, y)
    numeric = [(propagate(w + eps * e, b, X, y)[1] - propagate(w - eps * e, b, X, y)[1]) / (2 * eps)
               for e in np.eye(3)]
    # Central differences have O(eps^2) truncation and ~1e-16/eps rounding error: ~1e-10 here.
    np.testing.assert_allclose(grads["dw"], numeric, atol=1e-8)
    numeric_b = (propagate(w, b + eps, X, y)[1] - propagate(w, b - eps, X, y)[1]) / (2 * eps)
    assert grads["db"] == pytest.approx(numeric_b, abs=1e-8)


def test_cost_equals_sklearn_log_loss(data):
    from sklearn.metrics import log_loss

    X_train, _, y_train, _ = data
    w, b = np.random.default_rng(3).normal(scale=0.3, size=X_train.shape[1]), 0.5
    _, cost = propagate(w, b, X_train, y_train)
    assert cost == pytest.approx(log_loss(y_train, sigmoid(X_train @ w + b)), rel=1e-10)


def test_training_reaches_accuracy_and_beats_majority_baseline(page):
    y_test, costs = page["y_test"], page["costs"]
    assert len(costs) == 1000
    assert costs[0] == pytest.approx(np.log(2), rel=1e-12)
    assert np.all(np.diff(costs) <= 1e-15)          # full-batch GD on a convex cost never goes up here
    accuracy = np.mean(page["y_pred"] == y_test)
    majority = max(y_test.mean(), 1 - y_test.mean())
    assert accuracy >= 0.95 and accuracy > majority + 0.25


def test_predictions_agree_with_sklearn(page):
    from sklearn.linear_model import LogisticRegression

    X_train, X_test, y_train, _ = breast_cancer_split(seed=0)
    np.testing.assert_array_equal(page["X_test"], X_test)   # the page used the split under test
    params = page["params"]
    ours = predict(params["w"], params["b"], X_test)
    np.testing.assert_array_equal(ours, page["y_pred"])
    reference = LogisticRegression().fit(X_train, y_train).predict(X_test)
    assert np.mean(ours == reference) >= 0.97


def test_l2_matches_sklearn_coefficients(page):
    # The page's exercise 1: gradient descent with l2 = 1 / (C m) against a tight lbfgs fit.
    params, ref = page["regularized"], page["tight"]
    assert page["m"] == 426 and ref.C == 1.0
    # Same strictly convex objective; 5000 GD steps leave ~5e-4 on coefficients of size ~1.
    assert np.abs(ref.coef_).max() > 0.5
    np.testing.assert_allclose(params["w"], ref.coef_[0], atol=1e-3)
    assert params["b"] == pytest.approx(ref.intercept_[0], abs=1e-3)


def test_seed_cost_breaks_where_logit_form_does_not():
    x, w = np.array([[1.0]]), np.array([50.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isinf(seed_cost(w, 0.0, x, np.array([0.0])))
        assert np.isnan(seed_cost(w, 0.0, x, np.array([1.0])))
    assert propagate(w, 0.0, x, np.array([0.0]))[1] == pytest.approx(50.0, rel=1e-15)
    assert propagate(w, 0.0, x, np.array([1.0]))[1] == pytest.approx(0.0, abs=1e-20)
    # Where nothing saturates the two formulas agree.
    assert seed_cost(np.array([0.7]), 0.1, x, np.array([1.0])) == pytest.approx(
        propagate(np.array([0.7]), 0.1, x, np.array([1.0]))[1], rel=1e-12)


def test_mse_on_sigmoid_is_not_convex_cross_entropy_is():
    w = np.linspace(-8, 8, 1601)
    h = w[1] - w[0]
    second = lambda f: (f[2:] - 2 * f[1:-1] + f[:-2]) / h**2
    assert second((sigmoid(w) - 1) ** 2).min() < -0.01
    assert second(np.logaddexp(0.0, -w)).min() > 0
