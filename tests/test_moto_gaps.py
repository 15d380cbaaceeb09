"""moto's differences from AWS (helpers/aws/moto_gaps.py): each test fails once moto changes.

When one of the `test_moto_still_*` tests fails, moto has fixed that difference:
remove the workaround (or the notebook's sentence about it) and this test.
"""

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import enable_iam_authentication
from moto.iam.access_control import IAMRequestBase

from helpers import lab
from helpers.aws import moto_gaps
from helpers.cli import magics
from helpers.instance import session as instance
from helpers.steps import network

ROLE_ARN = "arn:aws:iam::123456789012:role/umemoto-wordpress-role"
CW_POLICY = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"


@pytest.fixture
def launched(capsys):
    """Chapter 06's starting point: IAM of chapter 01-04, network, bucket, instance."""
    lab.start(chapter=6)
    capsys.readouterr()
    return network.find_instance()


def put_metric(session):
    """PutMetricData as the instance, IAM checks on, without the CloudWatch name shim."""
    session.client("cloudwatch").put_metric_data(Namespace="IAMRoleLab", MetricData=[{"MetricName": "M", "Value": 1.0}])


def test_moto_still_crashes_on_assume_role_of_a_service_trusted_role(launched):
    """Difference 1: with checks on, assume_role on a role trusting ec2.amazonaws.com crashes."""
    iam = lab.client("iam")
    iam.create_user(UserName="caller")
    key = iam.create_access_key(UserName="caller")["AccessKey"]
    iam.put_user_policy(
        UserName="caller",
        PolicyName="assume",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
        ),
    )
    sts = boto3.client(
        "sts",
        region_name=lab.region(),
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    with enable_iam_authentication(), pytest.raises(TypeError):
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="caller-session")


def test_moto_still_ignores_trust_policies_with_checks_off(launched):
    """Difference 1: with checks paused, moto hands out credentials whatever the trust policy says."""
    iam = lab.client("iam")
    iam.update_assume_role_policy(
        RoleName="umemoto-wordpress-role",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )
    creds = moto_gaps.instance_credentials(lab.client("sts"), ROLE_ARN, launched["InstanceId"])
    assert creds["AccessKeyId"].startswith("ASIA")


def test_moto_still_names_cloudwatch_actions_monitoring(launched):
    """Difference 2: without the shim, the article's cloudwatch:PutMetricData does not match."""
    session = instance.connect()
    with enable_iam_authentication(), pytest.raises(ClientError) as denied:
        put_metric(session)
    assert "monitoring:PutMetricData" in str(denied.value)


def test_shim_makes_cloudwatch_policy_work_and_is_removed_afterwards(launched):
    """Difference 2's workaround: allowed inside enforced(), moto's own code restored after it."""
    original = IAMRequestBase.__init__
    session = instance.connect()
    with moto_gaps.enforced():
        put_metric(session)
        with moto_gaps.cloudwatch_action_names():  # nesting keeps one shim
            put_metric(session)
    assert IAMRequestBase.__init__ is original


def test_shim_still_denies_cloudwatch_without_the_policy(launched):
    """The shim renames actions; it grants nothing. Without the policy, PutMetricData is denied."""
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    session = instance.connect()
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        put_metric(session)
    assert "cloudwatch:PutMetricData" in str(denied.value)


def test_moto_still_answers_cloudwatch_denials_in_xml(launched):
    """Difference 4: the CLI cannot parse the denial, so it shows HTTP 403 and moto's XML."""
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    session = instance.connect()
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        put_metric(session)
    assert denied.value.response["Error"]["Code"] == "403"
    assert "<Code>AccessDenied</Code>" in str(denied.value)


def test_deleting_an_attached_policy_is_refused_as_on_aws(launched, capsys):
    """Workaround 3: DeleteConflict with AWS's message, through boto3 and through %aws; nothing is lost."""
    with pytest.raises(ClientError) as refused:
        lab.client("iam").delete_policy(PolicyArn=CW_POLICY)
    assert refused.value.response["Error"]["Code"] == "DeleteConflict"
    assert refused.value.response["Error"]["Message"] == moto_gaps.ATTACHED_POLICY_MESSAGE
    magics.run_text(f"aws iam delete-policy --policy-arn {CW_POLICY}")
    assert (
        "(DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached"
        in capsys.readouterr().err
    )
    attached = lab.client("iam").list_attached_role_policies(RoleName="umemoto-wordpress-role")["AttachedPolicies"]
    assert CW_POLICY in {p["PolicyArn"] for p in attached}
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    lab.client("iam").delete_policy(PolicyArn=CW_POLICY)  # detached first: deleted, as on AWS


def test_deleting_a_policy_with_old_versions_is_refused_as_on_aws(launched):
    """Workaround 3: a detached policy with a non-default version is kept until that version goes."""
    iam = lab.client("iam")
    iam.detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    document = iam.get_policy_version(PolicyArn=CW_POLICY, VersionId="v1")["PolicyVersion"]["Document"]
    iam.create_policy_version(PolicyArn=CW_POLICY, PolicyDocument=json.dumps(document), SetAsDefault=True)
    with pytest.raises(ClientError) as refused:
        iam.delete_policy(PolicyArn=CW_POLICY)
    assert refused.value.response["Error"]["Message"] == moto_gaps.VERSIONS_MESSAGE
    iam.delete_policy_version(PolicyArn=CW_POLICY, VersionId="v1")
    iam.delete_policy(PolicyArn=CW_POLICY)


def test_moto_still_deletes_policies_with_old_versions(launched):
    """Workaround 3 is still needed: moto itself deletes a policy that has non-default versions."""
    iam = lab.client("iam")
    iam.detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    iam.create_policy_version(
        PolicyArn=CW_POLICY,
        PolicyDocument=json.dumps(
            iam.get_policy_version(PolicyArn=CW_POLICY, VersionId="v1")["PolicyVersion"]["Document"]
        ),
        SetAsDefault=True,
    )
    moto_gaps.allow_deleting_attached_policies()
    try:
        iam.delete_policy(PolicyArn=CW_POLICY)
    finally:
        moto_gaps.refuse_deleting_attached_policies()
    assert CW_POLICY not in {p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]}


def test_moto_still_deletes_attached_policies(launched):
    """Workaround 3 is still needed: moto itself deletes a policy that is still attached."""
    moto_gaps.allow_deleting_attached_policies()
    try:
        lab.client("iam").delete_policy(PolicyArn=CW_POLICY)
    finally:
        moto_gaps.refuse_deleting_attached_policies()
    assert "CloudWatch-Wordpress-ut" not in {
        p["PolicyName"] for p in lab.client("iam").list_policies(Scope="Local")["Policies"]
    }


def test_moto_still_creates_roles_with_a_trust_policy_aws_refuses():
    """Difference 5: AWS refuses exercise 2.1's starter (MalformedPolicyDocument); moto stores it."""
    from helpers.teach import exercises

    lab.start(chapter=1)
    broken = exercises.STARTERS["02-trust"]
    role = lab.client("iam").create_role(RoleName="broken-trust", AssumeRolePolicyDocument=broken)["Role"]
    assert role["AssumeRolePolicyDocument"] == json.loads(broken)
