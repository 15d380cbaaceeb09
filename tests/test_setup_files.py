"""The project's own set-up files agree with each other."""

import importlib.util
import json
import os
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


@pytest.fixture
def commands(monkeypatch, tmp_path):
    """The commands tasks.py would run (nothing is run; the environment counts as built, in tmp_path)."""
    ran = []
    assert tasks.VENV.resolve() != (tmp_path / "venv").resolve()
    monkeypatch.setattr(tasks, "ensure_env", lambda: None)
    monkeypatch.setattr(tasks, "VENV", tmp_path / "venv")
    monkeypatch.setattr(tasks, "run", lambda *args, **kwargs: ran.append([str(a) for a in args]))
    return ran


def test_lab_passes_extra_arguments_to_jupyterlab_rooted_at_the_repository(commands, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tasks.py", "lab", "--port", "8897", "--no-browser"])
    tasks.lab()
    (command,) = commands
    assert command[1:4] == ["-m", "jupyter", "lab"] and command[-3:] == ["--port", "8897", "--no-browser"]
    assert f"--ServerApp.root_dir={ROOT}" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/00-Introduction.ipynb" in command
    assert (ROOT / tasks.FIRST_NOTEBOOK).is_file()


def test_the_course_settings_are_installed_where_jupyterlab_reads_overrides(commands, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tasks.py", "lab"])
    tasks.lab()
    target = tasks.VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert target.read_bytes() == tasks.LAB_SETTINGS.read_bytes()
    assert tasks.install_lab_settings() == target  # again: nothing changes


def test_the_course_settings_are_valid_jupyterlab_settings():
    """Each override names a real plugin setting of the installed JupyterLab, with a value its schema allows."""
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    overrides = json.loads(tasks.LAB_SETTINGS.read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text())["properties"]
        for key, value in values.items():
            allowed = [choice["const"] for choice in schema[key].get("oneOf", [])]
            assert value in allowed if allowed else isinstance(value, {"boolean": bool}[schema[key]["type"]])


def test_the_test_command_says_why_tests_skipped(commands, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tasks.py", "test", "tests/test_magic.py"])
    tasks.test()
    assert commands[0][-2:] == ["-rfEs", "tests/test_magic.py"]


def test_skipped_browser_and_namespace_tests_print_why(tmp_path):
    """Without chromium and unshare (an empty PATH) and outside CI, the summary names what is missing."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = str(tmp_path)
    modules = ["tests/test_browser.py", "tests/test_learner_environment.py"]
    command = [sys.executable, "-m", "pytest", *modules, "-p", "no:cacheprovider", "-q", tasks.REPORT]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert any("Debian's chromium is not installed" in line for line in skipped), done.stdout[-3000:]
    assert any("Linux network namespaces are unavailable here" in line for line in skipped), done.stdout[-3000:]


def test_ci_installs_the_fonts_the_screenshots_need():
    assert "missing+=(fonts-noto-cjk)" in (ROOT / ".ci" / "run").read_text()
