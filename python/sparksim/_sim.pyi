"""The Rust core of sparksim (type stubs)."""

from os import PathLike
from typing import List, Optional, Tuple, Union

__version__: str

class ScenarioError(Exception):
    """args: (message, [(path, line, column, message), ...])."""

class RunError(Exception): ...

class Scenario:
    @property
    def points(self) -> int: ...
    @property
    def replications(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def warnings(self) -> List[str]: ...
    def resolved(self) -> str: ...
    def run(
        self, jobs: Optional[int] = None, offers: bool = False, check: bool = False
    ) -> List[Tuple[str, str]]: ...

def load_path(path: Union[str, PathLike[str]], set: List[str] = ...) -> Scenario: ...
def load_text(
    text: str,
    set: List[str] = ...,
    base_dir: Optional[Union[str, PathLike[str]]] = None,
    name: Optional[str] = None,
) -> Scenario: ...
def toml_from_json(json: str) -> str: ...
