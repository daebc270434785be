"""Saving and loading, each way a round trip that must give identical predictions.

tf.train.Checkpoint + CheckpointManager, the .keras file, weights only (.weights.h5 and a
NumPy from-scratch version), a SavedModel export, custom objects (registered, passed in
custom_objects, or skipped with compile=False) and the TF1 Saver through tf.compat.v1.

Run it:  python -m examples.frameworks.saving_and_loading
"""

# --8<-- [start:setup]
import os
import tempfile

import numpy as np
import keras
import tensorflow as tf


def make_data(num_samples=120, seed=0):
    """Three Gaussian blobs in 4-D with integer labels."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=num_samples)
    x = 2.0 * np.eye(3, 4)[y] + rng.normal(size=(num_samples, 4))
    return x.astype("float32"), y


def build_model(seed=0, hidden=8):
    """A compiled 4 -> hidden -> 3 classifier; `seed` fixes its initial weights."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(4,))
    h = keras.layers.Dense(hidden, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax", name="probs")(h)
    model = keras.Model(inputs, outputs, name="blobs")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def same_predictions(predict, x, reference):
    """Bit-for-bit equality: a round trip must restore the weights exactly."""
    return bool(np.array_equal(np.asarray(predict(x)), reference))


def same_optimizer_state(a, b):
    """Same optimizer variables (step count, learning rate, Adam's m and v), bit for bit."""
    va, vb = a.optimizer.variables, b.optimizer.variables
    return len(va) == len(vb) and all(np.array_equal(p, q) for p, q in zip(va, vb))
# --8<-- [end:setup]


# --8<-- [start:checkpoint]
def save_checkpoints(model, x, y, directory, num_saves=3, max_to_keep=2):
    """Train one step, save; repeat. The manager keeps only the newest `max_to_keep` files."""
    checkpoint = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    manager = tf.train.CheckpointManager(checkpoint, directory, max_to_keep=max_to_keep)
    for _ in range(num_saves):
        model.train_on_batch(x, y)
        manager.save()
    return manager


def restore_latest(directory):
    """Re-create the objects (the code is needed), then restore their variables."""
    model = build_model(seed=123)  # different initial weights on purpose
    model.optimizer.build(model.trainable_variables)  # create the slots so they can be filled
    checkpoint = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    status = checkpoint.restore(tf.train.latest_checkpoint(directory))
    status.assert_consumed()  # every value in the file found a variable, and vice versa
    return model
# --8<-- [end:checkpoint]


# --8<-- [start:weights_numpy]
def save_weights_numpy(model, path):
    """Weights are a list of arrays in layer order; np.savez stores them as arr_0, arr_1, ..."""
    np.savez(path, *model.get_weights())


def load_weights_numpy(model, path):
    with np.load(path) as data:
        model.set_weights([data[f"arr_{i}"] for i in range(len(data.files))])
# --8<-- [end:weights_numpy]


# --8<-- [start:custom_objects]
@keras.saving.register_keras_serializable(package="dl_notes")
class Scale(keras.layers.Layer):
    """Multiply each feature by a learned factor. Registered: load_model finds it by name."""

    def __init__(self, initial=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def build(self, input_shape):
        self.alpha = self.add_weight(shape=(input_shape[-1],), name="alpha",
                                     initializer=keras.initializers.Constant(self.initial))

    def call(self, inputs):
        return inputs * self.alpha

    def get_config(self):  # constructor arguments, stored in config.json
        return {**super().get_config(), "initial": self.initial}


class Doubling(keras.layers.Layer):
    """Not registered: load_model needs custom_objects={"Doubling": Doubling}."""

    def call(self, inputs):
        return 2.0 * inputs


def focal_loss(gamma=2.0):
    """A loss factory, as in the seed; Keras saves the inner function's name."""
    def focal_loss_fixed(y_true, y_pred):
        y_true = keras.ops.cast(y_true, "int32")
        p = keras.ops.take_along_axis(y_pred, y_true[:, None], axis=-1)[:, 0]
        return -((1.0 - p) ** gamma) * keras.ops.log(keras.ops.clip(p, 1e-7, 1.0))
    return focal_loss_fixed


def build_custom_model(seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(4,))
    h = Scale(0.5)(inputs)
    h = Doubling()(h)
    outputs = keras.layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs, name="custom")
    model.compile(optimizer="adam", loss=focal_loss(gamma=2.0))
    return model
# --8<-- [end:custom_objects]


# --8<-- [start:tf1_saver]
def tf1_save(ckpt_prefix, inputs, seed=0):
    """TF1: variables live in a graph; Saver writes their values, keyed by variable name."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        x_in = v1.placeholder(tf.float32, shape=[None, 4], name="x")
        with v1.variable_scope("dense"):
            w = v1.get_variable("W", shape=[4, 3], initializer=v1.random_normal_initializer(seed=seed))
            b = v1.get_variable("b", shape=[3], initializer=v1.constant_initializer(0.1))
        logits = tf.matmul(x_in, w) + b
        saver = v1.train.Saver(max_to_keep=5)
        init = v1.global_variables_initializer()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        path = saver.save(sess, ckpt_prefix, global_step=1)  # writes model.ckpt-1.*
        outputs = sess.run(logits, feed_dict={x_in: inputs})
    return path, outputs


def tf1_restore_and_predict(ckpt_dir, inputs):
    """Rebuild the same graph (same variable names), restore instead of initializing, run."""
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        x_in = v1.placeholder(tf.float32, shape=[None, 4], name="x")
        with v1.variable_scope("dense"):
            w = v1.get_variable("W", shape=[4, 3])
            b = v1.get_variable("b", shape=[3])
        logits = tf.matmul(x_in, w) + b
        saver = v1.train.Saver()
    with v1.Session(graph=graph) as sess:
        saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
        return sess.run(logits, feed_dict={x_in: inputs})
# --8<-- [end:tf1_saver]


# --8<-- [start:tf2_module]
class DenseModule(tf.Module):
    """The same W and b as tracked attributes of a tf.Module: TF2's object-based checkpoint."""

    def __init__(self, seed=0):
        super().__init__()
        self.w = tf.Variable(tf.random.stateless_normal([4, 3], seed=[seed, 0]), name="W")
        self.b = tf.Variable(tf.fill([3], 0.1), name="b")

    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b
# --8<-- [end:tf2_module]


def main():
    x, y = make_data()
    model = build_model()
    model.fit(x, y, epochs=2, batch_size=40, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        manager = save_checkpoints(model, x, y, f"{tmp}/ckpts")
        reference = model(x).numpy()
        restored = restore_latest(f"{tmp}/ckpts")
        results = {"tf.train.Checkpoint": same_predictions(restored, x, reference)
                   and same_optimizer_state(restored, model)}
        model.save(f"{tmp}/model.keras")
        loaded = keras.models.load_model(f"{tmp}/model.keras")
        results[".keras"] = same_predictions(loaded, x, reference) and same_optimizer_state(loaded, model)
        model.save_weights(f"{tmp}/model.weights.h5")
        fresh = build_model(seed=1)
        fresh.optimizer.build(fresh.trainable_variables)  # else its optimizer state is skipped
        fresh.load_weights(f"{tmp}/model.weights.h5")
        results[".weights.h5"] = same_predictions(fresh, x, reference) and same_optimizer_state(fresh, model)
        model.export(f"{tmp}/exported", verbose=False)
        serving = tf.saved_model.load(f"{tmp}/exported")  # keep it: it owns the variables
        results["SavedModel"] = same_predictions(serving.serve, x, reference)
        path, out = tf1_save(f"{tmp}/tf1/model.ckpt", x)
        results["TF1 Saver"] = same_predictions(lambda inputs: tf1_restore_and_predict(f"{tmp}/tf1", inputs), x, out)
        print("kept checkpoints:", [os.path.basename(p) for p in manager.checkpoints])
    for name, ok in results.items():
        print(f"{name:20s} identical predictions (and optimizer state where saved): {ok}")


if __name__ == "__main__":
    main()
