"""Claims of docs/*/basics/learning-rate-and-schedules.md, checked against Keras.

Schedules: 1e-6 absolute on learning rates of at most 0.1; Keras evaluates them in float32
(~1e-8 error at this size), so 1e-6 catches any wrong formula or boundary.
"""

import numpy as np
import pytest
import tensorflow as tf

from examples.basics import schedules as S


def test_schedules_match_keras():
    table = S.schedule_table()
    assert set(table) == {"exponential", "step (staircase)", "piecewise", "cosine + warm-up", "SGDR"}
    for name, (ours, keras_values) in table.items():
        np.testing.assert_allclose(ours, keras_values, atol=1e-6, err_msg=name)


def test_piecewise_boundary_belongs_to_the_earlier_value():
    keras = tf.keras.optimizers.schedules.PiecewiseConstantDecay([30, 60], [0.1, 0.03, 0.01])
    assert float(keras(30)) == pytest.approx(0.1)
    assert float(keras(31)) == pytest.approx(0.03)
    assert S.piecewise_constant(30, [30, 60], [0.1, 0.03, 0.01]) == 0.1


def test_cosine_warmup_shape():
    ours = S.SCHEDULES["cosine + warm-up"][0]
    assert ours(0) == 0.0
    assert ours(5) == pytest.approx(0.05)          # halfway up the linear warm-up
    assert ours(10) == pytest.approx(0.1)          # peak = warmup_target
    assert ours(100) == pytest.approx(0.005)       # alpha * peak after decay_steps = 90 more
    assert ours(1000) == pytest.approx(0.005)      # and flat afterwards


def test_sgdr_restarts():
    ours = S.SCHEDULES["SGDR"][0]
    # Cycles of 10, 20, 40 steps: restarts at 10, 30, 70 with peaks 0.1 * 0.8^i
    # (the floor alpha * 0.1 = 0.005 is not scaled by m_mul).
    for step, cycle in ((0, 0), (10, 1), (30, 2), (70, 3)):
        assert ours(step) == pytest.approx(0.005 + 0.095 * 0.8**cycle)
        assert ours(step - 1) < ours(step) if step else True


def _fresh_copy(model):
    clone = S.two_layer_model(seed=123)
    clone.set_weights(model.get_weights())
    return clone


def test_differential_learning_rates():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = rng.normal(size=(16, 1)).astype(np.float32)
    model = S.two_layer_model()
    by_hand = _fresh_copy(model)
    S.differential_sgd(model, x, y, body_lr=0.01, head_lr=0.1, steps=5)
    for _ in range(5):  # plain SGD written out, one learning rate per layer
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(by_hand(x) - y))
        grads = tape.gradient(loss, by_hand.trainable_variables)
        for variable, grad in zip(by_hand.trainable_variables, grads):
            variable.assign_sub((0.01 if "/body/" in variable.path else 0.1) * grad)
    for ours, keras in zip(by_hand.get_weights(), model.get_weights()):
        np.testing.assert_allclose(ours, keras, atol=1e-6)


def test_optimizer_map_key_must_match_the_whole_path():
    # 'body/.*' matches nothing in 'sequential/body/kernel': every variable gets the default.
    model = S.two_layer_model()
    optimizer_map = tf.keras.optimizers.OptimizerMap(
        tf.keras.optimizers.SGD(0.1), {"body/.*": tf.keras.optimizers.SGD(0.01)})
    chosen = {v.path: optimizer_map(v).learning_rate.numpy() for v in model.trainable_variables}
    assert all(lr == pytest.approx(0.1) for lr in chosen.values())
    fixed = tf.keras.optimizers.OptimizerMap(
        tf.keras.optimizers.SGD(0.1), {".*/body/.*": tf.keras.optimizers.SGD(0.01)})
    assert float(fixed(model.layers[0].kernel).learning_rate) == pytest.approx(0.01)


