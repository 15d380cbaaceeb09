"""Chapter 00's list of how the lab differs from AWS: every item that can be checked, checked.

One test per item of the list in notebooks/00-Introduction.ipynb ("How the lab differs from
AWS"). When a test fails, the lab (or moto, or the CLI it pins) has changed: correct the
list, then the test. moto's own gaps and the lab's workarounds have their tests in
tests/test_moto_gaps.py; the lab's evaluator, in tests/test_lab_decides.py.
"""

import json
import re
from pathlib import Path

import awscli
import boto3
import nbformat
import pytest
from botocore.exceptions import ClientError

from helpers import lab
from helpers.aws import moto_gaps, organization
from helpers.cli import awscli as lab_cli
from helpers.instance import checks
from helpers.steps import network

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "00-Introduction.ipynb"
S3_POLICY = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"


def cli(capsys, *args):
    """Run the lab's AWS CLI; return what it printed."""
    capsys.readouterr()
    lab_cli.run(list(args))
    return printed(capsys)


def printed(capsys):
    """What the cell printed so far, stdout and stderr."""
    out = capsys.readouterr()
    return out.out + out.err


def differences_text():
    """The Markdown of chapter 00's list of differences."""
    cells = nbformat.read(NOTEBOOK, 4).cells
    return next(c.source for c in cells if c.source.startswith("## How the lab differs from AWS"))


def test_chapter_00_lists_the_differences_and_points_at_the_workarounds():
    text = differences_text()
    for topic in ("CLI v1", "at once", "AWS managed policies", "ACL", "iam:PassRole", "One account", "IMDSv2"):
        assert topic in text, topic
    assert "helpers/aws/moto_gaps.py" in text and "helpers/policy/evaluate.py" in text


# 1. The AWS CLI is version 1, where the article printed version 2's output.


def test_the_cli_is_version_1(capsys):
    lab.start(chapter=0)
    assert awscli.__version__.startswith("1.")
    assert cli(capsys, "--version").startswith("aws-cli/1.")


def test_the_cli_prints_timestamps_as_the_service_sends_them_not_as_v2_does(capsys):
    lab.start(chapter=2)
    out = cli(capsys, "iam", "list-policies", "--scope", "Local")
    dates = re.findall(r'"CreateDate": "([^"]+)"', out)
    assert dates and all(d.endswith("Z") and "+00:00" not in d for d in dates), dates


# 2. IAM changes apply to the very next request.


def test_a_policy_change_applies_to_the_very_next_request(me, capsys):
    me.run("touch test.txt")
    assert me.run("aws s3 cp test.txt s3://ut-wordpress-s3") == 0
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=S3_POLICY)
    checks.expect_denied("aws s3 cp test.txt s3://ut-wordpress-s3", me)
    lab.client("iam").attach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=S3_POLICY)
    assert me.run("aws s3 cp test.txt s3://ut-wordpress-s3") == 0


# 3. No AWS managed policies.


def test_the_account_holds_no_aws_managed_policy():
    lab.start(chapter=0)
    iam = lab.client("iam")
    assert iam.list_policies(Scope="AWS")["Policies"] == []
    with pytest.raises(ClientError) as missing:
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"


# 4. ACLs are accepted; new buckets have neither Object Ownership nor Block Public Access set.


def test_an_acl_is_accepted_and_new_buckets_have_no_ownership_or_public_access_block():
    lab.start(chapter=6)
    s3 = lab.client("s3")
    s3.put_object(Bucket="ut-wordpress-s3", Key="acl.txt", Body=b"x", ACL="public-read")
    grants = s3.get_object_acl(Bucket="ut-wordpress-s3", Key="acl.txt")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)
    for call, code in (
        (s3.get_bucket_ownership_controls, "OwnershipControlsNotFoundError"),
        (s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration"),
    ):
        with pytest.raises(ClientError) as missing:
            call(Bucket="ut-wordpress-s3")
        assert missing.value.response["Error"]["Code"] == code


# 5. Error texts: AWS's format for the evaluator's denials, without EC2's encoded message.


def test_denials_read_as_aws_writes_them(me, capsys):
    me.run("touch test.txt")
    capsys.readouterr()
    checks.expect_denied("aws s3 cp test.txt s3://iamrole-lab-other-bucket", me)
    assert (
        f'User: {me.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::iamrole-lab-other-bucket'
        in printed(capsys)
    )
    with moto_gaps.enforced(), pytest.raises(ClientError) as refused:
        me.client("ec2").describe_instances()
    assert refused.value.response["Error"]["Code"] == "UnauthorizedOperation"
    message = refused.value.response["Error"]["Message"]
    assert message.startswith("You are not authorized to perform this operation. User: ")
    assert "because no identity-based policy allows the ec2:DescribeInstances action" in message
    assert "Encoded authorization failure message" not in message


# 7. One account: organizations are simulated.


def test_one_account_and_no_organization_after_start():
    lab.start(chapter=0)
    assert lab.account_id() == "123456789012"
    assert lab.client("sts").get_caller_identity()["Account"] == "123456789012"
    assert organization.current() is None


# 8. The lab checks iam:PassRole for RunInstances only (tests/test_lab_decides.py has that side).


def test_adding_a_role_to_a_profile_is_not_checked_for_pass_role():
    lab.start(chapter=4)
    iam = lab.client("iam")
    iam.create_user(UserName="developer")
    allowed = ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"]
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]}
    iam.put_user_policy(UserName="developer", PolicyName="profiles", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName="developer")["AccessKey"]
    developer = boto3.client(
        "iam",
        region_name=lab.region(),
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    with moto_gaps.enforced():
        developer.create_instance_profile(InstanceProfileName="another-profile")
        developer.add_role_to_instance_profile(InstanceProfileName="another-profile", RoleName="umemoto-wordpress-role")
    roles = iam.get_instance_profile(InstanceProfileName="another-profile")["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == ["umemoto-wordpress-role"]


# 9. The instance: any AMI id, IMDSv1 allowed (HttpTokens optional), a metadata service that needs no token.


def test_the_instance_boots_no_image_and_allows_imdsv1(me, capsys):
    ec2 = lab.client("ec2")
    instance = ec2.describe_instances(InstanceIds=[me.instance_id])["Reservations"][0]["Instances"][0]
    assert instance["ImageId"] == network.AMI
    with pytest.raises(ClientError) as unknown:
        ec2.describe_images(ImageIds=[network.AMI])
    assert unknown.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"
    assert (instance["MetadataOptions"]["HttpTokens"], instance["MetadataOptions"]["HttpPutResponseHopLimit"]) == (
        "optional",
        1,
    )
    capsys.readouterr()
    assert (
        me.run("curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/umemoto-wordpress-role") == 0
    )
    assert '"AccessKeyId"' in capsys.readouterr().out
