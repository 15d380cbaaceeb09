"""Where moto (the lab's emulated AWS) differs from AWS, and the lab's workarounds (chapter 05).

Each difference below has a test in tests/test_moto_gaps.py that checks moto
still behaves this way; when such a test fails, moto has changed and the
workaround (or the notebook's sentence about it) can go.

1. The instance's credentials. On AWS, EC2 assumes the instance profile's role
   for the instance (session name = instance id) and hands the keys over
   through the instance metadata. In moto, `sts.assume_role` on a role whose
   trust policy names a Service principal crashes (TypeError) while IAM checks
   are on, and with checks off it reads no trust policy at all. Workaround:
   `instance_credentials()` asks STS with checks paused -- the role of EC2 --
   and helpers.instance.credentials checks the trust policy itself before asking.

2. CloudWatch action names. moto names the action it authorises after the
   request's signing name, `monitoring`, so a policy allowing
   `cloudwatch:PutMetricData` (the article's) never matches. Workaround:
   `cloudwatch_action_names()` maps `monitoring:` back to `cloudwatch:` while
   active; `enforced()` turns IAM checks on with that mapping in place.

3. Deleting a policy still in use. moto's `delete-policy` deletes a managed
   policy that is still attached, leaving the role pointing at nothing (detach
   then says NoSuchEntity, delete-role says DeleteConflict for good), and one
   that still has non-default versions. AWS refuses both with DeleteConflict
   ("Cannot delete a policy attached to entities." / "This policy has more than
   one version. ...") -- the lesson of chapter 06. Workaround:
   `refuse_deleting_attached_policies()` (installed when the lab starts moto)
   makes moto refuse the same way.

Differences with no workaround, which the notebooks mention where they show:

4. moto answers a denied CloudWatch call with an XML error body, which the CLI
   (speaking CloudWatch's CBOR protocol) cannot read: it prints
   "An error occurred (403) ... <Code>AccessDenied</Code> ..." instead of
   "An error occurred (AccessDenied)".
5. `create-role` stores any trust policy without checking it. AWS refuses one
   whose action is not sts:AssumeRole* ("Trust Policy statement actions can
   only be sts:AssumeRole, ...") or whose service principal does not exist
   ("Invalid principal in policy"), both with MalformedPolicyDocument; moto
   creates the role (exercise 2.1's broken trust policy included). The
   linter points at both mistakes; exercise 2.1's checker quotes AWS's refusal.
"""

import contextlib

# moto's signing-name prefix -> the IAM action prefix AWS uses in policies.
ACTION_PREFIXES = {"monitoring": "cloudwatch"}

ATTACHED_POLICY_MESSAGE = "Cannot delete a policy attached to entities."  # AWS's own words
VERSIONS_MESSAGE = (
    "This policy has more than one version. Before you delete a policy, you must delete the "
    "policy's versions. The default version is deleted with the policy."
)  # AWS's own words

_installed = False
_saved_delete_policy = None


@contextlib.contextmanager
def paused_checks():
    """Run the block with moto's IAM checks off (as AWS's own services act for you)."""
    from moto.core import disable_iam_authentication

    with disable_iam_authentication():
        yield


def instance_credentials(sts, role_arn, instance_id):
    """Temporary keys for the role, as EC2 obtains them for an instance (difference 1).

    The caller must have checked the role's trust policy: moto does not, with checks paused.
    """
    with paused_checks():
        return sts.assume_role(RoleArn=role_arn, RoleSessionName=instance_id)["Credentials"]


def _iam_action(action):
    """`monitoring:PutMetricData` -> `cloudwatch:PutMetricData`; other actions unchanged."""
    prefix, _, name = action.partition(":")
    return f"{ACTION_PREFIXES[prefix]}:{name}" if prefix in ACTION_PREFIXES else action


@contextlib.contextmanager
def cloudwatch_action_names():
    """While active, moto authorises CloudWatch calls as `cloudwatch:*` actions (difference 2)."""
    global _installed
    from moto.iam.access_control import IAMRequestBase

    if _installed:  # already active further up the stack
        yield
        return
    original = IAMRequestBase.__init__

    def __init__(self, *args, **kwargs):
        """moto's request set-up, then the action named as IAM names it."""
        original(self, *args, **kwargs)
        self._action = _iam_action(self._action)

    IAMRequestBase.__init__ = __init__
    _installed = True
    try:
        yield
    finally:
        IAMRequestBase.__init__ = original
        _installed = False


@contextlib.contextmanager
def enforced():
    """Run the block with moto's IAM checks on, CloudWatch actions named as on AWS."""
    from moto.core import enable_iam_authentication

    with enable_iam_authentication(), cloudwatch_action_names():
        yield


def refuse_deleting_attached_policies():
    """Make moto's DeletePolicy refuse a policy still attached or with old versions, as AWS does (workaround 3)."""
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
