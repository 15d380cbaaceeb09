#!/usr/bin/env python3
"""The course's commands: build the environment, open JupyterLab, run the tests.

    python3 tasks.py lab        build .venv if needed, then open JupyterLab at the repository, on chapter 00
                                (extra arguments go to JupyterLab: python3 tasks.py lab --port 8897 --no-browser)
    python3 tasks.py test       build .venv if needed, then run every test (the CI command)
    python3 tasks.py execute    re-execute every notebook in place (stores fresh outputs)
    python3 tasks.py lock       re-resolve requirements.lock and environment.yml from pyproject.toml
    python3 tasks.py bench      run the benchmark script (figures for the README)

Only the Python standard library is used here, so it runs on a fresh machine.
"""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".lock-sha256"
SKIPPED_PACKAGES = ("rfc3987-syntax", "lark")  # pinned in the lock, not installed in .venv: see ensure_env()
NOTEBOOKS = ROOT / "notebooks"
FIRST_NOTEBOOK = "notebooks/00-Introduction.ipynb"
# JupyterLab's documented way to change a setting's default for one installation: an overrides.json in the
# application settings directory, <sys.prefix>/share/jupyter/lab/settings/ (`jupyter lab path` shows it).
LAB_SETTINGS = ROOT / "jupyter" / "overrides.json"
REPORT = "-rfEs"  # pytest's summary: failures, errors, and why each skipped test skipped


def venv_python():
    """Path of the environment's Python interpreter."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def lock_digest():
    """Hash of the lock file and pyproject, to know when the environment is stale."""
    data = LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    return hashlib.sha256(data).hexdigest()


def run(*args, **kwargs):
    """Run a command, echoing it; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], **kwargs)
    if code:
        sys.exit(code)


def ensure_env():
    """Create .venv from requirements.lock, unless it is already up to date."""
    # tasks.py may be started by an older python3 than the course needs, so it checks (noqa: UP036).
    if sys.version_info < (3, 10):  # noqa: UP036
        sys.exit(f"IAM Role Lab needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if STAMP.exists() and STAMP.read_text() == lock_digest():
        return
    if not venv_python().exists():
        run(sys.executable, "-m", "venv", VENV)
    pip = [venv_python(), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    run(*pip, "--upgrade", "pip")
    # pip byte-compiles what it installs, so kernels start fast even with PYTHONDONTWRITEBYTECODE=1.
    # The lock holds every package, so pip needs no resolving (--no-deps), which lets it leave out
    # SKIPPED_PACKAGES: jsonschema imports rfc3987-syntax (lark is its only user), when present, to
    # check "iri" strings that no Jupyter schema uses, and building its grammars took ~1.1 s at every
    # start of pytest, nbconvert and JupyterLab. jsonschema works without it.
    wanted = VENV / "requirements-installed.txt"
    wanted.write_text("".join(f"{pin}\n" for pin in lock_pins() if pin_name(pin) not in SKIPPED_PACKAGES))
    run(*pip, "--no-deps", "-r", wanted)
    run(*pip, "--no-deps", "-e", ROOT)
    install_lab_settings()
    write_kernel_config()
    STAMP.write_text(lock_digest())


def install_lab_settings():
    """Copy the course's JupyterLab setting defaults (no news or update pop-ups) into the environment."""
    target = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if not target.exists() or target.read_bytes() != LAB_SETTINGS.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(LAB_SETTINGS.read_bytes())
    return target


def write_kernel_config():
    """Make every kernel of .venv load helpers.kernel (the lab's magics say what to run before lab.start)."""
    folder = VENV / "etc" / "ipython"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ipython_kernel_config.py").write_text(
        "# Written by tasks.py: after a kernel restart, the lab's magics say what to run.\n"
        'c.InteractiveShellApp.extensions = ["helpers.kernel"]\n'
    )


def in_env(*args, **kwargs):
    """Run a module of the environment's Python (e.g. pytest, jupyter)."""
    run(venv_python(), "-m", *args, cwd=kwargs.pop("cwd", ROOT), **kwargs)


def lab_arguments(root=ROOT, extra=()):
    """`jupyter lab` rooted at `root` (so the policies/ and helpers/ files the text names open), on chapter 00.

    `extra` comes last, so a learner's own --port, --no-browser or even --ServerApp.root_dir wins.
    """
    allow_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}",
        *allow_root,
        *extra,
    ]


def lab():
    """Open JupyterLab on the course (extra command-line arguments are passed to JupyterLab)."""
    ensure_env()
    install_lab_settings()  # also for environments built before the settings existed
    in_env(*lab_arguments(ROOT, sys.argv[2:]))


def test():
    """Run unit tests, notebooks under strict nbval, and the browser tests (saying why any test skipped)."""
    ensure_env()
    in_env("pytest", "--nbval", "-p", "no:cacheprovider", REPORT, *sys.argv[2:])


def execute():
    """Re-execute notebooks in place (all, or those named), storing the outputs nbval compares."""
    ensure_env()
    names = sys.argv[2:] or sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    for name in names:
        in_env(
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            "--ExecutePreprocessor.timeout=600",
            Path(name).name,
            cwd=NOTEBOOKS,
        )


def lock():
    """Re-resolve the exact pins (needs network to PyPI)."""
    ensure_env()
    in_env("pip", "install", "--quiet", "uv")
    in_env(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        "--extra",
        "test",
        "--universal",
        "--python-version",
        "3.10",
        "-o",
        LOCK,
        "--no-header",
        "--quiet",
    )
    write_environment_file()


def lock_pins():
    """The pinned requirement lines of requirements.lock (comments and blank lines left out)."""
    return [
        line.strip() for line in LOCK.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def pin_name(pin):
    """The package name of a pin line, lower case ("Jinja2==3.1 ; ..." -> "jinja2")."""
    return re.split(r"[=<>!~;\[ ]", pin, maxsplit=1)[0].strip().lower()


def write_environment_file():
    """Write environment.yml for conda and Binder with the lock's exact pins."""
    pins = lock_pins()
    lines = [
        "# Generated by `python3 tasks.py lock` from requirements.lock; do not edit by hand.",
        "name: iam-role-lab",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python>=3.10",
        "  - pip",
        "  - pip:",
    ]
    lines += [f'    - "{pin}"' for pin in pins] + ["    - -e ."]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n")


def bench():
    """Run the benchmarks and print their figures."""
    ensure_env()
    in_env("benchmarks.run", *sys.argv[2:])


COMMANDS = {"lab": lab, "test": test, "execute": execute, "lock": lock, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help", "help"):
        print(__doc__)
    elif len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        what = f"unknown command {sys.argv[1]!r}" if len(sys.argv) > 1 else "no command given"
        sys.exit(f"tasks.py: {what}; choose one of: {', '.join(COMMANDS)}\n{__doc__}")
    else:
        COMMANDS[sys.argv[1]]()
