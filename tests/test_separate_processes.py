"""A process a cell starts (a shell cell, a `!` line, `subprocess`) never waits for, or reaches, the network.

The emulated account lives only inside the kernel. After `lab.start`, a separate
`aws` is the lab's one-line shim (first on PATH), and any other HTTP client in a
separate process is sent to a closed local proxy with one attempt, so it fails at
once. Inside the kernel, moto and `%aws` are unaffected.
"""

import json
import os
import subprocess
import sys
import time

import pytest

from helpers import lab
from helpers.aws import sandbox
from helpers.cli import awscli

# A child Python that records every DNS lookup and connection it makes, then runs the AWS CLI's driver.
RECORDING_CLI = """
import json, sys
seen = []
def record(event, args):
    if event == "socket.getaddrinfo":
        seen.append(["lookup", str(args[0]), str(args[1])])
    elif event == "socket.connect":
        seen.append(["connect", *map(str, args[1][:2])])
sys.addaudithook(record)
from awscli.clidriver import create_clidriver
code = create_clidriver().main(sys.argv[1:])
print(json.dumps({"code": code, "seen": seen}))
"""


@pytest.fixture(scope="module")
def in_the_lab():
    """This process's environment as a kernel's is after `lab.start`."""
    lab.start(chapter=0)


def timed(command):
    """(completed process, seconds) for a command run with this process's environment."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    return done, time.monotonic() - started


def test_a_separate_aws_is_the_shim_and_answers_at_once(in_the_lab):
    done, seconds = timed(["aws", "s3", "ls"])
    assert (done.returncode, done.stdout, done.stderr) == (1, "", sandbox.SHIM_NOTE + "\n")
    assert seconds < 0.5


def test_the_shim_is_first_on_path_once_however_often_the_lab_starts(in_the_lab):
    lab.start(chapter=0)
    entries = os.environ["PATH"].split(os.pathsep)
    assert entries[0] == str(sandbox.shim_folder()) and entries.count(entries[0]) == 1
    assert entries[0].startswith(str(sandbox.scratch_folder()))


def test_a_separate_awscli_fails_fast_and_connects_only_to_the_closed_local_proxy(in_the_lab):
    done, seconds = timed([sys.executable, "-c", RECORDING_CLI, "s3", "ls"])
    report = json.loads(done.stdout)
    assert report["code"] == 255 and 'Failed to connect to proxy URL: "http://127.0.0.1:9"' in done.stderr
    assert seconds < 5  # Python and awscli start in ~1 s; retries with back-off would take ~8 s more
    connections = [what for what in report["seen"] if what[0] == "connect"]
    assert len(connections) == 1, report["seen"]  # one attempt: no retries
    assert {tuple(what[1:]) for what in report["seen"]} == {("127.0.0.1", "9")}  # no DNS lookup of AWS either


def test_a_separate_boto3_fails_fast_too(in_the_lab):
    code = (
        "import boto3\ntry:\n    boto3.client('sts').get_caller_identity()\n"
        "except Exception as error:\n    print(type(error).__name__)"
    )
    done, seconds = timed([sys.executable, "-c", code])
    assert done.stdout.strip() == "ProxyConnectionError" and seconds < 3


def test_moto_and_the_in_kernel_cli_are_unaffected_by_the_closed_proxy(in_the_lab, capsys):
    assert os.environ["HTTPS_PROXY"] == sandbox.CLOSED_PROXY
    assert awscli.run(["sts", "get-caller-identity"]) == 0
    assert json.loads(capsys.readouterr().out)["Account"] == "123456789012"
    assert lab.client("iam").list_roles()["Roles"] == []


def test_one_attempt_is_for_separate_processes_only(in_the_lab, capsys):
    """Inside the kernel, errors read as the CLI prints them (no "reached max retries: 0")."""
    assert "AWS_MAX_ATTEMPTS" not in os.environ
    child, _ = timed([sys.executable, "-c", "import os; print(os.environ.get('AWS_MAX_ATTEMPTS'))"])
    assert child.stdout.strip() == "1"
    assert awscli.run(["iam", "get-role", "--role-name", "nobody"]) != 0
    error = capsys.readouterr().err
    assert "An error occurred (NoSuchEntity) when calling the GetRole operation: " in error


def test_a_learners_proxy_settings_are_replaced(monkeypatch):
    for key, value in {"HTTPS_PROXY": "http://corp:3128", "ALL_PROXY": "socks5://corp:1080", "NO_PROXY": "*"}.items():
        monkeypatch.setenv(key, value)
    sandbox.isolate()
    assert os.environ["HTTPS_PROXY"] == os.environ["https_proxy"] == sandbox.CLOSED_PROXY
    assert os.environ["NO_PROXY"] == sandbox.DIRECT and "ALL_PROXY" not in os.environ
