"""Run the real AWS CLI inside the kernel, against the lab's backend (chapter 01).

awscli's own driver runs in this process, so the article's commands behave and
print exactly as the CLI does, while moto (running here too) answers them.
A failing command never raises: the CLI prints its error and a hint follows.
"""
import contextlib
import os
import sys

from helpers import hints


class _Tee:
    """A text stream that copies everything written to it into a list."""

    def __init__(self, stream):
        self.stream = stream
        self.seen = []

    def write(self, text):
        self.seen.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


@contextlib.contextmanager
def _patched_environ(extra):
    """Temporarily add environment variables (e.g. an instance's credentials)."""
    saved = dict(os.environ)
    os.environ.update(extra or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _working_dir(path):
    """Temporarily change the working directory (None leaves it alone)."""
    saved = os.getcwd()
    if path:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(saved)


def run(args, env=None, cwd=None):
    """Run one AWS CLI command (args without the leading 'aws'); return its exit code."""
    from awscli.clidriver import create_clidriver

    tee = _Tee(sys.stderr)
    with _patched_environ(env), _working_dir(cwd), contextlib.redirect_stderr(tee):
        try:
            code = create_clidriver().main(list(args))
        except SystemExit as exit_:  # argparse exits on usage errors
            code = exit_.code if isinstance(exit_.code, int) else 2
    sys.stderr.flush()
    if code:
        hint = hints.hint_for("".join(tee.seen))
        if hint:
            print(f"Hint: {hint}")
    return code
