"""Lint rules for a role's trust policy: who may assume the role (chapter 02).

A trust policy names a Principal and grants only sts:AssumeRole-style actions; it has
no Resource (the role itself is the resource). parliament, which checks permission
policies, would demand a Resource here, so trust policies have rules of their own.
"""

import re

from helpers.course.spelling import close, did_you_mean
from helpers.policy.catalogue import catalogue
from helpers.policy.elements import fields, strings

PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")


PRINCIPAL_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")


AWS_PRINCIPAL = re.compile(
    r"\*|[0-9]{12}|arn:aws(?:-cn|-us-gov)?:(?:iam|sts)::[0-9]{12}:"
    r"(?:root|(?:user|role|assumed-role|federated-user)/\S+)"
)


TRUST_HINT = 'e.g. "Principal": {"Service": "ec2.amazonaws.com"}'


def check_trust_statement(report, statement, found, actions):
    """Principal and action rules for a role's trust policy (no Resource)."""
    for key in ("Resource", "NotResource"):
        if key in found:
            report.add(
                found[key].key_node,
                "error",
                "resource-in-trust",
                f"{key} does not belong in a trust policy",
                "delete it: the role this policy belongs to is the resource",
            )
    principal = found.get("Principal") or found.get("NotPrincipal")
    if principal is None:
        report.add(
            statement,
            "error",
            "principal-missing",
            "this trust policy statement has no Principal",
            f"say who may assume the role, {TRUST_HINT}",
        )
    else:
        _check_principal(report, principal.value)
    for node, _ in actions:
        if ":" in node.value and not node.value.lower().startswith("sts:"):
            report.add(
                node,
                "error",
                "action-in-trust",
                f"{node.value} does not belong in a trust policy",
                "a trust policy grants sts:AssumeRole; put other actions in a permission policy",
            )


def _check_principal(report, node):
    """Principal is "*" or an object of AWS / Service / Federated / CanonicalUser."""
    if node.kind == "string" and node.value == "*":
        report.add(node, "warning", "principal-anyone", 'Principal "*" lets anyone assume this role', TRUST_HINT)
        return
    if node.kind != "object":
        report.add(node, "error", "principal-type", 'Principal must be an object such as {"Service": ...}', TRUST_HINT)
        return
    found = fields(report, node, PRINCIPAL_KEYS)
    if not found:
        report.add(node, "error", "principal-empty", "Principal is empty", TRUST_HINT)
    for key, check in (("Service", _check_service_principal), ("AWS", _check_aws_principal)):
        if key in found:
            for value in strings(report, found[key]):
                check(report, value)


def _check_service_principal(report, node):
    """A service principal must be a known NAME.amazonaws.com."""
    value, known = node.value, catalogue().service_principals
    if value in known:
        return
    guess = _guess_service_principal(value)
    if value.lower() in known:
        report.add(
            node,
            "warning",
            "service-principal-case",
            f'service principal "{value}" should be lowercase',
            f"write {value.lower()}",
        )
    elif value.endswith(PRINCIPAL_SUFFIXES) and not guess:
        report.add(
            node,
            "warning",
            "service-principal-unknown",
            f'unknown service principal "{value}"',
            "check the service's documentation",
        )
    else:
        report.add(
            node,
            "error",
            "service-principal",
            f'misspelled service principal "{value}"',
            did_you_mean(guess, "service principals look like NAME.amazonaws.com"),
        )


def _guess_service_principal(value):
    """The known service principal that `value` probably meant, or None."""
    known = catalogue().service_principals
    candidate = value.split(".")[0].lower() + ".amazonaws.com"
    if candidate in known and candidate != value:
        return candidate
    if value.endswith(".amazonaws.com"):
        names = [k[: -len(".amazonaws.com")] for k in known]
        name = close(value[: -len(".amazonaws.com")], names, 0.6)
        return name and f"{name}.amazonaws.com"
    return close(value, known, 0.8)


def _check_aws_principal(report, node):
    """An AWS principal is "*", an account id, or an IAM/STS ARN."""
    if not AWS_PRINCIPAL.fullmatch(node.value):
        report.add(
            node,
            "error",
            "aws-principal",
            f'malformed AWS principal "{node.value}"',
            "use an account id or an ARN like arn:aws:iam::123456789012:root",
        )
