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
    # Cookies, async and the browser page (issue 14): tests/test_async_auth.py
    # (uvicorn, adrf), tests/test_dj_rest_auth.py, tests/test_browser.py
    # (selenium, driving Debian's chromium + chromedriver).
    "uvicorn>=0.30",
    "adrf>=0.1.8",
    "dj-rest-auth>=6",
    "selenium>=4.15",
]:
    print(requirement)
