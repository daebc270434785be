"""A generative adversarial network on a 1-D toy distribution, from scratch and with TensorFlow.

The data are samples of N(4, 1.25^2). The generator is linear, G(z) = a z + b with z ~ N(0, 1),
so it can represent the target exactly (a = +-1.25, b = 4). The discriminator is logistic
regression on the features (x, x^2): the log density ratio of two Gaussians is a quadratic in x,
so this family contains the optimal discriminator. The same GAN is written with NumPy (hand
derived gradients, Keras' Adam formula) and with Keras models and tf.GradientTape; fed the same
batches they follow the same path. A second demo shows the mechanism behind mode collapse.

Run it:  python -m examples.advanced.gan
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf

TARGET_MEAN, TARGET_STD = 4.0, 1.25


def make_batches(steps, batch_size=64, seed=0):
    """Real samples x ~ N(4, 1.25^2) and noise z ~ N(0, 1): one row per training step."""
    rng = np.random.default_rng(seed)
    real = rng.normal(TARGET_MEAN, TARGET_STD, size=(steps, batch_size))
    noise = rng.normal(size=(steps, batch_size))
    return real, noise


def initial_parameters(seed=0):
    """Generator (a, b) = (1, 0): it starts as N(0, 1). Discriminator (w1, w2, c): small random."""
    d_params = np.random.default_rng(seed + 1000).normal(scale=0.1, size=3)
    return np.array([1.0, 0.0]), d_params
# --8<-- [end:data]


# --8<-- [start:numpy]
def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def adam_update(param, grad, state, lr, beta_1=0.5, beta_2=0.999, epsilon=1e-7):
    """Keras' Adam step (bias correction folded into the step size); state = [m, v, t]."""
    m, v, t = state
    t += 1
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    b1, b2 = float(np.float32(beta_1)), float(np.float32(beta_2))  # Keras uses float32 betas
    state[:] = [m, v, t]
    return param - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + epsilon)


def gan_numpy(real, noise, lr_d=0.05, lr_g=0.005, seed=0):
    """Simultaneous gradient steps on both players. Returns the generator's (a, b) per step.

    D(x) = sigmoid(w1 x + w2 x^2 + c).  D minimizes -log D(x) - log(1 - D(G(z)));
    G minimizes the non-saturating loss -log D(G(z)).
    """
    g_params, d_params = initial_parameters(seed)
    g_state, d_state = [0.0, 0.0, 0], [0.0, 0.0, 0]
    history = [g_params]
    for x, z in zip(real, noise):
        n = len(x)
        fake = g_params[0] * z + g_params[1]
        logit_real = d_params[0] * x + d_params[1] * x**2 + d_params[2]
        logit_fake = d_params[0] * fake + d_params[1] * fake**2 + d_params[2]
        # d(loss_D)/d(logit): sigmoid - 1 on real samples, sigmoid on fake ones (mean over batch)
        e_real, e_fake = (sigmoid(logit_real) - 1) / n, sigmoid(logit_fake) / n
        grad_d = np.array([e_real @ x + e_fake @ fake,
                           e_real @ x**2 + e_fake @ fake**2,
                           e_real.sum() + e_fake.sum()])
        # d(loss_G)/d(fake) = (sigmoid - 1) * d(logit)/d(x), then the chain rule to (a, b)
        e_gen = (sigmoid(logit_fake) - 1) / n * (d_params[0] + 2 * d_params[1] * fake)
        grad_g = np.array([e_gen @ z, e_gen.sum()])
        d_params = adam_update(d_params, grad_d, d_state, lr_d)
        g_params = adam_update(g_params, grad_g, g_state, lr_g)
        history.append(g_params)
    return np.array(history)
# --8<-- [end:numpy]


# --8<-- [start:keras]
def quadratic_features(x):
    return tf.concat([x, x * x], axis=-1)


def build_gan(seed=0):
    """Generator: Dense(1) on z. Discriminator: Dense(1) (a logit) on (x, x^2)."""
    g_params, d_params = initial_parameters(seed)
    generator = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)], name="generator")
    discriminator = tf.keras.Sequential(
        [tf.keras.Input((1,)), tf.keras.layers.Lambda(quadratic_features), tf.keras.layers.Dense(1)],
        name="discriminator")
    generator.layers[0].set_weights([np.array([[g_params[0]]]), np.array([g_params[1]])])
    discriminator.layers[-1].set_weights([d_params[:2].reshape(2, 1), d_params[2:]])
    return generator, discriminator


def gan_tensorflow(real, noise, lr_d=0.05, lr_g=0.005, seed=0):
    """The same GAN with Keras models, tf.GradientTape and tf.keras.optimizers.Adam."""
    generator, discriminator = build_gan(seed)
    opt_d = tf.keras.optimizers.Adam(lr_d, beta_1=0.5)
    opt_g = tf.keras.optimizers.Adam(lr_g, beta_1=0.5)
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, z):
        with tf.GradientTape() as tape_d, tf.GradientTape() as tape_g:
            logit_real = discriminator(x)
            logit_fake = discriminator(generator(z))
            loss_d = bce(tf.ones_like(logit_real), logit_real) + bce(tf.zeros_like(logit_fake), logit_fake)
            loss_g = bce(tf.ones_like(logit_fake), logit_fake)  # non-saturating loss
        grads_d = tape_d.gradient(loss_d, discriminator.trainable_variables)
        grads_g = tape_g.gradient(loss_g, generator.trainable_variables)
        opt_d.apply_gradients(zip(grads_d, discriminator.trainable_variables))
        opt_g.apply_gradients(zip(grads_g, generator.trainable_variables))
        kernel, bias = generator.trainable_variables
        return tf.concat([tf.reshape(kernel, [-1]), bias], axis=0)

    history = [initial_parameters(seed)[0]]
    real = tf.constant(real[..., None], tf.float32)
    noise = tf.constant(noise[..., None], tf.float32)
    for step in range(len(real)):
        history.append(train_step(real[step], noise[step]).numpy())
    return np.array(history), generator
