"""Checks that python/rest_framework_simplejwt/_native.pyi names exactly what
the built native module exports: the same top-level names, and the same
public members on each class. Exits non-zero and lists any difference."""

import ast
import sys
from pathlib import Path

from rest_framework_simplejwt import _native

STUB = (
    Path(__file__).parent.parent / "python" / "rest_framework_simplejwt" / "_native.pyi"
)


def stub_names() -> tuple[set[str], dict[str, set[str]]]:
    tree = ast.parse(STUB.read_text())
    names: set[str] = set()
    members: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            members[node.name] = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_")
            }
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names, members


def module_names() -> tuple[set[str], dict[str, set[str]]]:
    names = {name for name in dir(_native) if not name.startswith("_")}
    members = {}
    for name in names:
        value = getattr(_native, name)
        if isinstance(value, type) and not issubclass(value, BaseException):
            members[name] = {
                member for member in vars(value) if not member.startswith("_")
            }
        elif isinstance(value, type):
            members[name] = set()
    return names, members


def main() -> int:
    stub, stub_members = stub_names()
    real, real_members = module_names()
    problems = [f"in the module, not the stub: {n}" for n in sorted(real - stub)]
    problems += [f"in the stub, not the module: {n}" for n in sorted(stub - real)]
    for name in sorted(stub_members.keys() & real_members.keys()):
        for member in sorted(real_members[name] - stub_members[name]):
            problems.append(f"{name}.{member} is not in the stub")
        for member in sorted(stub_members[name] - real_members[name]):
            problems.append(f"{name}.{member} is in the stub only")
    for problem in problems:
        print(problem)
    if not problems:
        print(f"_native.pyi matches the module ({len(real)} names)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
