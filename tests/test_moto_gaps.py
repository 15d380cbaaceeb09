"""moto's differences from AWS (helpers/aws/moto_gaps.py): each test fails once moto changes.

When one of the `test_moto_still_*` tests fails, moto has fixed that difference:
remove the workaround (or the notebook's sentence about it) and this test.
"""

import contextlib
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import enable_iam_authentication

from helpers import lab
from helpers.aws import moto_gaps
from helpers.cli import magics
from helpers.instance import session as instance
from helpers.steps import network

ROLE_ARN = "arn:aws:iam::123456789012:role/umemoto-wordpress-role"
CW_POLICY = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"
S3_POLICY = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"


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
    with moto_gaps.moto_decides(), enable_iam_authentication(), pytest.raises(TypeError):
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="caller-session")
    with enable_iam_authentication(), pytest.raises(ClientError) as refused:  # the lab's evaluator decides
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="caller-session")
    assert "because no resource-based policy allows the sts:AssumeRole action" in str(refused.value)


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
    """Difference 3: under moto's own check, the article's cloudwatch:PutMetricData does not match."""
    session = instance.connect()
    with moto_gaps.moto_decides(), enable_iam_authentication(), pytest.raises(ClientError) as denied:
        put_metric(session)
    assert "monitoring:PutMetricData" in str(denied.value)


def test_the_lab_names_cloudwatch_actions_as_aws_does(launched):
    """Workaround 3: with the lab deciding, the article's CloudWatch policy allows PutMetricData."""
    session = instance.connect()
    with moto_gaps.enforced():
        put_metric(session)
    assert moto_gaps.iam_action("monitoring:PutMetricData") == "cloudwatch:PutMetricData"


def test_moto_still_authorises_block_public_access_requests_as_list_bucket(launched):
    """Difference 3 (S3): under moto's own names, GetPublicAccessBlock is checked as s3:ListBucket."""
    from moto.s3.responses import ACTION_MAP

    assert "publicAccessBlock" not in ACTION_MAP["BUCKET"]["GET"]
    assert ACTION_MAP["BUCKET"]["GET"]["DEFAULT"] == "ListBucket"


def test_the_lab_checks_block_public_access_requests_as_aws_does(launched):
    """Workaround 3 (S3): GetPublicAccessBlock needs s3:GetBucketPublicAccessBlock, Put and Delete the Put action."""
    iam = lab.client("iam")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    iam.create_policy_version(PolicyArn=S3_POLICY, PolicyDocument=json.dumps(document), SetAsDefault=True)
    s3 = instance.connect().client("s3")
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        s3.get_public_access_block(Bucket="ut-wordpress-s3")
    assert "s3:GetBucketPublicAccessBlock" in str(denied.value)
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        s3.delete_public_access_block(Bucket="ut-wordpress-s3")
    assert "s3:PutBucketPublicAccessBlock" in str(denied.value)
    iam.set_default_policy_version(PolicyArn=S3_POLICY, VersionId="v1")
    with moto_gaps.enforced(), pytest.raises(ClientError) as allowed:  # the article's policy allows the Get
        s3.get_public_access_block(Bucket="ut-wordpress-s3")
    assert allowed.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"


def test_moto_still_answers_cloudwatch_denials_in_xml(launched):
    """Difference 4: under moto's own check, the denial is XML the CLI cannot parse (HTTP 403)."""
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    session = instance.connect()
    with moto_gaps.moto_decides(), moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        put_metric(session)
    assert denied.value.response["Error"]["Code"] == "403"
    assert "<Code>AccessDenied</Code>" in str(denied.value)


def test_the_labs_cloudwatch_denials_read_as_aws_writes_them(launched):
    """Workaround 4: the lab's denial is JSON: code AccessDenied and AWS's message, action named as on AWS."""
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=CW_POLICY)
    session = instance.connect()
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        put_metric(session)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert str(denied.value).endswith(
        f"User: {session.arn} is not authorized to perform: cloudwatch:PutMetricData "
        "because no identity-based policy allows the cloudwatch:PutMetricData action"
    )


