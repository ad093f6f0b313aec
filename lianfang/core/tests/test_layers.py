"""The apps are layers (docs/architecture.md): an app imports only the apps below it, which import-linter's
contract in pyproject.toml checks (`make lint` runs `lint-imports`). An import written inside a function
hides an upward import from Python and from the contract alike, so one is allowed only where a comment on
its line says why (`# local import: ...`)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "lianfang"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
REASON = "local import:"


def local_imports(source: str) -> list[tuple[int, str]]:
    """(line, text) of every import of lianfang (or a relative one) inside a function whose line does not
    say why it is there."""
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.ImportFrom):
                    ours = child.level > 0 or (child.module or "").split(".")[0] == "lianfang"
                else:
                    ours = any(alias.name.split(".")[0] == "lianfang" for alias in child.names)
                line = lines[child.lineno - 1]
                if ours and REASON not in line:
                    found.append((child.lineno, line.strip()))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(source), False)
    return found


def production_modules() -> list[Path]:
    skip = {"tests", "browser_tests", "migrations"}
    return sorted(p for p in PACKAGE.rglob("*.py") if not skip & set(p.relative_to(PACKAGE).parts))


def test_no_import_of_lianfang_is_written_inside_a_function_without_saying_why():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in production_modules()
        for line, text in local_imports(path.read_text(encoding="utf-8"))
    ]
    hint = "move these imports to the top of their module, or say why on their line:\n"
    assert offenders == [], hint + "\n".join(offenders)


def test_the_check_finds_an_import_inside_a_function_and_lets_one_that_says_why_pass():
    source = """
from lianfang.core.roles import Role


def f():
    from lianfang.care.models import CareTeam
    import lianfang.epi.models
    from . import sibling
    from django.db import models  # not ours: not counted

    def inner():
        from lianfang.epi.services import start_quarantine


class Config:
    def ready(self):
        from lianfang.care.teams import on_holds_changed  # local import: needs the models
"""
    assert [line for line, _text in local_imports(source)] == [6, 7, 8, 12]


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """lianfang's Python files and the pyproject.toml that holds the contract, in a folder of their own."""
    dest = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        PACKAGE,
        dest / "lianfang",
        ignore=lambda folder, names: [
            n for n in names if n in {"static", "locale", "__pycache__"} or Path(folder, n).suffix in {".mo"}
        ],
    )
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` as `make lint` runs it, on the copy in `folder` (first on the path: the copy is the
    `lianfang` it analyses)."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_the_layers_contract(package_copy):
    result = lint_imports(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_that_goes_up_a_layer_breaks_the_contract(package_copy, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(package_copy, broken)
    (broken / "lianfang" / "epi" / "upward.py").write_text(
        '"""epi reaching up into care."""\n\nfrom lianfang.care.models import CareTeam\n'
    )
    result = lint_imports(broken)
    assert result.returncode != 0
    assert "lianfang.epi is not allowed to import lianfang.care" in result.stdout
    assert "lianfang.epi.upward -> lianfang.care.models" in result.stdout
    assert "0 kept, 1 broken" in result.stdout
