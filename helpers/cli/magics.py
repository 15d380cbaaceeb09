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
option takes, and one IAM would refuse is not sent. A `!aws` line, or a `%%bash`
(`%%sh`, `%%script bash`) cell whose every command is `aws ...`, would start a
separate CLI that cannot see the emulated account: it runs as `%aws`, with a note.
A shell cell that mixes other commands runs in the shell, where `aws` only prints
why it cannot run (helpers.aws.sandbox); if the cell fails, `shell_failure` is the
one line shown instead of a traceback.
"""

import re
import shlex

from helpers.cli import awscli
from helpers.cli.commandline import CommandError, logical_lines, parse_commands
from helpers.cli.presend import refusal

SHELL_AWS = re.compile(r"^(\s*(?:[A-Za-z_]\w*\s*=\s*)?)!\s*aws\b\s*")
SHELL_AWS_NOTE = (
    "Note: `!aws` would start a separate AWS CLI outside the lab: it cannot see the emulated "
    "account and would try to reach real AWS. The lab ran this line as `%aws` instead; write %aws."
)
SHELL_CELL = re.compile(r"^\s*%%(?:bash|sh|script\s+(?:\S*/)?(?:bash|sh))\s*$")
SHELL_CELL_NOTE = (
    "Note: a shell cell would start a separate AWS CLI outside the lab: it cannot see the emulated "
    "account and would try to reach real AWS. The lab ran this cell as `%%aws` instead; write %%aws."
)
SHELL_OPERATORS = set("();<>|&")  # a word of these alone is an operator; inside quotes they are text
AWS_IN_SHELL = re.compile(r"(?:^|[\s;&|(`])aws(?:cli)?\s")  # aws ..., python -m awscli ...


def run_text(text, namespace=None, runner=None):
    """Parse and run every command; print a clear message instead of raising on bad input."""
    runner = runner or awscli.run
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


def plain_aws(line):
    """True if a shell line is one `aws ...` command and nothing else (no pipe, redirection, `;`, `$(...)`)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:  # an unclosed quote: leave the cell to the shell
        return False
    return bool(words) and words[0] == "aws" and not any(set(word) <= SHELL_OPERATORS for word in words)


def only_aws(script):
    """True if every command of a shell script (comments and blank lines aside) is a plain `aws ...`."""
    commands = [line for _, line in logical_lines(script) if line.strip() and not line.lstrip().startswith("#")]
    return bool(commands) and all(plain_aws(line) for line in commands)


def shell_aws_as_magic(lines):
    """IPython input transformer: `!aws ...` runs as `%aws_from_shell ...`, an aws-only shell cell likewise.

    `out = !aws ...` is caught too (out is then None: the output is printed); cells of other
    magics are left alone. Known limit: a `!aws` line inside a multi-line string is rewritten as well.
    """
    if lines and SHELL_CELL.match(lines[0]):
        return ["%%aws_from_shell\n", *lines[1:]] if only_aws("".join(lines[1:])) else lines
    if lines and lines[0].lstrip().startswith("%%"):
        return lines
    return [SHELL_AWS.sub(r"\1%aws_from_shell ", line) for line in lines]


def shell_failure(error):
    """(message, hint) for a failed shell cell or subprocess (subprocess.CalledProcessError), in one line each."""
    command = error.cmd.decode("utf-8", "replace") if isinstance(error.cmd, bytes) else error.cmd
    if not isinstance(command, str):
        command = shlex.join(str(word) for word in command)
    first = command.strip().splitlines()[0] if command.strip() else ""
    where = "the shell cell" if "\n" in command.strip() or isinstance(error.cmd, bytes) else f"`{first}`"
    message = f"{where} ended with exit status {error.returncode} (what it printed, if anything, is above)."
    if AWS_IN_SHELL.search(command + " "):
        return message, "AWS CLI commands reach the lab's emulated account only as %aws or %%aws, never from a shell."
    return message, "run the failing line on its own to see which command failed and why."


def load_ipython_extension(ipython):
    """Register %aws / %%aws with IPython, and catch `!aws` and aws-only shell cells (called by lab.start)."""
    from IPython.core.magic import no_var_expand, register_line_cell_magic

    @register_line_cell_magic
    @no_var_expand
    def aws(line, cell=None):
        """Run AWS CLI commands in this kernel against the lab's backend."""
        run_text(line if cell is None else line + "\n" + cell, ipython.user_ns)

    @register_line_cell_magic
    @no_var_expand
    def aws_from_shell(line, cell=None):
        """A `!aws` line or an aws-only shell cell: say why it runs as %aws, then run it so."""
        print(SHELL_AWS_NOTE if cell is None else SHELL_CELL_NOTE)
        run_text(line if cell is None else cell, ipython.user_ns)

    if shell_aws_as_magic not in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.append(shell_aws_as_magic)
