"""Tabular Q-learning on a small grid world, checked against a breadth-first search, and
exploration vs exploitation with epsilon-greedy agents on the 10-armed bandit testbed.

The agent starts at S; stepping onto G ends the episode with reward +1, every other step gives 0.
With discount 0.9 a path of length L is worth 0.9^(L - 1), so the best policy walks the
shortest path, which breadth-first search computes from scratch.

Run it:  python -m examples.advanced.reinforcement_learning
"""

# --8<-- [start:env]
from collections import deque

import numpy as np
import tensorflow as tf

GRID = (
    "S....#...",
    "####.#.#.",
    "...#...#.",
    ".#.#####.",
    ".#......G",
)
REWARDS = {"G": 1.0}  # terminal cells and their rewards
ACTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1))  # up, down, left, right


class GridWorld:
    """States are cells (row, col) numbered row * width + col; walls (#) cannot be entered."""

    def __init__(self, grid=GRID):
        self.grid = grid
        self.height, self.width = len(grid), len(grid[0])
        self.num_states, self.num_actions = self.height * self.width, len(ACTIONS)
        self.start = self.find("S")

    def find(self, char):
        for row, line in enumerate(self.grid):
            if char in line:
                return row * self.width + line.index(char)
        raise ValueError(char)

    def step(self, state, action):
        """(next state, reward, done). Bumping into a wall or the border leaves the agent in place."""
        row, col = divmod(state, self.width)
        d_row, d_col = ACTIONS[action]
        new_row, new_col = row + d_row, col + d_col
        if not (0 <= new_row < self.height and 0 <= new_col < self.width) or self.grid[new_row][new_col] == "#":
            new_row, new_col = row, col
        cell = self.grid[new_row][new_col]
        return new_row * self.width + new_col, REWARDS.get(cell, 0.0), cell in REWARDS
# --8<-- [end:env]


# --8<-- [start:bfs]
def shortest_path_length(env, goal="G"):
    """Breadth-first search from the start; terminal cells other than the goal are dead ends."""
    target = env.find(goal)
    distance = {env.start: 0}
    queue = deque([env.start])
    while queue:
        state = queue.popleft()
        if state == target:
            return distance[state]
        row, col = divmod(state, env.width)
        if env.grid[row][col] in REWARDS:  # an episode ends there: no way on
            continue
        for action in range(env.num_actions):
            nxt, _, _ = env.step(state, action)
            if nxt not in distance:
                distance[nxt] = distance[state] + 1
                queue.append(nxt)
    return None
# --8<-- [end:bfs]


# --8<-- [start:qlearning]
def epsilon_greedy(q_row, epsilon, rng):
    """A random action with probability epsilon, else a best action (ties broken at random)."""
    if rng.random() < epsilon:
        return int(rng.integers(len(q_row)))
    best = np.flatnonzero(q_row == q_row.max())
    return int(rng.choice(best))


def q_learning(env, epsilon=0.1, episodes=300, alpha=0.5, gamma=0.9, max_steps=100, seed=0):
    """Tabular Q-learning. Returns the Q table and the (undiscounted) return of each episode."""
    rng = np.random.default_rng(seed)
    q = np.zeros((env.num_states, env.num_actions))
    returns = []
    for _ in range(episodes):
        state, total = env.start, 0.0
        for _ in range(max_steps):
            action = epsilon_greedy(q[state], epsilon, rng)
            nxt, reward, done = env.step(state, action)
            target = reward if done else reward + gamma * q[nxt].max()
            q[state, action] += alpha * (target - q[state, action])  # TD update
            state, total = nxt, total + reward
            if done:
                break
        returns.append(total)
    return q, np.array(returns)


def greedy_rollout(env, q, max_steps=100):
    """Follow argmax Q from the start; returns the cells visited and the final reward."""
    state, path = env.start, [env.start]
    for _ in range(max_steps):
        state, reward, done = env.step(state, int(np.argmax(q[state])))
        path.append(state)
        if done:
            return path, reward
    return path, 0.0


