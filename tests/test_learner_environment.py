"""A learner's own AWS setup never leaks into the lab, and the lab never needs the network.

Every notebook runs under strict nbval, in a Linux network namespace that has
only loopback (no route to AWS or anywhere else), with a learner's real-looking
setup: access keys and a session token, a profile, other regions, endpoint
overrides, a proxy, and config/credentials files in ~/.aws and at
AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE. Every notebook must still match its
stored outputs: same account, same region, same results.
Notebooks are found at run time, so new chapters are covered automatically.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

LEARNER_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN",
    "AWS_PROFILE": "work",
    "AWS_DEFAULT_PROFILE": "work",
    "AWS_DEFAULT_REGION": "us-west-2",
    "AWS_REGION": "eu-central-1",
    "AWS_ENDPOINT_URL": "https://aws-endpoint.example.com",
    "AWS_ENDPOINT_URL_IAM": "https://iam.example.com",
    "AWS_ENDPOINT_URL_STS": "https://sts.example.com",
    "AWS_ROLE_ARN": "arn:aws:iam::999999999999:role/learner-admin",
    "AWS_CA_BUNDLE": "/nonexistent/learner-ca.pem",
    "AWS_MAX_ATTEMPTS": "1",
    "HTTPS_PROXY": "http://proxy.example.com:3128",
    "HTTP_PROXY": "http://proxy.example.com:3128",
}

CONFIG = """\
[default]
region = sa-east-1
output = text
endpoint_url = https://default.example.com

[profile work]
region = ap-southeast-2
output = table
endpoint_url = https://work.example.com
role_arn = arn:aws:iam::999999999999:role/learner-admin
source_profile = default
"""

CREDENTIALS = """\
[default]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY

[work]
aws_access_key_id = AKIAJ55RI9EICFEXAMPLE
aws_secret_access_key = ke8NuHcDmxCG/3Aq0Vul/i4zDp9owcEXAMPLEKEY
"""


def namespace_prefix():
    """The command prefix that runs a command with only loopback, or None if this machine cannot."""
    if not sys.platform.startswith("linux") or not (shutil.which("unshare") and shutil.which("ip")):
        return None
    for unshare in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        probe = [*unshare, "sh", "-c", "ip link set lo up && ip -o link show | wc -l"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.strip() == "1":  # loopback, nothing else
            return unshare
    return None


@pytest.fixture(scope="module")
def offline():
    """A command prefix for a network namespace with loopback only (skips, or fails in CI, without one)."""
    prefix = namespace_prefix()
    if prefix is None:
        reason = (
            "Linux network namespaces are unavailable here (needs `unshare` and `ip` from "
            "util-linux/iproute2, and root or unprivileged user namespaces)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return prefix


@pytest.fixture
def learner_home(tmp_path):
    """A home folder with the learner's ~/.aws files, plus copies named by AWS_CONFIG_FILE etc."""
    aws = tmp_path / "home" / ".aws"
    aws.mkdir(parents=True)
    (aws / "config").write_text(CONFIG)
    (aws / "credentials").write_text(CREDENTIALS)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config").write_text(CONFIG)
    (elsewhere / "credentials").write_text(CREDENTIALS)
    (elsewhere / "boto.cfg").write_text("[Credentials]\naws_access_key_id = AKIABOTOCFGEXAMPLE\n")
    return tmp_path / "home", elsewhere


def test_notebooks_match_their_outputs_offline_with_a_learners_aws_setup(offline, learner_home, tmp_path):
    assert NOTEBOOKS, "no notebooks found"
    home, elsewhere = learner_home
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        LEARNER_ENV,
        HOME=str(home),
        AWS_CONFIG_FILE=str(elsewhere / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(elsewhere / "credentials"),
        BOTO_CONFIG=str(elsewhere / "boto.cfg"),
        # Jupyter's own files stay out of the learner's home and out of the repository.
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        IPYTHONDIR=str(tmp_path / "ipython"),
    )
    pytest_args = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rfE",
        "--no-header",
        *map(str, NOTEBOOKS),
    ]
    command = [*offline, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *pytest_args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, (
        f"notebooks failed offline with a learner's AWS setup "
        f"(exit {done.returncode}):\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    )


SEPARATE_CLI = """
import json, subprocess, sys, time
from helpers import lab
lab.start(chapter=0)
child = '''
import json, sys
seen = []
sys.addaudithook(lambda event, args: seen.append(list(map(str, args[1][:2]))) if event == "socket.connect" else None)
from awscli.clidriver import create_clidriver
code = create_clidriver().main(["s3", "ls"])
print(json.dumps({"code": code, "connections": seen}))
'''
started = time.monotonic()
done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
print(json.dumps({**json.loads(done.stdout), "seconds": time.monotonic() - started, "error": done.stderr.strip()}))
"""


def test_a_separate_cli_started_from_the_lab_fails_fast_offline(offline, tmp_path):
    """An AWS CLI in a process started from a kernel, with no network at all, fails at once: one refused attempt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(LEARNER_ENV, HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    command = [*offline, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", sys.executable, "-c", SEPARATE_CLI]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 255 and report["error"] == 'Failed to connect to proxy URL: "http://127.0.0.1:9"', report
    assert report["connections"] == [["127.0.0.1", "9"]] and report["seconds"] < 5
