"""The lab session: one setup line per notebook (introduced in chapter 00).

    from helpers import lab
    lab.start(chapter=3)

`start` starts the emulated AWS in this kernel (once), empties it, seeds its id
generator so outputs repeat, loads the `%aws` magic and quietly rebuilds what
the chapters before `chapter` made, so any notebook runs alone on a fresh kernel.
"""
import inspect
import sys

from helpers import backends, iam_steps, network

_backend = None
_chapter = None

# What each chapter leaves behind, rebuilt in order by start(chapter=N) for chapters < N.
# Each entry: chapter -> (summary, function taking the lab's IAM client).
REBUILD = {
    1: ("2 policies", iam_steps.create_policies),
    2: ("role umemoto-wordpress-role", iam_steps.create_role),
    3: ("2 attachments", iam_steps.attach_policies),
    4: ("instance profile umemoto-wordpress-profile", iam_steps.create_instance_profile),
    5: ("network, 2 buckets, instance iamrole-test", network.rebuild),
}


def backend():
    """The active backend (moto in this kernel unless another is chosen)."""
    global _backend
    if _backend is None:
        _backend = backends.MotoBackend()
    return _backend


def client(service):
    """A boto3 client for the lab's backend, as the course's administrator."""
    return backend().client(service)


def account_id():
    """The account id of the lab's backend (moto's is always 123456789012)."""
    return backend().account_id


def region():
    """The region every lab command uses."""
    return backend().region


def load_magic():
    """Register %aws, %%launch and %instance, and clear AWS errors, in the running IPython, if any."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ipython = get_ipython()
    if ipython is not None:
        from botocore.exceptions import BotoCoreError, ClientError

        from helpers import instance, magic, network

        magic.load_ipython_extension(ipython)
        network.load_ipython_extension(ipython)
        instance.load_ipython_extension(ipython)
        ipython.set_custom_exc((ClientError, BotoCoreError, CheckFailed), show_aws_error)


class CheckFailed(AssertionError):
    """A check a cell makes did not hold (e.g. a request expected to be denied was allowed).

    The cell still fails (so nbval and a learner notice), but shows one line, not a traceback.
    """


def show_aws_error(shell, kind, error, tb, tb_offset=None):
    """Print an AWS error (or a failed check) raised in a cell as one line plus a hint, not a traceback."""
    from helpers import hints

    print(f"{kind.__name__}: {error}", file=sys.stderr, flush=True)
    if issubclass(kind, CheckFailed):
        return
    hint = hints.hint_for(str(error))
    print(f"Hint: {hint or 'check the names against the article, or run lab.start(chapter=N) to rebuild.'}", flush=True)


def lint(*policies):
    """Check policy files, or policy JSON text (a string starting with {), and print each problem with its line and column."""
    from helpers import lint as linter

    for policy in policies:
        if isinstance(policy, str) and policy.lstrip().startswith("{"):
            linter.check_policy_text(policy)
        else:
            linter.check_policy_file(policy)


def rebuild(chapter):
    """Re-create, quietly, what the chapters before `chapter` made; return their summaries."""
    made = []
    iam = client("iam")
    for number in sorted(REBUILD):
        if number < chapter:
            summary, step = REBUILD[number]
            step(iam)
            made.append(summary)
    return made


def start(chapter=0):
    """Start (or restart) the lab at the beginning of `chapter`; print a short banner."""
    from helpers import instance

    global _chapter
    _chapter = chapter
    instance.logout()
    backend().reset()
    load_magic()
    made = rebuild(chapter)
    print(f"IAM Role Lab, chapter {chapter:02d} | backend: {backend().name} | "
          f"region: {region()} | account: {account_id()}")
    if made:
        print("Re-created from earlier chapters: " + ", ".join(made) + ".")


def reset():
    """Empty the emulated account: nothing the course made is left (and any instance login ends)."""
    from helpers import instance

    instance.logout()
    backend().reset()
    print("The emulated account is empty. Run the chapter's cells again, or `lab.start(chapter=N)` to rebuild.")


def show_source(function):
    """Display a helper's source as a Python code block (the boto3 equivalent of a step)."""
    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{inspect.getsource(function).rstrip()}\n```"))
