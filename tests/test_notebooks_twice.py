"""Every notebook runs twice in a row in one kernel, as a learner who presses "Run All" again.

The second run must raise nothing and print the same as the first (after the
sanitize file masks what varies on every run: dates, tokens, request ids), so
re-running a chapter never meets "already exists" or a half-changed account.
Notebooks are found at run time: a new `notebooks/NN-Title.ipynb` is covered
without editing this file.
"""

import configparser
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SANITIZE = ROOT / "nbval_sanitize.cfg"
IGNORED_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception"}
IGNORED_COMMENTS = ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP", "# NBVAL_RAISES_EXCEPTION")
# EC2 resource ids (i-…, vpc-…) are seeded per kernel, but moto's EC2 backend draws a different number
# of random values the first time it starts than after a reset, so a re-run in the same kernel shows
# other ids. That is cosmetic; the comparison below is about content (no "already exists", same tables).
EC2_ID = (
    re.compile(
        r"\b(i|vpc|igw|subnet|sg|rtb|eni|acl|eipalloc|eipassoc|r|ami|vol|snap|key|"
        r"rtbassoc|igw-attach|iip)-[0-9a-f]{8,17}\b"
    ),
    r"\1-ID",
)


def sanitizers():
    """The (regex, replacement) pairs of the repository's nbval sanitize file."""
    parser = configparser.ConfigParser()
    parser.read(SANITIZE)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()] + [EC2_ID]


def compared(cell, rules):
    """The text of a cell's outputs that nbval would compare, sanitized (widget views excluded)."""
    parts = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":  # consecutive chunks of one stream are one text, as nbval sees them
            if parts and parts[-1].startswith(f"{output['name']}: "):
                parts[-1] += output["text"]
            else:
                parts.append(f"{output['name']}: {output['text']}")
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in data and "application/vnd.jupyter.widget-view+json" not in data:
                    parts.append(f"{mime}: {data[mime]}")
        elif kind == "error":
            parts.append(f"error: {output['ename']}: {output['evalue']}")
    text = "\n".join(parts)
    for regex, replacement in rules:
        text = regex.sub(replacement, text)
    return text


def errors(cells):
    """'cell N: Name: message' for every error output."""
    return [
        f"cell {index}: {out['ename']}: {out['evalue']}"
        for index, cell in cells
        for out in cell.get("outputs", [])
        if out["output_type"] == "error"
    ]


def checked(cell):
    """Whether nbval compares this code cell's outputs."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    return not (tags & IGNORED_TAGS) and not cell.source.lstrip().startswith(IGNORED_COMMENTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_twice_in_one_kernel(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    code = [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    rules = sanitizers()
    runs = []
    with client.setup_kernel():
        for _ in range(2):
            for index, cell in code:
                client.execute_cell(cell, index)
            assert not errors(code), f"{path.name}, run {len(runs) + 1}: " + "; ".join(errors(code))
            runs.append({index: compared(cell, rules) for index, cell in code if checked(cell)})
    first, second = runs
    changed = [index for index in first if first[index] != second[index]]
    assert not changed, (
        f"{path.name}: the second run printed something else in cell(s) {changed}; "
        f"first:\n{first[changed[0]]}\nsecond:\n{second[changed[0]]}"
    )
