"""Findings of the policy linter, placed by line and column, and shown to a learner (chapter 01).

A `Finding` is one problem; `format_finding` renders it as
``PATH:LINE:COL: severity: message (hint)``; `Report` collects findings for one
text, turning character offsets into lines and columns; `print_findings` shows them
in a notebook with the offending line and a caret under the column.
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One problem in a policy file; line and col are 1-based (0 = whole file)."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    hint: str = ""
    code: str = ""


def format_finding(f):
    """Render a finding as PATH:LINE:COL: severity: message (hint)."""
    where = f"{f.path}:{f.line}:{f.col}" if f.line else f.path
    hint = f" ({f.hint})" if f.hint else ""
    return f"{where}: {f.severity}: {f.message}{hint}"


class Report:
    """Collects findings for one text, turning offsets into line and column."""

    def __init__(self, text, path):
        """Start an empty report for `text` read from `path`."""
        self.text, self.path, self.findings = text, path, []

    def position(self, offset):
        """1-based (line, column) of a character offset."""
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - self.text.rfind("\n", 0, offset)

    def add(self, where, severity, code, message, hint=""):
        """Record a finding at a node (or a character offset)."""
        offset = where if isinstance(where, int) else where.offset
        line, col = self.position(offset)
        self.findings.append(Finding(self.path, line, col, severity, message, hint, code))


def print_findings(findings, lines, ok):
    """Print each finding with its source line and a caret, or the OK line when there are none."""
    if not findings:
        print(ok)
    for finding in findings:
        print(format_finding(finding))
        print(excerpt(lines, finding), end="")


def source_lines(path):
    """The file's lines, or [] when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def excerpt(lines, finding):
    """The finding's source line with a caret under its column, or ''."""
    if not finding.line or finding.line > len(lines):
        return ""
    line = lines[finding.line - 1]
    pad = "".join(c if c == "\t" else " " for c in line[: finding.col - 1])
    return f"    {line}\n    {pad}^\n"
