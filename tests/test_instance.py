"""Acting as the instance (helpers/instance/): login, enforcement, denials, the trust check."""

import json
import tempfile
from pathlib import Path

import pytest

from helpers import lab
from helpers.course.article import AMI
from helpers.course.errors import CheckFailed
from helpers.instance import checks, credentials, session, shell
from helpers.instance import magics as instance_magics
from helpers.show import metrics
from helpers.steps import network

ROOT = Path(__file__).resolve().parent.parent
S3_POLICY = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"
LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def test_login_uses_the_role_with_the_instance_id_as_session_name(me, capsys):
    instance_id = network.find_instance()["InstanceId"]
    assert me.instance_id == instance_id
    assert me.arn == f"arn:aws:sts::123456789012:assumed-role/umemoto-wordpress-role/{instance_id}"
    assert session.run("aws sts get-caller-identity") == 0
    assert json.loads(capsys.readouterr().out)["Arn"] == me.arn


def test_home_is_a_scratch_folder_outside_the_repository(me):
    assert me.home.is_dir()
    assert me.home.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert not me.home.resolve().is_relative_to(ROOT)
    home = me.home
    session.logout()
    assert not home.exists()


def test_article_steps_3_to_10(me, capsys):
    steps = """touch test.txt
aws s3 cp test.txt s3://ut-wordpress-s3
aws s3 ls s3://ut-wordpress-s3
rm test.txt
aws s3 cp s3://ut-wordpress-s3/test.txt ./
ls test.txt
aws s3 rm s3://ut-wordpress-s3/test.txt
aws s3 ls s3://ut-wordpress-s3
"""
    assert session.run(steps) == 0
    out = capsys.readouterr().out
    assert "upload: ./test.txt to s3://ut-wordpress-s3/test.txt" in out
    assert "download: s3://ut-wordpress-s3/test.txt to ./test.txt" in out
    assert "delete: s3://ut-wordpress-s3/test.txt" in out
    assert out.rstrip().endswith("delete: s3://ut-wordpress-s3/test.txt")  # the last ls finds nothing
    assert (me.home / "test.txt").exists()
    assert not (ROOT / "test.txt").exists() and not (ROOT / "notebooks" / "test.txt").exists()


def test_enforcement_is_on_for_the_instance(me, capsys):
    """The role has no IAM permissions: with checks off this would list the roles."""
    checks.expect_denied("aws iam list-roles")
    assert "AccessDenied" in capsys.readouterr().err


def test_expect_denied_passes_on_denials(me, capsys):
    for command in ("aws s3 ls", "aws s3 cp test.txt s3://iamrole-lab-other-bucket"):
        (me.home / "test.txt").touch()
        checks.expect_denied(command)
        captured = capsys.readouterr()
        assert "AccessDenied" in captured.err
        assert captured.out.endswith("Denied, as expected: AccessDenied from IAM.\n")


def test_expect_denied_fails_when_access_is_allowed(me):
    with pytest.raises(AssertionError, match="was allowed"):
        checks.expect_denied("aws s3 ls s3://ut-wordpress-s3")


def test_expect_denied_fails_when_the_error_is_not_a_denial(me):
    with pytest.raises(AssertionError, match="not because access was denied"):
        checks.expect_denied("aws s3 cp missing.txt s3://ut-wordpress-s3")


def test_expect_denied_only_checks_aws_commands(me):
    with pytest.raises(CheckFailed, match="only those reach IAM"):
        checks.expect_denied("touch z.txt")
    assert not (me.home / "z.txt").exists()


def test_detaching_the_s3_policy_denies_the_upload_at_once(me):
    (me.home / "test.txt").touch()
    iam = lab.client("iam")
    iam.detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=S3_POLICY)
    checks.expect_denied("aws s3 cp test.txt s3://ut-wordpress-s3")
    iam.attach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=S3_POLICY)
    assert session.run("aws s3 cp test.txt s3://ut-wordpress-s3") == 0


def test_instance_reads_its_tag_and_publishes_a_metric(me):
    name = me.tag("Name")
    assert name == "iamrole-test"
    times = metrics.sample_times(2)
    for value, when in zip([10.0, 20.0], times, strict=True):
        assert (
            me.run(
                f"aws cloudwatch put-metric-data --namespace {metrics.NAMESPACE} "
                f"--metric-name {metrics.METRIC} --dimensions InstanceName=$NAME --unit Percent "
                f"--value {value} --timestamp {when}",
                {"NAME": name},
            )
            == 0
        )
    assert list(metrics.read_back(name)["Average"]) == [10.0, 20.0]


def test_instance_variable_expands(me, capsys):
    assert session.run("aws ec2 describe-tags --filters Name=resource-id,Values=$INSTANCE_ID") == 0
    assert '"Value": "iamrole-test"' in capsys.readouterr().out


def test_login_refuses_a_role_that_does_not_trust_ec2(me, capsys):
    lab.client("iam").update_assume_role_policy(RoleName="umemoto-wordpress-role", PolicyDocument=LAMBDA_TRUST)
    with pytest.raises(credentials.TrustError, match="does not trust ec2.amazonaws.com"):
        session.connect("iamrole-test")
    with pytest.raises(credentials.TrustError, match="does not trust ec2.amazonaws.com"):
        session.login("iamrole-test")
    assert session.run("aws sts get-caller-identity") is None  # logged out
    assert "Not logged in" in capsys.readouterr().out


