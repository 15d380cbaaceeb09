"""Run the real AWS CLI inside the kernel, against the lab's backend (chapter 01).

awscli's own driver runs in this process, so the article's commands behave and
print exactly as the CLI does, while moto (running here too) answers them.
A failing command never raises: the CLI prints its error and a hint follows.
"""

import contextlib
import io
import os
import re
import sys

from helpers.cli import hints


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
def _program_name(name):
    """Temporarily set sys.argv[0], which argparse prints in usage errors."""
    saved = sys.argv[:1]
    sys.argv[:1] = [name]
    try:
        yield
    finally:
        sys.argv[:1] = saved


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


def _driver():
    """A fresh CLI driver: its own botocore session, so its credentials, region and
    profile come from the environment *now* (e.g. an instance's credentials passed
    in `env`) and no `--region`/`--profile` carries over to the next command.

    The parsed service models are not parsed again: helpers.aws.moto_speed (installed
    when the lab starts moto) gives every botocore session, this one too, the
    shared data loader of its data path.
    """
    from awscli.clidriver import create_clidriver

    return create_clidriver()


CHOICES = re.compile(r"argument (command|operation): Invalid choice, valid choices are:\n.*?\n\n\n", re.S)
V2_NOTE = re.compile(r"usage: \r?Note: AWS CLI version 2.*?\n\n", re.S)


def tidy_usage_error(text):
    """Drop the CLI's v2 advert and its page-long list of valid choices; keep 'maybe you meant'."""
    text = V2_NOTE.sub("", text)
    return CHOICES.sub(r"argument \1: Invalid choice (the full list of choices is left out here).\n\n", text)


def run(args, env=None, cwd=None):
    """Run one AWS CLI command (args without the leading 'aws'); return its exit code."""
    errors = io.StringIO()
    with _patched_environ(env), _working_dir(cwd), _program_name("aws"), contextlib.redirect_stderr(errors):
        try:
            code = _driver().main(list(args))
        except SystemExit as exit_:  # argparse exits on usage errors
            code = exit_.code if isinstance(exit_.code, int) else 2
    text = tidy_usage_error(errors.getvalue())
    sys.stdout.flush()
    sys.stderr.write(text)
    sys.stderr.flush()
    hint = hints.hint_for(text, args) if code else None
    if hint:
        print(f"Hint: {hint}", flush=True)
    return code
