"""Refuses to run when another distribution's files replaced ours.

Upstream's distribution, ``djangorestframework-simplejwt``, installs the same
``rest_framework_simplejwt`` package as ``djangorestframework-simplejwt-rs``.
pip checks neither file conflicts nor this: a package that depends on upstream
(djoser does) makes pip lay upstream's files over ours, and
``pip uninstall djangorestframework-simplejwt`` deletes the files both ship,
ours included. This module, the ``.pth`` file that imports it when the
interpreter starts, and the package's ``apps.py`` are files only our wheel
ships, so they survive both events: they find the damage and make the import
of ``rest_framework_simplejwt`` (or Django's start-up) fail with the cause and
the fix, where the project would otherwise run upstream's code without a word
or fail with an unrelated ``ImportError``.

Every interpreter of the environment runs ``startup()``: it imports nothing
beyond ``os`` and ``sys`` (both already loaded by then) and, when the install
is sound, costs one read of a small file.
"""

import os
import sys

DISTRIBUTION = "djangorestframework-simplejwt-rs"
UPSTREAM = "djangorestframework-simplejwt"
PACKAGE = "rest_framework_simplejwt"
REPAIR = f"pip install --force-reinstall --no-deps {DISTRIBUTION}"

# Our __init__.py carries this line; upstream's never has.
OUR_INIT_MARKER = b'_DISTRIBUTION = "djangorestframework-simplejwt-rs"'
# Shipped by our wheel only, so upstream's install and uninstall leave it.
OUR_ONLY_FILE = "_native.pyi"


class MixedInstallError(ImportError):
    """``rest_framework_simplejwt`` holds files of another distribution."""


def diagnose(package_dir: str) -> str | None:
    """The problem with the ``rest_framework_simplejwt`` package at
    ``package_dir``, as the message to show; ``None`` if it is ours, whole,
    or not installed there at all."""
    try:
        with open(os.path.join(package_dir, "__init__.py"), "rb") as init:
            ours = OUR_INIT_MARKER in init.read()
    except FileNotFoundError:
        if not os.path.exists(os.path.join(package_dir, OUR_ONLY_FILE)):
            return None
        return _files_removed(package_dir)
    except OSError:
        return None
    if ours or not os.path.exists(os.path.join(package_dir, OUR_ONLY_FILE)):
        return None
    return _upstream_over_ours(package_dir)


def _upstream_over_ours(package_dir: str) -> str:
    version = _upstream_version(os.path.dirname(package_dir))
    return (
        f"{package_dir} holds {UPSTREAM} {version} (upstream), not {DISTRIBUTION}.\n"
        f"pip installed upstream's files over ours, as it does for packages that "
        f"depend on {UPSTREAM} (djoser, for one); upstream's code, not the Rust "
        "engine, would run.\n"
        f"Fix: {REPAIR}\n"
        f"Run it again after any pip command that installs or upgrades {UPSTREAM}, "
        "and never uninstall upstream: that deletes the files both share."
    )


def _files_removed(package_dir: str) -> str:
    return (
        f"{package_dir} has lost the files {DISTRIBUTION} shares with {UPSTREAM} "
        "(its __init__.py is gone).\n"
        f"`pip uninstall {UPSTREAM}` deletes them: both distributions install "
        "this package.\n"
        f"Fix: {REPAIR}\n"
        f"If a package you use requires {UPSTREAM} (djoser does), first "
        f"`pip install {UPSTREAM}`, then the fix."
    )


def _upstream_version(site_dir: str) -> str:
    prefix = UPSTREAM.replace("-", "_") + "-"
    try:
        names = os.listdir(site_dir)
    except OSError:
        names = []
    for name in names:
        if name.startswith(prefix) and name.endswith(".dist-info"):
            return name[len(prefix) : -len(".dist-info")]
    return "(version unknown)"


class _RefuseMixedInstall:
    """Import hook, installed only when ``startup()`` found a problem: the
    import of ``rest_framework_simplejwt`` from that directory raises
    ``MixedInstallError``. ``importlib.util.find_spec`` still answers, so code
    that only probes for the package is unaffected."""

    def __init__(self, package_dir: str) -> None:
        self.package_dir = package_dir
        self.problem: str | None = None

    def find_spec(self, fullname: str, path: object = None, target: object = None):
        if fullname != PACKAGE:
            return None
        problem = diagnose(self.package_dir)
        if problem is None:  # repaired since start-up
            return None
        from importlib.machinery import ModuleSpec, PathFinder

        found = PathFinder.find_spec(fullname, path)
        locations = list(getattr(found, "submodule_search_locations", None) or [])
        if not locations or not _same_dir(locations[0], self.package_dir):
            return None  # another rest_framework_simplejwt comes first
        self.problem = problem
        return ModuleSpec(fullname, self, origin=found.origin, is_package=True)

    def create_module(self, spec: object) -> None:
        return None

    def exec_module(self, module: object) -> None:
        raise MixedInstallError(self.problem)


def _same_dir(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def startup() -> None:
    """Run by the ``.pth`` file when the interpreter starts."""
    package_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), PACKAGE)
    if diagnose(package_dir) is not None:
        sys.meta_path.insert(0, _RefuseMixedInstall(package_dir))
