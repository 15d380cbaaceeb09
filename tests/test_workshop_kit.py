"""The instructor's kit and what cannot run here: answer key, handout, Binder, the Kubernetes files, bad input.

- the answer key is what workshop/answer_key.py writes from the exercises' registry today;
- `tasks.py handout DIR` writes notebooks without stored outputs, plus what learners need to run them;
- binder/ holds the runtime only (no test tools), pinned as in the lock;
- the Kubernetes image installs only the lock's pins; values.yaml uses only keys the chart documents;
- every bad input to the workshop's commands is one line, without a traceback.
"""

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from workshop import hubctl

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = {"pytest", "nbval", "playwright", "iniconfig", "pluggy", "pyee"}


def pins(path):
    """The requirement lines of a requirements file."""
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.strip().startswith("#")]


def versions(lines):
    """{(name, version)} of pin lines (markers may differ: a subset of packages can narrow them)."""
    return {(name(line), line.split("==", 1)[1].split(";")[0].strip()) for line in lines}


def name(pin):
    """A pin's package name, lower case."""
    return re.split(r"[=<>!~;\[ ]", pin, maxsplit=1)[0].strip().lower()


def runtime_names():
    """The names of pyproject.toml's runtime dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {name(dep) for dep in project["dependencies"]}, project["optional-dependencies"]


def test_the_answer_key_is_current():
    done = subprocess.run(
        [sys.executable, "-m", "workshop.answer_key", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr or done.stdout


def test_the_answer_key_covers_every_exercise():
    from workshop.answer_key import registry

    key = (ROOT / "workshop" / "answer-key.md").read_text()
    for exercise in registry().CHECKERS:
        assert f"`{exercise}`" in key


def test_the_handout_holds_no_stored_outputs(tmp_path):
    dest = tmp_path / "handout"
    done = subprocess.run([sys.executable, "tasks.py", "handout", str(dest)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for needed in ("helpers/lab.py", "policies/trustpolicy.json", "tasks.py", "requirements.lock", "pyproject.toml"):
        assert (dest / needed).exists(), needed
    originals = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert sorted(p.name for p in (dest / "notebooks").glob("*.ipynb")) == [p.name for p in originals]
    for original in originals:
        copy = json.loads((dest / "notebooks" / original.name).read_text())
        assert "widgets" not in copy["metadata"]
        code = [c for c in copy["cells"] if c["cell_type"] == "code"]
        assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code), original.name
        stored = json.loads(original.read_text())["cells"]
        assert [c["source"] for c in copy["cells"]] == [c["source"] for c in stored]  # same cells, same order


def test_the_handout_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").write_text("mine")
    done = subprocess.run(
        [sys.executable, "tasks.py", "handout", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "not an empty folder" in done.stderr
    assert (tmp_path / "x").read_text() == "mine"


def test_binder_holds_the_runtime_only_pinned_as_in_the_lock():
    lock = versions(pins(ROOT / "requirements.lock"))
    binder = pins(ROOT / "binder" / "requirements.txt")
    assert versions(binder) <= lock, versions(binder) - lock
    names = {name(p) for p in binder}
    runtime, _ = runtime_names()
    assert runtime <= names
    assert not names & (TEST_ONLY | {"jupyterhub"})  # nbclient, in the test extra, is also jupyterlab's
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK)
    assert "-e ." in (ROOT / "binder" / "postBuild").read_text()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_the_kubernetes_image_installs_the_locks_pins():
    lock = versions(pins(ROOT / "requirements.lock"))
    image = pins(ROOT / "workshop" / "kubernetes" / "requirements.txt")
    assert versions(image) <= lock, versions(image) - lock
    names = {name(p) for p in image}
    runtime, extras = runtime_names()
    assert runtime | {name(p) for p in extras["workshop"]} <= names
    assert not names & TEST_ONLY
    dockerfile = (ROOT / "workshop" / "kubernetes" / "Dockerfile").read_text()
    assert (
        "COPY workshop/kubernetes/requirements.txt" in dockerfile and "--no-deps -r /tmp/requirements.txt" in dockerfile
    )


def leaf_paths(tree, prefix=""):
    """Dotted paths of a values tree's leaves."""
    if isinstance(tree, dict) and tree:
        return [p for key, value in tree.items() for p in leaf_paths(value, f"{prefix}{key}.")]
    return [prefix[:-1]]


def test_the_values_file_uses_only_keys_the_chart_documents():
    documented = pins(ROOT / "workshop" / "kubernetes" / "chart-keys.txt")
    values = yaml.safe_load((ROOT / "workshop" / "kubernetes" / "values.yaml").read_text())
    for path in leaf_paths(values):
        assert any(path == key or (key.endswith(".*") and path.startswith(key[:-1])) for key in documented), path
    assert values["singleuser"]["memory"]["limit"] and values["cull"]["enabled"] is True


def one_line(args, **kwargs):
    """Run a command; its exit code and stderr, which must be one line and no traceback."""
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60, **kwargs)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (["workshop.launch", "--port", "eighty"], "'eighty' is not a port number"),
        (["workshop.launch", "--mem-limit", "lots"], "'lots' is not a size"),
        (["workshop.launch", "--cull-kernels", "-1"], "not a whole number of seconds"),
        (["workshop.launch", "--bogus"], "unrecognized arguments: --bogus"),
        (["benchmarks.loadtest", "--learners", "ten"], "'ten' is not a whole number"),
        (["benchmarks.loadtest", "--learners", "0"], "'0' is not a whole number >= 1"),
        (["benchmarks.loadtest", "--chapters", "42"], "chapters are 00"),
        (["benchmarks.loadtest", "--think", "soon"], "not a number of seconds"),
    ],
)
def test_bad_options_are_one_line(args, says):
    code, stderr = one_line([sys.executable, "-m", *args])
    assert code == 2 and says in stderr


def test_a_port_in_use_is_one_line():
    if os.geteuid() != 0:
        pytest.skip("the launcher's checks after the port need root")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        code, stderr = one_line(
            [
                sys.executable,
                "-m",
                "workshop.launch",
                "--port",
                str(sock.getsockname()[1]),
                "--state",
                "/nonexistent/iamlab-state",
            ]
        )
    assert code == 1 and "is in use" in stderr


def test_missing_npm_is_one_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(hubctl, "PROXY", tmp_path / "configurable-http-proxy")
    monkeypatch.setattr(hubctl.shutil, "which", lambda _: None)
    with pytest.raises(hubctl.HubError, match="npm is not installed"):
        hubctl.ensure_proxy()


def test_an_unknown_learner_to_reset_is_one_line():
    code, stderr = one_line([sys.executable, "-m", "workshop.launch", "--reset", "nobody-by-this-name"])
    assert code == 1 and "no learner account named 'nobody-by-this-name'" in stderr


def test_tasks_help_names_the_workshop_commands():
    helped = subprocess.run([sys.executable, "tasks.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    for command in ("workshop", "handout DIR", "loadtest", "answer-key"):
        assert f"python3 tasks.py {command}" in helped.stdout
