"""The request format of `python -m helpers decide`, checked key by key (chapter 08 (How AWS really decides)).

One JSON object per request (see the conformance README the course shares):
action, resource, resource_account, principal, context, identity_policies,
resource_policy, permission_boundaries, session_policy, scps, rcps,
endpoint_policies. Only action, resource and principal are required; an absent
policy key means that kind of policy does not apply. `Request.from_dict(d)`
raises `RequestError` with a one-line message naming the key at fault.

The lab adds one key of its own, `policy_names`, so that explanations name the
policies a learner knows ("S3-Wordpress-ut, statement 2"): for any policy key, the
label of each policy in the same shape (a list of names, or one name).
"""

from dataclasses import dataclass

from helpers.policy.matching import as_list, has_wildcard
from helpers.policy.principals import Caller, PrincipalError, derived_keys, parse_caller
from helpers.policy.variables import uses_variables

REQUIRED = ("action", "resource", "principal")
OPTIONAL = (
    "resource_account",
    "context",
    "identity_policies",
    "resource_policy",
    "permission_boundaries",
    "session_policy",
    "scps",
    "rcps",
    "endpoint_policies",
    "policy_names",
)
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}


class RequestError(ValueError):
    """A request that does not follow the format; the message names the key at fault."""


@dataclass(frozen=True)
class Statement:
    """One policy statement, with its lists ready for matching."""

    index: int
    sid: str | None
    effect: str
    actions: tuple | None
    not_actions: tuple | None
    resources: tuple | None
    not_resources: tuple | None
    principal: object
    not_principal: object
    has_principal: bool
    condition: dict


@dataclass(frozen=True)
class Policy:
    """One policy document: its Version (which decides on variables) and statements."""

    version: str | None
    statements: tuple

    @property
    def variables(self):
        """True when this policy's Version replaces ${...} policy variables."""
        return uses_variables(self.version)


@dataclass(frozen=True)
class Request:
    """One request to decide, with every policy that applies to it."""

    action: str
    resource: str
    principal: str
    caller: Caller
    resource_account: str | None
    context: dict  # condition keys in lower case -> list of strings
    identity_policies: tuple
    resource_policy: Policy | None
    permission_boundaries: tuple
    session_policy: Policy | None
    scps: tuple | None  # one tuple of policies per organization level
    rcps: tuple | None
    endpoint_policies: tuple | None
    names: dict  # policy key -> a label, or a list of labels (or of lists, for scps/rcps)

    @property
    def resource_is_pattern(self):
        """True when the request names resources with wildcards (e.g. "*"), as the policy simulator allows."""
        return has_wildcard(self.resource)

    @property
    def same_account(self):
        """True when the caller and the resource are in the same account (a service or anonymous: None)."""
        if self.caller.account is None:
            return None
        return self.resource_account in (None, self.caller.account)

    @classmethod
    def from_dict(cls, data):
        """Check `data` against the format and build the `Request`; raise RequestError naming the key."""
        _check_keys(data)
        caller = _caller(data["principal"])
        return cls(
            action=data["action"],
            resource=data["resource"],
            principal=data["principal"],
            caller=caller,
            resource_account=_optional_text(data, "resource_account"),
            context={**derived_keys(caller), **_context(data.get("context", {}))},
            identity_policies=_policies(data.get("identity_policies", []), "identity_policies"),
            resource_policy=_optional_policy(data, "resource_policy"),
            permission_boundaries=_policies(data.get("permission_boundaries", []), "permission_boundaries"),
            session_policy=_optional_policy(data, "session_policy"),
            scps=_levels(data, "scps"),
            rcps=_levels(data, "rcps"),
            endpoint_policies=_optional_policies(data, "endpoint_policies"),
            names=_names(data.get("policy_names", {})),
        )


def _names(names):
    """The policy_names key: an object of policy key -> label(s)."""
    if not isinstance(names, dict) or not set(names) <= set(OPTIONAL):
        raise RequestError("key 'policy_names' must be an object whose keys are policy keys")
    return names


def _check_keys(data):
    """Refuse a request that is no object, lacks a required key, has an unknown one or a non-string basic."""
    if not isinstance(data, dict):
        raise RequestError(f"a request must be a JSON object, not {type(data).__name__}")
    for key in REQUIRED:
        if key not in data:
            raise RequestError(f"missing key {key!r}")
        if not isinstance(data[key], str) or not data[key]:
            raise RequestError(f"key {key!r} must be a non-empty string")
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise RequestError(f"unknown key {unknown[0]!r}")


def _caller(principal):
    """The parsed principal, or a RequestError naming the key."""
    try:
        return parse_caller(principal)
    except PrincipalError as error:
        raise RequestError(f"key 'principal': {error}") from None


