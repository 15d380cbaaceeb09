"""Real calls made as the instance, one per supported action, IAM enforced (chapter 09).

`real_call(action, resource)` makes the AWS call that needs `action` on `resource`,
as the instance (a fresh login) with moto's IAM checks on, and says what happened:
"allowed", "AccessDenied", "error" (IAM let it through; the service refused) or
"not run" (the request cannot be made: e.g. an object action on a bucket ARN).

Steps of a real call: check the resource fits the action -> make sure the lab's
bucket (and object, for GetObject) exist, as the administrator -> log in as the
instance -> call with IAM enforced -> log out.
"""

from dataclasses import dataclass

from botocore.exceptions import ClientError

from helpers.aws import backend, moto_gaps
from helpers.course.article import BUCKET, INSTANCE_NAME
from helpers.instance.credentials import LoginError
from helpers.instance.session import connect, policy_session
from helpers.steps import network

S3_ARN = "arn:aws:s3:::"
BUCKET_ARN = S3_ARN + BUCKET
OBJECT_ARN = BUCKET_ARN + "/test.txt"
OTHER_OBJECT_ARN = S3_ARN + network.OTHER_BUCKET + "/test.txt"
KNOWN_BUCKETS = (BUCKET, network.OTHER_BUCKET)
BODY = b"IAM Role Lab playground\n"


def _put_object(session, bucket, key):
    """Upload a small object."""
    session.client("s3").put_object(Bucket=bucket, Key=key, Body=BODY)


def _get_object(session, bucket, key):
    """Download an object."""
    session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def _delete_object(session, bucket, key):
    """Delete an object."""
    session.client("s3").delete_object(Bucket=bucket, Key=key)


def _list_bucket(session, bucket, key):
    """List the keys in a bucket."""
    session.client("s3").list_objects_v2(Bucket=bucket)


def _list_buckets(session, bucket, key):
    """List every bucket of the account."""
    session.client("s3").list_buckets()


def _put_metric(session, bucket, key):
    """Publish one data point to a custom metric."""
    session.client("cloudwatch").put_metric_data(
        Namespace="IAMRoleLab", MetricData=[{"MetricName": "Playground", "Value": 1.0}]
    )


def _describe_tags(session, bucket, key):
    """Read the instance's own tags."""
    session.client("ec2").describe_tags(Filters=[{"Name": "resource-id", "Values": [session.instance_id]}])


def _list_roles(session, bucket, key):
    """List the account's IAM roles."""
    session.client("iam").list_roles()


@dataclass(frozen=True)
class Call:
    """One supported action: its usual resource, what it acts on, the call, the CLI form."""

    resource: str
    acts_on: str  # "object", "bucket" or "any" (no resource-level permissions: "*")
    function: object
    command: str


CALLS = {
    "s3:PutObject": Call(OBJECT_ARN, "object", _put_object, "aws s3 cp test.txt s3://BUCKET/KEY"),
    "s3:GetObject": Call(OBJECT_ARN, "object", _get_object, "aws s3 cp s3://BUCKET/KEY ./"),
    "s3:DeleteObject": Call(OBJECT_ARN, "object", _delete_object, "aws s3 rm s3://BUCKET/KEY"),
    "s3:ListBucket": Call(BUCKET_ARN, "bucket", _list_bucket, "aws s3 ls s3://BUCKET"),
    "s3:ListAllMyBuckets": Call("*", "any", _list_buckets, "aws s3 ls"),
    "cloudwatch:PutMetricData": Call("*", "any", _put_metric, "aws cloudwatch put-metric-data ..."),
    "ec2:DescribeTags": Call("*", "any", _describe_tags, "aws ec2 describe-tags ..."),
    "iam:ListRoles": Call("*", "any", _list_roles, "aws iam list-roles"),
}


RESOURCES = [OBJECT_ARN, BUCKET_ARN, BUCKET_ARN + "/*", OTHER_OBJECT_ARN, S3_ARN + network.OTHER_BUCKET, "*"]


