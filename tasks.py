#!/usr/bin/env python3
"""The course's commands: build the environment, open JupyterLab, run the tests.

    python3 tasks.py lab        build .venv if needed, then open JupyterLab at the repository, on chapter 00
                                (extra arguments go to JupyterLab: python3 tasks.py lab --port 8897 --no-browser)
    python3 tasks.py test       build .venv if needed, then run every test (the CI command)
    python3 tasks.py execute    re-execute every notebook in place (stores fresh outputs)
    python3 tasks.py lock       re-resolve requirements.lock and environment.yml from pyproject.toml
    python3 tasks.py bench      run the benchmark script (figures for the README)

For instructors (workshop/README.md):
    python3 tasks.py workshop [--port N] [--ip ADDR] ...   start a class hub on this machine (as root)
    python3 tasks.py handout DIR       write a learner copy: notebooks without stored outputs, and
                                       what they need to run (helpers/, policies/, tasks.py, the lock)
    python3 tasks.py loadtest [--learners N ...]           N learners through the hub at once
    python3 tasks.py answer-key        regenerate workshop/answer-key.md from the exercises

Only the Python standard library is used here, so it runs on a fresh machine.
"""

import hashlib
import json
import os
import re
import shutil
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


def venv_python(venv=VENV):
    """Path of the environment's Python interpreter."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def lock_digest():
    """Hash of the lock file and pyproject, to know when the environment is stale."""
    data = LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    return hashlib.sha256(data).hexdigest()


def run(*args, **kwargs):
    """Run a command, echoing it; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    proc = subprocess.Popen([str(a) for a in args], **kwargs)
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C reached the command too: let it stop itself (the hub tidies up)
            continue
    if code:
        sys.exit(code)


