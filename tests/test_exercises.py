"""Exercises (helpers/teach/): every checker accepts its solution and rejects typical wrong answers.

Each chapter's own cases are in tests/test_exercises_<topic>.py (chapters 01-05) or below (chapter 06).
"""

import json

import pytest

from helpers import lab
from helpers.teach import exercises as ex

BUCKET = "arn:aws:s3:::ut-wordpress-s3"


@pytest.fixture
def built():
    """The account at chapter 05's start: policies, role, attachments, instance profile.

    tests/conftest.py empties the emulated account before every test, so each test builds it.
    """
    lab.start(chapter=5)


def rejects(checker, answer, *hints):
    """Assert the checker says "Not yet" with every given hint text."""
    verdict = checker(answer)
    assert not verdict.ok, verdict.message
    assert verdict.message.startswith("Not yet:")
    for hint in hints:
        assert hint in verdict.message, verdict.message
    return verdict


def policy(*statements):
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def allow(action, resource):
    """One Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource}


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
def test_every_checker_accepts_its_solution(key, built):
    verdict = ex.CHECKERS[key](ex.SOLUTIONS[key])
    assert verdict.ok and verdict.message.startswith("Correct!"), verdict.message


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
def test_every_checker_rejects_its_starter(key, built):
    assert not ex.CHECKERS[key](ex.STARTERS[key]).ok


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
@pytest.mark.parametrize("junk", [None, 42, "", "{", [1, 2], {"x": object()}])
def test_no_checker_raises_on_junk(key, junk):
    verdict = ex.CHECKERS[key](junk)
    assert not verdict.ok and verdict.message.startswith("Not yet:")
    assert "could not check" not in verdict.message, verdict.message  # a real hint, not a caught crash


# --- chapter 06 -------------------------------------------------------------------------


def test_solutions_are_shown_as_markdown():
    assert ex.solution_markdown("01-read-only").startswith("```json\n{")
    assert ex.solution_markdown("03-five-calls").startswith("```python\n{1: True")


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
def test_notebooks_show_the_modules_starters_and_solutions(key):
    from pathlib import Path

    import nbformat

    notebook = next(Path(__file__).resolve().parent.parent.glob(f"notebooks/{key[:2]}-*.ipynb"))
    text = "\n".join(cell.source for cell in nbformat.read(notebook, 4).cells)
    for value in (ex.STARTERS[key], ex.SOLUTIONS[key]):
        if isinstance(value, str):
            assert value.strip() in text, f"{notebook.name} no longer shows {key}'s text from helpers/teach/"
