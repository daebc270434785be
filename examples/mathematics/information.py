"""Softmax, entropy, cross-entropy and KL divergence in plain NumPy (no SciPy).

Every function works on the last axis, so a batch of distributions is a 2-D array with
one distribution per row. Logarithms are natural (results in nats); divide by
``np.log(2)`` for bits.

Run it:  python -m examples.mathematics.information
"""

# --8<-- [start:softmax]
import numpy as np


def softmax_naive(z):
    """exp(z) / sum(exp(z)): correct on paper, overflows for large logits."""
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax(z):
    """Stable softmax: subtracting the row maximum changes nothing but the overflow."""
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)  # largest entry becomes 0, exp(0) = 1
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    """log(softmax(z)) without taking the log of a number that rounded to 0."""
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
# --8<-- [end:softmax]


# --8<-- [start:information]
def entropy(p):
    """H(p) = -sum p log p, with 0 log 0 taken as 0 (its limit)."""
    p = np.asarray(p, dtype=float)
    safe = np.where(p > 0, p, 1.0)  # log(1) = 0 where p = 0
    return -np.sum(p * np.log(safe), axis=-1)


def cross_entropy(p, q):
    """H(p, q) = -sum p log q. Infinite when q = 0 somewhere p > 0."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer here
        log_q = np.log(q)
    return -np.sum(np.where(p > 0, p * log_q, 0.0), axis=-1)


def kl_divergence(p, q):
    """KL(p || q) = sum p log(p / q) = H(p, q) - H(p); zero only when q equals p."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        ratio = np.log(np.where(p > 0, p, 1.0)) - np.log(q)
    return np.sum(np.where(p > 0, p * ratio, 0.0), axis=-1)


def cross_entropy_from_logits(p, logits):
    """H(p, softmax(logits)) through log_softmax: what losses with from_logits=True do."""
    return -np.sum(np.asarray(p, dtype=float) * log_softmax(logits), axis=-1)
# --8<-- [end:information]


# --8<-- [start:figure]
def plot_information(path, p_true=0.3):
    """Left: entropy of a coin. Right: H(p, q) over q, its minimum H(p) and the KL gap."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    q = np.linspace(0.01, 0.99, 197)
    coins = np.stack([q, 1 - q], axis=-1)          # a coin with P(heads) = q
    p = np.array([p_true, 1 - p_true])
    h_coin = entropy(coins) / np.log(2)           # in bits
    h_cross = cross_entropy(p, coins) / np.log(2)
    h_p = entropy(p) / np.log(2)

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.3), dpi=100)
    left.plot(q, h_coin)
    left.set_xlabel("P(heads)")
    left.set_ylabel("H(p)  [bits]")
    left.set_title("entropy of a coin")
    right.plot(q, h_cross, label="H(p, q)")
    right.axhline(h_p, color="gray", linestyle="--", label=f"H(p) = {h_p:.3f}")
    right.fill_between(q, h_p, h_cross, alpha=0.2, label="KL(p || q)")
    right.axvline(p_true, color="gray", linewidth=0.8)
    right.set_ylim(0, 3)
    right.set_xlabel("q = predicted P(heads)")
    right.set_title(f"true p = {p_true}")
    right.legend(loc="upper center")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figure]

FIGURES = {"information-cross-entropy.png": plot_information}


def main():
    z = np.array([[2.0, 1.0, 0.1], [1000.0, 1001.0, 1002.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        print("naive softmax:\n", softmax_naive(z).round(4))
    print("stable softmax:\n", softmax(z).round(4))
    p = np.array([0.7, 0.2, 0.1])
    q = np.array([0.5, 0.3, 0.2])
    print(f"H(p) = {entropy(p):.4f} nats, H(p, q) = {cross_entropy(p, q):.4f}, "
          f"KL(p||q) = {kl_divergence(p, q):.4f}, KL(q||p) = {kl_divergence(q, p):.4f}")


if __name__ == "__main__":
    main()
