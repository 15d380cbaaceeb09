"""The project's own set-up files agree with each other."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tasks():
    """tasks.py (at the top of the repository, not a package) as a module."""
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tasks = load_tasks()
lock_pins = tasks.lock_pins


def test_lock_pins_every_package_exactly():
    for pin in lock_pins():
        assert re.match(r"^[A-Za-z0-9_.\[\]-]+==[^ ;]+( ;.*)?$", pin), pin


def test_the_slow_iri_checker_is_pinned_but_not_installed():
    names = {tasks.pin_name(pin) for pin in lock_pins()}
    assert {"jsonschema", *tasks.SKIPPED_PACKAGES} <= names  # the lock (and environment.yml) stays complete
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("not the project's .venv: conda and Binder let pip resolve, and install them")
    # jsonschema (via nbformat and jupyter_events) must start without it.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, nbformat.validator, jupyter_events.validators; "
            "print(sorted(m for m in sys.modules if m.startswith(('rfc3987', 'lark'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "[]", f"{loaded}: rebuild .venv (rm -r .venv; python3 tasks.py test)"


def test_pin_names():
    assert tasks.pin_name("Jinja2==3.1.6") == "jinja2"
    assert tasks.pin_name("appnope==1.0.0 ; sys_platform == 'darwin'") == "appnope"
    assert tasks.pin_name("moto[ec2]==5.2.5") == "moto"


def test_environment_yml_carries_the_same_pins():
    yml = (ROOT / "environment.yml").read_text()
    pinned = re.findall(r'^    - "(.+)"$', yml, re.M)
    assert pinned == lock_pins()


def test_policies_are_the_articles_files():
    names = sorted(p.name for p in (ROOT / "policies").glob("*.json"))
    assert names == ["cloudwatchpolicy.json", "s3policy.json", "trustpolicy.json"]


def test_tasks_help_and_unknown_commands():
    helped = subprocess.run([sys.executable, "tasks.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert helped.returncode == 0 and "python3 tasks.py lab" in helped.stdout
    wrong = subprocess.run([sys.executable, "tasks.py", "labb"], cwd=ROOT, capture_output=True, text=True)
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("tasks.py: unknown command 'labb'; choose one of: lab, test,")
