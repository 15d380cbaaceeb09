"""The lab session: isolation from the learner's AWS setup, rebuilds, idempotency, the real CLI."""

import json
import os
import socket

import pytest

from helpers import lab
from helpers.aws import backend, sandbox
from helpers.cli import awscli
from helpers.course import article
from helpers.show import tables
from helpers.steps import iam as steps

LEARNER_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAREALLOOKINGKEY01",
    "AWS_SECRET_ACCESS_KEY": "real/looking/secret/key/0123456789abcdefgh",
    "AWS_SESSION_TOKEN": "real-looking-session-token",
    "AWS_PROFILE": "work",
    "AWS_DEFAULT_REGION": "us-west-2",
    "AWS_REGION": "eu-central-1",
    "AWS_ENDPOINT_URL": "https://real-endpoint.example.com",
    "AWS_ENDPOINT_URL_IAM": "https://iam.example.com",
}


@pytest.fixture
def learner_aws(monkeypatch, tmp_path):
    """A learner's real-looking AWS environment, with config files that would be read."""
    (tmp_path / "config").write_text("[profile work]\nregion = sa-east-1\nendpoint_url = https://x.example.com\n")
    (tmp_path / "credentials").write_text(
        "[work]\naws_access_key_id = AKIAFROMFILE00000001\naws_secret_access_key = s\n"
    )
    for key, value in LEARNER_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


