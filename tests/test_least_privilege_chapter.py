"""What chapter 07 (least privilege) relies on: new policy versions, IAM users signed in for %%as, and the checks.

Covers helpers.steps.iam.publish_version, the LimitExceeded hint, session.sign_in / run_as
(and logging in to an instance by its id), checks.expect_denied for EC2's
UnauthorizedOperation, decisions.requests_since, policy_files.save and network.launched_with.
"""

import json
from pathlib import Path

import pytest

from helpers import lab
from helpers.aws import sandbox
from helpers.cli import hints, magics
from helpers.course.errors import CheckFailed
from helpers.instance import checks, session
from helpers.instance.credentials import LoginError
from helpers.show import decisions, policy_files
from helpers.steps import iam, network

ACCOUNT = "123456789012"
S3_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/S3-Wordpress-ut"
TRIMMED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::ut-wordpress-s3"},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::ut-wordpress-s3/*"},
    ],
}
LAUNCH = (
    "aws ec2 run-instances --image-id ami-0cbec04a61be382d9 --count 1 --instance-type t2.micro "
    "--iam-instance-profile Name=umemoto-wordpress-profile --subnet-id {subnet} --query Instances[0].InstanceId "
    "--output text"
)


@pytest.fixture
def chapter7(capsys):
    """Chapter 07's starting point, quietly."""
    lab.start(chapter=7)
    capsys.readouterr()
    yield
    session.logout()


@pytest.fixture
def developer(chapter7, capsys):
    """The IAM user developer, allowed to launch and describe instances, signed in."""
    client = lab.client("iam")
    client.create_user(UserName="developer")
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:DescribeInstances"], "Resource": "*"}]}  # fmt: skip
    client.put_user_policy(UserName="developer", PolicyName="launch", PolicyDocument=json.dumps(document))
    user = session.sign_in("developer")
    capsys.readouterr()
    return user


def test_publish_version_makes_room_when_five_versions_exist(chapter7):
    client = lab.client("iam")
    for _ in range(6):
        version = iam.publish_version(client, "S3-Wordpress-ut", json.dumps(TRIMMED))
    versions = client.list_policy_versions(PolicyArn=S3_POLICY)["Versions"]
    assert len(versions) == 5 and version["VersionId"] == "v7" and version["IsDefaultVersion"]
    assert "v1" not in {v["VersionId"] for v in versions}  # the oldest that was not the default went first


def test_a_sixth_version_from_the_cli_gets_a_hint_naming_the_version_to_delete(chapter7, capsys):
    client = lab.client("iam")
    for _ in range(4):
        client.create_policy_version(PolicyArn=S3_POLICY, PolicyDocument=json.dumps(TRIMMED), SetAsDefault=True)
    path = policy_files.save("trimmed.json", json.dumps(TRIMMED))
    capsys.readouterr()
    magics.run_text(f"aws iam create-policy-version --policy-arn {S3_POLICY} --policy-document file://{path}")
    printed = capsys.readouterr()
    assert "(LimitExceeded)" in printed.err
    assert "keeps at most five versions" in printed.out
    assert f"delete-policy-version --policy-arn {S3_POLICY} --version-id v1`" in printed.out


def test_the_versions_hint_never_fails_on_a_wrong_arn():
    text = "An error occurred (LimitExceeded) when calling the CreatePolicyVersion operation: up to 5 versions"
    hint = hints.hint_for(text, ["iam", "create-policy-version", "--policy-arn", "arn:aws:iam::1:policy/none"])
    assert "--version-id VERSION" in hint


def test_saved_policies_live_in_the_scratch_folder_and_are_linted(capsys):
    path = Path(policy_files.save("mine.json", json.dumps(TRIMMED)))
    assert path.parent.parent == sandbox.scratch_folder() and json.loads(path.read_text()) == TRIMMED
    assert "OK mine.json" in capsys.readouterr().out
    policy_files.save("broken.json", '{"Version": "2012-10-17", "Statement": []}')
    assert "broken.json:1:40: error: Statement is empty" in capsys.readouterr().out


