"""The catalogue of AWS's services, actions, resource types and service principals (chapter 01).

It comes from parliament's offline copy of the IAM reference (iam_definition.json),
so the linter can tell a misspelled action or service, and which resource an action
acts on, without asking AWS. parliament's ARN matching is wrapped here too.
"""

import functools
import json
import re
import warnings
from dataclasses import dataclass

# Service principals whose name is not an IAM action prefix, so the catalogue
# cannot supply them. All other `<prefix>.amazonaws.com` names count as known.
EXTRA_SERVICE_PRINCIPALS = (
    "ecs-tasks.amazonaws.com",
    "edgelambda.amazonaws.com",
    "spotfleet.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "export.rds.amazonaws.com",
    "ops.apigateway.amazonaws.com",
    "replicator.lambda.amazonaws.com",
)


HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


@dataclass
class Catalogue:
    """Services, actions, ARN formats and service principals known to IAM."""

    actions: dict  # prefix -> {lowercase action name: documented name}
    names: dict  # service prefix -> service name
    resources: dict  # prefix -> list of ARN formats with ${...} replaced by *
    arn_services: set  # the service part of every documented ARN
    service_principals: set


@functools.cache
def _load_parliament():
    """Import parliament quietly (it opens files without closing them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament
        import parliament.statement
    return parliament


@functools.lru_cache(maxsize=1)
def catalogue():
    """The IAM catalogue built from parliament's iam_definition.json."""
    services = _load_parliament().iam_definition
    actions, names, resources = {}, {}, {}
    for service in services:
        prefix = service["prefix"]
        names.setdefault(prefix, service["service_name"])
        actions.setdefault(prefix, {}).update({p["privilege"].lower(): p["privilege"] for p in service["privileges"]})
        resources.setdefault(prefix, []).extend(re.sub(r"\$\{.*?\}", "*", r["arn"]) for r in service["resources"])
    arn_services = {arn.split(":")[2] for arns in resources.values() for arn in arns}
    return Catalogue(actions, names, resources, arn_services | set(actions), _service_principals(services, actions))


def _service_principals(services, actions):
    """`<prefix>.amazonaws.com` for every service, plus names the data mentions."""
    return (
        {f"{prefix}.amazonaws.com" for prefix in actions}
        | _mentioned_hosts(json.dumps(services))
        | set(EXTRA_SERVICE_PRINCIPALS)
    )


def _mentioned_hosts(text):
    """Every lower-case `<name>.amazonaws.com` in text.

    Finds the fixed suffix first and walks back over the name: a regex that starts
    with the name tries every position of the ~7 MB text (0.17 s instead of 0.01 s).
    """
    hosts = set()
    for match in re.finditer(r"\.amazonaws\.com\b", text):
        start = match.start()
        while start and text[start - 1] in HOST_CHARACTERS:
            start -= 1
        hosts.add(text[start : match.end()].strip("."))
    return hosts - {"amazonaws.com"}


def arn_fits(arn_format, arn):
    """parliament's loose match of an ARN against a documented ARN format."""
    parliament = _load_parliament()
    try:
        return parliament.is_arn_match("", arn_format, arn)
    except Exception:  # parliament raises on ARNs it cannot split
        return False


def strictly_fits(resource_type, arn_format, arn):
    """parliament's strict match of a policy ARN against an action's resource type."""
    parliament = _load_parliament()
    try:
        return parliament.is_arn_strictly_valid(resource_type, arn_format, arn)
    except Exception:  # parliament raises on ARNs it cannot split
        return False


def privilege_info(action):
    """parliament's description of one documented action ("s3:GetObject"): its resource types."""
    service, name = action.split(":")
    return _load_parliament().statement.get_privilege_info(service, name)


@functools.cache
def takes_no_resource(action):
    """True for a documented action with no resource types (s3:ListAllMyBuckets): AWS checks it against "*"."""
    if ":" not in action or "*" in action or "?" in action:
        return False
    try:
        info = privilege_info(action)
    except Exception:  # parliament raises on services it does not know
        return False
    return bool(info) and all(not r["resource_type"] for r in info.get("resource_types", []))


def arn_format(resource_type, info):
    """The ARN format of one of an action's resource types (from privilege_info)."""
    return _load_parliament().statement.get_arn_format(resource_type, info["service_resources"])
