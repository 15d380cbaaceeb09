"""The lab's resources as pandas tables, read from the backend each time (chapters 01-05).

Every function asks the backend afresh, so a table always shows what exists now,
never what we assume was created. Columns avoid values that change on every run
(dates, request ids) so stored outputs stay comparable.
"""
import json
from urllib.parse import unquote

import pandas as pd

from helpers import iam_steps, lab
from helpers.explain import as_list

_as_list = as_list  # the old name, still used by helpers.exercises


def _tags(tags):
    """Tags as one short 'Key=Value' string."""
    return ", ".join(f"{t['Key']}={t['Value']}" for t in tags or [])


def as_document(doc):
    """A policy document as a dict (boto3 may return text or a dict); text that is not JSON stays text."""
    if not isinstance(doc, str):
        return doc
    try:
        return json.loads(unquote(doc))
    except json.JSONDecodeError:
        return doc  # e.g. a path sent without file://, which moto stores as the document itself


def not_json(document):
    """A note for a document stored as plain text instead of JSON, or None."""
    if isinstance(document, str):
        return f"(not JSON: the stored text is {document!r}; send the file with file://)"
    return None


def statements_of(document):
    """The statements of a policy document as a list ([] for a document that is not a JSON object)."""
    return as_list(document.get("Statement", [])) if isinstance(document, dict) else []


def policies():
    """The account's own managed policies: name, ARN, default version, attachments, tags."""
    iam = lab.client("iam")
    rows = []
    for p in iam.list_policies(Scope="Local")["Policies"]:
        tags = iam.list_policy_tags(PolicyArn=p["Arn"])["Tags"]
        rows.append({"PolicyName": p["PolicyName"], "Arn": p["Arn"],
                     "DefaultVersionId": p["DefaultVersionId"],
                     "AttachmentCount": p["AttachmentCount"], "Tags": _tags(tags)})
    return pd.DataFrame(rows, columns=["PolicyName", "Arn", "DefaultVersionId", "AttachmentCount", "Tags"])


def policy_document(policy_name):
    """The default version's document of one of the account's managed policies."""
    iam = lab.client("iam")
    arn = iam_steps.policy_arn(policy_name)
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return as_document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])


def statement_rows(document, policy_name=""):
    """One row per effect x action x resource of a policy document."""
    rows = []
    for number, st in enumerate(statements_of(document), 1):
        action_key = "Action" if "Action" in st else "NotAction"
        resource_key = "Resource" if "Resource" in st else "NotResource"
        for action in as_list(st.get(action_key, [])):
            for resource in as_list(st.get(resource_key, "-")):
                rows.append({"Policy": policy_name, "Statement": st.get("Sid", number),
                             "Effect": st.get("Effect"),
                             action_key: action, resource_key: resource})
    return rows


def statements(policy_name):
    """The statements of one managed policy, as the backend stores it."""
    return pd.DataFrame(statement_rows(policy_document(policy_name), policy_name))


def roles():
    """The account's roles: name, ARN, who may assume them (trust policy), tags."""
    iam = lab.client("iam")
    rows = []
    for r in iam.list_roles()["Roles"]:
        trust = as_document(r["AssumeRolePolicyDocument"])
        tags = iam.list_role_tags(RoleName=r["RoleName"])["Tags"]
        actions = [a for st in statements_of(trust) for a in as_list(st.get("Action", []))]
        rows.append({"RoleName": r["RoleName"], "Arn": r["Arn"], "RoleId": r["RoleId"],
                     "TrustedPrincipals": ", ".join(trusted_principals(trust)),
                     "TrustedActions": ", ".join(actions),
                     "Tags": _tags(tags)})
    return pd.DataFrame(rows, columns=["RoleName", "Arn", "RoleId", "TrustedPrincipals", "TrustedActions", "Tags"])


def trusted_principals(trust_document):
    """The principals a trust policy allows, as 'Service: ec2.amazonaws.com' strings (or a note if it is not JSON)."""
    if not_json(trust_document):
        return [not_json(trust_document)]
    found = []
    for st in statements_of(trust_document):
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal", {})
        if principal == "*":
            found.append("anyone (*)")
            continue
        for kind, values in principal.items():
            found += [f"{kind}: {v}" for v in as_list(values)]
    return found


def attached_policies(role_name):
    """The managed policies attached to a role."""
    iam = lab.client("iam")
    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    return pd.DataFrame(attached, columns=["PolicyName", "PolicyArn"])


def role_permissions(role_name):
    """What a role may do: one row per effect x action x resource of its attached and inline policies."""
    from helpers import role_policies  # it imports this module

    rows = []
    for name, document in role_policies.documents(role_name).items():
        rows += statement_rows(document, name)
    return pd.DataFrame(rows, columns=["Policy", "Statement", "Effect", "Action", "Resource"])


def instance_profiles():
    """The account's instance profiles and the role each one holds."""
    iam = lab.client("iam")
    rows = []
    for p in iam.list_instance_profiles()["InstanceProfiles"]:
        roles_in = [r["RoleName"] for r in p["Roles"]]
        rows.append({"InstanceProfileName": p["InstanceProfileName"], "Arn": p["Arn"],
                     "InstanceProfileId": p["InstanceProfileId"],
                     "Roles": ", ".join(roles_in) or "(none)"})
    return pd.DataFrame(rows, columns=["InstanceProfileName", "Arn", "InstanceProfileId", "Roles"])
