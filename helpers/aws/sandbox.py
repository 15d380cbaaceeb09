"""Keep the learner's own AWS setup out of the lab (introduced in chapter 00).

The emulated backend must never read real credentials or reach a real endpoint,
whatever the learner's shell, profile or config files say. `isolate()` removes
every AWS_* setting from this process and installs fake keys, a fixed region and
empty config files instead.

It also settles what a separate process started from the kernel meets (a `%%bash`
cell, a `!` line, `subprocess`): the emulated account lives only inside the kernel,
so such a process can never see it, and must not reach the network instead.

- `aws` is a tiny script first on PATH (in the kernel's scratch folder) that prints
  one line pointing to `%aws` and exits with status 1, at once;
- any other HTTP client (`python -m awscli`, boto3, pip, curl) is sent to a proxy on
  a closed local port (127.0.0.1:9, the discard port), so it is refused at once;
  localhost is left direct (NO_PROXY). moto inside the kernel is unaffected: it
  answers every boto3 request before any connection is made;
- a separate botocore makes one attempt only (AWS_MAX_ATTEMPTS=1), instead of
  retrying the refused connection with back-off for ~8 s. That setting is given to
  separate processes only (os.putenv: in the process environment they inherit, not
  in os.environ), because inside the kernel it would change every error the CLI
  prints ("... operation (reached max retries: 0): ...").
"""

import atexit
import getpass
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

FAKE_ACCESS_KEY = "testing"
FAKE_SECRET_KEY = "testing"
REGION = "ap-northeast-1"  # Tokyo: the article's AMI id and setting

# Settings outside the AWS_* namespace that boto3, the CLI or another HTTP client would also read.
PROXY_SETTINGS = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
OTHER_SETTINGS = ("BOTO_CONFIG", *PROXY_SETTINGS, "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")
CHILDREN_ONLY = {"AWS_MAX_ATTEMPTS": "1"}  # see the module docstring
CLOSED_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there, so a connection is refused at once
DIRECT = "localhost,127.0.0.1,::1"

SHIM_NOTE = (
    "aws: not run. This separate AWS CLI cannot see the lab's emulated account, which lives only "
    "inside the notebook's kernel; write the command as %aws ... (or a %%aws cell) instead."
)
SHIM_POSIX = f"#!/bin/sh\ncat >&2 <<'NOTE'\n{SHIM_NOTE}\nNOTE\nexit 1\n"
SHIM_WINDOWS = f"@echo {SHIM_NOTE.replace('%', '%%')} 1>&2\r\n@exit /b 1\r\n"

_scratch = None


def scratch_folder():
    """This kernel's folder for the lab's scratch files, removed when the kernel exits.

    It lives in `<temp>/iam-role-lab-<user>/<process id>/`; folders left by kernels that
    were killed (so never cleaned up) are removed when the next kernel makes its own.
    (Kernels in other process namespaces sharing the temp folder look dead from here.)
    """
    global _scratch
    if _scratch is None or not _scratch.is_dir():
        parent = Path(tempfile.gettempdir()) / f"iam-role-lab-{_user()}"
        parent.mkdir(mode=0o700, exist_ok=True)  # only the user may read the instance's files
        remove_stale_folders(parent)
        first = _scratch is None
        _scratch = parent / str(os.getpid())
        _scratch.mkdir(mode=0o700, exist_ok=True)
        if first:
            atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
    return _scratch


def remove_stale_folders(parent):
    """Remove the scratch folders of kernels that no longer run (on POSIX systems, where that can be asked)."""
    if os.name != "posix":
        return
    for folder in parent.iterdir():
        if folder.name.isdigit() and not _running(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid):
    """True if a process with this id exists (POSIX: signal 0 only asks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _user():
    """The user's login name, for a per-user temp folder."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "user"


def empty_config_dir():
    """A private folder with empty AWS config and credentials files."""
    folder = scratch_folder() / "aws"
    folder.mkdir(exist_ok=True)
    for name in ("config", "credentials"):
        (folder / name).write_text("")
    return folder


def awscli_data_path():
    """The folder of awscli's own data files, which the CLI finds through AWS_DATA_PATH."""
    return str(Path(importlib.util.find_spec("awscli").submodule_search_locations[0]) / "data")


def shim_folder():
    """A folder holding the `aws` that separate processes find first on PATH (written if missing)."""
    folder = scratch_folder() / "bin"
    folder.mkdir(exist_ok=True)
    name, text = ("aws.cmd", SHIM_WINDOWS) if os.name == "nt" else ("aws", SHIM_POSIX)
    shim = folder / name
    if not shim.exists() or shim.read_text() != text:
        shim.write_text(text)
        shim.chmod(0o700)
    return folder


def path_with_shim_first(path, folder):
    """PATH with `folder` first, and only once (isolate runs at every lab.start)."""
    others = [entry for entry in path.split(os.pathsep) if entry and entry != str(folder)]
    return os.pathsep.join([str(folder), *others])


def isolate(region=REGION):
    """Replace every AWS setting of this process with fakes; return what was removed."""
    removed = sorted(k for k in os.environ if k.startswith("AWS_") or k in OTHER_SETTINGS)
    for key in removed:
        del os.environ[key]
    folder = empty_config_dir()
    os.environ.update(dict.fromkeys(PROXY_SETTINGS, CLOSED_PROXY), NO_PROXY=DIRECT, no_proxy=DIRECT)
    os.environ["PATH"] = path_with_shim_first(os.environ.get("PATH", ""), shim_folder())
    for key, value in CHILDREN_ONLY.items():
        os.putenv(key, value)
    os.environ.update(
        AWS_ACCESS_KEY_ID=FAKE_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=FAKE_SECRET_KEY,
        AWS_DEFAULT_REGION=region,
        AWS_REGION=region,
        AWS_CONFIG_FILE=str(folder / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
        AWS_DATA_PATH=awscli_data_path(),
        MOTO_EC2_LOAD_DEFAULT_AMIS="false",
    )
    return removed
