"""LSTM and GRU: the gate equations in NumPy, written in Keras' weight layout so that the
same weights give the same outputs as tf.keras.layers.LSTM and GRU (both reset_after
variants); parameter counts; cost in multiply-adds (wall-clock times are measured by
benchmarks/recurrent_layers.py, never asserted); gradient through time and the forget-gate bias.

Run it:  python -m examples.nlp.lstm_and_gru
"""

# --8<-- [start:lstm]
import numpy as np
import tensorflow as tf


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_forward(x, kernel, recurrent_kernel, bias):
    """Keras' LSTM: the columns of kernel, recurrent_kernel and bias are [i | f | c | o].

    i, f, o = sigmoid(...); c_t = f * c_{t-1} + i * tanh(...); h_t = o * tanh(c_t).
    x: (batch, T, input_dim). Returns every h_t, (batch, T, units).
    """
    units = recurrent_kernel.shape[0]
    h = c = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias        # all four gates at once
        i, f, g, o = np.split(z, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)             # forget, then write
        h = sigmoid(o) * np.tanh(c)                              # read
        outputs.append(h)
    return np.stack(outputs, axis=1)
# --8<-- [end:lstm]


# --8<-- [start:gru]
def gru_forward(x, kernel, recurrent_kernel, bias, reset_after=True):
    """Keras' GRU: columns [z | r | h]; h_t = z * h_{t-1} + (1 - z) * candidate.

    reset_after=True (Keras' default, cuDNN's form): bias has shape (2, 3 units), an input
    and a recurrent bias, and the reset gate multiplies (h W_h + b_rh) after the product.
    reset_after=False (Cho et al. 2014): one bias (3 units,), reset applied to h before it.
    """
    units = recurrent_kernel.shape[0]
    b_x, b_h = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units))
    h = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        x_z, x_r, x_h = np.split(x[:, t] @ kernel + b_x, 3, axis=1)
        u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)
        b_z, b_r, b_hh = np.split(b_h, 3)
        z = sigmoid(x_z + h @ u_z + b_z)                         # update gate
        r = sigmoid(x_r + h @ u_r + b_r)                         # reset gate
        if reset_after:
            candidate = np.tanh(x_h + r * (h @ u_h + b_hh))
        else:
            candidate = np.tanh(x_h + (r * h) @ u_h)
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1)
# --8<-- [end:gru]


# --8<-- [start:keras]
def random_weights(layer, input_dim, seed=0, scale=0.5):
    """Build a Keras recurrent layer and give it random weights (biases included), so that a
    comparison exercises every term, not only the zero biases of the default initialiser."""
    layer.build((None, None, input_dim))
    rng = np.random.default_rng(seed)
    weights = [scale * rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def param_counts(input_dim, units):
    """Parameters of one layer: 4 (LSTM) or 3 (GRU) blocks of kernel + recurrent + bias."""
    block = input_dim * units + units * units
    return {
        "SimpleRNN": block + units,
        "LSTM": 4 * (block + units),
        "GRU (reset_after=True)": 3 * (block + 2 * units),
        "GRU (reset_after=False)": 3 * (block + units),
    }


def keras_layers(units):
    return {
        "SimpleRNN": tf.keras.layers.SimpleRNN(units),
        "LSTM": tf.keras.layers.LSTM(units),
        "GRU (reset_after=True)": tf.keras.layers.GRU(units),
        "GRU (reset_after=False)": tf.keras.layers.GRU(units, reset_after=False),
    }
# --8<-- [end:keras]


# --8<-- [start:cost]
def multiply_adds_per_step(input_dim, units):
    """Multiply-adds of the matrix products per time step and example (the gates' element-wise
    work is O(units) and left out)."""
    block = input_dim * units + units * units
    return {"SimpleRNN": block, "LSTM": 4 * block, "GRU": 3 * block}

# --8<-- [end:cost]


# --8<-- [start:forget]
def seeded(layer_class, units=16, seed=0, **kwargs):
    """A recurrent layer with Keras' default initialisers, seeded: its weights depend only on
    `seed` (a layer's own `seed` argument only seeds dropout)."""
    return layer_class(units, return_sequences=True,
                       kernel_initializer=tf.keras.initializers.GlorotUniform(seed=seed),
                       recurrent_initializer=tf.keras.initializers.Orthogonal(seed=seed), **kwargs)


def lstm_with_forget_bias(value, units=16, input_dim=4, seed=0):
    """An LSTM with Keras' default initialisation except the forget-gate bias."""
    layer = seeded(tf.keras.layers.LSTM, units, seed)
    layer.build((None, None, input_dim))
    kernel, recurrent, bias = layer.get_weights()
    bias[units:2 * units] = value             # columns [i | f | c | o]
    layer.set_weights([kernel, recurrent, bias])
    return layer


def gradient_through_time(layer, steps=60, input_dim=4, batch=8, seed=0):
    """||d L / d x_t|| for L = sum of the last output; index k is the distance T - t."""
    x = tf.constant(np.random.default_rng(seed).normal(size=(batch, steps, input_dim)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x)[:, -1])
    return np.linalg.norm(tape.gradient(loss, x).numpy(), axis=2).mean(axis=0)[::-1]
# --8<-- [end:forget]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_forget_bias(path):
    """Gradient through time: SimpleRNN, GRU and LSTMs with forget-gate bias 0, 1 and 5."""
    plt = _pyplot()
    layers = {
        "SimpleRNN": seeded(tf.keras.layers.SimpleRNN),
        "GRU": seeded(tf.keras.layers.GRU),
        "LSTM, forget bias 0": lstm_with_forget_bias(0.0),
        "LSTM, forget bias 1 (Keras default)": lstm_with_forget_bias(1.0),
        "LSTM, forget bias 5": lstm_with_forget_bias(5.0),
    }
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for name, layer in layers.items():
        norms = gradient_through_time(layer)
        ax.semilogy(np.arange(len(norms)), np.maximum(norms, 1e-12), label=name)
    ax.set_xlabel("distance T - t (time steps)")
    ax.set_ylabel("||dL / dx_t||")
    ax.set_ylim(1e-12, 1e1)
    ax.set_title("Gradient through time at initialisation (16 units)", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


FIGURES = {"lstm-and-gru-forget-bias.png": plot_forget_bias}


def main():
    x = np.random.default_rng(1).normal(size=(2, 6, 3)).astype("float32")
    lstm = tf.keras.layers.LSTM(4, return_sequences=True)
    weights = random_weights(lstm, 3)
    print(f"LSTM max error {np.abs(lstm_forward(x, *weights) - lstm(x).numpy()).max():.1e}")
    for reset_after in (True, False):
        gru = tf.keras.layers.GRU(4, return_sequences=True, reset_after=reset_after)
        weights = random_weights(gru, 3)
        error = np.abs(gru_forward(x, *weights, reset_after=reset_after) - gru(x).numpy()).max()
        print(f"GRU reset_after={reset_after} max error {error:.1e}")
    for name, count in param_counts(32, 64).items():
        print(f"{name:24s} {count}")
    print("multiply-adds per step and example:", multiply_adds_per_step(32, 64))
    print("wall-clock times: python benchmarks/recurrent_layers.py")


if __name__ == "__main__":
    main()
