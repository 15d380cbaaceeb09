"""One statement against one request: action, resource, principal, conditions (chapter 08 (How AWS really decides)).

- Action/NotAction: wildcards, case-insensitive; nothing is trimmed, so " s3:GetObject"
  or "s3:GetObject,PutObject" matches no action
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
  .../reference_policies_elements_notaction.html).
- Resource/NotResource: ARN wildcards, case-sensitive, variables in the resource part
  (.../reference_policies_elements_resource.html, .../reference_policies_elements_notresource.html).
  A role trust policy has no Resource (it must not): its statements cover the role.
  The lab also reads a bucket-policy statement without Resource as covering the
  bucket, which S3 itself would refuse to store (the lab's reading).
- Principal/NotPrincipal count only in resource-based policies, RCPs and endpoint
  policies; a resource-policy statement without one names no one.
- A request resource with wildcards (e.g. "*") stands for every resource it
  matches, as in the IAM policy simulator: an Allow applies when it covers at
  least one of them, a Deny only when it covers all of them.
- But "*" for an action with no resource type (s3:ListAllMyBuckets, ec2:DescribeTags:
  parliament's catalogue says which) is that request's resource, not a pattern. "If
  there is no value for this column, you must specify all resources ("*")"
  (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
  AWS's own examples also use "arn:aws:s3:::*" for s3:ListAllMyBuckets
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html).
  So such a request is covered by "*" or by a Resource that names every resource of
  the service, never by one bucket's ARN (the lab's reading of those two pages).
"""

from helpers.policy.catalogue import takes_no_resource
from helpers.policy.conditions import evaluate_conditions
from helpers.policy.decision import StatementResult
from helpers.policy.matching import (
    arn_match,
    arn_pattern_covers,
    arn_patterns_intersect,
    covers_whole_service,
    wildcard_match,
)
from helpers.policy.principals import not_principal_match, principal_grant
from helpers.policy.variables import UnresolvedVariable, expand

# Policy types whose statements carry a Principal, and whether a statement without one names everyone.
# "You must use the Principal element in resource-based policies" (reference_policies_elements_principal.html):
# a resource-policy statement without one grants or denies nothing. RCPs name "*" always
# (orgs_manage_policies_rcps_syntax.html). An endpoint policy "must contain a Principal element"
# (vpc-endpoints-access.html) and gateway endpoints require "*": a statement without one is read as "*".
PRINCIPAL_TYPES = {"resource policy": False, "RCP": True, "VPC endpoint policy": True}


def match_action(statement, action):
    """Whether the statement's Action/NotAction covers the request's action, and why."""
    if statement.actions is not None:
        hit = next((p for p in statement.actions if wildcard_match(p, action, ignore_case=True)), None)
        return (True, f"Action {hit!r} matches {action}") if hit else (False, f"no Action matches {action}")
    if statement.not_actions is not None:
        hit = next((p for p in statement.not_actions if wildcard_match(p, action, ignore_case=True)), None)
        return (False, f"NotAction {hit!r} excludes {action}") if hit else (True, f"NotAction does not list {action}")
    return False, "the statement has no Action or NotAction"


def acts_on_nothing(request):
    """True when the request is for an action with no resource type, so its resource is "*" itself."""
    return request.resource == "*" and takes_no_resource(request.action)


def resource_matches(pattern, request, some):
    """True when `pattern` covers the request's resource; for a wildcard request, `some` or all of it."""
    if acts_on_nothing(request):
        return covers_whole_service(pattern, request.action.split(":")[0])
    if not request.resource_is_pattern:
        return arn_match(pattern, request.resource)
    if some:
        return arn_patterns_intersect(pattern, request.resource)
    return arn_pattern_covers(pattern, request.resource)


def _first(patterns, request, variables, some):
    """The first pattern (as written) that covers the resource once its variables are replaced, or None."""
    for written in patterns:
        if resource_matches(expand(written, request.context, variables), request, some):
            return written
    return None


