"""A random allocation policy against Mesos's DRF on the same episodes.

    python python/examples/random_vs_drf.py [episodes]

Each episode is `scenarios/gym/small-shared.toml` with seed 1, 2, …: the
random policy acts through sparksim.gym.AllocationEnv, DRF is the
simulator's own allocator on the same seed. Both are scored on the mean
job latency and the mean fraction of CPUs held (summary.csv's
`cpu_allocated_mean`).
"""

from __future__ import annotations

import pathlib
import sys

import sparksim
from sparksim.gym import AllocationEnv

SCENARIO = pathlib.Path(__file__).resolve().parents[2] / "scenarios" / "gym" / "small-shared.toml"


def score(reports: sparksim.Reports) -> tuple:
    s = reports.summary
    row = s[s.scope == "all"].iloc[0]
    return float(row.latency_mean_s), float(row.cpu_allocated_mean), int(row.jobs_completed)


def main(episodes: int = 3) -> dict:
    env = AllocationEnv(SCENARIO)
    out = {"random": [], "drf": []}
    for seed in range(1, episodes + 1):
        env.reset(seed=seed)
        env.action_space.seed(seed)
        reward = 0.0
        while True:
            _, r, terminated, _, info = env.step(env.action_space.sample())
            reward += r
            if terminated:
                break
        out["random"].append(score(info["reports"]) + (reward,))
        drf = sparksim.load(SCENARIO, seed=seed).run()
        out["drf"].append(score(drf))
    env.close()
    print(f"{'policy':<8} {'episode':>7} {'latency mean s':>15} {'CPUs held':>10} {'jobs done':>10}")
    for policy, rows in out.items():
        for seed, row in enumerate(rows, 1):
            print(f"{policy:<8} {seed:>7} {row[0]:>15.2f} {row[1]:>10.3f} {row[2]:>10}")
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