def draw_path(env, path):
    """The grid with the visited cells marked by *."""
    rows = [list(line) for line in env.grid]
    for state in path[1:-1]:
        row, col = divmod(state, env.width)
        rows[row][col] = "*"
    return "\n".join("".join(row) for row in rows)
# --8<-- [end:qlearning]


# --8<-- [start:tensorflow]
def td_update_tf(q_table, state, action, reward, next_state, done, alpha=0.5, gamma=0.9):
    """One Q-learning update as a gradient step: loss = (target - Q[s, a])^2 / 2, SGD with lr alpha.

    d loss / d Q[s, a] = -(target - Q[s, a]), so the SGD step is exactly the tabular update.
    The target is held constant (tf.stop_gradient), as in DQN.
    """
    optimizer = tf.keras.optimizers.SGD(learning_rate=alpha)
    with tf.GradientTape() as tape:
        bootstrap = tf.zeros((), q_table.dtype) if done else gamma * tf.reduce_max(q_table[next_state])
        target = tf.stop_gradient(reward + bootstrap)
        loss = 0.5 * tf.square(target - q_table[state, action])
    optimizer.apply_gradients([(tape.gradient(loss, q_table), q_table)])
    return q_table
# --8<-- [end:tensorflow]


# --8<-- [start:bandit]
def bandit_epsilon_greedy(epsilon, runs=300, steps=1000, arms=10, seed=0):
    """Sutton & Barto's 10-armed testbed, all runs at once.

    Each run draws true action values q*(a) ~ N(0, 1); pulling arm a pays N(q*(a), 1). The agent
    keeps sample averages Q(a) and acts epsilon-greedily. Returns the reward and whether the best
    arm was pulled, averaged over runs, at every step.
    """
    rng = np.random.default_rng(seed)
    q_true = rng.normal(size=(runs, arms))
    best_arm = q_true.argmax(axis=1)
    estimates, counts = np.zeros((runs, arms)), np.zeros((runs, arms))
    rows = np.arange(runs)
    mean_reward, optimal = np.zeros(steps), np.zeros(steps)
    for t in range(steps):
        # greedy with random tie-breaking (tiny noise), random arm with probability epsilon
        greedy = np.argmax(estimates + 1e-9 * rng.random((runs, arms)), axis=1)
        explore = rng.random(runs) < epsilon
        action = np.where(explore, rng.integers(arms, size=runs), greedy)
        reward = rng.normal(q_true[rows, action], 1.0)
        counts[rows, action] += 1
        estimates[rows, action] += (reward - estimates[rows, action]) / counts[rows, action]
        mean_reward[t], optimal[t] = reward.mean(), np.mean(action == best_arm)
    return mean_reward, optimal
# --8<-- [end:bandit]


# --8<-- [start:figures]
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


EPSILONS = (0.0, 0.01, 0.1, 0.5)


def plot_returns(path, window=25):
    """Average reward per step on the 10-armed testbed for several epsilons."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for epsilon in EPSILONS:
        reward, _ = bandit_epsilon_greedy(epsilon)
        smooth = np.convolve(reward, np.ones(window) / window, mode="valid")
        ax.plot(np.arange(window, len(reward) + 1), smooth, label=f"epsilon = {epsilon}")
    ax.set_xlabel("step")
    ax.set_ylabel("average reward (300 runs)")
    ax.set_title("10-armed bandit: exploration vs exploitation")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
# --8<-- [end:figures]


FIGURES = {"reinforcement-learning-returns.png": plot_returns}


def main():
    env = GridWorld()
    print("shortest path S -> G (BFS):", shortest_path_length(env))
    for epsilon in (0.0, 0.1, 0.5):
        q, returns = q_learning(env, epsilon)
        path, reward = greedy_rollout(env, q)
        print(f"grid, epsilon {epsilon}: greedy policy {len(path) - 1} steps, reward {reward:g}")
    for epsilon in EPSILONS:
        reward, optimal = bandit_epsilon_greedy(epsilon)
        print(f"bandit, epsilon {epsilon:4}: reward per step (last 500) {reward[-500:].mean():.2f}, "
              f"best arm {optimal[-500:].mean():.0%}")


if __name__ == "__main__":
    main()
