"""What AWS knows about a real request, gathered for the lab's evaluator (chapters 05 and 08).

When the instance (or a user or role a chapter creates) calls AWS, the lab builds the
request AWS's policy evaluation sees, in the evaluator's format (helpers.policy.request):
who asked, for what, and every policy in force -- the principal's identity-based policies
(for a role session, the role's), the resource's own policy (an S3 bucket policy; a
role's trust policy for sts:AssumeRole), the principal's permissions boundary, the
session policy its credentials were made with, the SCPs and RCPs of the simulated
organization (helpers.aws.organization), and the policy of an S3 gateway endpoint the
request passes. The condition keys come from helpers.aws.context_keys.
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
"""

import json
from dataclasses import dataclass, field
from urllib.parse import unquote

from helpers.aws import context_keys, organization


@dataclass(frozen=True)
class Facts:
    """What a request says besides who signed it: account, region, service, parameters, headers, body."""

    account_id: str
    region: str
    service: str
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    body: bytes = b""


def build(iam_request, resource, action):
    """The evaluator's requests for one of moto's requests (an IAMRequestBase) on `resource`.

    Usually one; a call that hands a role to a service (ec2:RunInstances with an instance
    profile) also needs iam:PassRole on that role, which AWS checks as a second request
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
    """
    facts = Facts(iam_request.account_id, iam_request._region, iam_request._service,
                  iam_request._data or {}, iam_request._headers or {}, iam_request._body or b"")  # fmt: skip
    who = Principal.of_request(iam_request)
    requests = [assemble(facts, who, resource, action)]
    passed = passed_role(facts, who.iam, action)
    if passed is not None:
        pass_role = assemble(facts, who, passed, "iam:PassRole")
        pass_role["context"]["iam:PassedToService"] = "ec2.amazonaws.com"
        requests.append(pass_role)
    return requests


def passed_role(facts, iam, action):
    """The ARN of the role a RunInstances request hands to EC2 (through its instance profile), or None."""
    if action.lower() != "ec2:runinstances":
        return None
    name = context_keys.first(facts.data.get("IamInstanceProfile.Name"))
    arn = context_keys.first(facts.data.get("IamInstanceProfile.Arn"))
    profile = next((p for p in iam.instance_profiles.values() if name == p.name or arn == p.arn), None)
    return profile.roles[0].arn if profile is not None and profile.roles else None


def for_role_session(account_id, region, role_name, session_name, *, action, resource):
    """The request a session of role `role_name` named `session_name` would make (no parameters)."""
    facts = Facts(account_id, region, action.split(":")[0])
    return assemble(facts, Principal.of_session(account_id, role_name, session_name), resource, action)


def assemble(facts, who, resource, action):
    """The evaluator's request: who asks, for what, every policy in force and the request context."""
    instance = context_keys.instance_of(facts, who)
    endpoint = context_keys.s3_endpoint(instance, resource)
    identity, boundary = who.identity_policies(), who.boundary()
    own, own_name = resource_policy(facts, who.iam, resource, action)
    request = {
        "action": action,
        "resource": resource,
        "resource_account": facts.account_id,
        "principal": who.arn,
        "context": context_keys.for_request(facts, who, (instance, endpoint), resource, action),
        "identity_policies": list(identity.values()),
        "permission_boundaries": list(boundary.values()),
    }
    optional = {
        "resource_policy": own,
        "session_policy": who.session_policy(),
        "scps": organization.levels("scps"),
        "rcps": organization.levels("rcps"),
        "endpoint_policies": [document(endpoint.policy_document) or {}] if endpoint else None,
    }
    request.update({key: value for key, value in optional.items() if value is not None})
    request["policy_names"] = {
        "identity_policies": list(identity),
        "permission_boundaries": [f"permissions boundary {name}" for name in boundary],
        "resource_policy": own_name,
        "scps": organization.names("scps"),
        "rcps": organization.names("rcps"),
        "endpoint_policies": [f"the policy of VPC endpoint {endpoint.id}"] if endpoint else [],
    }
    return request


def document(text):
    """A stored policy document as a dict, or None for text that is no policy (moto stores anything)."""
    if isinstance(text, dict):
        parsed = text
    else:
        try:
            parsed = json.loads(unquote(text) if isinstance(text, str) and text.startswith("%") else text)
        except (TypeError, ValueError):
            return None
    return parsed if isinstance(parsed, dict) and isinstance(parsed.get("Statement"), (list, dict)) else None


