"""Condition operators, each against the request's values (chapter 08 (How AWS really decides)).

From https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html:
- "If the key that you specify in a policy condition is not present in the
  request context, the values do not match and the condition is false. If the
  policy condition requires that the key is not matched, such as StringNotLike
  or ArnNotLike, and the right key is not present, the condition is true."
- ...IfExists: "If the key is not present, evaluate the condition element as true."
- Null: "true" (the key doesn't exist) or "false" (the key exists).
From https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
and .../reference_policies_condition-single-vs-multi-valued-context-keys.html:
- several values for one key are OR-ed; several keys, and several operators, AND-ed;
- ForAllValues: true when every request value matches, and true when the key is
  missing; ForAnyValue: true when at least one does, false when the key is missing.
Condition key names compare case-insensitively; values as each operator says.
"""

import base64
import functools
import ipaddress
import re
from datetime import datetime, timezone
from typing import NamedTuple

from helpers.policy.decision import ConditionResult
from helpers.policy.matching import arn_match, as_list, wildcard_match
from helpers.policy.variables import expand, plain


class Operator(NamedTuple):
    """A condition operator taken apart: its set qualifier, base test and IfExists."""

    name: str
    qualifier: str | None  # "ForAllValues", "ForAnyValue" or None
    family: str | None  # None: an operator this engine does not know
    test: object
    negated: bool
    if_exists: bool


def _number(text):
    """A number from a policy or request value, or None."""
    try:
        return float(text)
    except ValueError:
        return None


def parse_date(text):
    """Seconds since the epoch for an ISO 8601 date (W3C forms) or an epoch number; None if neither."""
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text) and not re.fullmatch(r"\d{4}", text):
        return float(text)
    text = re.sub(r"[zZ]$", "+00:00", text)
    text = text + "-01-01" if re.fullmatch(r"\d{4}", text) else text
    text = text + "-01" if re.fullmatch(r"\d{4}-\d{2}", text) else text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _compare(parse, check):
    """A test that parses both values and compares them with `check`; unparsable values never match."""

    def test(request_value, policy_value):
        """Both values parse, and `check` holds between them."""
        left, right = parse(request_value), parse(policy_value)
        return left is not None and right is not None and check(left, right)

    return test


def _binary(text):
    """The bytes of a base-64 value, or None."""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)
def _network(text):
    """The IP network of a policy value (a bare address means /32 or /128), or None."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _in_network(request_value, policy_value):
    """True when the request's IP address lies in the policy's CIDR range."""
    network = _network(policy_value)
    try:
        return network is not None and ipaddress.ip_address(request_value.strip()) in network
    except ValueError:
        return False


def _eq(a, b):
    """Equal."""
    return a == b


def _lt(a, b):
    """Less than."""
    return a < b


def _le(a, b):
    """Less than or equal."""
    return a <= b


def _gt(a, b):
    """Greater than."""
    return a > b


def _ge(a, b):
    """Greater than or equal."""
    return a >= b


def _ignore_case(value, policy_value):
    """Equal when case is ignored."""
    return value.casefold() == policy_value.casefold()


def _like(value, policy_value):
    """The request value matches the policy's wildcard pattern (case-sensitive)."""
    return wildcard_match(policy_value, value)


def _bool(value, policy_value):
    """The same boolean word, "true" or "false", in any case."""
    return value.lower() == policy_value.lower()


def _arn_like(value, policy_value):
    """The request's ARN matches the policy's ARN pattern segment by segment."""
    return arn_match(policy_value, value)


_BASE = {
    "StringEquals": ("string", _eq, False),
    "StringNotEquals": ("string", _eq, True),
    "StringEqualsIgnoreCase": ("string", _ignore_case, False),
    "StringNotEqualsIgnoreCase": ("string", _ignore_case, True),
    "StringLike": ("string", _like, False),
    "StringNotLike": ("string", _like, True),
    "NumericEquals": ("numeric", _compare(_number, _eq), False),
    "NumericNotEquals": ("numeric", _compare(_number, _eq), True),
    "NumericLessThan": ("numeric", _compare(_number, _lt), False),
    "NumericLessThanEquals": ("numeric", _compare(_number, _le), False),
    "NumericGreaterThan": ("numeric", _compare(_number, _gt), False),
    "NumericGreaterThanEquals": ("numeric", _compare(_number, _ge), False),
    "DateEquals": ("date", _compare(parse_date, _eq), False),
    "DateNotEquals": ("date", _compare(parse_date, _eq), True),
    "DateLessThan": ("date", _compare(parse_date, _lt), False),
    "DateLessThanEquals": ("date", _compare(parse_date, _le), False),
    "DateGreaterThan": ("date", _compare(parse_date, _gt), False),
    "DateGreaterThanEquals": ("date", _compare(parse_date, _ge), False),
    "Bool": ("bool", _bool, False),
    "BinaryEquals": ("binary", _compare(_binary, _eq), False),
    "IpAddress": ("ip", _in_network, False),
    "NotIpAddress": ("ip", _in_network, True),
    "ArnEquals": ("arn", _arn_like, False),
    "ArnLike": ("arn", _arn_like, False),
    "ArnNotEquals": ("arn", _arn_like, True),
    "ArnNotLike": ("arn", _arn_like, True),
    "Null": ("null", None, False),
}
_BY_LOWER = {name.lower(): name for name in _BASE}
# Policy variables work in string, ARN and Bool conditions only (reference_policies_variables.html).
_VARIABLE_FAMILIES = {"string", "arn", "bool"}


