"""Prints the development requirements declared in pyproject.toml.

The Makefile installs these into the virtualenv without building the package
itself (maturin builds it in place).
"""

import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())[
    "project"
]
extras = project["optional-dependencies"]
for requirement in [
    "maturin>=1.5,<2",
    *project["dependencies"],
    *extras["test"],
    *extras["lint"],
]:
    print(requirement)
