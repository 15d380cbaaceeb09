"""The `%aws` and `%%aws` magics: the article's commands, typed as in a terminal (chapter 00).

    %aws iam list-attached-role-policies --role-name umemoto-wordpress-role

    %%aws
    aws iam create-policy \\
        --policy-name S3-Wordpress-ut \\
        --policy-document file://../policies/s3policy.json

A cell may hold several commands; the leading `aws` is optional; lines ending in
a bash `\\` (or the article's PowerShell backtick or cmd `^`) continue on the next
line; `$NAME` is replaced by the notebook variable NAME, as a shell would.
Before an IAM command is sent, its policy documents are linted as the kind each
option takes, and one IAM would refuse is not sent. A `!aws` line (which would
start a separate CLI that cannot see the emulated account) runs as `%aws`, with a note.
"""
import re
import shlex
from pathlib import Path

from helpers import hints

CONTINUATIONS = ("\\", "`", "^")
VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")
SHELL_AWS = re.compile(r"^(\s*(?:[A-Za-z_]\w*\s*=\s*)?)!\s*aws\b\s*")
SHELL_AWS_NOTE = ("Note: `!aws` would start a separate AWS CLI outside the lab: it cannot see the emulated "
                  "account and would try to reach real AWS. The lab ran this line as `%aws` instead; write %aws.")
WINDOWS_PATH = re.compile(r"file://[A-Za-z]:[\\/]")


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
            "In this lab the policy files are in ../policies/, e.g. file://../policies/s3policy.json")
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


def policy_value_problem(words):
    """Why a policy-document option's value is not a document (a bare path, fileb://, a word), or None."""
    forgotten = hints.forgotten_file_prefix(words)
    if forgotten:
        return hints.file_prefix_advice(*forgotten)
    for option, value in hints.policy_arguments(words):
        if not value.startswith("file://") and not value.lstrip().startswith("{"):
            return (f"{option} takes file://PATH (e.g. file://../policies/trustpolicy.json) "
                    f"or JSON text starting with {{, not '{value}'.")
    return None


def policy_kind(words, option):
    """The policy an IAM command's option takes: "trust" (a role's trust policy) or "permission"."""
    if option == "--assume-role-policy-document" or words[1:2] == ["update-assume-role-policy"]:
        return "trust"
    return "permission"


def policy_findings(value, kind):
    """The lint findings for one policy option's value: an existing file:// file, or JSON text."""
    from helpers import lint

    if value.startswith("file://"):
        path = Path(value[len("file://"):])
        return lint.lint_file(path, kind) if path.is_file() else []  # a missing file: the CLI says so
    return lint.lint_text(value, "(the JSON text)", kind)


def lint_policy_arguments(words):
    """Lint an IAM command's policy documents as the kind each option takes; print findings; True if IAM would refuse one."""
    from helpers import lint

    if words[:1] != ["iam"]:  # other services' policies (bucket, key, IoT) follow other rules
        return False
    refused = False
    for option, value in hints.policy_arguments(words):
        findings = policy_findings(value, policy_kind(words, option))
        for finding in findings:
            print(lint.format_finding(finding))
        refused = refused or any(f.severity == "error" for f in findings)
    return refused


def refusal(words):
    """The one line to print instead of sending a command that cannot work, or None to send it."""
    problem = policy_value_problem(words)
    if problem:
        return f"Not sent: {problem}"
    if lint_policy_arguments(words):
        return "Not sent: fix the error(s) above first (IAM would refuse this document)."
    return None


def run_text(text, namespace=None, runner=None):
    """Parse and run every command; print a clear message instead of raising on bad input."""
    from helpers import cli

    runner = runner or cli.run
    try:
        commands = parse_commands(text, namespace)
    except CommandError as error:
        print(f"Not run: {error}")
        return None
    if not commands:
        print("Nothing to run: type an AWS CLI command, e.g. %aws sts get-caller-identity")
        return None
    codes = []
    for words in commands:  # like a terminal: every line runs
        refused = refusal(words)
        if refused:
            print(refused)
            codes.append(1)
            continue
        codes.append(runner(words))
    return max(codes)


def shell_aws_as_magic(lines):
    """IPython input transformer: a `!aws ...` line runs as `%aws_from_shell ...` (cells of other magics untouched).

    `out = !aws ...` is caught too (out is then None: the output is printed). Known limits: a
    `!aws` line inside a multi-line string is rewritten as well, and `%%bash` cells are not looked at.
    """
    if lines and lines[0].lstrip().startswith("%%"):
        return lines
    return [SHELL_AWS.sub(r"\1%aws_from_shell ", line) for line in lines]


def load_ipython_extension(ipython):
    """Register %aws / %%aws with IPython, and catch `!aws` (called by lab.start)."""
    from IPython.core.magic import no_var_expand, register_line_cell_magic, register_line_magic

    @register_line_cell_magic
    @no_var_expand
    def aws(line, cell=None):
        """Run AWS CLI commands in this kernel against the lab's backend."""
        run_text(line if cell is None else line + "\n" + cell, ipython.user_ns)

    @register_line_magic
    @no_var_expand
    def aws_from_shell(line):
        """A `!aws` line: say why it runs as %aws, then run it so."""
        print(SHELL_AWS_NOTE)
        run_text(line, ipython.user_ns)

    if shell_aws_as_magic not in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.append(shell_aws_as_magic)
