"""docs/python.md's tutorial runs as written: every Python block of its
"Tutorial" section, in order, in one namespace, from the repository
root."""

import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def tutorial_blocks():
    text = (ROOT / "docs" / "python.md").read_text()
    section = text.split("\n## Tutorial", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_tutorial_runs_as_written(monkeypatch):
    pytest.importorskip("matplotlib")
    blocks = tutorial_blocks()
    assert len(blocks) == 3
    monkeypatch.chdir(ROOT)
    namespace = {}
    for block in blocks:
        exec(compile(block, "docs/python.md", "exec"), namespace)
    # What the text says of the results.
    dash = namespace["dash"]
    p95 = list(dash.latency_p95_s_mean)
    assert p95[0] > p95[1] > 0 and abs(p95[2] - p95[1]) < dash.latency_p95_s_ci95.iloc[1] * 2
    png = ROOT / "reports" / "tutorial" / "p95-by-cores-max.png"
    assert png.stat().st_size > 1000
    apps = namespace["apps"]
    etl = apps[apps.name == "etl"].set_index("mesos.allocator").latency_p50_s
    assert etl["py-round-robin"] < etl["drf"]
    dashboards = apps[apps.name == "dashboards"].latency_p95_s
    assert dashboards.nunique() == 1
