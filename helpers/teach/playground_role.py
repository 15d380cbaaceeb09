"""The playground's changes to the role, made for real (chapter 07).

The checkboxes attach and detach the article's managed policies; the text area
becomes the role's inline policy Playground-custom once it is valid JSON (broken
JSON: its line:col message, and no change, so the learner's text is never lost).

    set_attached(name, on)                really attach or detach one of the article's policies
    read_custom(text) / put_custom(text)  lint a policy typed by the learner, then put it on
                                          the role as an inline policy
    custom_on_role()                      that inline policy as it is on the role now, or None
"""

import json

from botocore.exceptions import ClientError

from helpers.aws import backend
from helpers.course.article import ROLE
from helpers.policy import lint
from helpers.policy.documents import as_document
from helpers.steps import role_policies
from helpers.steps.iam import policy_arn

CUSTOM_POLICY = "Playground-custom"  # the inline policy the text area becomes


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


def read_custom(text):
    """(document or None, lint messages) for a policy typed in the text area; never raises."""
    findings = lint.lint_text(text)
    messages = [_where(f) for f in findings]
    if any(f.code in ("json", "empty", "not-object") for f in findings):
        return None, messages
    return json.loads(text), messages


def put_custom(text, role=ROLE):
    """Put the text as the role's inline policy if it is valid JSON; return (done?, message)."""
    document, messages = read_custom(text)
    if document is None:
        return False, "Not applied (your text is kept): " + "; ".join(messages)
    try:
        backend.client("iam").put_role_policy(
            RoleName=role, PolicyName=CUSTOM_POLICY, PolicyDocument=json.dumps(document)
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchEntity":
            return False, f"Not applied: the role {role} does not exist yet: run `lab.start(chapter=7)` to rebuild it."
        return False, f"Not applied: AWS refused the policy ({error.response['Error'].get('Message')})."
    note = f" The linter notes: {'; '.join(messages)}" if messages else ""
    return True, f"Put {CUSTOM_POLICY} on {role} as an inline policy.{note}"


def remove_custom(role=ROLE):
    """Delete the playground's inline policy from the role, if it is there; return a message."""
    iam = backend.client("iam")
    try:
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        return f"The role {role} does not exist yet: run `lab.start(chapter=7)` to rebuild it."
    if CUSTOM_POLICY in names:
        iam.delete_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY)
        return f"Removed the inline policy {CUSTOM_POLICY} from {role}."
    return f"{role} has no inline policy {CUSTOM_POLICY}."


def custom_on_role(role=ROLE):
    """The role's Playground-custom inline policy as indented JSON text, or None when it has none."""
    iam = backend.client("iam")
    if CUSTOM_POLICY not in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        return None
    document = iam.get_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY)["PolicyDocument"]
    return json.dumps(as_document(document), indent=2)


def policy_set(managed_names, custom_document=None):
    """{name: document} from chosen managed policies plus an optional custom document."""
    iam = backend.client("iam")
    chosen = {name: role_policies.managed_document(iam, policy_arn(name)) for name in managed_names}
    if custom_document is not None:
        chosen[f"{CUSTOM_POLICY} (inline)"] = custom_document
    return chosen
