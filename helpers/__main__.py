"""Command line: `python -m helpers lint PATH...` checks IAM policy files.

Prints one line per finding (PATH:LINE:COL: severity: message (hint)) and exits
0 when every file is clean, 1 otherwise. A folder stands for its *.json files.
"""

import argparse
import sys
from pathlib import Path

from helpers.policy.findings import format_finding
from helpers.policy.lint import lint_file


def _paths(arguments):
    """The files to check: each argument, with folders expanded to their *.json."""
    for argument in arguments:
        path = Path(argument)
        yield from sorted(path.glob("*.json")) if path.is_dir() else [path]


def lint(arguments):
    """Lint every file named in `arguments`; return the exit status."""
    clean = True
    for path in _paths(arguments):
        for finding in lint_file(path):
            print(format_finding(finding))
            clean = False
    return 0 if clean else 1


def main(argv=None):
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m helpers", description="IAM Role Lab tools")
    commands = parser.add_subparsers(dest="command", required=True)
    lint_parser = commands.add_parser("lint", help="check IAM policy JSON files")
    lint_parser.add_argument("paths", nargs="+", metavar="PATH")
    args = parser.parse_args(argv)
    return lint(args.paths)


if __name__ == "__main__":
    sys.exit(main())
