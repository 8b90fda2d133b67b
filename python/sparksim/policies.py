"""Example Mesos allocators written in Python.

An allocator is any object with ``allocate(view, candidates)``: `view` is a
read-only ``sparksim.ClusterView`` of the master's books, `candidates` the
agents this run considers (numbers, in the order the master lists them).
It returns the offers to make, in order, as ``(framework, agent,
resources)`` tuples, the resources a ``sparksim.Resources`` or its text.
Register a class with ``sparksim.register_allocator(name, cls)`` and select
it with ``mesos.allocator = "name"``; each run builds its own instance.

The master checks every grant (known, active agent and framework, not
suppressed, not empty, reservations to their role only, and all grants on
an agent within what it has available): a policy that breaks a rule stops
the run with a `RunError` naming the grant, as does an exception raised in
``allocate``.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from ._sim import ClusterView, Resources

Grant = Tuple[int, int, Resources]


class RoundRobin:
    """The Rust example policy of docs/write-a-policy.md, line for line:
    each agent's whole unreserved pool goes to the next framework in turn
    that is active, has not suppressed offers and does not filter it; the
    turn carries across runs. Not a Mesos policy (Mesos allocates by
    hierarchical DRF)."""

    def __init__(self) -> None:
        self.next = 0

    def allocate(self, view: ClusterView, candidates: Sequence[int]) -> List[Grant]:
        n = view.frameworks
        grants: List[Grant] = []
        for agent in candidates:
            # Reserved resources belong to their role: leave them alone.
            pool = view.available(agent).unreserved()
            if not view.agent_active(agent) or pool.is_empty() or not view.allows(pool):
                continue
            for k in range(n):
                f = (self.next + k) % n
                if (
                    view.framework_active(f)
                    and not view.framework_suppressed(f)
                    and not view.is_filtered(f, agent, pool)
                ):
                    grants.append((f, agent, pool))
                    self.next = (f + 1) % n
                    break
        return grants