@pytest.fixture
def no_network(monkeypatch):
    """Fail any attempt to open a network connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_isolate_removes_every_learner_setting(learner_aws):
    removed = sandbox.isolate()
    assert set(LEARNER_ENV) <= set(removed)
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert os.environ["AWS_DEFAULT_REGION"] == sandbox.REGION
    assert "AWS_PROFILE" not in os.environ and "AWS_ENDPOINT_URL" not in os.environ
    assert open(os.environ["AWS_CONFIG_FILE"]).read() == ""


def test_scratch_files_live_in_one_folder_per_kernel_and_stale_ones_go():
    import subprocess
    import sys

    lab.start(chapter=0)
    folder = sandbox.scratch_folder()
    assert folder.name == str(os.getpid())
    assert os.environ["AWS_CONFIG_FILE"].startswith(str(folder))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (folder.parent / dead / "aws").mkdir(parents=True)  # as a killed kernel leaves it
    alive = folder.parent / "1"  # init is always running
    alive.mkdir(exist_ok=True)
    sandbox.remove_stale_folders(folder.parent)
    assert not (folder.parent / dead).exists()
    assert alive.exists() and folder.exists()
    alive.rmdir()


def test_scratch_folder_is_removed_when_the_kernel_exits(tmp_path):
    import subprocess
    import sys

    code = "from helpers.aws import sandbox; print(sandbox.scratch_folder())"
    env = dict(os.environ, TMPDIR=str(tmp_path))
    made = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    ).stdout.strip()
    assert made.startswith(str(tmp_path)) and not os.path.exists(made)


def test_start_ignores_learner_settings_and_stays_offline(learner_aws, no_network, capsys):
    backend._current = None  # a fresh kernel
    lab.start(chapter=5)
    assert "region: ap-northeast-1 | account: 123456789012" in capsys.readouterr().out
    assert awscli.run(["sts", "get-caller-identity"]) == 0
    identity = json.loads(capsys.readouterr().out)
    assert identity["Account"] == "123456789012"


@pytest.mark.parametrize("chapter,policies,roles,profiles", [(1, 0, 0, 0), (2, 2, 0, 0), (3, 2, 1, 0), (5, 2, 1, 1)])
def test_start_rebuilds_exactly_the_earlier_chapters(chapter, policies, roles, profiles):
    lab.start(chapter=chapter)
    assert (len(tables.policies()), len(tables.roles()), len(tables.instance_profiles())) == (policies, roles, profiles)


def test_attachments_rebuilt_from_chapter_4():
    lab.start(chapter=3)
    assert tables.attached_policies(article.ROLE).empty
    lab.start(chapter=4)
    assert list(tables.attached_policies(article.ROLE)["PolicyName"]) == list(article.POLICIES)


def test_steps_are_idempotent():
    lab.start(chapter=0)
    iam = lab.client("iam")
    for _ in range(2):
        first = steps.create_policies(iam)
        steps.create_role(iam)
        steps.attach_policies(iam)
        steps.create_instance_profile(iam)
    assert first == steps.create_policies(iam)
    assert len(tables.attached_policies(article.ROLE)) == 2
    assert tables.instance_profiles()["Roles"].tolist() == [article.ROLE]


def test_start_twice_gives_the_same_ids():
    lab.start(chapter=5)
    first = tables.roles()["RoleId"].tolist() + tables.instance_profiles()["InstanceProfileId"].tolist()
    lab.start(chapter=5)
    assert first == tables.roles()["RoleId"].tolist() + tables.instance_profiles()["InstanceProfileId"].tolist()


def test_reset_empties_the_account(capsys):
    lab.start(chapter=5)
    lab.reset()
    assert tables.policies().empty and tables.roles().empty
    assert "empty" in capsys.readouterr().out


def test_cli_failure_prints_hint_and_does_not_raise(capsys):
    lab.start(chapter=2)
    path = article.POLICY_DIR / "s3policy.json"
    args = ["iam", "create-policy", "--policy-name", "S3-Wordpress-ut", "--policy-document", f"file://{path}"]
    assert awscli.run(args) != 0
    captured = capsys.readouterr()
    assert "(EntityAlreadyExists)" in captured.err
    assert "Hint: Already created" in captured.out


def test_malformed_policy_file_prints_cli_error_and_hint(tmp_path, capsys):
    lab.start(chapter=1)
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17", "Statement": [}')
    assert awscli.run(["iam", "create-policy", "--policy-name", "Bad", "--policy-document", f"file://{bad}"]) != 0
    captured = capsys.readouterr()
    assert "MalformedPolicyDocument" in captured.err
    assert "lab.lint(" in captured.out


def test_usage_errors_do_not_raise_and_are_trimmed_and_named_aws(capsys):
    lab.start(chapter=0)
    assert awscli.run(["iam", "creat-policy"]) != 0
    err = capsys.readouterr().err
    assert "maybe you meant" in err
    assert "aws: error: argument operation: Invalid choice" in err
    assert "attach-role-policy" not in err and "AWS CLI version 2" not in err
    assert "* create-policy" in err


def test_lint_prints_findings_with_positions(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",, }]}')
    lab.lint(bad)
    assert f"{bad}:1:" in capsys.readouterr().out


def test_aws_errors_in_cells_print_one_line_and_a_hint(capsys):
    from botocore.exceptions import ClientError

    lab.start(chapter=0)
    try:
        lab.client("iam").get_role(RoleName="umemoto-wordpress-role")
    except ClientError as error:
        lab.show_aws_error(None, type(error), error, None)
    captured = capsys.readouterr()
    assert captured.err.startswith("NoSuchEntityException: An error occurred (NoSuchEntity)")
    assert "02-Role" in captured.out


def test_a_failed_check_in_a_cell_fails_the_cell_with_one_line():
    from IPython.testing.globalipapp import get_ipython
    from IPython.utils.capture import capture_output

    ipython = get_ipython()
    lab.start(chapter=0)  # registers the one-line printer in the running IPython
    with capture_output() as captured:
        result = ipython.run_cell(
            "from helpers.course.errors import CheckFailed\n"
            "raise CheckFailed('Expected AccessDenied, but this was allowed: aws s3 ls')"
        )
    assert not result.success  # the cell still counts as failed
    assert captured.stderr.strip() == "CheckFailed: Expected AccessDenied, but this was allowed: aws s3 ls"
    assert "Traceback" not in captured.stdout + captured.stderr and "Hint" not in captured.stdout


def test_lint_accepts_json_text(capsys):
    lab.lint(
        '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    assert capsys.readouterr().out.splitlines() == [
        '(the JSON text):2:27: error: invalid Effect "Alow" (did you mean Allow?)',
        '     "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]}',
        "                              ^",
    ]
    lab.lint(
        '  {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    assert capsys.readouterr().out == "OK (the JSON text): no problems found\n"


def test_delete_conflict_from_moto_gets_its_hint(capsys):
    lab.start(chapter=5)
    assert awscli.run(["iam", "delete-role", "--role-name", "umemoto-wordpress-role"]) != 0
    captured = capsys.readouterr()
    assert "(DeleteConflict)" in captured.err
    assert "Hint: Not deleted: remove the role from the instance profile first" in captured.out
