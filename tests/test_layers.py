"""The layers of the house: every import runs down, never up or sideways.

``core`` is the ground and imports no app; ``members`` imports only the ground;
``projects`` the ground and ``members``; ``funds`` those and ``projects``; ``canal`` (the
top app: dashboards, holding views, demo data) any app; ``alliance`` (settings and root
URL wiring) everything. Nothing but ``alliance`` itself imports ``alliance``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["core", "members", "projects", "funds", "canal"]
MAY_IMPORT = {package: set(ORDER[: index + 1]) for index, package in enumerate(ORDER)}
MAY_IMPORT["alliance"] = set(ORDER) | {"alliance"}
PROJECT_PACKAGES = set(MAY_IMPORT)


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import of one of the project's packages."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in PROJECT_PACKAGES:
                found.append((node.lineno, top))
    return found


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_run_down_the_layers(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in source_files(package)
        for line, top in imported_packages(path)
        if top not in MAY_IMPORT[package]
    ]
    assert not wrong, "imports running up or sideways:\n" + "\n".join(wrong)


def test_every_package_is_checked():
    assert all(source_files(package) for package in MAY_IMPORT)


def test_the_checker_sees_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom funds.models import Deal\n\ndef f():\n    import canal\n")
    assert imported_packages(module) == [(2, "funds"), (5, "canal")]
