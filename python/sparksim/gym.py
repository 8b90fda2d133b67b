"""A Gymnasium environment for learning Mesos allocation policies.

    from sparksim.gym import AllocationEnv
    env = AllocationEnv("scenarios/gym/small-shared.toml")
    obs, info = env.reset(seed=1)
    while True:
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        if terminated:
            break
    info["reports"].summary        # the episode's reports, as from Scenario.run

**A step is one Mesos allocation run.** The simulation runs until the
master's next allocation run, then waits for the action: which framework
gets each agent's free (unreserved) resources, whole, as Mesos offers them.
The offers go out, the frameworks answer (launch, decline with a filter),
time moves on to the next run.

**Action**: ``MultiDiscrete([F + 1] * A)``, for agent a the framework that
gets its free resources, or ``F`` for none. An agent that is not a
candidate of this run, has nothing free (or less than
``min_allocatable``), or whose chosen framework is inactive, has
suppressed offers or still filters the agent, is skipped: Mesos would not
offer it (``info["skipped"]`` counts them).

**Observation**: ``Box(0, 1, (2A + 2F,))``: each agent's free CPUs and
free memory as fractions of its total, then each framework's dominant
share and whether it is active (1) or not (0).

**Reward**: the fraction of the cluster's CPUs held (offered or running
tasks) when the next run starts, after this action's offers were answered:
utilisation as the allocator sees it. The episode ends when the run ends
(``terminated``); ``info["reports"]`` then holds every report, and
``info["latency_mean_s"]`` the mean job latency, for a latency objective.

**Determinism**: ``reset(seed=s)`` sets the scenario's seed; the same seed
and the same actions give the same episode, byte for byte.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from . import Reports, Scenario, _sim, load


class AllocationEnv(gym.Env):
    """The agent is the Mesos allocator of a scenario (one point, one
    replication). See the module's documentation."""

    metadata = {"render_modes": []}

    def __init__(self, scenario: Any, set: Optional[Mapping[str, Any]] = None):
        base = scenario if isinstance(scenario, Scenario) else load(scenario)
        overrides = dict(set or {})
        overrides.setdefault("run.replications", 1)
        self._base = base.with_set(overrides)
        # A first look at the cluster (time 0, every agent free) gives the
        # sizes and each agent's totals.
        session = _sim.Session(self._base._core)
        kind, view, _ = session.next()
        assert kind == "decide"
        self.agents: int = view.agents
        self.frameworks: int = view.frameworks
        self._cpus = np.array([view.available(a).cpus for a in range(self.agents)], dtype=np.float64)
        self._mem = np.array([view.available(a).mem_mb for a in range(self.agents)], dtype=np.float64)
        session.act([])
        session.close()
        self.action_space = spaces.MultiDiscrete([self.frameworks + 1] * self.agents)
        self.observation_space = spaces.Box(
            0.0, 1.0, shape=(2 * self.agents + 2 * self.frameworks,), dtype=np.float32
        )
        self._session: Optional[Any] = None
        self._view: Any = None
        self._candidates: List[int] = []

    def _observe(self, view) -> np.ndarray:
        free_cpus = np.array([view.available(a).cpus for a in range(self.agents)])
        free_mem = np.array([view.available(a).mem_mb for a in range(self.agents)])
        shares = [view.framework_share(f) for f in range(self.frameworks)]
        active = [1.0 if view.framework_active(f) else 0.0 for f in range(self.frameworks)]
        obs = np.concatenate(
            [
                np.divide(free_cpus, self._cpus, out=np.zeros(self.agents), where=self._cpus > 0),
                np.divide(free_mem, self._mem, out=np.zeros(self.agents), where=self._mem > 0),
                np.array(shares),
                np.array(active),
            ]
        )
        return np.clip(obs, 0.0, 1.0).astype(np.float32)

    def _held(self, view) -> float:
        free = sum(view.available(a).cpus for a in range(self.agents) if view.agent_active(a))
        total = float(self._cpus.sum())
        return 0.0 if total <= 0 else max(0.0, 1.0 - free / total)

    def _advance(self) -> Tuple[np.ndarray, float, bool, Dict[str, Any]]:
        message = self._session.next()
        if message[0] == "decide":
            _, self._view, self._candidates = message
            return self._observe(self._view), self._held(self._view), False, {}
        reports = Reports(message[1])
        self._view, self._candidates = None, []
        jobs = reports.jobs
        done = jobs[jobs.status == "succeeded"]
        info = {
            "reports": reports,
            "latency_mean_s": float(done.latency_s.mean()) if len(done) else float("nan"),
            "jobs_completed": int(len(done)),
        }
        return np.zeros(self.observation_space.shape, dtype=np.float32), 0.0, True, info

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None):
        super().reset(seed=seed)
        if self._session is not None:
            self._session.close()
        scenario = self._base if seed is None else self._base.with_set(seed=seed)
        self._session = _sim.Session(scenario._core)
        obs, _, terminated, info = self._advance()
        if terminated:
            raise RuntimeError("the scenario made no allocation run")
        return obs, info

    def step(self, action):
        if self._session is None or self._view is None:
            raise RuntimeError("call reset() first (the episode is over or never started)")
        action = np.asarray(action)
        view = self._view
        grants, skipped = [], 0
        for a in self._candidates:
            f = int(action[a])
            if f >= self.frameworks:
                continue
            pool = view.available(a).unreserved()
            if (
                not view.agent_active(a)
                or pool.is_empty()
                or not view.allows(pool)
                or not view.framework_active(f)
                or view.framework_suppressed(f)
                or view.is_filtered(f, a, pool)
            ):
                skipped += 1
                continue
            grants.append((f, a, pool))
        self._session.act(grants)
        obs, reward, terminated, info = self._advance()
        info["skipped"] = skipped
        return obs, reward, terminated, False, info

    def close(self):
        if self._session is not None:
            self._session.close()
            self._session = None
