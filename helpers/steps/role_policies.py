"""The permission policies a role has right now, read from the backend (chapters 03, 05, 07).

`documents(role)` returns every policy in force for the role -- attached managed
policies (their default version) and inline policies -- as {name: document},
ready for `helpers.policy.explain.explain(action, resource, policies=...)`;
`managed_document(iam, arn)` reads one managed policy's default version.
"""

from helpers.aws import backend
from helpers.course.article import ROLE
from helpers.policy.documents import as_document


def managed_document(iam, arn):
    """The default version's document of one managed policy, as a dict."""
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return as_document(document)


def documents(role=ROLE):
    """{policy name: document} for every policy attached to or embedded in the role."""
    iam = backend.client("iam")
    found = {}
    for policy in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        found[policy["PolicyName"]] = managed_document(iam, policy["PolicyArn"])
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        found[f"{name} (inline)"] = as_document(document)
    return found