@functools.lru_cache(maxsize=512)
def parse_operator(name):
    """The `Operator` for a condition operator name such as "ForAnyValue:StringLikeIfExists"."""
    qualifier, _, base = name.rpartition(":")
    qualifier = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}.get(qualifier.lower())
    if_exists = base.lower().endswith("ifexists") and base.lower() != "null"
    base = base[: -len("IfExists")] if if_exists else base
    known = _BY_LOWER.get(base.lower())
    if known is None or (qualifier is None and ":" in name):
        return Operator(name, qualifier, None, None, False, if_exists)
    family, test, negated = _BASE[known]
    return Operator(name, qualifier, family, test, negated, if_exists)


def _text(value):
    """A policy value as text: JSON true/false become "true"/"false", numbers their digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _policy_values(operator, values, context, variables):
    """The policy's values for this operator, with variables replaced where the operator allows them."""
    texts = [_text(v) for v in as_list(values)]
    if operator.family not in _VARIABLE_FAMILIES or not variables:
        return texts
    expanded = [expand(t, context) for t in texts]
    if operator.family == "arn" or "like" in operator.name.lower():
        return expanded
    return [plain(v) for v in expanded]


def _missing(operator):
    """The result, and its reason, for a key the request does not carry."""
    if operator.if_exists:
        return True, "the request does not carry the key, and ...IfExists makes that a match"
    if operator.qualifier == "ForAllValues":
        return True, "the request does not carry the key: ForAllValues is true for no values"
    if operator.qualifier == "ForAnyValue":
        return False, "the request does not carry the key: ForAnyValue needs at least one value"
    if operator.negated:
        return True, "the request does not carry the key, and a negated operator is then true"
    return False, "the request does not carry the key, so the values do not match"


def _value_matches(operator, request_value, policy_values):
    """Whether one request value passes the operator against the policy's values (OR-ed)."""
    hit = any(operator.test(request_value, p) for p in policy_values)
    return not hit if operator.negated else hit


def _present(operator, request_values, policy_values):
    """The result, and its reason, when the request carries the key."""
    passes = [_value_matches(operator, v, policy_values) for v in request_values]
    if operator.qualifier == "ForAllValues":
        verdict = "every request value matches" if all(passes) else "a request value does not match"
        return all(passes), f"ForAllValues: {verdict}"
    if operator.qualifier == "ForAnyValue":
        return any(passes), "ForAnyValue: " + ("a request value matches" if any(passes) else "no request value matches")
    result = all(passes) if operator.negated else any(passes)
    return result, "a value matches" if result else "no value matches"


def _null(request_values, policy_values):
    """The Null operator: "true" wants the key absent, "false" wants it present."""
    present = bool(request_values)
    result = any((not present) if p.lower() == "true" else present for p in policy_values)
    where = "carries" if present else "does not carry"
    return result, f"the request {where} the key"


def evaluate_condition(operator_name, key, values, context, variables):
    """The `ConditionResult` of one key under one operator."""
    operator = parse_operator(operator_name)
    request_values = context.get(key.lower())
    policy_values = _policy_values(operator, values, context, variables)
    shown = [plain(v) for v in policy_values]
    if operator.family is None:
        return ConditionResult(operator_name, key, request_values, shown, False, "unknown condition operator")
    if operator.family == "null":
        matched, reason = _null(request_values, shown)
    elif request_values is None:
        matched, reason = _missing(operator)
    else:
        matched, reason = _present(operator, request_values, policy_values)
    return ConditionResult(operator_name, key, request_values, shown, matched, reason)


def evaluate_conditions(condition, context, variables):
    """Every key of a Condition element, each a `ConditionResult` (all must match)."""
    results = []
    for operator_name, keys in (condition or {}).items():
        for key, values in keys.items():
            results.append(evaluate_condition(operator_name, key, values, context, variables))
    return results
