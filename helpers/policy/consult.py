"""Run every policy type that applies to a request, statement by statement (chapter 08 (How AWS really decides)).

Which types apply (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
- identity-based policies: IAM users, roles and sessions (not anonymous callers, not services);
- SCPs "apply to principals of the account where the SCPs are attached": not to
  anonymous callers nor AWS service principals
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html);
- RCPs "apply to resources of the account where the RCPs are attached", whoever
  asks (an anonymous caller and an AWS service too), but only for the services that
  support RCPs (RCP_SERVICES; not EC2, IAM or CloudWatch metrics); AWS exempts calls by
  service-linked roles, which the lab's requests never are
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html,
  "List of AWS services that support RCPs" and "Resources and entities not restricted by RCPs");
- a permissions boundary when one is attached (an empty list: none);
- the session policy when the session was made with one;
- the resource's policy, and the VPC endpoint's policy when the request passed one.
"""

from dataclasses import dataclass

from helpers.policy.decision import PolicyResult
from helpers.policy.statements import evaluate_statement

IDENTITY, BOUNDARY, SESSION = "identity policy", "permissions boundary", "session policy"
SCP, RCP, RESOURCE, ENDPOINT = "SCP", "RCP", "resource policy", "VPC endpoint policy"
_NO_IDENTITY = ("anonymous", "service")
# Services the RCP page lists as supporting RCPs: the five it named when RCPs came out,
# and some it added since. A subset: the page now lists about 60, so check it before
# deciding a request to a service not here.
RCP_SERVICES = frozenset({"s3", "sts", "kms", "sqs", "secretsmanager", "dynamodb", "logs", "ecr"})


@dataclass
class Consulted:
    """The results of every policy that applies, by type (None: that type does not apply)."""

    identity: list | None
    boundary: list | None
    session: PolicyResult | None
    scps: list | None  # one list of PolicyResults per organization level
    rcps: list | None
    resource: PolicyResult | None
    endpoint: list | None

    def all_results(self):
        """Every PolicyResult, in the order of the evaluation path."""
        groups = [
            *(self.rcps or []),
            *(self.scps or []),
            self.endpoint or [],
            [self.resource] if self.resource else [],
            self.identity or [],
            self.boundary or [],
            [self.session] if self.session else [],
        ]
        return [result for group in groups for result in group]


def policy_result(policy, request, policy_type, label, boundary=False):
    """The `PolicyResult` of one policy: each statement's result and the policy's outcome."""
    statements = [
        evaluate_statement(s, request, policy, policy_type, label, boundary=boundary) for s in policy.statements
    ]
    if any(s.applies and s.effect == "Deny" for s in statements):
        outcome = "denies"
    elif any(s.applies and s.effect == "Allow" for s in statements):
        outcome = "allows"
    else:
        outcome = "no statement applies"
    return PolicyResult(policy_type, label, statements, outcome)


def _label(names, index, default):
    """The label the request gives policy `index` (from policy_names), or `default`."""
    return names[index] if isinstance(names, list) and index < len(names) and names[index] else default


def _each(policies, request, policy_type, name, *, boundary=False, names=None):
    """The results of a list of policies of one type, labelled by policy_names or "NAME 1", "NAME 2"..."""
    return [
        policy_result(p, request, policy_type, _label(names, i, f"{name} {i + 1}"), boundary)
        for i, p in enumerate(policies)
    ]


def _levels(levels, request, policy_type, key):
    """The results of SCPs or RCPs, one list per organization level."""
    names = request.names.get(key) or []
    return [
        _each(level, request, policy_type, f"{policy_type} level {n + 1}, policy", names=_label(names, n, None))
        for n, level in enumerate(levels)
    ]


def _one(policy, request, policy_type, key, boundary=False):
    """The result of a single policy that may be absent (None), labelled by policy_names or its type."""
    label = request.names.get(key) if isinstance(request.names.get(key), str) else policy_type
    return None if policy is None else policy_result(policy, request, policy_type, label, boundary)


def rcps_apply(request):
    """True when the request's RCPs count: an organization has them and the service supports them."""
    service = request.action.split(":")[0].lower()
    return request.rcps is not None and service in RCP_SERVICES


def consult(request):
    """Run every applicable policy of the request; return a `Consulted`."""
    kind, names = request.caller.kind, request.names
    has_boundary = bool(request.permission_boundaries)
    has_identity = kind not in _NO_IDENTITY
    return Consulted(
        identity=_each(request.identity_policies, request, IDENTITY, IDENTITY, names=names.get("identity_policies"))
        if has_identity
        else None,
        boundary=_each(
            request.permission_boundaries, request, BOUNDARY, BOUNDARY, names=names.get("permission_boundaries")
        )
        if has_boundary
        else None,
        session=_one(request.session_policy, request, SESSION, "session_policy"),
        scps=_levels(request.scps, request, SCP, "scps") if request.scps is not None and has_identity else None,
        rcps=_levels(request.rcps, request, RCP, "rcps") if rcps_apply(request) else None,
        resource=_one(request.resource_policy, request, RESOURCE, "resource_policy", has_boundary),
        endpoint=_each(request.endpoint_policies, request, ENDPOINT, ENDPOINT, names=names.get("endpoint_policies"))
        if request.endpoint_policies
        else None,
    )


def applying(results, effect):
    """The statements of these PolicyResults that apply with this Effect."""
    return [s for result in results for s in result.statements if s.applies and s.effect == effect]
