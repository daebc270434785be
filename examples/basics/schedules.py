"""Learning-rate schedules and the other knobs of an optimizer, from scratch vs Keras.

Step decay, exponential decay, cosine decay with linear warm-up and SGDR (cosine with warm
restarts) as plain Python functions of the step, checked against
``tf.keras.optimizers.schedules``; then differential learning rates (MultiOptimizer),
decoupled weight decay (``weight_decay=`` / AdamW), momentum as a larger effective step,
and an exponential moving average (EMA) of the weights (``use_ema=True``).

Run it:  python -m examples.basics.schedules
"""

# --8<-- [start:schedules]
import math

import numpy as np


def exponential_decay(step, initial_lr, decay_steps, decay_rate, staircase=False):
    """lr0 * rate^(step / decay_steps); staircase floors the exponent: step decay."""
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_lr * decay_rate**exponent


def piecewise_constant(step, boundaries, values):
    """values[0] while step <= boundaries[0], values[1] while step <= boundaries[1], ..."""
    for boundary, value in zip(boundaries, values):
        if step <= boundary:  # Keras: the boundary step itself still uses the old value
            return value
    return values[-1]


def cosine_decay(step, initial_lr, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    """Linear warm-up from initial_lr to warmup_target (if given), then a half cosine from
    the peak down to alpha * peak over decay_steps, then flat."""
    peak = initial_lr
    if warmup_target is not None:
        if step < warmup_steps:
            return initial_lr + (warmup_target - initial_lr) * step / warmup_steps
        step, peak = step - warmup_steps, warmup_target
    fraction = min(step, decay_steps) / decay_steps
    return peak * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


def cosine_decay_restarts(step, initial_lr, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """SGDR: a cosine cycle, then a restart at a peak m_mul times lower and a cycle t_mul
    times longer. The floor stays alpha * initial_lr in every cycle (as in Keras)."""
    start, length, cycle = 0.0, float(first_decay_steps), 0
    while step >= start + length:  # find the cycle the step falls into
        start, length, cycle = start + length, length * t_mul, cycle + 1
    fraction = (step - start) / length
    cosine = m_mul**cycle * 0.5 * (1 + math.cos(math.pi * fraction))
    return initial_lr * ((1 - alpha) * cosine + alpha)
# --8<-- [end:schedules]


# --8<-- [start:keras]
import tensorflow as tf

schedules = tf.keras.optimizers.schedules

# name: (from-scratch function of the step, the Keras schedule with the same settings)
SCHEDULES = {
    "exponential": (lambda s: exponential_decay(s, 0.1, 20, 0.5),
                    schedules.ExponentialDecay(0.1, decay_steps=20, decay_rate=0.5)),
    "step (staircase)": (lambda s: exponential_decay(s, 0.1, 20, 0.5, staircase=True),
                         schedules.ExponentialDecay(0.1, 20, 0.5, staircase=True)),
    "piecewise": (lambda s: piecewise_constant(s, [30, 60], [0.1, 0.03, 0.01]),
                  schedules.PiecewiseConstantDecay([30, 60], [0.1, 0.03, 0.01])),
    "cosine + warm-up": (lambda s: cosine_decay(s, 0.0, 90, alpha=0.05,
                                                warmup_target=0.1, warmup_steps=10),
                         schedules.CosineDecay(0.0, decay_steps=90, alpha=0.05,
                                               warmup_target=0.1, warmup_steps=10)),
    "SGDR": (lambda s: cosine_decay_restarts(s, 0.1, 10, t_mul=2.0, m_mul=0.8, alpha=0.05),
             schedules.CosineDecayRestarts(0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.8,
                                           alpha=0.05)),
}


# The first steps and both sides of every boundary and restart used above.
CHECK_STEPS = [0, 1, 5, 9, 10, 11, 19, 20, 21, 29, 30, 31, 39, 40, 41, 59, 60, 61,
               69, 70, 71, 99, 100, 101, 149, 150, 151, 200]


def schedule_table(steps=CHECK_STEPS):
    """{name: (from-scratch values, Keras values)} at the given steps."""
    return {name: (np.array([ours(s) for s in steps]),
                   np.array([float(keras_schedule(s)) for s in steps]))
            for name, (ours, keras_schedule) in SCHEDULES.items()}
# --8<-- [end:keras]


# --8<-- [start:differential]
def two_layer_model(seed=0):
    """A 'body' (pretend it is pre-trained) and a new 'head'."""
    tf.keras.utils.set_random_seed(seed)
    return tf.keras.Sequential([
        tf.keras.Input(shape=(3,)),
        tf.keras.layers.Dense(4, activation="tanh", name="body"),
        tf.keras.layers.Dense(1, name="head"),
    ])


def differential_sgd(model, x, y, body_lr=0.01, head_lr=0.1, steps=5):
    """Train with lr 0.01 on the body and 0.1 on the head through MultiOptimizer.

    OptimizerMap keys are regular expressions that must match the *whole* variable path,
    e.g. 'sequential/body/kernel': 'body/.*' alone matches nothing.
    """
    optimizer = tf.keras.optimizers.MultiOptimizer(tf.keras.optimizers.OptimizerMap(
        default_optimizer=tf.keras.optimizers.SGD(head_lr),
        optimizer_map={".*/body/.*": tf.keras.optimizers.SGD(body_lr)},
    ))
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return model
# --8<-- [end:differential]


# --8<-- [start:weight_decay]
def decoupled_weight_decay_step(w, grad, lr, weight_decay):
    """What every Keras optimizer does with weight_decay=...: shrink, then the usual step.

    Shown for SGD: w <- w - lr * wd * w, then w <- w - lr * g (g taken at the old w).
    """
    w = w - lr * weight_decay * w
    return w - lr * grad


def train_quadratic(optimizer, loss, w0, steps=20):
    """Minimise loss(w) with a Keras optimizer; returns the final w (float32)."""
    w = tf.Variable(w0, dtype=tf.float32)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            value = loss(w)
        optimizer.apply_gradients([(tape.gradient(value, w), w)])
    return w.numpy()


# One weight with large gradients (x100), one with small ones: the data term of a loss.
W0 = np.array([1.0, 1.0])
data_loss = lambda w: 50.0 * tf.square(w[0] - 2.0) + 0.005 * tf.square(w[1] - 2.0)
l2_loss = lambda wd: (lambda w: data_loss(w) + 0.5 * wd * tf.reduce_sum(tf.square(w)))
# --8<-- [end:weight_decay]


# --8<-- [start:momentum_ema]
def momentum_step_sizes(lr, mu, steps):
    """Step sizes of momentum SGD on a constant unit gradient: lr (1 - mu^t) / (1 - mu)."""
    t = np.arange(1, steps + 1)
    return lr * (1 - mu**t) / (1 - mu)


def ema_path(path, decay=0.99):
    """Keras' use_ema, one average per update: after the first update the average is the
    weights themselves; after each later one, average <- decay * average + (1 - decay) * w."""
    averages = [np.asarray(path[0], dtype=float)]
    for w in path[1:]:
        averages.append(decay * averages[-1] + (1 - decay) * np.asarray(w))
    return np.array(averages)


def noisy_sgd_with_ema(steps=100, lr=0.1, decay=0.9, seed=0):
    """SGD on 0.5 ||w||^2 with noisy gradients; returns (path after each update, final EMA
    that Keras writes into the variable with finalize_variable_values)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(scale=1.0, size=(steps, 2)).astype(np.float32)
    w = tf.Variable([3.0, -2.0])
    optimizer = tf.keras.optimizers.SGD(lr, use_ema=True, ema_momentum=decay)
    path = []
    for step in range(steps):
        optimizer.apply_gradients([(w + noise[step], w)])  # gradient of 0.5 ||w||^2 + noise
        path.append(w.numpy())
    optimizer.finalize_variable_values([w])  # fit() does this at the end of training
    return np.array(path), w.numpy()
# --8<-- [end:momentum_ema]


# --8<-- [start:figures]
def plot_schedules(path):
    """Each schedule's learning rate against the step (from-scratch functions)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.arange(151)
    fig, ax = plt.subplots(figsize=(7, 3.8), dpi=100)
    for name, (ours, _) in SCHEDULES.items():
        ax.plot(steps, [ours(s) for s in steps], label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title("Learning-rate schedules (initial or peak lr 0.1)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {"learning-rate-schedules.png": plot_schedules}


def main():
    for name, (ours, keras_values) in schedule_table().items():
        print(f"{name:17s} max |from scratch - Keras| = {np.abs(ours - keras_values).max():.1e}")
    wd = 0.1
    sgd_decay = train_quadratic(tf.keras.optimizers.SGD(0.01, weight_decay=wd), data_loss, W0)
    sgd_l2 = train_quadratic(tf.keras.optimizers.SGD(0.01), l2_loss(wd), W0)
    print("SGD weight_decay vs L2 penalty:", sgd_decay.round(5), sgd_l2.round(5))
    adamw = train_quadratic(tf.keras.optimizers.AdamW(0.01, weight_decay=wd), data_loss, W0)
    adam_l2 = train_quadratic(tf.keras.optimizers.Adam(0.01), l2_loss(wd), W0)
    print("AdamW vs Adam + L2 penalty:    ", adamw.round(5), adam_l2.round(5))
    path, ema = noisy_sgd_with_ema()
    averages = ema_path(path, decay=0.9)
    print(f"EMA from scratch vs Keras: {np.abs(averages[-1] - ema).max():.1e}")
    print(f"mean ||w||^2 over the last 50 updates: weights {np.mean(np.sum(path[50:]**2, 1)):.4f}, "
          f"EMA {np.mean(np.sum(averages[50:]**2, 1)):.4f}")


if __name__ == "__main__":
    main()
