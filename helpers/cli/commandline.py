"""Reading an AWS CLI command line as a terminal would (chapter 01).

One place for what `%aws`, `%%aws`, `%%instance` and the exercises need: lines
ending in a bash `\\` (or the article's PowerShell backtick or cmd `^`) continue on
the next line; `$NAME` and `${NAME}` are replaced by the notebook variable NAME, as
a shell would; words are split with shell quoting; options are read in both forms,
`--option value` and `--option=value`.
"""

import re
import shlex

CONTINUATIONS = ("\\", "`", "^")


VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


WINDOWS_PATH = re.compile(r"file://[A-Za-z]:[\\/]")

POLICY_OPTIONS = ("--policy-document", "--assume-role-policy-document")


class CommandError(ValueError):
    """A command line the magic cannot run, with a message that says how to fix it."""


def logical_lines(text):
    """Join continued lines; yield (first line number, joined text)."""
    pending, start = [], None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.rstrip()
        if start is None:
            start = number
        if stripped.endswith(CONTINUATIONS):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield start, " ".join(pending)
        pending, start = [], None
    if pending:
        yield start, " ".join(pending)


def expand_variables(text, namespace):
    """Replace $NAME and ${NAME} with the notebook variable's value, like a shell."""

    def value(match):
        """The quoted value of the variable one $NAME or ${NAME} names."""
        name = match.group(1) or match.group(2)
        if name not in namespace:
            raise CommandError(f"${name} is not defined in this notebook: run the cell that sets {name} first.")
        return shlex.quote(str(namespace[name]))

    return VARIABLE.sub(value, text)


def split_command(number, line):
    """Split one logical line into CLI arguments (without 'aws')."""
    if WINDOWS_PATH.search(line):
        raise CommandError(
            f"Line {number}: file://C:\\... is a Windows path on the article author's PC. "
            "In this lab the policy files are in ../policies/, e.g. file://../policies/s3policy.json"
        )
    try:
        words = shlex.split(line, comments=True)
    except ValueError as error:
        raise CommandError(f"Line {number}: {error} — check that every quote you open is closed.") from None
    if words and words[0] == "aws":
        words = words[1:]
    if words and words[0] == "aws":
        raise CommandError(f"Line {number}: 'aws' is written twice; write it once (or not at all after %aws).")
    if not words and line.strip().startswith("aws"):
        raise CommandError(f"Line {number}: 'aws' needs a service and a command, e.g. aws iam list-roles")
    return words


def parse_commands(text, namespace=None):
    """All commands in a cell, each as a list of CLI arguments."""
    commands = []
    for number, line in logical_lines(text):
        words = split_command(number, expand_variables(line, namespace or {}))
        if words:
            commands.append(words)
    return commands


def option_values(args, options):
    """(option, value) for each of `options` in args, written `--option value` or `--option=value`."""
    found = []
    for index, word in enumerate(args):
        option, equals, value = word.partition("=")
        if option in options and equals:
            found.append((option, value))
        elif option in options and index + 1 < len(args):
            found.append((option, args[index + 1]))
    return found


def option_value(args, option, default):
    """The first value given for `option` in args (either form), or `default`."""
    return next((value for _, value in option_values(args, (option,))), default)


def policy_arguments(args):
    """(option, value) for each policy-document option in args."""
    return option_values(args, POLICY_OPTIONS)
