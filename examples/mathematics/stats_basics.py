"""Mean, variance and standard deviation from scratch: population vs sample (``ddof``).

NumPy's ``np.var``/``np.std`` divide by ``n - ddof`` (``ddof=0`` by default: the population
formula); Python's ``statistics`` module has both (``pvariance`` and ``variance``);
TensorFlow's ``tf.math.reduce_variance`` only has the population one. The functions below
make the choice explicit, show why the sample formula divides by ``n - 1`` (a simulation),
and why the one-pass textbook shortcut ``E[x^2] - E[x]^2`` is a bad idea in floating point.

Run it:  python -m examples.mathematics.stats_basics
"""

# --8<-- [start:moments]
import math

import numpy as np


def mean(x):
    """Arithmetic mean of a 1-D sequence."""
    x = np.asarray(x, dtype=float)
    return x.sum() / x.size


def variance(x, ddof=0):
    """Mean squared deviation from the mean, dividing by n - ddof.

    ddof=0: population variance (the data are the whole population);
    ddof=1: sample variance with Bessel's correction (the data are a sample).
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    if n - ddof <= 0:
        raise ValueError(f"need more than {ddof} values, got {n}")
    deviations = x - mean(x)  # two passes: first the mean, then the deviations
    return float(np.sum(deviations**2) / (n - ddof))


def std(x, ddof=0):
    """Standard deviation: the square root of the variance, in the data's own units."""
    return math.sqrt(variance(x, ddof))
# --8<-- [end:moments]


# --8<-- [start:streaming]
def variance_one_pass(x, ddof=0):
    """Textbook shortcut (sum x^2 - n mean^2) / (n - ddof): cancels catastrophically."""
    x = np.asarray(x, dtype=float)
    n = x.size
    return float((np.sum(x**2) - n * mean(x) ** 2) / (n - ddof))


def variance_welford(values, ddof=0):
    """Welford's online algorithm: one pass, numerically stable, O(1) memory."""
    n, running_mean, m2 = 0, 0.0, 0.0
    for value in values:
        n += 1
        delta = value - running_mean
        running_mean += delta / n
        m2 += delta * (value - running_mean)  # uses the old and the new mean
    if n - ddof <= 0:
        raise ValueError(f"need more than {ddof} values, got {n}")
    return m2 / (n - ddof)
# --8<-- [end:streaming]


# --8<-- [start:simulation]
def simulate_estimates(n, num_trials=20_000, sigma=2.0, seed=0):
    """Draw num_trials samples of size n from N(0, sigma^2); average each estimator.

    Returns the mean of the ddof=0 variances, of the ddof=1 variances and of the
    ddof=1 standard deviations over all trials (true variance: sigma**2).
    """
    rng = np.random.default_rng(seed)
    samples = rng.normal(0.0, sigma, size=(num_trials, n))
    var0 = samples.var(axis=1, ddof=0)
    var1 = samples.var(axis=1, ddof=1)
    std1 = samples.std(axis=1, ddof=1)
    return float(var0.mean()), float(var1.mean()), float(std1.mean())
# --8<-- [end:simulation]


# --8<-- [start:figure]
def plot_bias(path, sizes=(2, 3, 4, 5, 6, 8, 10, 15, 20, 30), sigma=2.0):
    """Average ddof=0 and ddof=1 variance estimates against the sample size n."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    estimates = np.array([simulate_estimates(n, sigma=sigma) for n in sizes])
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.axhline(sigma**2, color="black", lw=1, label=rf"true variance $\sigma^2 = {sigma**2:g}$")
    ax.plot(sizes, estimates[:, 1], "o-", label="ddof=1: divide by n - 1")
    ax.plot(sizes, estimates[:, 0], "s--", label="ddof=0: divide by n")
    ax.plot(sizes, (np.array(sizes) - 1) / np.array(sizes) * sigma**2, ":", color="gray",
            label=r"$\sigma^2\,(n-1)/n$")
    ax.set_xlabel("sample size n")
    ax.set_ylabel("mean estimate over 20 000 samples")
    ax.set_ylim(0, 4.8)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]


FIGURES = {"statistics-bessel.png": plot_bias}


def main():
    import statistics

    data = [2, 4, 4, 4, 5, 5, 7, 9]
    print(f"data = {data}")
    print(f"mean = {mean(data)}")
    print(f"population: variance = {variance(data):.4f}, std = {std(data):.4f}  "
          f"(numpy ddof=0: {np.var(data):.4f}, statistics.pvariance: {statistics.pvariance(data):.4f})")
    print(f"sample:     variance = {variance(data, ddof=1):.4f}, std = {std(data, ddof=1):.4f}  "
          f"(numpy ddof=1: {np.var(data, ddof=1):.4f}, statistics.variance: {statistics.variance(data):.4f})")
    shifted = np.array(data, dtype=float) + 1e9
    print(f"data + 1e9: two-pass {variance(shifted):.4f}, Welford {variance_welford(shifted):.4f}, "
          f"one-pass shortcut {variance_one_pass(shifted):.4f}")
    for n in (2, 5, 30):
        var0, var1, std1 = simulate_estimates(n)
        print(f"n = {n:2d}: E[var ddof=0] = {var0:.3f}, E[var ddof=1] = {var1:.3f}, "
              f"E[std ddof=1] = {std1:.3f}  (true: 4, 2)")


if __name__ == "__main__":
    main()