@dataclass(frozen=True)
class CallResult:
    """What a real call gave: outcome ("allowed", "AccessDenied", "error", "not run") and detail."""

    outcome: str
    detail: str = ""
    command: str = ""

    def __str__(self):
        """'AccessDenied: ...' for tables and messages."""
        return f"{self.outcome}: {self.detail}" if self.detail else self.outcome


def s3_target(resource):
    """(bucket, key) of an S3 ARN (key "" for a bucket ARN), or None for anything else."""
    if not resource.startswith(S3_ARN):
        return None
    bucket, _, key = resource[len(S3_ARN) :].partition("/")
    return bucket, key


def call_problem(action, resource):
    """Why `action` on `resource` cannot be made as a real request, or "" when it can."""
    call = CALLS.get(action)
    if call is None:
        return f"no real call for {action}: the playground makes {', '.join(CALLS)}"
    target = s3_target(resource)
    if call.acts_on == "any":
        return (
            ""
            if resource == "*"
            else (f'{action} acts on no particular resource, so AWS checks it against "*": set the resource to *')
        )
    if target is None or not target[0]:
        return f"{action} needs an S3 ARN such as {call.resource}"
    bucket, key = target
    if call.acts_on == "bucket" and key:
        return f"{action} acts on the bucket: use the bucket ARN {S3_ARN}{bucket} (no /...)"
    if call.acts_on == "object" and not key:
        return f"{action} acts on an object: name one, e.g. {S3_ARN}{bucket}/test.txt"
    if call.acts_on == "object" and ("*" in key or "?" in key):
        return (
            f"a request names one object, never a pattern: use e.g. {S3_ARN}{bucket}/test.txt "
            "(policies use /*, requests do not)"
        )
    return ""


def _prepare(action, resource):
    """As the administrator: make sure the lab's bucket (and object, for GetObject) exist."""
    target = s3_target(resource)
    if target is None or target[0] not in KNOWN_BUCKETS:
        return
    bucket, key = target
    network.bucket(bucket)
    if action == "s3:GetObject":
        backend.client("s3").put_object(Bucket=bucket, Key=key, Body=BODY)


def _denied(error):
    """True when a ClientError is IAM's refusal: AccessDenied, or EC2's UnauthorizedOperation (XML for CloudWatch)."""
    code = error.response.get("Error", {}).get("Code", "")
    return code.startswith(("AccessDenied", "UnauthorizedOperation")) or "<Code>AccessDenied</Code>" in str(error)


def real_call(action, resource, instance_name=INSTANCE_NAME, session_policy=None):
    """Make the call for `action` on `resource` as the instance, IAM enforced; never raises.

    With `session_policy` (a policy document), the call is made by a session of the
    instance's role made with that session policy (helpers.instance.session.policy_session).
    """
    problem = call_problem(action, resource)
    if problem:
        return CallResult("not run", problem)
    target = s3_target(resource) or ("", "")
    command = CALLS[action].command.replace("BUCKET", target[0]).replace("KEY", target[1])
    try:
        _prepare(action, resource)
        session = connect(instance_name)
        if session_policy is not None:
            session = policy_session(session.role_name, session_policy)
    except (LoginError, ClientError) as error:
        return CallResult("not run", f"cannot act as the instance: {error}", command)
    try:
        with moto_gaps.enforced():
            CALLS[action].function(session, *target)
        return CallResult("allowed", "", command)
    except ClientError as error:
        if _denied(error):
            said = error.response.get("Error", {}).get("Code", "")
            return CallResult(
                "AccessDenied", "EC2 says UnauthorizedOperation" if said == "UnauthorizedOperation" else "", command
            )
        code = error.response.get("Error", {}).get("Code", "?")
        return CallResult("error", f"{code} (IAM let the call through; the service refused it)", command)
    finally:
        session.logout()
