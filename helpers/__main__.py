"""Command line: `python -m helpers lint PATH...` and `python -m helpers decide FILE...`.

lint checks IAM policy files: one line per finding (PATH:LINE:COL: severity:
message (hint)), exit 0 when every file is clean, 1 otherwise. A folder stands
for its *.json files.

decide runs requests through the policy evaluation engine (helpers.policy) and
explains each decision; --json prints one JSON array. Exit 0, or 2 with one line
naming the malformed request. Each command imports only what it needs.
"""

import argparse
import sys
from pathlib import Path


def _paths(arguments):
    """The files to check: each argument, with folders expanded to their *.json."""
    for argument in arguments:
        path = Path(argument)
        yield from sorted(path.glob("*.json")) if path.is_dir() else [path]


def lint(arguments):
    """Lint every file named in `arguments`; return the exit status."""
    from helpers.policy.findings import format_finding
    from helpers.policy.lint import lint_file

    clean = True
    for path in _paths(arguments):
        for finding in lint_file(path):
            print(format_finding(finding))
            clean = False
    return 0 if clean else 1


def decide(arguments, as_json):
    """Decide every request in the files named in `arguments`; return the exit status."""
    from helpers.policy.decide_command import run

    return run(arguments, as_json=as_json)


def main(argv=None):
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m helpers", description="IAM Role Lab tools")
    commands = parser.add_subparsers(dest="command", required=True)
    lint_parser = commands.add_parser("lint", help="check IAM policy JSON files")
    lint_parser.add_argument("paths", nargs="+", metavar="PATH")
    decide_parser = commands.add_parser("decide", help="decide requests as AWS's policy evaluation does")
    decide_parser.add_argument("paths", nargs="+", metavar="FILE")
    decide_parser.add_argument("--json", action="store_true", help="print one JSON array of decisions")
    args = parser.parse_args(argv)
    if args.command == "decide":
        return decide(args.paths, args.json)
    return lint(args.paths)


if __name__ == "__main__":
    sys.exit(main())