def test_expect_login_refused_checks_the_trust_lesson(me, capsys):
    with pytest.raises(CheckFailed, match="Expected the login to iamrole-test to be refused"):
        checks.expect_login_refused("iamrole-test")
    lab.client("iam").update_assume_role_policy(RoleName="umemoto-wordpress-role", PolicyDocument=LAMBDA_TRUST)
    checks.expect_login_refused("iamrole-test")
    assert capsys.readouterr().out.startswith("Refused, as expected: Role umemoto-wordpress-role does not trust")


def test_login_refuses_a_profile_without_role(me):
    lab.client("iam").remove_role_from_instance_profile(
        InstanceProfileName="umemoto-wordpress-profile", RoleName="umemoto-wordpress-role"
    )
    with pytest.raises(credentials.LoginError, match="holds no role"):
        session.connect("iamrole-test")


def test_login_refuses_an_instance_whose_profile_was_deleted(me, capsys):
    iam = lab.client("iam")
    iam.remove_role_from_instance_profile(
        InstanceProfileName="umemoto-wordpress-profile", RoleName="umemoto-wordpress-role"
    )
    iam.delete_instance_profile(InstanceProfileName="umemoto-wordpress-profile")
    with pytest.raises(credentials.LoginError, match="umemoto-wordpress-profile, which no longer exists"):
        session.connect("iamrole-test")
    checks.expect_login_refused("iamrole-test")
    assert capsys.readouterr().out.startswith("Refused, as expected: Instance iamrole-test was launched with")


def test_login_refuses_an_instance_without_profile(me):
    ids = network.prerequisites()
    lab.client("ec2").run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=ids["SubnetId"],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "no-profile"}]}],
    )
    with pytest.raises(credentials.LoginError, match="without an instance profile"):
        session.connect("no-profile")


def test_login_refuses_a_missing_instance(me):
    with pytest.raises(credentials.LoginError, match="no instance named"):
        session.connect("nothing-here")


@pytest.mark.parametrize(
    "document, expected",
    [
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]
            },
            True,
        ),
        (
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]},
                    "Action": ["sts:AssumeRole"],
                }
            },
            True,
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]
            },
            False,
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:TagSession"}
                ]
            },
            False,
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
                    {"Effect": "Deny", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
                ]
            },
            False,
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            },
            False,
        ),
    ],
)
def test_trusts(document, expected):
    assert credentials.trusts(document) is expected


def test_commands_outside_a_session_say_how_to_log_in(capsys):
    session.logout()
    assert session.run("aws s3 ls") is None
    assert "session.login" in capsys.readouterr().out


@pytest.mark.parametrize(
    "line, operator",
    [
        ("echo hello > x.txt", ">"),
        ("echo hi>x.txt", ">"),
        ("ls | wc -l", "|"),
        ("touch a && ls", "&&"),
        ("touch a; ls", ";"),
        ("echo $(date)", "$("),
        ("echo `date`", "`"),
        ('echo "$(date)"', "$("),
        ("cat < x.txt", "<"),
        ("sleep 1 &", "&"),
        ("aws s3 ls 2>&1", ">"),
    ],
)
def test_shell_operators_are_found(line, operator):
    assert shell.shell_operator(line) == operator


@pytest.mark.parametrize(
    "line",
    [
        "aws s3 cp test.txt s3://ut-wordpress-s3",
        'echo "a > b | c"',
        "echo 'a; b $(c) `d`'",
        "aws s3 ls  # lists > nothing",
        r"echo a\>b",
        '--tag-specifications "ResourceType=instance, Tags=[{Key=Name,Value=iamrole-test}]"',
    ],
)
def test_quoted_or_commented_operators_are_not_operators(line):
    assert shell.shell_operator(line) is None


def test_lines_with_shell_operators_are_refused_and_nothing_runs(me, capsys):
    assert session.run("touch first.txt\necho hello > x.txt") is None
    out = capsys.readouterr().out
    assert out.startswith("Not run: this lab's instance shell runs one program per line without redirection or pipes")
    assert "Line 2 uses >: echo hello > x.txt" in out
    assert not (me.home / "x.txt").exists() and not (me.home / "first.txt").exists()
    assert "hello" not in out.replace("echo hello", "")


def test_expect_denied_outside_a_session_prints_how_to_log_in(capsys):
    session.logout()
    assert checks.expect_denied("aws s3 ls") is None
    out = capsys.readouterr().out
    assert "Nothing checked. Not logged in to an instance" in out and 'session.login("iamrole-test")' in out


def test_logout_is_safe_without_a_session():
    session.logout()
    session.logout()
    with pytest.raises(credentials.LoginError):
        session.current()


def test_magic_registers_without_a_session_and_says_how_to_log_in(capsys):
    from IPython.testing.globalipapp import get_ipython

    session.logout()
    ipython = get_ipython()
    instance_magics.load_ipython_extension(ipython)
    ipython.run_line_magic("instance", "aws sts get-caller-identity")
    ipython.run_cell_magic("instance", "", "touch test.txt\n")
    out = capsys.readouterr().out
    assert out.count('Not logged in to an instance: run `me = session.login("iamrole-test")` first.') == 2
