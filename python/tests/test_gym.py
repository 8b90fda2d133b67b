"""The Gymnasium environment: deterministic episodes, documented spaces,
and the shipped example."""

import importlib.util
import pathlib

import numpy as np
import pytest

pytest.importorskip("gymnasium")

from sparksim.gym import AllocationEnv  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "gym" / "small-shared.toml"


def episode(env, seed, policy):
    obs, _ = env.reset(seed=seed)
    assert env.observation_space.contains(obs)
    rewards, skipped = [], 0
    while True:
        obs, reward, terminated, truncated, info = env.step(policy(obs))
        assert not truncated
        rewards.append(reward)
        if terminated:
            return rewards, info
        assert env.observation_space.contains(obs) and 0.0 <= reward <= 1.0
        skipped += info["skipped"]


def test_spaces_follow_the_cluster():
    env = AllocationEnv(SCENARIO)
    # 8 agents; 3 frameworks (two apps, one framework): 4 choices each.
    assert list(env.action_space.nvec) == [4] * 8
    assert env.observation_space.shape == (2 * 8 + 2 * 3,)
    env.close()


def test_episodes_are_deterministic_for_a_seed():
    env = AllocationEnv(SCENARIO)

    def seeded_random(seed):
        rng = np.random.default_rng(seed)
        return lambda obs: rng.integers(0, 4, size=8)

    a, info_a = episode(env, 1, seeded_random(9))
    b, info_b = episode(env, 1, seeded_random(9))
    assert a == b
    for name in info_a["reports"].names:
        assert info_a["reports"].text(name) == info_b["reports"].text(name)
    c, _ = episode(env, 2, seeded_random(9))
    assert c != a
    env.close()


def test_a_policy_that_offers_nothing_runs_no_job():
    env = AllocationEnv(SCENARIO)
    rewards, info = episode(env, 1, lambda obs: np.full(8, 3))
    assert info["jobs_completed"] == 0 and max(rewards) == 0.0
    # Offering every agent to the ETL app (framework 1) runs its jobs.
    rewards, info = episode(env, 1, lambda obs: np.full(8, 1))
    jobs = info["reports"].jobs
    assert (jobs[jobs.app == "etl"].status == "succeeded").any()
    assert not (jobs[jobs.app == "queries"].status == "succeeded").any()
    env.close()


def test_the_shipped_example_compares_random_with_drf(capsys):
    spec = importlib.util.spec_from_file_location("random_vs_drf", ROOT / "python" / "examples" / "random_vs_drf.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    out = example.main(episodes=2)
    assert len(out["random"]) == len(out["drf"]) == 2
    for (latency, held, done, *_), (d_latency, d_held, d_done) in zip(out["random"], out["drf"]):
        assert latency > 0 and d_latency > 0 and done > 0 and d_done > 0
        assert 0 < held <= 1 and 0 < d_held <= 1
    assert "random" in capsys.readouterr().out


def test_finished_episodes_leave_no_allocator_names_behind():
    import sparksim

    env = AllocationEnv(SCENARIO)
    episode(env, 1, lambda obs: np.full(8, 3))
    env.close()
    with pytest.raises(sparksim.ScenarioError) as caught:
        sparksim.load(SCENARIO, set={"mesos.allocator": "nope"})
    assert "gym-session" not in str(caught.value)