def test_requests_since_lists_what_iam_decided_after_the_mark(chapter7, capsys):
    me = session.login("iamrole-test")
    mark = decisions.mark()
    me.run("touch test.txt\naws s3 cp test.txt s3://ut-wordpress-s3\naws s3 ls s3://ut-wordpress-s3")
    table = decisions.requests_since(mark)
    assert list(table["action"]) == ["s3:PutObject", "s3:ListBucket"]
    assert list(table["allowed by"]) == ["S3-Wordpress-ut, statement 2", "S3-Wordpress-ut, statement 1"]
    assert decisions.requests_since(decisions.mark()).empty


def test_a_signed_in_user_runs_commands_with_its_own_key(developer, capsys):
    assert session.run_as("developer", "aws sts get-caller-identity --query Arn --output text") == 0
    assert capsys.readouterr().out.strip() == f"arn:aws:iam::{ACCOUNT}:user/developer"
    checks.expect_denied("aws s3 ls", session=developer)
    assert "Denied, as expected: AccessDenied" in capsys.readouterr().out


def test_signing_in_again_replaces_the_key_and_unknown_users_are_refused(developer, capsys):
    again = session.sign_in("developer")
    keys = lab.client("iam").list_access_keys(UserName="developer")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [again.credentials["AccessKeyId"]]
    with pytest.raises(LoginError, match="There is no IAM user nobody"):
        session.sign_in("nobody")
    assert session.run_as("someone", "aws sts get-caller-identity") is None
    assert 'session.sign_in("someone")' in capsys.readouterr().out


def test_logging_in_to_an_instance_keeps_the_signed_in_users(developer, capsys):
    session.login("iamrole-test")
    assert session.run_as("developer", "aws sts get-caller-identity") == 0
    lab.start(chapter=7)  # a reset forgets them: their keys are gone
    assert session.run_as("developer", "aws sts get-caller-identity") is None


def test_a_launch_refused_for_pass_role_is_a_denial_and_login_takes_an_instance_id(developer, capsys):
    subnet = network.subnet_id(network.vpc_id())
    checks.expect_denied(LAUNCH.format(subnet=subnet), session=developer)
    printed = capsys.readouterr()
    assert "(UnauthorizedOperation)" in printed.err and "iam:PassRole" in printed.err
    assert "Denied, as expected: UnauthorizedOperation from IAM." in printed.out
    assert "Denied by IAM" in printed.out  # the hint reads EC2's code too
    instance = network.launched_with("umemoto-wordpress-profile")
    assert session.login(instance).instance_id == instance
    assert capsys.readouterr().out.startswith(f"Logged in to {instance} with")
    assert network.launched_with("no-such-profile") is None


def test_expect_denied_reads_notebook_variables_and_still_fails_when_allowed(developer):
    with pytest.raises(CheckFailed, match="this was allowed"):
        checks.expect_denied("aws ec2 describe-instances --query Reservations[0].Instances[0].InstanceId", developer)
    with pytest.raises(CheckFailed, match="did not run"):
        checks.expect_denied("aws ec2 describe-instances --filters Name=instance-id,Values=$UNDEFINED", developer)


def test_starting_the_chapter_again_starts_the_hints_again(capsys):
    from helpers.teach import exercises, verdicts

    lab.start(chapter=7)
    starter = exercises.STARTERS["07-trim"]
    exercises.check_trimmed_policy(starter)
    assert verdicts.tries("07-trim") == 1
    lab.start(chapter=7, resume=True)  # resuming keeps the learner's place
    assert verdicts.tries("07-trim") == 1
    lab.start(chapter=7)
    assert verdicts.tries("07-trim") == 0
    assert "(remove" not in exercises.check_trimmed_policy(starter).message  # the concept only, as at first
