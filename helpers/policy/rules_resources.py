"""Lint rules for Resource in permission policies: well-formed ARNs that fit the action (chapter 01).

Includes the article's S3 lesson: object actions (s3:GetObject) need `bucket/*`,
bucket actions (s3:ListBucket) the bare bucket ARN. Which resource type an action
acts on comes from the catalogue (parliament's copy of the IAM reference).
"""

import re

from helpers.course.spelling import close, did_you_mean
from helpers.policy import catalogue
from helpers.policy.elements import either, strings

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


REGIONLESS = ("s3", "iam")  # IAM refuses their ARNs with a region, unless a documented type has one


def check_identity_statement(report, statement, found, actions):
    """Resource rules and the S3 bucket/object lesson for a permission policy."""
    for key in ("Principal", "NotPrincipal"):
        if key in found:
            report.add(
                found[key].key_node,
                "error",
                "principal-in-identity",
                f"{key} does not belong in an identity (permission) policy",
                "delete it: the policy applies to whoever it is attached to",
            )
    member = either(report, statement, found, "Resource", 'add "Resource": the ARNs the actions act on, or "*"')
    if member is None:
        return
    nodes = strings(report, member)
    valid = all([_check_arn(report, node) for node in nodes])
    effect = found.get("Effect")
    if (
        valid
        and nodes
        and member.key == "Resource"
        and "Action" in found
        and effect is not None
        and effect.value.value == "Allow"
    ):
        values = [n.value for n in nodes]
        for node, action in actions:
            if action:
                _check_resource_fit(report, node, action, values)


def _check_arn(report, node):
    """Check one Resource ARN; True when it is well formed and fits a documented resource."""
    value = node.value
    if value == "*":
        return True
    problem = _arn_problem(value)
    if problem:
        report.add(node, "error", "arn-malformed", *problem)
        return False
    unknown = _arn_unknown(value)
    if unknown:  # IAM stores it; it just names nothing that exists
        report.add(node, "warning", "arn-unknown", *unknown)
    return unknown is None


def _arn_problem(arn):
    """(message, hint) for an ARN IAM refuses (not an ARN, bad partition, region where none belongs), or None."""
    if arn.startswith("s3://"):
        return f'"{arn}" is an S3 URL, not an ARN', f"write arn:aws:s3:::{arn[5:]}"
    parts = arn.split(":", 5)
    if parts[0] != "arn" or len(parts) < 6:
        hint = (
            f"an S3 bucket ARN is arn:aws:s3:::{arn}"
            if re.fullmatch(r"[a-z0-9.-]+", arn)
            else "an ARN has six parts: arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE"
        )
        return f'malformed ARN "{arn}"', hint
    if not _has_wildcard(parts[1]) and parts[1] not in PARTITIONS:
        return f'unknown partition "{parts[1]}" in {arn}', "use arn:aws:..."
    if parts[2] in REGIONLESS and parts[3] and not _fits_a_regional_type(parts[2], arn):
        return _region_problem(parts[2], arn)
    return None


def _fits_a_regional_type(service, arn):
    """True if the ARN fits one of the service's documented types that do have a region (S3 access points, jobs...)."""
    return any(
        fmt.split(":")[3] and catalogue.arn_fits(fmt, arn) for fmt in catalogue.catalogue().resources.get(service, [])
    )


def _region_problem(service, arn):
    """(message, hint) for an S3 or IAM ARN that names a region (IAM refuses it)."""
    if service == "s3":
        return (
            f"{arn} is not an S3 bucket or object ARN",
            "S3 ARNs have no region or account: arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY",
        )
    return f"{arn} names a region, but IAM resources have none", "e.g. arn:aws:iam::123456789012:role/NAME"


def _arn_unknown(arn):
    """(message, hint) for a well-formed ARN that fits no documented resource, or None."""
    service = arn.split(":")[2]
    if _has_wildcard(service):
        return None
    if service not in catalogue.catalogue().arn_services:
        return (
            f'unknown service "{service}" in ARN {arn}',
            did_you_mean(close(service, catalogue.catalogue().arn_services), "check the service part"),
        )
    return _arn_format_problem(service, arn)


def _has_wildcard(text):
    """True when the text holds * or ?."""
    return "*" in text or "?" in text


def _arn_format_problem(service, arn):
    """(message, hint) when the ARN fits no documented resource of its service."""
    formats = catalogue.catalogue().resources.get(service, [])
    if not formats or any(catalogue.arn_fits(fmt, arn) for fmt in formats):
        return None
    return f"{arn} fits no {service} resource type", f"e.g. {formats[0]}"


def _check_resource_fit(report, node, action, resources):
    """Report an Allow whose action can act on none of the statement's resources."""
    problem = _resource_fit_problem(action, resources)
    if problem:  # IAM accepts it: the statement just never matches this action
        report.add(node, "warning", "resource-mismatch", *problem)


def _resource_fit_problem(action, resources):
    """(message, hint) when no resource suits the action (parliament's rule), else None."""
    info = catalogue.privilege_info(action)
    types = [t["resource_type"] for t in info["resource_types"]]
    if "*" in resources:
        return None
    if all(t == "" for t in types):
        return (f'{action} works only with "Resource": "*"', 'move it to a statement with "Resource": "*"')
    for resource_type in (t for t in types if t.endswith("*")):
        arn_format = catalogue.arn_format(resource_type, info)
        if not any(catalogue.strictly_fits(resource_type, arn_format, r) for r in resources):
            return _mismatch_message(action, resource_type.rstrip("*"), arn_format, resources)
    return None


def _mismatch_message(action, resource_type, arn_format, resources):
    """(message, hint) for an action whose resource type is absent, S3 made explicit."""
    arn = resources[0]
    if action.startswith("s3:") and resource_type == "object" and "/" not in arn:
        return (f"{action} acts on objects, but {arn} is the bucket itself", f"add /* to reach the objects: {arn}/*")
    if action.startswith("s3:") and resource_type == "bucket" and "/" in arn:
        return (f"{action} acts on the bucket, but {arn} names objects inside it", f"remove /*: {arn.split('/')[0]}")
    article = "an" if resource_type[:1].lower() in "aeiou" else "a"
    return (
        f"{action} acts on {article} {resource_type} ({arn_format}), but no Resource here is one",
        "add a matching ARN, or move the action to a statement whose Resource fits",
    )
