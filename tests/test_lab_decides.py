"""The lab's real calls decided by its evaluator, as AWS decides them (helpers/aws/moto_gaps.py, workaround 2).

Every test makes real requests as the instance (the role session EC2 would get), with
IAM checks on, and checks the outcome and AWS's denial message. The cases come from
AWS's documentation of the evaluation logic; moto's own check decides several of them
wrongly (tests/test_moto_gaps.py keeps those differences honest).
"""

import json

import pytest
from botocore.exceptions import ClientError

from helpers import lab
from helpers.aws import decisions, moto_gaps, organization
from helpers.course.errors import LabError
from helpers.instance import session as instance

ROLE = "umemoto-wordpress-role"
BUCKET = "ut-wordpress-s3"
S3_POLICY = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"
CW_POLICY = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"


def policy(*statements):
    """A policy document holding the given statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.fixture
def me(capsys):
    """Chapter 06's starting point, logged in to the instance (a role session with the article's policies)."""
    lab.start(chapter=6)
    capsys.readouterr()
    lab.client("s3").put_object(Bucket=BUCKET, Key="test.txt", Body=b"hello")
    return instance.connect()


def s3_call(session, name, key="test.txt", **extra):
    """One S3 call as the instance, IAM checks on; return None when allowed, else the error's text."""
    s3 = session.client("s3")
    calls = {
        "put": lambda: s3.put_object(Bucket=BUCKET, Key=key, Body=b"x", **extra),
        "get": lambda: s3.get_object(Bucket=BUCKET, Key=key),
        "list": lambda: s3.list_objects_v2(Bucket=BUCKET, **extra),
        "delete": lambda: s3.delete_object(Bucket=BUCKET, Key=key),
    }
    try:
        with moto_gaps.enforced():
            calls[name]()
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AccessDenied"
        return str(error)
    return None


def put_inline(document, name="lesson"):
    """Give the role an inline policy (as the administrator)."""
    lab.client("iam").put_role_policy(RoleName=ROLE, PolicyName=name, PolicyDocument=json.dumps(document))


def only_inline(document):
    """Replace the article's S3 policy by one inline policy."""
    lab.client("iam").detach_role_policy(RoleName=ROLE, PolicyArn=S3_POLICY)
    put_inline(document)


def test_the_articles_steps_are_allowed_and_the_rest_denied_with_aws_words(me):
    assert s3_call(me, "put") is None and s3_call(me, "get") is None and s3_call(me, "list") is None
    assert s3_call(me, "delete") is None
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        me.client("s3").list_buckets()
    assert str(denied.value).endswith(
        f"User: {me.arn} is not authorized to perform: s3:ListAllMyBuckets "
        "because no identity-based policy allows the s3:ListAllMyBuckets action"
    )
    assert decisions.last().decision.deciding_step == "identity policies"


def test_an_allow_whose_condition_is_not_met_is_no_allow(me):
    """The instance's requests come from its own address, not from 203.0.113.0/24."""
    only_inline(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*",
                        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}))  # fmt: skip
    message = s3_call(me, "get")
    assert message.endswith(
        f'is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::{BUCKET}/test.txt" '
        "because no identity-based policy allows the s3:GetObject action"
    )
    condition = decisions.last().decision.policies[0].statements[0].conditions[0]
    assert condition.key == "aws:SourceIp" and not condition.matched and condition.request_values


def test_not_resource_excludes_what_it_names(me):
    only_inline(
        policy({"Effect": "Allow", "Action": "s3:PutObject", "NotResource": f"arn:aws:s3:::{BUCKET}/private/*"})
    )
    assert s3_call(me, "put", key="public/a.txt") is None
    assert "because no identity-based policy allows" in s3_call(me, "put", key="private/a.txt")


def test_list_bucket_scoped_to_a_prefix_with_s3_prefix(me):
    only_inline(policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}",
                        "Condition": {"StringLike": {"s3:prefix": "uploads/*"}}}))  # fmt: skip
    assert s3_call(me, "list", Prefix="uploads/2026/") is None
    assert "s3:ListBucket" in s3_call(me, "list")
    assert decisions.last().request["context"].get("s3:prefix") is None  # no Prefix parameter: no key


