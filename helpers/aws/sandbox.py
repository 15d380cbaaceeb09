"""Keep the learner's own AWS setup out of the lab (introduced in chapter 00).

The emulated backend must never read real credentials or reach a real endpoint,
whatever the learner's shell, profile or config files say. `isolate()` removes
every AWS_* setting from this process and installs fake keys, a fixed region and
empty config files instead.
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

# Settings outside the AWS_* namespace that boto3 or the CLI would also read.
OTHER_SETTINGS = ("BOTO_CONFIG", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")

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


def isolate(region=REGION):
    """Replace every AWS setting of this process with fakes; return what was removed."""
    removed = sorted(k for k in os.environ if k.startswith("AWS_") or k in OTHER_SETTINGS)
    for key in removed:
        del os.environ[key]
    folder = empty_config_dir()
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
