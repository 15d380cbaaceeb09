"""Checks a chapter makes on the instance: a command IAM must refuse, a login EC2 must refuse (chapter 06).

`expect_login_refused(name)` checks that EC2 cannot get the role's credentials for the
instance, printing why. `expect_denied(command)` runs an `aws ...` command on the logged-in instance (or, with
`session=`, as a signed-in IAM user, chapter 07), prints the CLI's output as usual, and
fails the cell with one line (CheckFailed) if the command was allowed, did not run, or
failed for another reason than IAM's refusal (AccessDenied; EC2 says UnauthorizedOperation).
`$NAME` in the command is the notebook's variable NAME, as in `%instance`.
"""

import contextlib
import sys

from helpers.course.errors import CheckFailed
from helpers.instance.credentials import LoginError
from helpers.instance.session import connect, current

DENIALS = ("AccessDenied", "UnauthorizedOperation")  # IAM's refusal, in S3's and most services' words, and EC2's


class _Tee:
    """A text stream that copies everything written to it into a list."""

    def __init__(self, stream):
        """Copy what is written to `stream`."""
        self.stream = stream
        self.seen = []

    def write(self, text):
        """Remember `text`, then write it to the stream."""
        self.seen.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        """Everything else (flush, encoding, ...) as the stream has it."""
        return getattr(self.stream, name)


def expect_denied(command, session=None, namespace=None):
    """Run a command on the instance that IAM must refuse; raise CheckFailed if it is not refused.

    Prints the CLI's output as usual, then what was checked. Outside a session it
    prints how to log in and returns None: nothing was checked.
    """
    if not isinstance(command, str):
        raise CheckFailed(
            f'expect_denied takes a command as text, e.g. checks.expect_denied("aws s3 ls"), not {command!r}'
        )
    try:
        session = session or current()
    except LoginError as error:
        print(f"Nothing checked. {error}")
        return None
    if not command.strip().startswith("aws "):
        raise CheckFailed(f"expect_denied checks an `aws ...` command (only those reach IAM), not: {command}")
    seen = _Tee(sys.stderr)
    with contextlib.redirect_stderr(seen):
        code = session.run(command, notebook_namespace() if namespace is None else namespace)
    text = "".join(seen.seen)
    if code is None:
        raise CheckFailed(f"This did not run, so nothing was denied: {command} (see the message above).")
    if not code:
        raise CheckFailed(
            f"Expected AccessDenied, but this was allowed: {command}. The policies in force "
            f"allow it now: perhaps they changed since (another cell or the playground), "
            f"or the command is one they do allow."
        )
    refusal = next((denial for denial in DENIALS if denial in text), None)
    if refusal is None:
        raise CheckFailed(
            f"This failed, but not because access was denied (exit code {code}): {command}. "
            f"The CLI's message above says why (a missing bucket or file, a typo?)."
        )
    print(f"Denied, as expected: {refusal} from IAM.")


def notebook_namespace():
    """The notebook's variables (for $NAME in a command), or {} outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    ipython = get_ipython()
    return ipython.user_ns if ipython is not None else {}


def expect_login_refused(name):
    """Check that EC2 cannot get credentials for the instance (the trust lesson); CheckFailed if it can."""
    try:
        connect(name).logout()
    except LoginError as error:
        print(f"Refused, as expected: {error}")
        return
    raise CheckFailed(f"Expected the login to {name} to be refused, but EC2 got credentials: the role trusts EC2.")