# --8<-- [end:keras]


# --8<-- [start:collapse]
def normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def mixture_pdf(x):
    """Two modes: 0.5 N(-2, 0.5^2) + 0.5 N(2, 0.5^2)."""
    return 0.5 * normal_pdf(x, -2.0, 0.5) + 0.5 * normal_pdf(x, 2.0, 0.5)


def generator_vs_frozen_discriminator(steps=300, lr=0.05, seed=0):
    """Train only the generator against a discriminator that no longer learns.

    The discriminator is the optimal one for the mixture against the generator's start,
    N(0.3, 1): D*(x) = p_data / (p_data + p_g). Returns samples before and after.
    """
    generator = tf.keras.Sequential(
        [tf.keras.Input((1,)), tf.keras.layers.Dense(1, kernel_initializer="ones",
                                                      bias_initializer=tf.keras.initializers.Constant(0.3))])
    grid = np.linspace(-6, 6, 2401)

    def frozen_d(x):  # D*(x), a fixed function; written with tf ops so gradients reach x
        p_data = 0.5 * tf.exp(-0.5 * ((x + 2) / 0.5) ** 2) / 0.5 + 0.5 * tf.exp(-0.5 * ((x - 2) / 0.5) ** 2) / 0.5
        p_g = tf.exp(-0.5 * (x - 0.3) ** 2)
        return p_data / (p_data + p_g)

    optimizer = tf.keras.optimizers.Adam(lr)
    z = tf.constant(np.random.default_rng(seed).normal(size=(512, 1)), tf.float32)
    before = generator(z).numpy().ravel()

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(tf.math.log(frozen_d(generator(z)) + 1e-7))
        optimizer.apply_gradients(zip(tape.gradient(loss, generator.trainable_variables),
                                      generator.trainable_variables))

    for _ in range(steps):
        step()
    after = generator(z).numpy().ravel()
    d_values = frozen_d(tf.constant(grid, tf.float32)).numpy()
    return before, after, grid, d_values


def mode_share(samples):
    """Fraction of samples nearer to the mode at +2 than to the mode at -2."""
    return float(np.mean(samples > 0))
# --8<-- [end:collapse]


# --8<-- [start:figures]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_training(path, steps=2000):
    """The generator's density N(b, a^2) at several steps against the target N(4, 1.25^2)."""
    plt = _pyplot()
    history = gan_numpy(*make_batches(steps))
    grid = np.linspace(-4, 9, 400)
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.fill_between(grid, normal_pdf(grid, TARGET_MEAN, TARGET_STD), color="lightgray", label="data N(4, 1.25^2)")
    for step, color in zip((0, 100, 300, 800, steps), ("#c6dbef", "#6baed6", "#3182bd", "#08519c", "#d62728")):
        a, b = history[step]
        ax.plot(grid, normal_pdf(grid, b, abs(a)), color=color, label=f"G after {step} steps")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_title("Generator distribution during GAN training")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def plot_collapse(path):
    """Frozen discriminator: every generated sample runs to the highest point of D."""
    plt = _pyplot()
    before, after, grid, d_values = generator_vs_frozen_discriminator()
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.fill_between(grid, mixture_pdf(grid), color="lightgray", label="data (two modes)")
    ax.plot(grid, d_values, "k--", lw=1, label="frozen D(x)")
    bins = np.linspace(-6, 6, 61)
    ax.hist(before, bins=bins, density=True, histtype="step", color="#3182bd", label="G before")
    ax.hist(after, bins=bins, density=True, histtype="step", color="#d62728", label="G after 300 steps")
    ax.set_xlim(-6, 6)
    ax.set_ylim(0, 1.6)
    ax.set_xlabel("x")
    ax.set_title("Generator trained against a frozen discriminator")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {
    "gan-training.png": plot_training,
    "gan-mode-collapse.png": plot_collapse,
}


def main():
    real, noise = make_batches(2000)
    history_np = gan_numpy(real, noise)
    history_tf, generator = gan_tensorflow(real, noise)
    samples = generator(tf.constant(np.random.default_rng(1).normal(size=(10000, 1)), tf.float32)).numpy()
    print(f"NumPy GAN:      a = {history_np[-1, 0]:+.3f}, b = {history_np[-1, 1]:.3f}")
    print(f"TensorFlow GAN: a = {history_tf[-1, 0]:+.3f}, b = {history_tf[-1, 1]:.3f}")
    print(f"generated samples: mean {samples.mean():.2f}, std {samples.std():.2f} (target 4, 1.25)")
    before, after, _, _ = generator_vs_frozen_discriminator()
    print(f"frozen D: share near +2 {mode_share(before):.2f} -> {mode_share(after):.2f}, "
          f"std {before.std():.2f} -> {after.std():.2f}")


if __name__ == "__main__":
    main()
