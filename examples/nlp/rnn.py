"""Recurrent neural networks: a vanilla RNN cell from scratch (forward and backpropagation
through time) equal to tf.keras.layers.SimpleRNN, the receptive field of an RNN vs a CNN, and
vanishing / exploding gradients through time measured with GradientTape.

Run it:  python -m examples.nlp.rnn
"""

# --8<-- [start:forward]
import numpy as np
import tensorflow as tf


def rnn_forward(x, w_x, w_h, b, h0=None):
    """h_t = tanh(x_t W_x + h_{t-1} W_h + b) for t = 1..T.

    x: (batch, T, input_dim); W_x: (input_dim, units); W_h: (units, units); b: (units,).
    Returns every hidden state, (batch, T, units).
    """
    h = np.zeros((x.shape[0], w_h.shape[0])) if h0 is None else h0
    states = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ w_x + h @ w_h + b)   # the same weights at every step
        states.append(h)
    return np.stack(states, axis=1)
# --8<-- [end:forward]


# --8<-- [start:keras]
def keras_simple_rnn(w_x, w_h, b):
    """A SimpleRNN layer holding the given weights (Keras stores them as kernel,
    recurrent_kernel, bias, in this order and these shapes)."""
    layer = tf.keras.layers.SimpleRNN(w_h.shape[0], return_sequences=True)
    layer.build((None, None, w_x.shape[0]))
    layer.set_weights([w_x, w_h, b])
    return layer


def simple_rnn_params(input_dim, units):
    """kernel + recurrent_kernel + bias."""
    return input_dim * units + units * units + units
# --8<-- [end:keras]


# --8<-- [start:bptt]
def rnn_backward(x, states, grad_states, w_x, w_h, h0=None):
    """Backpropagation through time for rnn_forward.

    grad_states: dL/dh_t coming from above (batch, T, units), e.g. from an output layer.
    Returns dL/dW_x, dL/dW_h, dL/db and dL/dx.
    """
    batch, steps, _ = x.shape
    h0 = np.zeros((batch, w_h.shape[0])) if h0 is None else h0
    g_wx, g_wh, g_b = np.zeros_like(w_x), np.zeros_like(w_h), np.zeros(w_h.shape[0])
    g_x = np.zeros_like(x)
    carry = np.zeros((batch, w_h.shape[0]))               # dL/dh_t through h_{t+1}
    for t in reversed(range(steps)):
        g_h = grad_states[:, t] + carry
        g_a = g_h * (1 - states[:, t] ** 2)               # through tanh
        h_prev = states[:, t - 1] if t > 0 else h0
        g_wx += x[:, t].T @ g_a                           # shared weights: gradients add up
        g_wh += h_prev.T @ g_a
        g_b += g_a.sum(0)
        g_x[:, t] = g_a @ w_x.T
        carry = g_a @ w_h.T                               # one step further back in time
    return g_wx, g_wh, g_b, g_x
# --8<-- [end:bptt]


# --8<-- [start:receptive]
def influence(layer_or_model, steps=12, input_dim=1, seed=0):
    """Which time steps of the input change the output at the last step (the layer returns
    sequences):
    |d y_T / d x_t| summed over features, for t = 1..T."""
    x = tf.constant(np.random.default_rng(seed).normal(size=(1, steps, input_dim)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer_or_model(x)
        last = tf.reduce_sum(y[:, -1])
    return np.abs(tape.gradient(last, x).numpy()[0]).sum(axis=1)


def causal_cnn(layers=2, kernel_size=3, filters=4, seed=0):
    """Causal 1-D convolutions: the output at t only sees x_{t-k+1..t} per layer."""
    return tf.keras.Sequential(
        [tf.keras.layers.Conv1D(filters, kernel_size, padding="causal", activation="tanh",
                                kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed + i))
         for i in range(layers)])
# --8<-- [end:receptive]


# --8<-- [start:vanishing]
def gradient_through_time(layer, steps=60, input_dim=4, batch=8, seed=0):
    """||d L / d x_t|| for L = sum of the last output, averaged over a batch of random
    sequences; index k is the distance T - t (0: the last input)."""
    x = tf.constant(np.random.default_rng(seed).normal(size=(batch, steps, input_dim)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x)[:, -1])
    grads = tape.gradient(loss, x).numpy()
    return np.linalg.norm(grads, axis=2).mean(axis=0)[::-1]


def simple_rnn_with_gain(gain, units=16, seed=0):
    """SimpleRNN whose recurrent matrix is orthogonal times `gain` (all singular values = gain).

    Seeded initialisers make the weights independent of anything created before.
    """
    return tf.keras.layers.SimpleRNN(
        units, return_sequences=True,
        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=tf.keras.initializers.Orthogonal(gain=gain, seed=seed))
# --8<-- [end:vanishing]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_vanishing(path):
    """Gradient norm w.r.t. x_t against the distance T - t for three recurrent gains."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for gain in (0.5, 1.0, 2.0):
        norms = gradient_through_time(simple_rnn_with_gain(gain))
        ax.semilogy(np.arange(len(norms)), np.maximum(norms, 1e-30), label=f"W_h = {gain} x orthogonal")
    ax.set_xlabel("distance T - t (time steps)")
    ax.set_ylabel("||dL / dx_t|| (mean over 8 sequences)")
    ax.set_title("SimpleRNN (tanh, 16 units): gradient through time", fontsize=10)
    ax.set_ylim(1e-16, 1e4)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"rnn-vanishing-gradients.png": plot_vanishing}


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 3))
    w_x, w_h, b = rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5, rng.normal(size=4) * 0.1
    ours = rnn_forward(x, w_x, w_h, b)
    keras = keras_simple_rnn(w_x, w_h, b)(x.astype("float32")).numpy()
    print("max |from scratch - SimpleRNN|:", f"{np.abs(ours - keras).max():.1e}")
    print("CNN sees:", influence(causal_cnn()).round(3).nonzero()[0])
    print("RNN sees:", influence(simple_rnn_with_gain(1.0, units=4)).round(6).nonzero()[0])
    for gain in (0.5, 1.0, 2.0):
        norms = gradient_through_time(simple_rnn_with_gain(gain))
        print(f"gain {gain}: |dL/dx| at distance 0, 10, 30: {norms[0]:.1e} {norms[10]:.1e} {norms[30]:.1e}")


if __name__ == "__main__":
    main()
