"""The Python door: the same scenarios, the same bytes as the command line,
the same error messages."""

import os
import pathlib
import subprocess

import pandas as pd
import pytest

import sparksim

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def sim_binary() -> pathlib.Path:
    """The `sim` binary of this checkout (built if missing), or $SIM_BIN."""
    given = os.environ.get("SIM_BIN")
    if given:
        return pathlib.Path(given)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "sim"
    if not binary.exists():
        subprocess.run(["cargo", "build", "--release", "-p", "sim"], cwd=ROOT, check=True)
    return binary


def cli(*args, cwd=ROOT):
    return subprocess.run([str(sim_binary()), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def cli_reports(tmp_path, scenario, *args):
    out = tmp_path / "cli"
    done = cli(scenario, "--quiet", "--no-charts", "--out", out, *args)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize(
    "scenario, args, kwargs",
    [
        ("interactive.toml", [], {}),
        (
            "tests/two-agents.toml",
            ["--offers", "--seed", "7", "--replications", "2"],
            {"offers": True, "seed": 7, "replications": 2},
        ),
        (
            "locality.toml",
            ["--set", "run.replications=2", "--jobs", "1"],
            {"set": {"run.replications": 2}, "jobs": 2},
        ),
        ("cluster-managers.toml", ["--set", "run.replications=1"], {"set": {"run.replications": 1}}),
    ],
)
def test_reports_are_the_command_lines_bytes(tmp_path, scenario, args, kwargs):
    out = cli_reports(tmp_path, SCENARIOS / scenario, *args)
    reports = sparksim.load(SCENARIOS / scenario).run(**kwargs)
    written = sorted(p.name for p in out.iterdir() if p.suffix == ".csv")
    assert sorted(reports.names) == written
    for name in written:
        assert reports.text(name) == (out / name).read_text(), name
        # The DataFrame is the CSV's.
        expected = pd.read_csv(out / name, keep_default_na=False, na_values=[""])
        pd.testing.assert_frame_equal(reports.frame(name), expected)


def test_runs_are_deterministic_for_any_thread_count():
    sc = sparksim.load(SCENARIOS / "tests" / "locality.toml", set={"run.replications": 3})
    one = sc.run(jobs=1)
    two = sc.run(jobs=2)
    assert one.names == two.names
    for name in one.names:
        assert one.text(name) == two.text(name)
    # Another seed gives other jobs.
    other = sc.run(seed=99)
    assert other.text("jobs.csv") != one.text("jobs.csv")


def test_set_sweeps_and_overrides_like_the_command_line(tmp_path):
    sweep = {"apps.dashboards.conf.spark.cores.max": [16, 32], "run.horizon": "10m"}
    sc = sparksim.load(SCENARIOS / "interactive.toml", set=sweep)
    assert sc.points == 2
    reports = sc.run()
    summary = reports.summary
    assert list(summary[summary.scope == "all"]["apps.dashboards.conf.spark.cores.max"]) == [16, 32]
    out = cli_reports(
        tmp_path,
        SCENARIOS / "interactive.toml",
        "--set",
        "apps.dashboards.conf.spark.cores.max=16,32",
        "--set",
        "run.horizon=10m",
    )
    assert reports.text("summary.csv") == (out / "summary.csv").read_text()


def test_errors_carry_the_command_lines_messages(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[run]\nhorizon = "ten minutes"\n\n[[agents]]\ncount = 2\nresources = "cpus:4;mem:x"\n')
    with pytest.raises(sparksim.ScenarioError) as caught:
        sparksim.load(bad)
    validate = cli("validate", bad)
    assert validate.returncode == 2
    assert str(caught.value) + "\n" == validate.stderr
    paths = [d[0] for d in caught.value.diagnostics]
    assert "run.horizon" in paths
    line, column = next((d[1], d[2]) for d in caught.value.diagnostics if d[0] == "run.horizon")
    assert (line, column) == (2, 11)
    # A bad override names itself, without a line.
    with pytest.raises(sparksim.ScenarioError) as caught:
        sparksim.load(SCENARIOS / "interactive.toml", set={"mesos.run_time": "fast"})
    assert "mesos.run_time" in str(caught.value)
    # Malformed PATH=VALUE is a ValueError; a missing file a ScenarioError.
    with pytest.raises(ValueError):
        sparksim.load(SCENARIOS / "interactive.toml", set={"": 1})
    with pytest.raises(sparksim.ScenarioError):
        sparksim.load(tmp_path / "missing.toml")


TINY = {
    "run": {"horizon": "2m", "drain": "1m", "seed": 3},
    "agents": [{"count": 2, "resources": "cpus:4;mem:16384"}],
    "apps": [
        {
            "name": "app",
            "master": "mesos://master:5050",
            "conf": {"spark.cores.max": "4", "spark.executor.cores": "2"},
            "jobs": {
                "arrival": {"kind": "every", "interval": "10s"},
                "tasks": {"kind": "constant", "value": 4},
                "task_duration": {"kind": "constant", "value": "2s"},
            },
        }
    ],
}

TINY_TOML = """
[run]
horizon = "2m"
drain = "1m"
seed = 3

[[agents]]
count = 2
resources = "cpus:4;mem:16384"

[[apps]]
name = "app"
master = "mesos://master:5050"

[apps.conf]
"spark.cores.max" = "4"
"spark.executor.cores" = "2"

[apps.jobs]
arrival = { kind = "every", interval = "10s" }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "constant", value = "2s" }
"""


def test_a_dict_is_the_scenario_file_it_spells():
    from_dict = sparksim.from_dict(TINY).run()
    from_text = sparksim.loads(TINY_TOML).run()
    for name in from_text.names:
        assert from_dict.text(name) == from_text.text(name), name
    jobs = from_dict.jobs
    assert len(jobs) == 12 and (jobs.status == "succeeded").all()
    # A bad value in a dict is reported with its path.
    broken = dict(TINY, run={"horizon": -1})
    with pytest.raises(sparksim.ScenarioError) as caught:
        sparksim.from_dict(broken)
    assert "run.horizon" in str(caught.value)


def test_the_resolved_scenario_and_the_version():
    sc = sparksim.load(SCENARIOS / "interactive.toml")
    validate = cli("validate", SCENARIOS / "interactive.toml")
    # The same text but the header, which names the commit each was built
    # from (the same one in CI, where both are built from one checkout).
    ours, theirs = sc.resolved().split("\n", 1), validate.stdout.split("\n", 1)
    assert ours[1] == theirs[1]
    assert ours[0] == f"# Resolved by sim {sparksim.__version__}: every default filled in."
    assert cli("--version").stdout.split()[1] == sparksim.__version__.split()[0]