def _optional_text(data, key):
    """A string value that may be absent."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise RequestError(f"key {key!r} must be a string")
    return value


def _context(context):
    """The context with lower-case key names and every value a list of strings."""
    if not isinstance(context, dict):
        raise RequestError("key 'context' must be an object of condition keys")
    result = {}
    for name, value in context.items():
        values = as_list(value)
        if not all(isinstance(v, str) for v in values):
            raise RequestError(f"key 'context.{name}' must be a string or a list of strings")
        result[name.lower()] = list(values)
    return result


def _optional_policy(data, key):
    """One policy that may be absent (null counts as absent)."""
    return None if data.get(key) is None else parse_policy(data[key], key)


def _optional_policies(data, key):
    """A list of policies that may be absent."""
    return None if data.get(key) is None else _policies(data[key], key)


def _policies(value, where):
    """A list of policies."""
    if not isinstance(value, list):
        raise RequestError(f"key {where!r} must be a list of policies")
    return tuple(parse_policy(p, f"{where}[{i}]") for i, p in enumerate(value))


def _levels(data, key):
    """SCPs or RCPs: one list of policies per level of the organization."""
    if data.get(key) is None:
        return None
    if not isinstance(data[key], list):
        raise RequestError(f"key {key!r} must be a list of levels, each a list of policies")
    return tuple(_policies(level, f"{key}[{i}]") for i, level in enumerate(data[key]))


def parse_policy(document, where):
    """A `Policy` from a policy document (an object with Statement), or a RequestError at `where`."""
    if not isinstance(document, dict) or "Statement" not in document:
        raise RequestError(f"key {where!r} must be a policy object with a Statement")
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list):
        raise RequestError(f"key '{where}.Statement' must be a statement or a list of them")
    version = document.get("Version")
    parsed = tuple(_statement(s, i, f"{where}.Statement[{i}]") for i, s in enumerate(statements))
    return Policy(version if isinstance(version, str) else None, parsed)


def _statement(data, index, where):
    """A `Statement`, checking its Effect and the types of its elements."""
    if not isinstance(data, dict):
        raise RequestError(f"key {where!r} must be a statement object")
    unknown = sorted(set(data) - _STATEMENT_KEYS)
    if unknown:
        raise RequestError(f"key '{where}.{unknown[0]}' is not a statement element")
    if data.get("Effect") not in ("Allow", "Deny"):
        raise RequestError(f'key \'{where}.Effect\' must be "Allow" or "Deny"')
    condition = data.get("Condition") or {}
    _check_condition(condition, f"{where}.Condition")
    for key in ("Principal", "NotPrincipal"):
        if key in data:
            _check_principal(data[key], f"{where}.{key}")
    return Statement(
        index=index,
        sid=data.get("Sid"),
        effect=data["Effect"],
        actions=_strings(data, "Action", where),
        not_actions=_strings(data, "NotAction", where),
        resources=_strings(data, "Resource", where),
        not_resources=_strings(data, "NotResource", where),
        principal=data.get("Principal"),
        not_principal=data.get("NotPrincipal"),
        has_principal="Principal" in data or "NotPrincipal" in data,
        condition=condition,
    )


def _strings(data, key, where):
    """A string-or-list element as a tuple of strings (None when absent)."""
    if key not in data:
        return None
    values = as_list(data[key])
    if not all(isinstance(v, str) for v in values):
        raise RequestError(f"key '{where}.{key}' must be a string or a list of strings")
    return tuple(values)


def _scalars(value):
    """True for a string, number or boolean, or a list of them (a condition's values)."""
    return all(isinstance(v, (str, int, float, bool)) for v in as_list(value))


def _check_condition(condition, where):
    """A Condition must map operators to objects of condition keys, each with scalar values."""
    if not isinstance(condition, dict) or not all(isinstance(v, dict) for v in condition.values()):
        raise RequestError(f"key {where!r} must map operators to objects of condition keys")
    for operator, keys in condition.items():
        for key, values in keys.items():
            if not _scalars(values):
                raise RequestError(f"key '{where}.{operator}.{key}' must be a value or a list of values")


def _check_principal(element, where):
    """A Principal must be a string ("*") or map AWS/Service/Federated/CanonicalUser to strings."""
    if isinstance(element, str):
        return
    if not isinstance(element, dict):
        raise RequestError(f'key {where!r} must be "*" or an object such as {{"AWS": ...}}')
    for kind, values in element.items():
        if not all(isinstance(v, str) for v in as_list(values)):
            raise RequestError(f"key '{where}.{kind}' must be a string or a list of strings")
