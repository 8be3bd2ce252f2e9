"""Size limits kept by a test: no module over 400 lines and no function over 60 lines in
``src/lastgate`` (the database migrations aside, as they are written once and frozen)."""

from __future__ import annotations

import ast
from pathlib import Path

import lastgate

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
PACKAGE = Path(lastgate.__file__).resolve().parent
EXEMPT = PACKAGE / "platform" / "db" / "migrations"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if EXEMPT not in p.parents)


def _oversized(path: Path, source: str) -> list[str]:
    """Every limit this module breaks, one line each, named by path and line."""
    found: list[str] = []
    label = path.relative_to(PACKAGE.parent).as_posix() if PACKAGE in path.parents else str(path)
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{label}: module has {lines} lines (max {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{label}:{node.lineno}: function {node.name} has {length} lines"
                    f" (max {MAX_FUNCTION_LINES})"
                )
    return found


def test_the_walk_sees_the_package_and_skips_the_migrations() -> None:
    modules = _modules()
    assert PACKAGE / "kernel" / "money.py" in modules
    assert not [p for p in modules if EXEMPT in p.parents]
    assert list(EXEMPT.rglob("*.py")), "the exemption should name a folder that exists"


def test_the_check_flags_long_functions_methods_and_nested_ones() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    source = (
        f"def long():\n{body}\n"
        "class C:\n"
        f"    async def method(self):\n{body.replace('    ', '        ')}\n"
        "def outer():\n"
        f"    def inner():\n{body.replace('    ', '        ')}\n"
        "def at_the_limit():\n" + "\n".join(body.splitlines()[1:]) + "\n"
    )
    found = _oversized(Path("sample.py"), source)
    assert [line.split(": function ")[1].split()[0] for line in found] == [
        "long",
        "outer",
        "method",
        "inner",
    ]


def test_no_module_or_function_over_the_limits() -> None:
    found = [line for path in _modules() for line in _oversized(path, path.read_text())]
    assert not found, "over the size limits:\n" + "\n".join(found)
