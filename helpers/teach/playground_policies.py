"""The playground's policies, put in the account for real (chapter 09).

The checkboxes attach and detach the article's managed policies. Each text area becomes
one more policy in force once it is valid JSON and switched on: an inline policy of the
role (Playground-custom), the bucket policy of ut-wordpress-s3, or the role's permissions
boundary (the managed policy Playground-boundary). Broken JSON gets its line:col message
and changes nothing, so the learner's text is never lost and the account keeps its last
valid version. (The session policy box changes no stored policy: a session is made with it.)

    set_attached(name, on)            attach or detach one of the article's policies
    put(kind, text) / remove(kind)    put one of the text areas' policies in force, or take it out
    in_account(kind)                  that policy as the account holds it now (JSON text), or None
"""

import json

from botocore.exceptions import ClientError

from helpers.aws import backend
from helpers.course.article import BUCKET, ROLE
from helpers.course.chapters import chapter_of
from helpers.policy import lint
from helpers.policy.documents import as_document
from helpers.steps.iam import policy_arn

CUSTOM_POLICY = "Playground-custom"  # the inline policy the first text area becomes
BOUNDARY_POLICY = "Playground-boundary"  # the managed policy the boundary text area becomes
KINDS = {  # kind -> what the learner reads
    "custom": f"{CUSTOM_POLICY} (an inline policy of {ROLE})",
    "bucket": f"the bucket policy of {BUCKET}",
    "boundary": f"{BOUNDARY_POLICY} ({ROLE}'s permissions boundary)",
}
REBUILD = f"run `lab.start(chapter={chapter_of('Policy-Playground')})` to rebuild it"


def attached_names(role=ROLE):
    """The names of the managed policies attached to the role now."""
    attached = backend.client("iam").list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    return {p["PolicyName"] for p in attached}


def set_attached(name, on, role=ROLE):
    """Attach (on=True) or detach one managed policy; return what happened, never raise."""
    iam = backend.client("iam")
    try:
        if on:
            iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn(name))
            return f"Attached {name} to {role}."
        if name in attached_names(role):
            iam.detach_role_policy(RoleName=role, PolicyArn=policy_arn(name))
        return f"Detached {name} from {role}."
    except ClientError as error:
        return f"Not changed: {error.response['Error'].get('Message', error)}"


def _where(finding):
    """'line 3, col 5: message (hint)' for a lint finding."""
    hint = f" ({finding.hint})" if finding.hint else ""
    where = f"line {finding.line}, col {finding.col}: " if finding.line else ""
    return f"{finding.severity}: {where}{finding.message}{hint}"


# The linter reads every policy as identity-based; a bucket policy must have a Principal instead.
NOT_FOR = {"bucket": ("principal-in-identity",)}


def read_custom(text, kind="custom"):
    """(document or None, lint messages) for a policy typed in a text area (of `kind`); never raises."""
    findings = [f for f in lint.lint_text(text) if f.code not in NOT_FOR.get(kind, ())]
    messages = [_where(f) for f in findings]
    if any(f.code in ("json", "empty", "not-object") for f in findings):
        return None, messages
    return json.loads(text), messages


def put(kind, text, role=ROLE):
    """Put a text area's policy in force if it is valid JSON; return (done?, message), never raise."""
    document, messages = read_custom(text, kind)
    if document is None:
        return False, f"Not applied (your text is kept; {KINDS[kind]} stays as it was): " + "; ".join(messages)
    try:
        PUTS[kind](document, role)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchEntity", "NoSuchBucket"):
            return False, f"Not applied: the role or the bucket does not exist yet: {REBUILD}."
        return False, f"Not applied: AWS refused the policy ({error.response['Error'].get('Message')})."
    note = f" The linter notes: {'; '.join(messages)}" if messages else ""
    return True, f"Put {KINDS[kind]} in force.{note}"


def remove(kind, role=ROLE):
    """Take a text area's policy out of force, if it is in force; return a message, never raise."""
    if in_account(kind, role) is None:
        return f"{KINDS[kind]} is not in force."
    try:
        REMOVES[kind](role)
    except ClientError as error:
        return f"Not removed: {error.response['Error'].get('Message', error)}"
    return f"Removed {KINDS[kind]}."


def in_account(kind, role=ROLE):
    """A text area's policy as the account holds it now, as indented JSON text, or None (also without the role)."""
    try:
        document = READS[kind](role)
    except ClientError:
        return None
    return None if document is None else json.dumps(as_document(document), indent=2)


def _put_custom(document, role):
    """The role's inline policy Playground-custom."""
    backend.client("iam").put_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY, PolicyDocument=json.dumps(document))


def _remove_custom(role):
    """Delete Playground-custom from the role."""
    backend.client("iam").delete_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY)


def _read_custom(role):
    """Playground-custom's document, or None."""
    iam = backend.client("iam")
    if CUSTOM_POLICY not in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        return None
    return iam.get_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY)["PolicyDocument"]


def _put_bucket(document, role):
    """The bucket policy of the article's bucket."""
    backend.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(document))


def _remove_bucket(role):
    """Delete the bucket policy."""
    backend.client("s3").delete_bucket_policy(Bucket=BUCKET)


def _read_bucket(role):
    """The bucket policy's text, or None."""
    try:
        return backend.client("s3").get_bucket_policy(Bucket=BUCKET)["Policy"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchBucketPolicy":
            raise
        return None


def _put_boundary(document, role):
    """Playground-boundary (created, or given a new default version) as the role's permissions boundary."""
    iam, arn = backend.client("iam"), policy_arn(BOUNDARY_POLICY)
    try:
        iam.create_policy(PolicyName=BOUNDARY_POLICY, PolicyDocument=json.dumps(document))
    except ClientError as error:
        if error.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
        for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document), SetAsDefault=True)
    iam.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=arn)


def _remove_boundary(role):
    """Take the permissions boundary off the role."""
    backend.client("iam").delete_role_permissions_boundary(RoleName=role)


def _read_boundary(role):
    """Playground-boundary's default document while it is the role's boundary, or None."""
    iam = backend.client("iam")
    boundary = iam.get_role(RoleName=role)["Role"].get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    if boundary != policy_arn(BOUNDARY_POLICY):
        return None
    version = iam.get_policy(PolicyArn=boundary)["Policy"]["DefaultVersionId"]
    return iam.get_policy_version(PolicyArn=boundary, VersionId=version)["PolicyVersion"]["Document"]


PUTS = {"custom": _put_custom, "bucket": _put_bucket, "boundary": _put_boundary}
REMOVES = {"custom": _remove_custom, "bucket": _remove_bucket, "boundary": _remove_boundary}
READS = {"custom": _read_custom, "bucket": _read_bucket, "boundary": _read_boundary}


def put_custom(text, role=ROLE):
    """Put the text as the role's inline policy Playground-custom if it is valid JSON; return (done?, message)."""
    return put("custom", text, role)


def remove_custom(role=ROLE):
    """Delete the playground's inline policy from the role, if it is there; return a message."""
    return remove("custom", role)
