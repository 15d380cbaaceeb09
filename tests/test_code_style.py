"""The code's shape, checked on every run: layers, no import cycles, ruff, small modules that name their chapter."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HELPERS = sorted((ROOT / "helpers").rglob("*.py"))
MAX_LINES = 300
CHAPTER = re.compile(r"\bchapters? \d\d\b")


def run(*command):
    """Run a tool of the environment from the repository root; return (exit code, output)."""
    done = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_layers_and_independence_contracts_hold():
    """import-linter: a lower layer never imports an upper one (contracts in pyproject.toml)."""
    code, output = run("lint-imports")
    assert code == 0 and "0 broken" in output, output


def test_no_module_of_helpers_imports_itself_back():
    """No import cycle between any two modules of helpers/, direct or through others."""
    graph = grimp.build_graph("helpers")
    cycles = [
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_ruff_check_passes():
    """ruff's rules and size limits (see [tool.ruff] in pyproject.toml)."""
    code, output = run("ruff", "check", ".")
    assert code == 0, output


def test_ruff_format_leaves_the_code_as_it_is():
    """The code is formatted as `ruff format` writes it."""
    code, output = run("ruff", "format", "--check", ".")
    assert code == 0, output


@pytest.mark.parametrize("path", HELPERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_is_small_and_names_the_chapter_that_introduces_it(path):
    """A module docstring that names its chapter, and at most ~300 lines."""
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    assert docstring, f"{path.name} has no module docstring"
    if path.name not in ("__init__.py", "__main__.py"):
        assert CHAPTER.search(docstring), f"{path.name}'s docstring names no chapter: {docstring.splitlines()[0]}"
    assert len(path.read_text().splitlines()) <= MAX_LINES