def test_scaling_gradients_changes_sgd_but_hardly_adam():
    # Page: gradient scaling emulates a per-layer learning rate for SGD, not for Adam.
    def first_step(optimizer, scale):
        w = tf.Variable([1.0, 1.0])
        optimizer.apply_gradients([(scale * tf.constant([0.5, -0.2]), w)])
        return 1.0 - w.numpy()
    # float32 weights near 1 carry ~1e-7 of rounding, hence atol=1e-6 on steps of 1e-3 to 5e-2.
    np.testing.assert_allclose(first_step(tf.keras.optimizers.SGD(0.01), 10.0),
                               10 * first_step(tf.keras.optimizers.SGD(0.01), 1.0), atol=1e-6)
    adam_big = first_step(tf.keras.optimizers.Adam(0.01), 10.0)
    adam_small = first_step(tf.keras.optimizers.Adam(0.01), 1.0)
    np.testing.assert_allclose(adam_big, adam_small, atol=1e-6)
    assert np.abs(adam_small).min() > 5e-3  # both steps are ~lr, not 10x apart


def test_sgd_weight_decay_equals_l2_penalty():
    wd, lr = 0.1, 0.01
    decayed = S.train_quadratic(tf.keras.optimizers.SGD(lr, weight_decay=wd), S.data_loss, S.W0)
    penalised = S.train_quadratic(tf.keras.optimizers.SGD(lr), S.l2_loss(wd), S.W0)
    np.testing.assert_allclose(decayed, penalised, atol=1e-6)  # float32, 20 steps
    # ... and one step of the from-scratch rule is what Keras does.
    w = tf.Variable([1.0, -2.0])
    tf.keras.optimizers.SGD(lr, weight_decay=wd).apply_gradients([(tf.constant([0.5, 0.5]), w)])
    expected = S.decoupled_weight_decay_step(np.array([1.0, -2.0]), np.array([0.5, 0.5]), lr, wd)
    np.testing.assert_allclose(w.numpy(), expected, atol=1e-7)


def test_adamw_is_adam_plus_decoupled_decay_not_l2():
    wd, lr = 0.1, 0.01
    adamw = S.train_quadratic(tf.keras.optimizers.AdamW(lr, weight_decay=wd), S.data_loss, S.W0)
    # AdamW written out: gradient at the old w, shrink w by lr * wd, then an Adam step.
    w = tf.Variable(S.W0, dtype=tf.float32)
    adam = tf.keras.optimizers.Adam(lr)
    for _ in range(20):
        with tf.GradientTape() as tape:
            value = S.data_loss(w)
        grad = tape.gradient(value, w)
        w.assign(w - lr * wd * w)
        adam.apply_gradients([(grad, w)])
    np.testing.assert_allclose(adamw, w.numpy(), atol=1e-6)
    adam_l2 = S.train_quadratic(tf.keras.optimizers.Adam(lr), S.l2_loss(wd), S.W0)
    # Adam + L2 drags the weight with small data gradients towards 0 at full speed.
    assert adam_l2[1] < 0.85 < adamw[1]


def test_momentum_multiplies_the_step():
    lr, mu = 0.01, 0.9
    w = tf.Variable([0.0])
    optimizer = tf.keras.optimizers.SGD(lr, momentum=mu)
    steps = []
    for _ in range(60):
        before = float(w[0])
        optimizer.apply_gradients([(tf.constant([-1.0]), w)])
        steps.append(float(w[0]) - before)
    np.testing.assert_allclose(steps, S.momentum_step_sizes(lr, mu, 60), rtol=1e-5)
    assert steps[-1] == pytest.approx(lr / (1 - mu), rel=0.01)  # 10 x lr


def test_ema_matches_keras_and_smooths_the_noise():
    path, keras_ema = S.noisy_sgd_with_ema(steps=100, decay=0.9)
    averages = S.ema_path(path, decay=0.9)
    np.testing.assert_allclose(averages[-1], keras_ema, atol=1e-6)
    raw = np.mean(np.sum(path[50:] ** 2, axis=1))
    smooth = np.mean(np.sum(averages[50:] ** 2, axis=1))
    assert smooth < 0.6 * raw
