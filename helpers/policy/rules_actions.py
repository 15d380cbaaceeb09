"""Lint rules for a statement's Effect, Action and Condition (chapter 01).

Actions and services are checked against the catalogue (helpers.policy.catalogue)
with a did-you-mean; condition operators against IAM's list of operators.
"""

import json

from helpers.course.spelling import close, did_you_mean
from helpers.policy.catalogue import catalogue
from helpers.policy.elements import either, strings
from helpers.policy.jsonpos import plain
from helpers.policy.matching import wildcard_match

# IAM's condition operators; each but Null also has an ...IfExists form, and any may
# start with ForAllValues: or ForAnyValue: (for keys with several values).
OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
)


SET_PREFIXES = ("", "ForAllValues:", "ForAnyValue:")


def condition_operators():
    """Every condition operator name IAM accepts, with its IfExists and ForAllValues:/ForAnyValue: forms."""
    forms = OPERATORS + tuple(f"{o}IfExists" for o in OPERATORS if o != "Null")
    return [prefix + form for prefix in SET_PREFIXES for form in forms]


def check_condition(report, node):
    """Condition is {operator: {key: value}}, each operator one IAM knows."""
    example = 'e.g. {"Bool": {"aws:SecureTransport": "true"}}'
    if node.kind != "object":
        report.add(node, "error", "condition-type", "Condition must be an object", example)
        return
    known = condition_operators()
    for member in node.value:
        if member.key not in known:
            report.add(
                member.key_node,
                "error",
                "condition-operator",
                f'unknown condition operator "{member.key}"',
                did_you_mean(close(member.key, known), "e.g. StringEquals, StringLike, Bool"),
            )
        elif member.value.kind != "object":
            report.add(
                member.value,
                "error",
                "condition-type",
                f"the value of {member.key} must be an object {{condition key: value}}",
                example,
            )


def check_effect(report, statement, member):
    """Effect must be exactly Allow or Deny."""
    if member is None:
        report.add(statement, "error", "effect-missing", "Effect is missing", 'add "Effect": "Allow" (or "Deny")')
        return
    value = plain(member.value)
    if value in ("Allow", "Deny"):
        return
    guess = close(value, ("Allow", "Deny"), 0.5) if isinstance(value, str) else None
    report.add(
        member.value,
        "error",
        "effect-invalid",
        f"invalid Effect {json.dumps(value)}",
        did_you_mean(guess, 'use "Allow" or "Deny"'),
    )


def check_actions(report, statement, found, trust=False):
    """Check Action/NotAction; return (node, documented action or None) pairs."""
    member = either(report, statement, found, "Action", 'add "Action": [...]: the API calls this statement is about')
    if member is None:
        return []
    return [(node, _check_action(report, node, trust)) for node in strings(report, member)]


def _unknown_severity(trust):
    """How bad an action missing from the IAM reference is.

    IAM does not look actions up when it stores a permission policy: an unknown
    service or action is accepted and simply never matches a request (the
    console's validator only warns). So there it is a warning and the command is
    still sent. A trust policy may hold only sts:AssumeRole-style actions, and IAM
    refuses any other, so there it is an error.
    """
    return "error" if trust else "warning"


def _check_action(report, node, trust=False):
    """Check one action string; return it as documented ("s3:GetObject") or None."""
    text = node.value
    if text == "*":
        return None
    if text.strip() == "":
        report.add(node, "error", "action-empty", "empty action", "write service:Action, e.g. s3:GetObject")
        return None
    if ":" not in text:
        report.add(node, "error", "action-no-prefix", f'action "{text}" has no service prefix', _prefix_hint(text))
        return None
    prefix, _, name = text.partition(":")
    return _check_service_action(report, node, prefix, name, _unknown_severity(trust))


def _prefix_hint(name):
    """Suggest service:name for an action written without its service."""
    owners = [p for p, acts in catalogue().actions.items() if name.lower() in acts]
    if not owners:
        return "write it as service:Action, e.g. s3:GetObject"
    owner = "s3" if "s3" in owners else owners[0]
    return f"did you mean {owner}:{catalogue().actions[owner][name.lower()]}?"


def _check_service_action(report, node, prefix, name, severity="error"):
    """Check the service prefix and the action name against the catalogue; `severity` for unknown ones."""
    known = catalogue().actions
    if prefix.lower() not in known:
        report.add(
            node,
            severity,
            "unknown-service",
            f'unknown service "{prefix}" in {node.value}',
            did_you_mean(close(prefix, known, 0.5), "see the IAM service prefixes"),
        )
        return None
    service = prefix.lower()
    if "*" in name or "?" in name or name == "":
        return _check_action_pattern(report, node, service, name, severity)
    documented = known[service].get(name.lower())
    if documented is None:
        guess = close(name, known[service].values())
        report.add(
            node,
            severity,
            "unknown-action",
            f"unknown action {node.value}",
            did_you_mean(guess and f"{service}:{guess}", f"see the actions of {catalogue().names[service]}"),
        )
        return None
    if f"{service}:{documented}" != node.value:
        report.add(
            node,
            "warning",
            "action-case",
            f"{node.value} is documented as {service}:{documented}",
            "AWS ignores the case of actions, the lab's emulator (moto) does not",
        )
    return f"{service}:{documented}"


def _check_action_pattern(report, node, service, pattern, severity="error"):
    """A wildcard action must match at least one action of its service."""
    if pattern and any(wildcard_match(pattern, a, ignore_case=True) for a in catalogue().actions[service]):
        return None
    report.add(
        node,
        severity,
        "unknown-action",
        f"{node.value} matches no {service} action",
        f"e.g. {service}:* or {service}:Get*",
    )
    return None