def match_resource(statement, request, variables, policy_type):
    """Whether the statement's Resource/NotResource covers the request's resource, and why."""
    if statement.resources is not None:
        hit = _first(statement.resources, request, variables, some=statement.effect == "Allow")
        if hit is not None:
            return True, f"Resource {hit!r} matches {request.resource}"
        if acts_on_nothing(request):
            return False, f'{request.action} acts on no particular resource: only "*" covers it'
        return False, f"no Resource matches {request.resource}"
    if statement.not_resources is not None:
        hit = _first(statement.not_resources, request, variables, some=statement.effect == "Deny")
        if hit is not None:
            return False, f"NotResource {hit!r} excludes {request.resource}"
        return True, f"NotResource does not list {request.resource}"
    if policy_type in PRINCIPAL_TYPES:
        return True, "no Resource element: the statement covers the resource the policy is attached to"
    return False, "the statement has no Resource or NotResource"


def match_principal(statement, request, policy_type, boundary):
    """(matched, reason, grant) for the Principal/NotPrincipal of a statement in a resource-side policy."""
    if statement.principal is not None:
        grant, reason = principal_grant(statement.principal, request.caller)
        return grant is not None, reason, grant
    if statement.not_principal is not None:
        if boundary and statement.effect == "Deny" and request.caller.kind != "anonymous":
            # access_policies_boundaries.html: such a statement "will always deny any IAM
            # principal that has a permissions boundary policy attached".
            return True, "NotPrincipal with Deny always denies a principal with a permissions boundary", "everyone"
        matched, reason = not_principal_match(statement.not_principal, request.caller)
        return matched, reason, "everyone" if matched else None
    if PRINCIPAL_TYPES[policy_type]:
        return True, "no Principal element: the statement names everyone", "everyone"
    return False, "the statement has no Principal, so it names no one", None


def evaluate_statement(statement, request, policy, policy_type, label, *, boundary=False):
    """The `StatementResult` of one statement against the request."""
    try:
        return _evaluate(statement, request, policy, policy_type, label, boundary=boundary)
    except UnresolvedVariable as missing:
        result = StatementResult(
            policy_type, label, statement.index, statement.sid, statement.effect, False, False, "", False, ""
        )
        result.reason = f"the statement is invalid for this request: {missing}"
        return result


def _evaluate(statement, request, policy, policy_type, label, *, boundary):
    """`evaluate_statement` without the handling of unresolved variables."""
    action_ok, action_reason = match_action(statement, request.action)
    resource_ok, resource_reason = match_resource(statement, request, policy.variables, policy_type)
    principal_ok, principal_reason, grant = None, "", None
    if policy_type in PRINCIPAL_TYPES:
        principal_ok, principal_reason, grant = match_principal(statement, request, policy_type, boundary)
    conditions = evaluate_conditions(statement.condition, request.context, policy.variables)
    applies = action_ok and resource_ok and principal_ok is not False and all(c.matched for c in conditions)
    result = StatementResult(
        policy_type,
        label,
        statement.index,
        statement.sid,
        statement.effect,
        applies,
        action_ok,
        action_reason,
        resource_ok,
        resource_reason,
        principal_ok,
        principal_reason,
        grant,
        conditions,
    )
    result.reason = _reason(result)
    return result


def _reason(result):
    """One line: why the statement applies, or the first element that keeps it from applying."""
    if result.applies:
        met = [result.action_reason, result.resource_reason, result.principal_reason]
        met += [f"{len(result.conditions)} condition(s) true"] if result.conditions else []
        return "; ".join(m for m in met if m)
    if not result.action_matched:
        return result.action_reason
    if not result.resource_matched:
        return result.resource_reason
    if result.principal_matched is False:
        return result.principal_reason
    failed = next(c for c in result.conditions if not c.matched)
    return f"condition {failed.operator} on {failed.key} is false: {failed.reason}"
