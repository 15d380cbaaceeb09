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

from helpers.cli import awscli
from helpers.cli.commandline import CommandError, parse_commands
from helpers.cli.presend import refusal

SHELL_AWS = re.compile(r"^(\s*(?:[A-Za-z_]\w*\s*=\s*)?)!\s*aws\b\s*")
SHELL_AWS_NOTE = (
    "Note: `!aws` would start a separate AWS CLI outside the lab: it cannot see the emulated "
    "account and would try to reach real AWS. The lab ran this line as `%aws` instead; write %aws."
)


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