def test_put_metric_data_scoped_with_cloudwatch_namespace(me):
    lab.client("iam").detach_role_policy(RoleName=ROLE, PolicyArn=CW_POLICY)
    put_inline(policy({"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                       "Condition": {"StringEquals": {"cloudwatch:namespace": "IAMRoleLab"}}}))  # fmt: skip
    cloudwatch = me.client("cloudwatch")
    with moto_gaps.enforced():
        cloudwatch.put_metric_data(Namespace="IAMRoleLab", MetricData=[{"MetricName": "M", "Value": 1.0}])
        with pytest.raises(ClientError) as denied:
            cloudwatch.put_metric_data(Namespace="Other", MetricData=[{"MetricName": "M", "Value": 1.0}])
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_a_bucket_policy_deny_beats_the_roles_allow(me):
    lab.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy(
        {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::123456789012:role/{ROLE}"},
         "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"})))  # fmt: skip
    assert s3_call(me, "delete").endswith("with an explicit deny in a resource-based policy")
    assert s3_call(me, "get") is None


def test_a_bucket_policy_alone_allows_the_role_in_the_same_account(me):
    lab.client("iam").detach_role_policy(RoleName=ROLE, PolicyArn=S3_POLICY)
    assert s3_call(me, "get") is not None
    lab.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::123456789012:role/{ROLE}"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"})))  # fmt: skip
    assert s3_call(me, "get") is None
    assert decisions.last().decision.deciding_step == "all checks passed"


def test_a_permissions_boundary_caps_the_roles_policies(me):
    iam = lab.client("iam")
    arn = iam.create_policy(PolicyName="OnlyCloudWatch", PolicyDocument=json.dumps(
        policy({"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"})))["Policy"]["Arn"]  # fmt: skip
    iam.put_role_permissions_boundary(RoleName=ROLE, PermissionsBoundary=arn)
    assert s3_call(me, "get").endswith("because no permissions boundary allows the s3:GetObject action")


def test_a_session_policy_limits_the_session_made_with_it(me):
    iam = lab.client("iam")
    trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::123456789012:role/{ROLE}"},
                    "Action": "sts:AssumeRole"})  # fmt: skip
    reader = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="reader", PolicyName="s3", PolicyDocument=json.dumps(
        policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})))  # fmt: skip
    only_list = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"})
    with moto_gaps.enforced():
        keys = me.client("sts").assume_role(RoleArn=reader, RoleSessionName="narrow", Policy=json.dumps(only_list))
    narrow = instance.Session("narrow", "-", "-", "reader", keys["Credentials"])
    assert s3_call(narrow, "list") is None
    assert s3_call(narrow, "get").endswith("because no session policy allows the s3:GetObject action")


def test_an_scp_of_the_organization_denies_for_every_principal_of_the_account(me):
    organization.attach_scp("NoDeletes", policy({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}))
    assert s3_call(me, "delete").endswith("with an explicit deny in a service control policy")
    organization.detach("FullAWSAccess", level="ou")
    assert s3_call(me, "get").endswith("with an explicit deny in a service control policy")  # no Allow at the OU
    with pytest.raises(LabError, match="RCPFullAWSAccess cannot be detached"):
        organization.detach("RCPFullAWSAccess", level="ou")
    with pytest.raises(LabError, match="level must be one of root, ou, account"):
        organization.detach("FullAWSAccess", level="OU Workloads")
    lab.start(chapter=6)  # leaves the organization
    assert organization.current() is None


def test_instance_role_requests_carry_the_keys_aws_adds(me):
    s3_call(me, "get")
    context = decisions.last().request["context"]
    assert context["ec2:SourceInstanceARN"].endswith(f":instance/{me.instance_id}")
    assert context["aws:userid"].endswith(f":{me.instance_id}") and context["aws:SecureTransport"] == "true"
    assert context["aws:RequestedRegion"] == "ap-northeast-1" and "aws:SourceIp" in context


def test_launching_with_a_profile_needs_iam_pass_role_on_its_role(me):
    """ec2:RunInstances alone is not enough to hand a role to an instance: AWS also checks iam:PassRole."""
    import boto3

    from helpers.steps import network

    iam = lab.client("iam")
    iam.create_user(UserName="developer")
    iam.put_user_policy(UserName="developer", PolicyName="launch", PolicyDocument=json.dumps(
        policy({"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:Describe*"], "Resource": "*"})))  # fmt: skip
    key = iam.create_access_key(UserName="developer")["AccessKey"]
    ec2 = boto3.client(
        "ec2",
        region_name=lab.region(),
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    launch = {
        "ImageId": network.AMI,
        "MinCount": 1,
        "MaxCount": 1,
        "InstanceType": "t2.micro",
        "SubnetId": network.subnet_id(network.vpc_id()),
        "IamInstanceProfile": {"Name": network.PROFILE},
    }
    with moto_gaps.enforced(), pytest.raises(ClientError) as denied:
        ec2.run_instances(**launch)
    assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"
    assert f"not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/{ROLE}" in str(
        denied.value
    )
    iam.put_user_policy(UserName="developer", PolicyName="pass", PolicyDocument=json.dumps(policy(
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::123456789012:role/{ROLE}",
         "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}})))  # fmt: skip
    with moto_gaps.enforced():
        ec2.run_instances(**launch)
    assert decisions.last("iam:PassRole").request["context"]["iam:PassedToService"] == "ec2.amazonaws.com"
