"""Mesos allocators written in Python: the same contract, the same
checks, the same results as a Rust policy."""

import pathlib

import pytest

import sparksim
from sparksim.policies import RoundRobin

SCENARIOS = pathlib.Path(__file__).resolve().parents[2] / "scenarios"

sparksim.register_allocator("py-round-robin", RoundRobin)


@pytest.mark.parametrize(
    "scenario, extra, several",
    [
        ("interactive.toml", {}, True),
        ("tests/two-agents.toml", {"run.replications": 3}, False),
        ("cluster-managers.toml", {"run.replications": 1, "cluster.manager": "mesos"}, True),
    ],
)
def test_the_python_round_robin_reproduces_the_rust_one_exactly(scenario, extra, several):
    def run(allocator):
        return sparksim.load(SCENARIOS / scenario, set={"mesos.allocator": allocator, **extra}).run(offers=True)

    rust, python = run("round-robin"), run("py-round-robin")
    assert rust.names == python.names
    for name in rust.names:
        assert rust.text(name) == python.text(name), name
    # With several frameworks it is not DRF: the comparison would pass for
    # any two equal runs. (With one framework both hand out whole agents.)
    if several:
        assert run("drf").text("offers.csv") != rust.text("offers.csv")


class Greedy:
    """Grants an agent's pool twice, to the first active framework."""

    def allocate(self, view, candidates):
        active = [f for f in range(view.frameworks) if view.framework_active(f)]
        out = []
        for a in candidates:
            pool = view.available(a).unreserved()
            if active and view.agent_active(a) and not pool.is_empty():
                out += [(active[0], a, pool), (active[0], a, pool)]
        return out


class Raising:
    def allocate(self, view, candidates):
        raise RuntimeError("my policy is broken")


class Strange:
    def allocate(self, view, candidates):
        return [("zero", 0, "cpus:1")]


def test_a_policy_that_breaks_the_rules_stops_the_run_with_the_reason():
    sparksim.register_allocator("py-greedy", Greedy)
    sparksim.register_allocator("py-raising", Raising)
    sparksim.register_allocator("py-strange", Strange)
    sc = sparksim.load(SCENARIOS / "interactive.toml", set={"mesos.allocator": "py-greedy"})
    with pytest.raises(sparksim.RunError) as caught:
        sc.run()
    message = str(caught.value)
    assert 'allocator "py-greedy"' in message and "not free" in message, message
    assert "was granted earlier in this run" in message
    with pytest.raises(sparksim.RunError, match="my policy is broken"):
        sparksim.load(SCENARIOS / "interactive.toml", set={"mesos.allocator": "py-raising"}).run()
    with pytest.raises(sparksim.RunError, match=r"a grant is a tuple \(framework, agent, resources\)"):
        sparksim.load(SCENARIOS / "interactive.toml", set={"mesos.allocator": "py-strange"}).run()


def test_names_are_checked_when_registered_and_when_selected():
    with pytest.raises(ValueError, match="built-in"):
        sparksim.register_allocator("drf", RoundRobin)
    with pytest.raises(ValueError, match="one word"):
        sparksim.register_allocator("two words", RoundRobin)
    with pytest.raises(TypeError):
        sparksim.register_allocator("py-not-callable", 42)
    with pytest.raises(sparksim.ScenarioError) as caught:
        sparksim.load(SCENARIOS / "interactive.toml", set={"mesos.allocator": "py-unknown"})
    assert "py-round-robin" in str(caught.value)


def test_the_view_and_resources():
    r = sparksim.Resources("cpus:4;mem:1024;cpus(ops):2")
    assert (r.cpus, r.mem_mb, str(r.unreserved())) == (6.0, 1024.0, "cpus:4;mem:1024")
    # Per role, as Mesos compares them: 5 unreserved CPUs are not there.
    assert r.contains(sparksim.Resources("cpus:3;cpus(ops):2"))
    assert not r.contains(sparksim.Resources("cpus:5"))
    assert str(r.minus(sparksim.Resources("cpus:1"))) == "cpus:3;cpus(ops):2;mem:1024"
    with pytest.raises(ValueError):
        sparksim.Resources("cpus:x")
    seen = {}

    class Spy(RoundRobin):
        def allocate(self, view, candidates):
            if not seen:
                seen.update(
                    agents=view.agents,
                    frameworks=view.frameworks,
                    candidates=list(candidates),
                    role=view.framework_role(0),
                    names=view.scalar_names(),
                    now=view.now_us,
                )
            return super().allocate(view, candidates)

    sparksim.register_allocator("py-spy", Spy)
    sparksim.load(SCENARIOS / "tests" / "two-agents.toml", set={"mesos.allocator": "py-spy"}).run()
    assert seen["agents"] == 2 and seen["candidates"] == [0, 1] and seen["now"] == 0
    assert seen["frameworks"] >= 1 and "cpus" in seen["names"]
