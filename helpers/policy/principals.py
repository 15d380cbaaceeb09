"""Who asks, and whether a Principal or NotPrincipal element names them (chapter 08 (How AWS really decides)).

Rules, from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html:
- "*" (or {"AWS": "*"}) names everyone, anonymous users included;
- an account ID or arn:aws:iam::ID:root names the account: it delegates to the
  account, whose own identity-based policies must then allow the request;
- a role ARN names the role and so every session of it; an assumed-role ARN
  names one session; a user ARN one user; {"Service": ...} an AWS service.
NotPrincipal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
names exceptions; AWS "might validate the account first, then the role, and then
the assumed-role user". This engine takes the narrow reading: only an entry that
names the caller itself (for a session: its session ARN) exempts it.
"""

import re
from dataclasses import dataclass

from helpers.policy.matching import as_list

_IAM_ARN = re.compile(r"^arn:([\w-]+):(iam|sts)::(\d{12}|aws):(.+)$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")

# What a Principal entry that names the caller grants (see evaluate.py for the consequences).
EVERYONE, ACCOUNT, USER, ROLE, SESSION, ROOT, SERVICE, FEDERATED = (
    "everyone",
    "account",
    "user",
    "role",
    "session",
    "root",
    "service",
    "federated",
)


class PrincipalError(ValueError):
    """The request's principal is not in a form this engine knows."""


@dataclass(frozen=True)
class Caller:
    """The principal that signs the request, taken apart."""

    kind: str  # user, role, session, federated, root, service or anonymous
    arn: str  # the principal as given
    account: str | None = None
    partition: str = "aws"
    name: str | None = None  # user name, role name or federated user name
    role_arn: str | None = None  # for a session: the role's ARN (without its path)

    @property
    def is_session(self):
        """True for a role session or a federated user session."""
        return self.kind in ("session", "federated")


def parse_caller(text):
    """The `Caller` for a request's principal string, or raise PrincipalError."""
    if text == "anonymous":
        return Caller("anonymous", text)
    if ":" not in text and "." in text:
        return Caller("service", text)
    found = _IAM_ARN.match(text)
    if not found:
        raise PrincipalError(f"unknown principal {text!r}")
    partition, service, account, rest = found.groups()
    return _caller_from_arn(text, partition, service, account, rest)


def _caller_from_arn(text, partition, service, account, rest):
    """The `Caller` for an IAM or STS ARN's parts."""
    kind, _, path = rest.partition("/")
    if service == "iam" and rest == "root":
        return Caller("root", text, account, partition)
    if service == "iam" and kind in ("user", "role") and path:
        return Caller(kind, text, account, partition, path.rsplit("/", 1)[-1])
    if service == "sts" and kind == "assumed-role" and "/" in path:
        role = path.split("/", 1)[0]
        return Caller("session", text, account, partition, role, f"arn:{partition}:iam::{account}:role/{role}")
    if service == "sts" and kind == "federated-user" and path:
        return Caller("federated", text, account, partition, path)
    raise PrincipalError(f"unknown principal {text!r}")


def _aws_entry_grant(entry, caller):
    """What one "AWS" entry of a Principal element grants the caller, or None."""
    if entry == "*":
        return EVERYONE
    if caller.account is None:
        return None
    if entry in (caller.account, f"arn:{caller.partition}:iam::{caller.account}:root"):
        return ROOT if caller.kind == "root" else ACCOUNT
    if entry == caller.arn:
        return {"user": USER, "role": ROLE, "session": SESSION, "federated": FEDERATED}.get(caller.kind)
    if caller.kind == "session" and _names_role(entry, caller):
        return ROLE
    return None


def _names_role(entry, caller):
    """True when `entry` is the ARN of the session's role (any path, same name and account)."""
    prefix = f"arn:{caller.partition}:iam::{caller.account}:role/"
    return entry.startswith(prefix) and entry.rsplit("/", 1)[-1] == caller.name


def _entries(element):
    """A Principal element as (type, value) pairs; a bare string (e.g. "*") is read as {"AWS": string}."""
    if isinstance(element, str):
        return [("AWS", element)]
    if not isinstance(element, dict):
        return []
    return [(kind, value) for kind, values in element.items() for value in as_list(values)]


def _entry_grant(kind, value, caller):
    """What one (type, value) entry grants the caller, or None."""
    if kind == "AWS":
        return _aws_entry_grant(value, caller)
    if kind == "Service" and caller.kind == "service" and value.lower() == caller.arn.lower():
        return SERVICE
    if kind == "Federated" and value == caller.arn:
        return FEDERATED
    return None


_STRENGTH = [ACCOUNT, ROLE, FEDERATED, SERVICE, USER, SESSION, ROOT, EVERYONE]


def principal_grant(element, caller):
    """The strongest grant the Principal element gives the caller, and a reason; (None, reason) if none."""
    grants = [(_entry_grant(kind, value, caller), f"{kind}: {value}") for kind, value in _entries(element)]
    grants = [g for g in grants if g[0] is not None]
    if not grants:
        return None, f"Principal does not name {caller.arn}"
    grant, entry = max(grants, key=lambda g: _STRENGTH.index(g[0]))
    return grant, f"Principal names {caller.arn} ({grant}, by {entry})"


def _exempts(kind, value, caller):
    """True when a NotPrincipal entry names the caller itself (the narrow reading)."""
    if kind == "AWS" and value == "*":
        return True
    if kind == "AWS" and caller.kind == "root":
        return value in (caller.account, caller.arn)
    if kind == "Service":
        return caller.kind == "service" and value.lower() == caller.arn.lower()
    return value == caller.arn


def not_principal_match(element, caller):
    """True (and a reason) when a NotPrincipal element leaves the caller in, i.e. does not exempt them."""
    for kind, value in _entries(element):
        if _exempts(kind, value, caller):
            return False, f"NotPrincipal exempts {caller.arn} (by {kind}: {value})"
    return True, f"NotPrincipal does not exempt {caller.arn}"


def is_account_id(text):
    """True for a 12-digit AWS account ID."""
    return bool(_ACCOUNT_ID.match(text))


_PRINCIPAL_TYPES = {
    "user": "User",
    "role": "AssumedRole",
    "session": "AssumedRole",
    "federated": "FederatedUser",
    "root": "Account",
    "anonymous": "Anonymous",
}


def derived_keys(caller):
    """The global condition keys the principal alone determines (lower-case names -> values).

    From https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html:
    aws:PrincipalArn (for a role session, the role's ARN), aws:PrincipalAccount,
    aws:PrincipalType, aws:PrincipalIsAWSService, aws:username (IAM users only),
    and aws:PrincipalServiceName for a service principal.
    """
    keys = {"aws:principalisawsservice": ["true" if caller.kind == "service" else "false"]}
    if caller.kind == "service":
        keys["aws:principalservicename"] = [caller.arn]
    if caller.kind in _PRINCIPAL_TYPES:
        keys["aws:principaltype"] = [_PRINCIPAL_TYPES[caller.kind]]
    if caller.account is not None:
        keys["aws:principalaccount"] = [caller.account]
        keys["aws:principalarn"] = [caller.role_arn or caller.arn]
    if caller.kind == "user":
        keys["aws:username"] = [caller.name]
    return keys