def managed_document(policy):
    """The default version's document of one of moto's managed policies, or None."""
    version = next((v for v in policy.versions if v.is_default), None)
    return document(version.document) if version else None


class Principal:
    """Who signs a request, as moto knows them: an IAM user, or a session of a role."""

    def __init__(self, iam, arn, entity, session_name=None, session=None):
        """The principal `arn`: its user or role (`entity`), and for a role session its name and moto record."""
        self.iam, self.arn, self.entity = iam, arn, entity
        self.session_name, self.session = session_name, session

    @classmethod
    def of_request(cls, iam_request):
        """The user or role session behind a real request's access key."""
        iam, key = iam_request.backend, iam_request._access_key
        if hasattr(key, "_owner_role_name"):
            session = find_session(iam_request.account_id, key._access_key_id)
            return cls(iam, key.arn, iam.get_role(key._owner_role_name), key._session_name, session)
        return cls(iam, key.arn, iam.get_user(key._owner_user_name))

    @classmethod
    def of_session(cls, account_id, role_name, session_name):
        """A session of role `role_name` named `session_name` (the newest such session, if one was made)."""
        from moto.iam.models import iam_backends
        from moto.sts.models import sts_backends

        iam = iam_backends[account_id]["aws"]
        role = iam.get_role(role_name)
        sessions = [s for s in sts_backends[account_id]["aws"].assumed_roles
                    if s.role_arn == role.arn and s.session_name == session_name]  # fmt: skip
        arn = f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"
        return cls(iam, arn, role, session_name, sessions[-1] if sessions else None)

    @property
    def is_session(self):
        """True for a role session (credentials from sts:AssumeRole or from EC2)."""
        return self.session_name is not None

    def identity_policies(self):
        """{name: document} of every identity-based policy in force: inline and managed, the user's groups' too."""
        holders = [self.entity]
        if not self.is_session:
            holders += self.iam.get_groups_for_user(self.entity.name)
        found = {}
        for holder in holders:
            found.update({f"{name} (inline)": document(text) for name, text in holder.policies.items()})
            found.update({policy.name: managed_document(policy) for policy in holder.managed_policies.values()})
        return {name: doc for name, doc in found.items() if doc is not None}

    def boundary(self):
        """{name: document} of the permissions boundary ({} when none is set or it is not found)."""
        arn = getattr(self.entity, "permissions_boundary_arn", None)
        if not arn:
            return {}
        try:
            policy = self.iam.get_policy(arn)
        except Exception:  # a boundary naming a policy the emulator lacks (an AWS managed one)
            return {}
        found = managed_document(policy)
        return {policy.name: found} if found else {}

    def session_policy(self):
        """The session policy the credentials were made with, or None."""
        if self.session is None or not self.session.policy:
            return None
        return document(self.session.policy)

    def tags(self):
        """The principal's tags as {key: value}."""
        return context_keys.tag_dict(self.entity.tags)


def find_session(account_id, access_key_id):
    """moto's AssumedRole for temporary credentials, or None."""
    from moto.sts.models import sts_backends

    sessions = sts_backends[account_id]["aws"].assumed_roles
    return next((s for s in sessions if s.access_key_id == access_key_id), None)


def resource_policy(facts, iam, resource, action):
    """(document, name) of the resource's own policy: a bucket's, or a role's trust policy; (None, None) if none."""
    if resource.startswith("arn:aws:s3:::"):
        return bucket_policy(facts.account_id, resource)
    if action.lower().startswith("sts:assumerole") and ":role/" in resource:
        role = next((r for r in iam.roles.values() if r.arn == resource), None)
        if role is not None:
            return document(role.assume_role_policy_document), f"the trust policy of role {role.name}"
    return None, None


def bucket_policy(account_id, resource):
    """(document, name) of the bucket policy of the bucket an S3 ARN names, or (None, None)."""
    from moto.s3.models import s3_backends

    name = resource[len("arn:aws:s3:::") :].split("/", 1)[0]
    bucket = s3_backends[account_id]["aws"].buckets.get(name)
    if bucket is None or not bucket.policy:
        return None, None
    return document(bucket.policy.decode()), f"the bucket policy of {name}"
