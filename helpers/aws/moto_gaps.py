"""Where moto (the lab's emulated AWS) differs from AWS, and the lab's workarounds (chapter 05).

Each difference below has a test in tests/test_moto_gaps.py that checks moto
still behaves this way; when such a test fails, moto has changed and the
workaround (or the notebook's sentence about it) can go.

1. The instance's credentials. On AWS, EC2 assumes the instance profile's role
   for the instance (session name = instance id) and hands the keys over
   through the instance metadata. In moto, `sts.assume_role` on a role whose
   trust policy names a Service principal crashes (TypeError) under moto's own
   checks, and with checks off it reads no trust policy at all. Workaround:
   `instance_credentials()` asks STS with checks paused -- the role of EC2 --
   and helpers.instance.credentials has the lab's evaluator decide the trust first.

2. Who decides. moto's own check (IAMRequestBase.check_action_permitted) looks only
   at the caller's identity policies, and partly: it ignores Condition, treats
   NotResource as matching everything, and never consults a bucket policy, a
   permissions boundary, a session policy or an organization's SCPs. Workaround:
   `let_the_lab_decide()` (installed when the lab starts moto) replaces that one
   method: helpers.aws.request_context gathers the request and every policy in force,
   helpers.policy.evaluate decides as AWS's documented evaluation logic does, and a
   denial is raised with AWS's own message (helpers.aws.denials). moto still checks
   the signature and finds the caller's access key. moto never checks iam:PassRole;
   the lab checks it for a RunInstances that hands the instance a role, as AWS does.
   The workaround reads moto's
   request and account objects, which the tests pin. moto also checks a bucket
   policy's Deny statements before any object request, whoever asks (it ignores
   Principal) and answers a bare 403; the lab decides bucket policies itself, so
   that check is switched off while the lab decides.

3. CloudWatch action names. moto names the action after the request's signing name,
   `monitoring`, so the article's `cloudwatch:PutMetricData` would never match.
   Workaround: `lab_decides` maps `monitoring:` back to `cloudwatch:`.
   S3's Block Public Access requests (chapter 07): moto's table of S3 actions looks
   for the query word `public_access_block` where S3 sends `publicAccessBlock`, so it
   authorises GetPublicAccessBlock as s3:ListBucket (and Put/Delete as CreateBucket /
   DeleteBucket). AWS needs s3:GetBucketPublicAccessBlock for the first and
   s3:PutBucketPublicAccessBlock for the other two. Workaround: `lab_decides` names
   them so (`s3_action`).

4. CloudWatch denials. moto answers a denied CloudWatch call (which speaks JSON)
   with an XML body the CLI cannot read: "An error occurred (403) ... <Code>...".
   Workaround: the lab's denials answer JSON services in JSON, as AWS does.

5. Deleting a policy still in use. moto's `delete-policy` deletes a managed
   policy that is still attached, leaving the role pointing at nothing, and one
   that still has non-default versions. AWS refuses both with DeleteConflict
   ("Cannot delete a policy attached to entities." / "This policy has more than
   one version. ..."). Workaround: `refuse_deleting_attached_policies()`
   (installed when the lab starts moto) makes moto refuse the same way.

A difference with no workaround, which the notebooks mention where it shows:

6. `create-role` stores any trust policy without checking it. AWS refuses one
   whose action is not an STS action it allows there ("AssumeRole policy may
   only specify STS AssumeRole actions.") or whose service principal does not exist
   ("Invalid principal in policy"), both with MalformedPolicyDocument; moto
   creates the role (exercise 2.1's broken trust policy included). The
   linter points at both mistakes; exercise 2.1's checker quotes AWS's refusal.
"""

import contextlib
from urllib.parse import parse_qs, urlparse

# moto's signing-name prefix -> the IAM action prefix AWS uses in policies.
ACTION_PREFIXES = {"monitoring": "cloudwatch"}
# The action AWS checks for a bucket's Block Public Access request, by HTTP method (difference 3).
PUBLIC_ACCESS_BLOCK = {
    "GET": "s3:GetBucketPublicAccessBlock",
    "PUT": "s3:PutBucketPublicAccessBlock",
    "DELETE": "s3:PutBucketPublicAccessBlock",
}

ATTACHED_POLICY_MESSAGE = "Cannot delete a policy attached to entities."  # AWS's own words
VERSIONS_MESSAGE = (
    "This policy has more than one version. Before you delete a policy, you must delete the "
    "policy's versions. The default version is deleted with the policy."
)  # AWS's own words

_saved_delete_policy = None
_saved_check = None


