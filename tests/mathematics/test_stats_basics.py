"""Claims of math/statistics.md: population vs sample variance, checked against NumPy's ddof,
Python's statistics module, TensorFlow and scikit-learn; Bessel's correction by simulation."""

import math
import statistics

import numpy as np
import pytest

from examples.mathematics.stats_basics import (
    mean,
    simulate_estimates,
    std,
    variance,
    variance_one_pass,
    variance_welford,
)

RNG = np.random.default_rng(0)
SAMPLES = [RNG.normal(3.0, 2.0, size=n) for n in (2, 3, 7, 100, 1000)]
# Two-pass float64 sums of at most 1000 O(1) terms: round-off is ~1e-13 relative;
# NumPy (pairwise summation) and statistics (exact fractions) sum differently, so 1e-12.
RTOL = 1e-12


@pytest.mark.parametrize("x", SAMPLES, ids=lambda x: f"n={x.size}")
def test_population_formula_is_numpy_ddof0_and_pvariance(x):
    assert variance(x) == pytest.approx(np.var(x, ddof=0), rel=RTOL)
    assert variance(x, ddof=0) == pytest.approx(statistics.pvariance(x.tolist()), rel=RTOL)
    assert std(x) == pytest.approx(np.std(x, ddof=0), rel=RTOL)
    assert std(x) == pytest.approx(statistics.pstdev(x.tolist()), rel=RTOL)
    assert mean(x) == pytest.approx(statistics.mean(x.tolist()), rel=RTOL, abs=1e-15)


@pytest.mark.parametrize("x", SAMPLES, ids=lambda x: f"n={x.size}")
def test_sample_formula_is_numpy_ddof1_and_variance(x):
    assert variance(x, ddof=1) == pytest.approx(np.var(x, ddof=1), rel=RTOL)
    assert variance(x, ddof=1) == pytest.approx(statistics.variance(x.tolist()), rel=RTOL)
    assert std(x, ddof=1) == pytest.approx(np.std(x, ddof=1), rel=RTOL)
    assert std(x, ddof=1) == pytest.approx(statistics.stdev(x.tolist()), rel=RTOL)


def test_the_two_formulas_differ_by_n_over_n_minus_1():
    x = SAMPLES[2]  # n = 7: the factor 7/6 is far outside the tolerance
    assert variance(x, ddof=1) == pytest.approx(variance(x) * 7 / 6, rel=RTOL)
    assert variance(x, ddof=1) != pytest.approx(variance(x), rel=0.1)


def test_classic_example_has_population_std_2():
    data = [2, 4, 4, 4, 5, 5, 7, 9]
    assert (mean(data), variance(data), std(data)) == (5.0, 4.0, 2.0)  # exact in binary
    assert variance(data, ddof=1) == pytest.approx(32 / 7, rel=RTOL)


def test_too_few_values_raise_like_statistics():
    with pytest.raises(ValueError):
        variance([3.0], ddof=1)
    with pytest.raises(statistics.StatisticsError):
        statistics.variance([3.0])
    with pytest.raises(ValueError):
        variance_welford([3.0], ddof=1)


def test_tensorflow_has_only_the_population_formula():
    import tensorflow as tf

    x = SAMPLES[3]
    pop = float(tf.math.reduce_variance(tf.constant(x, dtype=tf.float64)))
    assert pop == pytest.approx(variance(x, ddof=0), rel=RTOL)
    assert pop != pytest.approx(variance(x, ddof=1), rel=1e-4)  # n = 100: 1 % apart
    assert float(tf.math.reduce_std(tf.constant(x))) == pytest.approx(std(x), rel=RTOL)


def test_standard_scaler_uses_the_population_std():
    from sklearn.preprocessing import StandardScaler

    x = SAMPLES[2].reshape(-1, 1)
    scaler = StandardScaler().fit(x)
    assert scaler.scale_[0] == pytest.approx(std(x.ravel(), ddof=0), rel=RTOL)
    assert scaler.var_[0] == pytest.approx(variance(x.ravel(), ddof=0), rel=RTOL)


def test_welford_is_stable_and_the_one_pass_shortcut_is_not():
    data = np.array([2, 4, 4, 4, 5, 5, 7, 9], dtype=float) + 1e8
    # Welford loses a few digits to the 1e8 offset (observed 5e-10 relative); 1e-6 is safe.
    assert variance_welford(data) == pytest.approx(4.0, rel=1e-6)
    assert variance_welford(data, ddof=1) == pytest.approx(32 / 7, rel=1e-6)
    assert variance(data) == pytest.approx(np.var(data), rel=1e-9)
    # The textbook shortcut cancels catastrophically: off by far more than any tolerance.
    assert abs(variance_one_pass(data) - 4.0) > 0.5


@pytest.mark.parametrize("n", [2, 5, 30])
def test_bessel_correction_removes_the_bias(n):
    sigma, trials = 2.0, 20_000
    var0, var1, _ = simulate_estimates(n, num_trials=trials, sigma=sigma)
    # For normal data Var(s^2) = 2 sigma^4 / (n - 1): the standard error of the average
    # of `trials` estimates; 4 standard errors keep a false failure below 1e-4.
    se = math.sqrt(2 * sigma**4 / (n - 1) / trials)
    assert var1 == pytest.approx(sigma**2, abs=4 * se)
    assert var0 == pytest.approx(sigma**2 * (n - 1) / n, abs=4 * se)
    # ...and the uncorrected estimate is detectably biased (about 18 standard errors off at n = 30).
    assert sigma**2 - var0 > 10 * se


@pytest.mark.parametrize("n", [2, 5, 30])
def test_sample_std_is_still_biased_low(n):
    sigma, trials = 2.0, 20_000
    _, _, std1 = simulate_estimates(n, num_trials=trials, sigma=sigma)
    # E[s] = c4(n) sigma for normal data (c4 < 1); SE of the average: sigma sqrt(1 - c4^2) / sqrt(trials).
    c4 = math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)
    se = sigma * math.sqrt(1 - c4**2) / math.sqrt(trials)
    assert std1 == pytest.approx(c4 * sigma, abs=4 * se)
    assert std1 < sigma


def test_main_runs(capsys):
    from examples.mathematics import stats_basics

    stats_basics.main()
    out = capsys.readouterr().out
    assert "population: variance = 4.0000, std = 2.0000" in out
    assert "sample:     variance = 4.5714, std = 2.1381" in out
