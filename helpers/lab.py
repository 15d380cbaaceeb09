"""The lab session: one setup line per notebook (introduced in chapter 00).

    from helpers import lab
    lab.start(chapter=3)

`start` starts the emulated AWS in this kernel (once), empties it, seeds its id
generator so outputs repeat, loads the `%aws` magic and quietly rebuilds what
the chapters before `chapter` made, so any notebook runs alone on a fresh kernel.
This is the top of helpers/: it may use every layer below, and none uses it.
"""

import inspect
import subprocess
import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from helpers.aws import backend
from helpers.cli import hints, magics
from helpers.course.chapters import CHAPTERS
from helpers.course.errors import LabError
from helpers.instance import magics as instance_magics
from helpers.instance import session
from helpers.policy import lint as linter
from helpers.steps import iam, network
from helpers.teach import verdicts

LOGIN_CHAPTERS = (5, 6, 7, 8)  # chapters whose cells work on the logged-in instance
# What each chapter leaves behind, rebuilt in order by start(chapter=N) for chapters < N.
# Each entry: chapter -> (summary, function taking the lab's IAM client).
REBUILD = {
    1: ("2 policies", iam.create_policies),
    2: ("role umemoto-wordpress-role", iam.create_role),
    3: ("2 attachments", iam.attach_policies),
    4: ("instance profile umemoto-wordpress-profile", iam.create_instance_profile),
    5: ("network, 2 buckets, instance iamrole-test", network.rebuild),
}


def client(service):
    """A boto3 client for the lab's backend, as the course's administrator."""
    return backend.client(service)


def account_id():
    """The account id of the lab's backend (moto's is always 123456789012)."""
    return backend.account_id()


def region():
    """The region every lab command uses."""
    return backend.region()


def load_magic():
    """Register %aws, %%launch and %instance, and one-line AWS errors, in the running IPython, if any."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ipython = get_ipython()
    if ipython is not None:
        magics.load_ipython_extension(ipython)
        network.load_ipython_extension(ipython)
        instance_magics.load_ipython_extension(ipython)
        ipython.set_custom_exc((ClientError, BotoCoreError, LabError, subprocess.CalledProcessError), show_aws_error)


def show_aws_error(shell, kind, error, tb, tb_offset=None):
    """Print an AWS error, a lab error or a failed shell cell as one line plus a hint, not a traceback."""
    if issubclass(kind, subprocess.CalledProcessError):
        message, hint = magics.shell_failure(error)
        print(f"{kind.__name__}: {message}", file=sys.stderr, flush=True)
        print(f"Hint: {hint}", flush=True)
        return
    print(f"{kind.__name__}: {error}", file=sys.stderr, flush=True)
    if issubclass(kind, LabError):
        return
    hint = hints.hint_for(str(error))
    print(f"Hint: {hint or 'check the names against the article, or run lab.start(chapter=N) to rebuild.'}", flush=True)


def lint(*policies):
    """Check policy files, or policy JSON text (a string starting with {), printing each problem's line and column."""
    if not policies:
        raise LabError('lint takes a policy file or policy JSON text, e.g. lab.lint("../policies/s3policy.json").')
    for policy in policies:
        if not isinstance(policy, (str, Path)):
            raise LabError(f"lint takes a file's path or JSON text (a string), not {type(policy).__name__}.")
        if isinstance(policy, str) and policy.lstrip().startswith("{"):
            linter.check_policy_text(policy)
        else:
            linter.check_policy_file(policy)


def rebuild(chapter):
    """Re-create, quietly, what the chapters before `chapter` made; return their summaries."""
    made = []
    iam_client = backend.client("iam")
    for number in sorted(REBUILD):
        if number < chapter:
            summary, step = REBUILD[number]
            step(iam_client)
            made.append(summary)
    return made


def check_chapter(chapter):
    """The chapter number, or a LabError that says what a chapter number is."""
    if isinstance(chapter, bool) or not isinstance(chapter, int) or chapter not in CHAPTERS:
        given = f"{chapter!r} ({type(chapter).__name__})" if not isinstance(chapter, int) else str(chapter)
        raise LabError(
            f"chapter must be a whole number from {min(CHAPTERS)} to {max(CHAPTERS)} (the notebook's number, "
            f"e.g. lab.start(chapter=3)), not {given}."
        )
    return chapter


def start(chapter=0, resume=False):
    """Start (or restart) the lab at the beginning of `chapter`; print a short banner.

    With `resume=True` (after a kernel restart in the middle of a chapter), also rebuild
    what this chapter itself makes and, where the chapter works on the instance, log in again.
    """
    load_magic()  # first, so that a wrong argument below shows as one line
    check_chapter(chapter)
    session.logout()
    backend.current().reset()
    if not resume:
        verdicts.reset_tries()  # the chapter starts again: so do its exercises' hints
    made = rebuild(chapter + 1 if resume else chapter)
    print(
        f"IAM Role Lab, chapter {chapter:02d} | backend: {backend.current().name} | "
        f"region: {region()} | account: {account_id()}"
    )
    if made:
        print("Re-created from earlier chapters: " + ", ".join(made) + ".")
    if resume and chapter in LOGIN_CHAPTERS:
        log_in_again()


def log_in_again():
    """Log in to the instance again, as the chapter did, and name the session `me` in the notebook."""
    from IPython import get_ipython

    me = session.login()
    ipython = get_ipython()
    if ipython is not None:
        ipython.user_ns["me"] = me
        print("`me` is the instance's session again; carry on from where you were.")


def reset():
    """Empty the emulated account: nothing the course made is left (and any instance login ends)."""
    session.logout()
    backend.current().reset()
    print("The emulated account is empty. Run the chapter's cells again, or `lab.start(chapter=N)` to rebuild.")


def why(action=None):
    """Show how IAM decided the latest real call (for `action`, if given): the path drawn, every statement."""
    from helpers.show import decisions

    decisions.why(action)


def show_source(function):
    """Display a helper's source as a Python code block (the boto3 equivalent of a step)."""
    from IPython.display import Markdown, display

    if not callable(function) or not hasattr(function, "__code__"):
        raise LabError(
            f"show_source takes one of the lab's functions, e.g. lab.show_source(iam.create_role), not {function!r}."
        )
    display(Markdown(f"```python\n{inspect.getsource(function).rstrip()}\n```"))
