"""Claims of advanced/reinforcement-learning: the grid world, BFS, Q-learning reaching the
shortest path, the TD update as a gradient step, and epsilon-greedy on the 10-armed bandit."""

from collections import deque

import numpy as np
import pytest
import tensorflow as tf

from examples.advanced import reinforcement_learning as rl
from tests.docharness.plugin import page_namespace

pytestmark = pytest.mark.xdist_group("advanced/reinforcement-learning.md")


@pytest.fixture(scope="module")
def page():
    return page_namespace("docs/zh/advanced/reinforcement-learning.md")


def test_environment_dynamics():
    env = rl.GridWorld()
    assert (env.height, env.width, env.num_states) == (5, 9, 45)
    assert env.step(env.start, 0) == (env.start, 0.0, False)  # up: border, stay
    assert env.step(env.start, 1) == (env.start, 0.0, False)  # down: wall, stay
    assert env.step(env.start, 3) == (1, 0.0, False)  # right: free
    goal = env.find("G")
    assert env.step(goal - env.width, 1) == (goal, 1.0, True)  # entering G ends the episode


def _bfs_reference(grid):
    """An independent BFS over (row, col) tuples, walls as a set."""
    walls = {(r, c) for r, line in enumerate(grid) for c, ch in enumerate(line) if ch == "#"}
    start = next((r, line.index("S")) for r, line in enumerate(grid) if "S" in line)
    goal = next((r, line.index("G")) for r, line in enumerate(grid) if "G" in line)
    seen, queue = {start: 0}, deque([start])
    while queue:
        cell = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nxt = (cell[0] + dr, cell[1] + dc)
            if 0 <= nxt[0] < len(grid) and 0 <= nxt[1] < len(grid[0]) and nxt not in walls and nxt not in seen:
                seen[nxt] = seen[cell] + 1
                queue.append(nxt)
    return seen.get(goal)


@pytest.mark.parametrize("grid", [rl.GRID, ("S.G",), ("S#G", "..."), ("S#G", "#..")])
def test_bfs_matches_an_independent_search(grid):
    assert rl.shortest_path_length(rl.GridWorld(grid)) == _bfs_reference(grid)


def test_bfs_of_the_page_grid_and_unreachable_goal():
    assert rl.shortest_path_length(rl.GridWorld()) == 16
    # 4 + 8 = 12 is the Manhattan distance: the walls force a 4-step detour
    assert rl.shortest_path_length(rl.GridWorld(("S#G", "##."))) is None


def test_q_learning_walks_the_shortest_path(page):
    env = page["env"]
    path, reward = rl.greedy_rollout(env, page["q"])  # the table the page trained
    assert reward == 1.0
    assert len(path) - 1 == rl.shortest_path_length(env) == 16
    # consecutive cells are neighbours: the rollout is a real path through free cells
    for a, b in zip(path, path[1:]):
        (ra, ca), (rb, cb) = divmod(a, env.width), divmod(b, env.width)
        assert abs(ra - rb) + abs(ca - cb) == 1 and env.grid[rb][cb] != "#"
    # Q(S, best) converged to the discounted return of the optimal path, 0.9 ** 15; the
    # environment is deterministic, so with alpha = 0.5 the error halves at every visit
    assert page["q"][env.start].max() == pytest.approx(0.9**15, abs=1e-3)
    # baseline: an untrained (all-zero) table never reaches G
    _, zero_reward = rl.greedy_rollout(env, np.zeros_like(page["q"]))
    assert zero_reward == 0.0


def test_learning_improves_the_return(page):
    returns = page["returns"]
    assert returns[:5].mean() < 1.0  # early episodes time out before reaching G
    assert returns[-50:].mean() > 0.9  # at epsilon = 0.1 most late episodes reach G


@pytest.mark.parametrize("epsilon", [0.0, 0.5])
def test_q_learning_is_off_policy(epsilon):
    # whatever epsilon the agent acts with, the greedy policy it learns is optimal here
    env = rl.GridWorld()
    q, _ = rl.q_learning(env, epsilon=epsilon)
    path, reward = rl.greedy_rollout(env, q)
    assert reward == 1.0 and len(path) - 1 == 16


def test_td_update_equals_an_sgd_step_in_tensorflow():
    env = rl.GridWorld()
    table = np.random.default_rng(1).normal(size=(env.num_states, env.num_actions))
    for state, action in ((env.start, 3), (4, 1), (env.find("G") - env.width, 1)):
        next_state, reward, done = env.step(state, action)
        expected = table.copy()
        bootstrap = 0.0 if done else 0.9 * table[next_state].max()
        expected[state, action] += 0.5 * (reward + bootstrap - table[state, action])
        updated = rl.td_update_tf(tf.Variable(table), state, action, reward, next_state, done)
        np.testing.assert_allclose(updated.numpy(), expected, atol=1e-12)  # float64 both ways
        assert np.count_nonzero(updated.numpy() != table) == 1


def test_bandit_exploration_tradeoff(page):
    # 300 runs x 500 steps: the standard error of these averages is ~0.01-0.03; the gaps
    # asserted are several times larger. The ordering is Sutton & Barto's Figure 2.2.
    results = {eps: rl.bandit_epsilon_greedy(eps) for eps in (0.0, 0.1, 0.5)}
    late = {eps: (reward[-500:].mean(), optimal[-500:].mean()) for eps, (reward, optimal) in results.items()}
    assert late[0.1][0] > late[0.0][0] + 0.2  # exploring pays
    assert late[0.1][0] > late[0.5][0] + 0.4  # too much exploring costs
    assert late[0.1][1] > 0.7 > 0.4 > late[0.0][1]
    # the best possible average is E[max of 10 N(0,1)] ~ 1.54: nobody beats it
    assert max(r for r, _ in late.values()) < 1.54


def test_epsilon_greedy_breaks_ties_at_random():
    rng = np.random.default_rng(0)
    picks = {rl.epsilon_greedy(np.zeros(4), 0.0, rng) for _ in range(100)}
    assert picks == {0, 1, 2, 3}
    assert {rl.epsilon_greedy(np.array([0.0, 1.0, 0.0, 0.0]), 0.0, rng) for _ in range(20)} == {1}
