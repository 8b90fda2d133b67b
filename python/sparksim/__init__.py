"""sparksim: the deterministic simulator of Apache Spark on Apache Mesos
(and standalone, YARN, local) from Python.

    import sparksim
    sc = sparksim.load("scenarios/interactive.toml", set={"run.seed": 7})
    reports = sc.run(replications=3)
    reports.jobs            # a pandas DataFrame, the columns of jobs.csv
    reports.text("summary.csv")   # the bytes `sim` writes

A scenario comes from a file (`load`), TOML text (`loads`) or a dict
(`from_dict`). `set` overrides parameters exactly as `sim --set` does
(a list value is a sweep). Runs release the GIL and use the Rust thread
pool; the reports are the same bytes as the command line's for the same
scenario and seed, whatever the number of threads.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _sim
from ._sim import ClusterView, Resources, RunError

__all__ = [
    "ClusterView",
    "Reports",
    "Resources",
    "RunError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "from_dict",
    "load",
    "loads",
    "register_allocator",
]

__version__: str = _sim.__version__


class ScenarioError(_sim.ScenarioError):
    """A scenario that cannot be loaded. ``str(e)`` is what ``sim
    validate`` prints; ``e.diagnostics`` lists (path, line, column,
    message) tuples, line and column None when the problem has no place in
    the file (a ``set`` override, a missing key)."""

    @property
    def message(self) -> str:
        return self.args[0] if self.args else ""

    @property
    def diagnostics(self) -> List[Tuple[str, Optional[int], Optional[int], str]]:
        return list(self.args[1]) if len(self.args) > 1 else []

    def __str__(self) -> str:
        return self.message


ScenarioValue = Union[str, int, float, bool, Iterable[Any]]


def _assignments(set: Optional[Mapping[str, ScenarioValue]], **extra: Any) -> List[str]:
    """`PATH=VALUE` strings, as `sim --set` takes them."""
    items: Dict[str, Any] = dict(set or {})
    for key, value in extra.items():
        if value is not None:
            items[key] = value
    out = []
    for path, value in items.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            # A sweep: a TOML array (JSON scalars are TOML scalars).
            text = json.dumps(list(value))
        else:
            text = str(value)
        out.append(f"{path}={text}")
    return out


def _reraise(e: Exception) -> None:
    if isinstance(e, _sim.ScenarioError) and not isinstance(e, ScenarioError):
        raise ScenarioError(*e.args) from None
    raise e


def register_allocator(name: str, factory: Any, about: Optional[str] = None) -> None:
    """Registers a Mesos allocator written in Python under `name`: a class
    (or any callable) whose instances have ``allocate(view, candidates)``
    (see sparksim.policies). Scenarios loaded afterwards select it with
    ``mesos.allocator = "name"``; each run builds its own instance. A
    built-in name is refused (ValueError)."""
    if not callable(factory):
        raise TypeError("register a class or a callable that builds the allocator")
    _sim.register_allocator(name, factory, about)


class Reports:
    """Every report of a run: ``text(name)`` is the file's bytes as `sim`
    writes them; ``frame(name)`` (or the attribute of the file's stem, e.g.
    ``reports.jobs``) a pandas DataFrame of it."""

    def __init__(self, files: List[Tuple[str, str]]):
        self._files: Dict[str, str] = dict(files)

    @property
    def names(self) -> List[str]:
        """The report files, in the order `sim` writes them."""
        return list(self._files)

    def text(self, name: str) -> str:
        """The CSV text of `name` (e.g. "jobs.csv")."""
        try:
            return self._files[name]
        except KeyError:
            raise KeyError(f"no report {name!r}; there are {self.names}") from None

    def frame(self, name: str):
        """`name` as a pandas DataFrame: every column as `sim` wrote it
        (numbers parsed, empty cells NaN)."""
        import pandas as pd

        return pd.read_csv(io.StringIO(self.text(name)), keep_default_na=False, na_values=[""])

    def __getattr__(self, stem: str):
        if stem.startswith("_"):
            raise AttributeError(stem)
        name = stem + ".csv"
        if name in self._files:
            return self.frame(name)
        raise AttributeError(f"no report {name!r}; there are {self.names}")

    def write(self, folder: Union[str, os.PathLike]) -> None:
        """Writes every report into `folder` (created if missing)."""
        os.makedirs(folder, exist_ok=True)
        for name, text in self._files.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)

    def __repr__(self) -> str:
        return f"Reports({', '.join(self.names)})"


class Scenario:
    """A validated scenario. ``run()`` simulates it; ``resolved()`` is the
    scenario with every default filled in."""

    def __init__(
        self, core: "_sim.Scenario", source: Tuple[str, Any, Optional[str]], set: List[str]
    ):
        self._core = core
        self._source = source
        # The overrides it was loaded with, kept for with_set.
        self._set = list(set)

    @property
    def points(self) -> int:
        """Sweep points (1 without a sweep)."""
        return self._core.points

    @property
    def replications(self) -> int:
        return self._core.replications

    @property
    def seed(self) -> int:
        return self._core.seed

    @property
    def warnings(self) -> List[str]:
        return list(self._core.warnings)

    def resolved(self) -> str:
        """The resolved scenario, as `sim validate` prints it."""
        return self._core.resolved()

    def with_set(self, set: Optional[Mapping[str, ScenarioValue]] = None, **kw: Any) -> "Scenario":
        """The same scenario with more parameters set (a new Scenario)."""
        kind, what, base_dir = self._source
        extra = _assignments(set, **_run_keys(**kw))
        return _load(kind, what, base_dir, self._set + extra)

    def run(
        self,
        *,
        seed: Optional[int] = None,
        replications: Optional[int] = None,
        set: Optional[Mapping[str, ScenarioValue]] = None,
        jobs: Optional[int] = None,
        offers: bool = False,
        check: bool = False,
    ) -> Reports:
        """Runs every point × replication; `seed`, `replications` and
        `set` apply first (as `--seed`, `--replications`, `--set`). `jobs`
        threads (default: all cores); the reports do not depend on it.
        `offers` adds offers.csv. Raises RunError if a run fails."""
        sc = self
        if seed is not None or replications is not None or set:
            sc = self.with_set(set, seed=seed, replications=replications)
        return Reports(sc._core.run(jobs=jobs, offers=offers, check=check))

    def __repr__(self) -> str:
        return f"Scenario(points={self.points}, replications={self.replications}, seed={self.seed})"


def _run_keys(seed: Optional[int] = None, replications: Optional[int] = None) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if seed is not None:
        out["run.seed"] = seed
    if replications is not None:
        out["run.replications"] = replications
    return out


def _load(kind: str, what: Any, base_dir: Optional[str], set: List[str]) -> Scenario:
    try:
        if kind == "path":
            core = _sim.load_path(what, set)
        else:
            core = _sim.load_text(what, set, base_dir, "<dict>" if kind == "dict" else "<text>")
    except _sim.ScenarioError as e:
        _reraise(e)
    return Scenario(core, (kind, what, base_dir), set)


def load(
    path: Union[str, os.PathLike],
    set: Optional[Mapping[str, ScenarioValue]] = None,
    *,
    seed: Optional[int] = None,
    replications: Optional[int] = None,
) -> Scenario:
    """Loads and validates the scenario file `path`. Relative paths in it
    (traces, properties files) resolve against its folder. Raises
    ScenarioError with the same messages as `sim validate`."""
    return _load("path", os.fspath(path), None, _assignments(set, **_run_keys(seed, replications)))


def loads(
    text: str,
    set: Optional[Mapping[str, ScenarioValue]] = None,
    *,
    base_dir: Optional[Union[str, os.PathLike]] = None,
    seed: Optional[int] = None,
    replications: Optional[int] = None,
) -> Scenario:
    """Loads a scenario from TOML text; relative paths resolve against
    `base_dir` (default: the current folder)."""
    base = os.fspath(base_dir) if base_dir is not None else None
    return _load("text", text, base, _assignments(set, **_run_keys(seed, replications)))


def from_dict(
    scenario: Mapping[str, Any],
    set: Optional[Mapping[str, ScenarioValue]] = None,
    *,
    base_dir: Optional[Union[str, os.PathLike]] = None,
    seed: Optional[int] = None,
    replications: Optional[int] = None,
) -> Scenario:
    """Loads a scenario given as a dict with the scenario file's structure
    (``{"run": {...}, "agents": [{...}], "apps": [{...}]}``). Error
    messages name the TOML this dict is written as."""
    text = _sim.toml_from_json(json.dumps(scenario))
    base = os.fspath(base_dir) if base_dir is not None else None
    return _load("dict", text, base, _assignments(set, **_run_keys(seed, replications)))