def test_deleting_an_attached_policy_is_refused_as_on_aws(launched, capsys):
    """Workaround 5: DeleteConflict with AWS's message, through boto3 and through %aws; nothing is lost."""
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
    """Workaround 5: a detached policy with a non-default version is kept until that version goes."""
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
    """Workaround 5 is still needed: moto itself deletes a policy that has non-default versions."""
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
    """Workaround 5 is still needed: moto itself deletes a policy that is still attached."""
    moto_gaps.allow_deleting_attached_policies()
    try:
        lab.client("iam").delete_policy(PolicyArn=CW_POLICY)
    finally:
        moto_gaps.refuse_deleting_attached_policies()
    assert "CloudWatch-Wordpress-ut" not in {
        p["PolicyName"] for p in lab.client("iam").list_policies(Scope="Local")["Policies"]
    }


def test_moto_still_creates_roles_with_a_trust_policy_aws_refuses():
    """Difference 6: AWS refuses exercise 2.1's starter (MalformedPolicyDocument); moto stores it."""
    from helpers.teach import exercises

    lab.start(chapter=1)
    broken = exercises.STARTERS["02-trust"]
    role = lab.client("iam").create_role(RoleName="broken-trust", AssumeRolePolicyDocument=broken)["Role"]
    assert role["AssumeRolePolicyDocument"] == json.loads(broken)


# --- difference 2: moto's own check (measured with moto_decides), and the lab's decision beside it ----


def moto_and_lab(session, call):
    """(moto's own answer, the lab's answer) for one call as the instance: True when allowed."""
    answers = []
    for decides in (moto_gaps.moto_decides, contextlib.nullcontext):
        with decides(), moto_gaps.enforced():
            try:
                call(session)
                answers.append(True)
            except ClientError:
                answers.append(False)
    return tuple(answers)


def put_role_policy(document):
    """Replace the article's S3 policy by one inline policy on the role."""
    iam = lab.client("iam")
    iam.detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=S3_POLICY)
    iam.put_role_policy(RoleName="umemoto-wordpress-role", PolicyName="gap", PolicyDocument=json.dumps(document))


def get_object(session, key="test.txt"):
    """GetObject on the article's bucket."""
    session.client("s3").get_object(Bucket="ut-wordpress-s3", Key=key)


@pytest.fixture
def bucketed(launched):
    """Chapter 06's starting point with two objects in the bucket."""
    for key in ("test.txt", "secret.txt"):
        lab.client("s3").put_object(Bucket="ut-wordpress-s3", Key=key, Body=b"x")
    return instance.connect()


def test_moto_still_ignores_conditions_in_identity_policies(bucketed):
    """An Allow whose only condition (aws:SourceIp) is unmet: moto allows, AWS (and the lab) do not."""
    put_role_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                     "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})  # fmt: skip
    assert moto_and_lab(bucketed, get_object) == (True, False)


def test_moto_still_treats_not_resource_as_matching_everything(bucketed):
    put_role_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                     "NotResource": "arn:aws:s3:::ut-wordpress-s3/secret*"}]})  # fmt: skip
    assert moto_and_lab(bucketed, lambda s: get_object(s, "secret.txt")) == (True, False)


def test_moto_still_ignores_a_permissions_boundary(bucketed):
    iam = lab.client("iam")
    arn = iam.create_policy(PolicyName="OnlyCloudWatch", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"}]}
    ))["Policy"]["Arn"]  # fmt: skip
    iam.put_role_permissions_boundary(RoleName="umemoto-wordpress-role", PermissionsBoundary=arn)
    assert moto_and_lab(bucketed, get_object) == (True, False)


def test_moto_still_ignores_a_bucket_policy_that_grants(bucketed):
    lab.client("iam").detach_role_policy(RoleName="umemoto-wordpress-role", PolicyArn=S3_POLICY)
    lab.client("s3").put_bucket_policy(Bucket="ut-wordpress-s3", Policy=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::ut-wordpress-s3/*"}]}))  # fmt: skip
    assert moto_and_lab(bucketed, get_object) == (False, True)


def test_moto_still_applies_a_bucket_deny_to_everyone_it_does_not_name(bucketed):
    """moto's pre-check of bucket policies ignores Principal: a Deny for another role denies ours."""
    lab.client("s3").put_bucket_policy(Bucket="ut-wordpress-s3", Policy=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:role/someone-else"},
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ut-wordpress-s3/*"}]}))  # fmt: skip
    assert moto_and_lab(bucketed, get_object) == (False, True)