@contextlib.contextmanager
def paused_checks():
    """Run the block with IAM checks off (as AWS's own services act for you)."""
    from moto.core import disable_iam_authentication

    with disable_iam_authentication():
        yield


@contextlib.contextmanager
def enforced():
    """Run the block with IAM checks on: every request is decided (by the lab's evaluator once installed)."""
    from moto.core import enable_iam_authentication

    with enable_iam_authentication():
        yield


def instance_credentials(sts, role_arn, instance_id):
    """Temporary keys for the role, as EC2 obtains them for an instance (difference 1).

    The caller must have decided the role's trust policy: moto does not, with checks paused.
    """
    with paused_checks():
        return sts.assume_role(RoleArn=role_arn, RoleSessionName=instance_id)["Credentials"]


def iam_action(action):
    """`monitoring:PutMetricData` -> `cloudwatch:PutMetricData`; other actions unchanged (difference 3)."""
    prefix, _, name = action.partition(":")
    return f"{ACTION_PREFIXES[prefix]}:{name}" if prefix in ACTION_PREFIXES else action


def s3_action(iam_request, action):
    """The action AWS checks for an S3 Block Public Access request, which moto misnames (difference 3)."""
    query = parse_qs(urlparse(iam_request._path or "").query, keep_blank_values=True)
    if iam_request._service != "s3" or "publicAccessBlock" not in query:
        return action
    return PUBLIC_ACCESS_BLOCK.get(iam_request._method, action)


def lab_decides(iam_request, resource):
    """moto's check_action_permitted, decided by the lab's evaluator (workaround 2)."""
    from helpers.aws import decisions, denials, request_context
    from helpers.policy.evaluate import decide
    from helpers.policy.request import Request

    action = s3_action(iam_request, iam_action(iam_request._action))
    resource = "*" if resource == "arn:aws:s3:::*" else resource  # moto's name for "no bucket" (ListAllMyBuckets)
    for request in request_context.build(iam_request, resource, action):
        decision = decide(Request.from_dict(request))
        decisions.record(decision, request)
        if decision.decision != "allowed":
            raise denials.error(decision, iam_request)


def no_bucket_verdict(bucket, action, resource):
    """moto's bucket-policy pre-check, neutral: the lab's evaluator weighs bucket policies (workaround 2)."""
    from moto.iam.access_control import PermissionResult

    return PermissionResult.NEUTRAL


def let_the_lab_decide():
    """Make the lab's evaluator decide every request moto checks (workaround 2; idempotent)."""
    global _saved_check
    from moto.iam.access_control import IAMRequestBase
    from moto.s3.models import FakeBucket

    if _saved_check is None:
        _saved_check = (IAMRequestBase.check_action_permitted, FakeBucket.get_permission)
        IAMRequestBase.check_action_permitted = lab_decides
        FakeBucket.get_permission = no_bucket_verdict


@contextlib.contextmanager
def moto_decides():
    """Run the block with moto's own check in place of the lab's (what the moto-gap tests measure)."""
    from moto.iam.access_control import IAMRequestBase
    from moto.s3.models import FakeBucket

    current = (IAMRequestBase.check_action_permitted, FakeBucket.get_permission)
    if _saved_check is not None:
        IAMRequestBase.check_action_permitted, FakeBucket.get_permission = _saved_check
    try:
        yield
    finally:
        IAMRequestBase.check_action_permitted, FakeBucket.get_permission = current


def refuse_deleting_attached_policies():
    """Make moto's DeletePolicy refuse a policy still attached or with old versions, as AWS does (workaround 5)."""
    global _saved_delete_policy
    from moto.iam.exceptions import DeleteConflictException
    from moto.iam.models import IAMBackend

    if _saved_delete_policy is not None:
        return
    _saved_delete_policy = original = IAMBackend.delete_policy

    def delete_policy(self, policy_arn):
        """AWS's DeleteConflict for an attached policy or one with old versions, else moto's own delete."""
        policy = self.get_policy(policy_arn)
        if policy.attachment_count > 0:
            raise DeleteConflictException(ATTACHED_POLICY_MESSAGE)
        if len(policy.versions) > 1:
            raise DeleteConflictException(VERSIONS_MESSAGE)
        original(self, policy_arn)

    IAMBackend.delete_policy = delete_policy


def allow_deleting_attached_policies():
    """Give moto its own DeletePolicy back (the reversal the tests use)."""
    global _saved_delete_policy
    from moto.iam.models import IAMBackend

    if _saved_delete_policy is not None:
        IAMBackend.delete_policy = _saved_delete_policy
        _saved_delete_policy = None