def ensure_env(venv=VENV, python=sys.executable):
    """Create .venv (or venv, with that Python) from requirements.lock, unless it is already up to date."""
    # tasks.py may be started by an older python3 than the course needs, so it checks (noqa: UP036).
    if sys.version_info < (3, 10):  # noqa: UP036
        sys.exit(f"IAM Role Lab needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    stamp = venv / STAMP.name
    if stamp.exists() and stamp.read_text() == lock_digest():
        return
    if not venv_python(venv).exists():
        run(python, "-m", "venv", venv)
    pip = [venv_python(venv), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    run(*pip, "--upgrade", "pip")
    # pip byte-compiles what it installs, so kernels start fast even with PYTHONDONTWRITEBYTECODE=1.
    # The lock holds every package, so pip needs no resolving (--no-deps), which lets it leave out
    # SKIPPED_PACKAGES: jsonschema imports rfc3987-syntax (lark is its only user), when present, to
    # check "iri" strings that no Jupyter schema uses, and building its grammars took ~1.1 s at every
    # start of pytest, nbconvert and JupyterLab. jsonschema works without it.
    wanted = venv / "requirements-installed.txt"
    wanted.write_text("".join(f"{pin}\n" for pin in lock_pins() if pin_name(pin) not in SKIPPED_PACKAGES))
    run(*pip, "--no-deps", "-r", wanted)
    run(*pip, "--no-deps", "-e", ROOT)
    if venv == VENV:
        install_lab_settings()
        write_kernel_config()
    stamp.write_text(lock_digest())


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


LOCK_EXTRAS = ("test", "workshop")  # .venv holds the course, its test tools and the workshop hub
# Smaller sets pinned to the lock's versions: (file, extras, what it is for).
RUNTIME_FILES = (
    (ROOT / "binder" / "requirements.txt", (), "Binder: the course's runtime only, no test tools"),
    (
        ROOT / "workshop" / "kubernetes" / "requirements.txt",
        ("workshop",),
        "the Zero to JupyterHub image: the runtime plus jupyterhub (singleuser) and nbgitpuller",
    ),
)


def lock():
    """Re-resolve the exact pins (needs network to PyPI), then the files made from them."""
    ensure_env()
    in_env("pip", "install", "--quiet", "uv")
    extras = [arg for extra in LOCK_EXTRAS for arg in ("--extra", extra)]
    in_env(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        *extras,
        "--universal",
        "--python-version",
        "3.10",
        "-o",
        LOCK,
        "--no-header",
        "--quiet",
    )
    write_environment_file()
    for path, subset, purpose in RUNTIME_FILES:
        write_runtime_file(path, subset, purpose)


def write_runtime_file(path, subset, purpose):
    """Pin the runtime (plus the extras named) to the lock's exact versions, in a requirements file."""
    extras = [arg for extra in subset for arg in ("--extra", extra)]
    path.parent.mkdir(parents=True, exist_ok=True)
    in_env(
        "uv",
        "pip",
        "compile",
        "pyproject.toml",
        *extras,
        "-c",
        LOCK,
        "--universal",
        "--python-version",
        "3.10",
        "-o",
        path,
        "--no-header",
        "--no-annotate",
        "--quiet",
    )
    body = path.read_text()
    path.write_text(f"# Generated by `python3 tasks.py lock` from requirements.lock ({purpose}); do not edit.\n" + body)


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


HANDOUT_FILES = (
    "helpers",
    "policies",
    "tasks.py",
    "requirements.lock",
    "pyproject.toml",
    "environment.yml",
    "README.md",
)


def cleared(notebook_text):
    """A notebook's JSON with stored outputs, execution counts and saved widget state removed."""
    notebook = json.loads(notebook_text)
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def write_handout(dest, learner_copy_only=False):
    """Write the learner copy into dest (new or empty): cleared notebooks, plus the files to run them."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        sys.exit(f"tasks.py handout: {dest} exists and is not an empty folder; name a new one")
    (dest / "notebooks").mkdir(parents=True, exist_ok=True)
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        (dest / "notebooks" / notebook.name).write_text(cleared(notebook.read_text()))
    skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
    for name in ("policies",) if learner_copy_only else HANDOUT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=skip)
        else:
            shutil.copy2(source, dest / name)
    return dest


def handout():
    """Write a learner copy of the course into the folder named (python3 tasks.py handout DIR)."""
    args = sys.argv[2:]
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("tasks.py handout: name one folder to write the learner copy to (python3 tasks.py handout DIR)")
    dest = write_handout(args[0])
    print(
        f"Learner copy written to {dest}: {len(list((dest / 'notebooks').glob('*.ipynb')))} notebooks "
        "without stored outputs. Learners run `python3 tasks.py lab` there."
    )


CLASS_VENV = ROOT / ".venv-class"  # the learners' copy of .venv, when they cannot run .venv's Python


def reachable_by_everyone(path):
    """Whether every account can run path: it and each folder above it are open to others (o+x)."""
    path = Path(path).resolve()
    return all(p.exists() and p.stat().st_mode & 0o001 for p in [path, *path.parents])


def learner_python_home(python):
    """The folder of the Python installation behind an interpreter (sys.base_prefix), or None."""
    done = subprocess.run(
        [str(python), "-c", "import sys, venv; print(sys.base_prefix)"], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else None


def learners_env():
    """The environment learners' servers run: .venv if every account can run its Python, else .venv-class.

    .venv's Python may live where learners cannot go (pyenv under /root, 0700). Then .venv-class
    is built from the same lock with the first Python >= 3.10 that every account can run.
    """
    base = Path(os.path.realpath(venv_python()))
    home = learner_python_home(venv_python())
    if reachable_by_everyone(base) and home and reachable_by_everyone(Path(home) / "lib"):
        return VENV
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        home = learner_python_home(candidate) if Path(candidate).exists() else None
        version = (
            subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info >= (3, 10))"], capture_output=True, text=True
            ).stdout.strip()
            if home
            else ""
        )
        if (
            home
            and version == "True"
            and reachable_by_everyone(candidate)
            and reachable_by_everyone(Path(home) / "lib")
        ):
            print(
                f"tasks.py: learners cannot run {base} (a folder above it is closed to other accounts); "
                f"their servers use {CLASS_VENV.name}, built from the same lock with {candidate}",
                flush=True,
            )
            ensure_env(CLASS_VENV, candidate)
            return CLASS_VENV
    sys.exit(
        f"tasks.py workshop: learners cannot run {base}, and no Python >= 3.10 with venv that every "
        "account can run was found (Debian: apt-get install -y python3-venv)"
    )


def workshop():
    """Start the class hub on this machine (workshop/launch.py; options: --help)."""
    ensure_env()
    in_env("workshop.launch", *sys.argv[2:])


def loadtest():
    """Bring N learners up through the hub at once and run the chapters (benchmarks/loadtest.py)."""
    ensure_env()
    in_env("benchmarks.loadtest", *sys.argv[2:])


def answer_key():
    """Regenerate workshop/answer-key.md from the exercises' solutions."""
    ensure_env()
    in_env("workshop.answer_key", "--write")


COMMANDS = {
    "lab": lab,
    "test": test,
    "execute": execute,
    "lock": lock,
    "bench": bench,
    "workshop": workshop,
    "handout": handout,
    "loadtest": loadtest,
    "answer-key": answer_key,
}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help", "help"):
        print(__doc__)
    elif len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        what = f"unknown command {sys.argv[1]!r}" if len(sys.argv) > 1 else "no command given"
        sys.exit(f"tasks.py: {what}; choose one of: {', '.join(COMMANDS)}\n{__doc__}")
    else:
        COMMANDS[sys.argv[1]]()
