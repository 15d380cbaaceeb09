"""Check IAM policy files and point at each problem by line and column (chapter 01).

`lint_file(path)` and `lint_text(text)` return `Finding`s (helpers.policy.findings);
`check_policy_file(path)` prints them for a notebook and never raises.
`python -m helpers lint PATH...` is the command-line form.

How it works:
1. The JSON is read with the position of every key and value
   (helpers.policy.jsonpos); a syntax error is said in words (helpers.policy.syntax).
2. The policy's structure is checked here: Version, Statement, Sid; each statement's
   keys, Effect, Action and Condition (rules_actions) -- misspelled keys and values
   get a "did you mean".
3. A permission policy's Resource is checked against the catalogue of AWS's actions
   and resource types (rules_resources), including the article's S3 lesson.
4. A policy shaped like a trust policy (a Principal with ``sts:AssumeRole*``, no
   Resource) is checked by trust-policy rules instead (rules_trust).

Severity: an "error" is something IAM refuses (MalformedPolicyDocument), so the
`%aws` magic does not send the document; a "warning" is accepted by IAM but is
probably a mistake (e.g. an action that never matches), so it is only printed.
"""

import json
import re
from pathlib import Path

from helpers.policy.elements import STATEMENT_KEYS, describe, fields
from helpers.policy.findings import Finding, Report, print_findings, source_lines
from helpers.policy.jsonpos import parse, plain
from helpers.policy.matching import as_list
from helpers.policy.rules_actions import check_actions, check_condition, check_effect
from helpers.policy.rules_resources import check_identity_statement
from helpers.policy.rules_trust import check_trust_statement
from helpers.policy.syntax import BOM, BOM_HINT, JsonError

TOP_KEYS = ("Version", "Id", "Statement")
VERSION = "2012-10-17"
# Warnings for what IAM stores but what can never match a request (a course answer must not have them).
NEVER_MATCHES = ("unknown-service", "unknown-action", "arn-unknown", "resource-mismatch")
BOM_MESSAGE = "the file starts with a byte-order mark (BOM): IAM refuses it (MalformedPolicyDocument)"
EXAMPLE_POLICY = '{"Version": "2012-10-17", "Statement": [...]}'


def lint_text(text, path="<policy>", kind=None):
    """All findings for the policy JSON in `text`, sorted by position.

    `kind` is the policy the caller expects, "trust" or "permission"; a policy of
    the other kind is then an error (IAM refuses it). None: any kind will do.
    """
    report = Report(text, str(path))
    if not text.strip():
        report.add(0, "error", "empty", "the file is empty", f"a policy is a JSON object: {EXAMPLE_POLICY}")
        return report.findings
    try:
        root = parse(text)
    except JsonError as e:
        report.add(e.offset, "error", "json", e.message, e.hint)
        return report.findings
    except RecursionError:
        report.add(0, "error", "json", "the JSON is nested too deeply", "a policy is only a few levels deep")
        return report.findings
    _check_policy(report, root, kind)
    return sorted(report.findings, key=lambda f: (f.line, f.col))


def lint_file(path, kind=None):
    """All findings for the policy file at `path` (a missing file is one finding).

    A leading UTF-8 byte-order mark is an error at 1:1 (IAM refuses the document
    with MalformedPolicyDocument); the rest of the file is checked as if it were
    not there, so columns are those an editor shows.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")  # not utf-8-sig: a BOM is a finding
    except FileNotFoundError:
        return [
            Finding(
                str(path),
                0,
                0,
                "error",
                "file not found",
                f"check the name; the current folder is {Path.cwd()}",
                "missing",
            )
        ]
    except IsADirectoryError:
        return [
            Finding(str(path), 0, 0, "error", "is a folder, not a file", "give the path of a .json file", "missing")
        ]
    except UnicodeDecodeError as e:
        return [Finding(str(path), 0, 0, "error", "not UTF-8 text", f"save the file as UTF-8 ({e.reason})", "encoding")]
    if not text.startswith(BOM):
        return lint_text(text, str(path), kind)
    return [
        Finding(str(path), 1, 1, "error", BOM_MESSAGE, BOM_HINT, "bom"),
        *lint_text(text[len(BOM) :], str(path), kind),
    ]


def check_policy_file(path):
    """Print a policy file's findings with the offending line, or one OK line; never raises."""
    try:
        print_findings(lint_file(path), source_lines(path), f"OK {path}: no problems found")
    except Exception as e:  # a notebook check must never end in a traceback
        print(f"{path}: error: could not check the file ({type(e).__name__}: {e})")


def check_policy_text(text, name="(the JSON text)"):
    """Print the findings for policy JSON given as text, with the offending line, or one OK line; never raises."""
    try:
        print_findings(lint_text(text, name), text.splitlines(), f"OK {name}: no problems found")
    except Exception as e:  # a notebook check must never end in a traceback
        print(f"{name}: error: could not check the text ({type(e).__name__}: {e})")


def _check_policy(report, root, kind=None):
    """Check the top level of a policy document (and that it is of `kind`, if given)."""
    if root.kind != "object":
        hint = (
            'put the statements under "Statement" inside { ... }'
            if root.kind == "array"
            else f"a policy looks like {EXAMPLE_POLICY}"
        )
        report.add(root, "error", "not-object", f"the policy must be a JSON object {{...}}, not {describe(root)}", hint)
        return
    found = fields(report, root, TOP_KEYS)
    _check_version(report, root, found.get("Version"))
    statements = _statements(report, root, found.get("Statement"))
    trust = any(_looks_like_trust(plain(s)) for s in statements)
    if statements and kind:
        _check_kind(report, root, "trust" if trust else "permission", kind)
    _check_sids(report, statements)
    for statement in statements:
        _check_statement(report, statement, trust)


KINDS = {  # name, shape, where it goes, an example file
    "trust": (
        "a trust policy",
        "Principal, sts:AssumeRole, no Resource",
        "create-role --assume-role-policy-document",
        "../policies/trustpolicy.json",
    ),
    "permission": (
        "a permission policy",
        "Action and Resource, no Principal",
        "create-policy --policy-document",
        "../policies/s3policy.json",
    ),
}


def _check_kind(report, root, found, expected):
    """Report a trust policy where a permission policy is expected, or the other way round."""
    if found == expected:
        return
    name, shape, home, _ = KINDS[found]
    wanted, wanted_shape, _, example = KINDS[expected]
    report.add(
        root,
        "error",
        "wrong-kind",
        f"this is {name} ({shape}), but {wanted} ({wanted_shape}) is expected here",
        f"{name} goes to {home}; here give {wanted}, e.g. {example}",
    )


def _check_version(report, root, member):
    """Version must be "2012-10-17"."""
    if member is None:
        report.add(
            root,
            "warning",
            "version-missing",
            "Version is missing",
            f'add "Version": "{VERSION}" as the first line inside {{',
        )
        return
    value = plain(member.value)
    if value == VERSION:
        return
    if value == "2008-10-17":
        report.add(
            member.value,
            "warning",
            "version-old",
            "Version 2008-10-17 is the old policy language (no ${...} variables)",
            f"use {VERSION}",
        )
        return
    report.add(
        member.value,
        "error",
        "version-invalid",
        f"invalid Version {json.dumps(value)}",
        f"use {VERSION}: it names the policy language, it is not today's date",
    )


def _statements(report, root, member):
    """The statement objects of the policy (reporting a missing or odd Statement)."""
    if member is None:
        report.add(
            root,
            "error",
            "statement-missing",
            "Statement is missing",
            'add "Statement": [ {"Effect": ..., "Action": ..., "Resource": ...} ]',
        )
        return []
    node = member.value
    if node.kind == "object":
        return [node]
    if node.kind != "array":
        report.add(
            node,
            "error",
            "statement-type",
            f"Statement must be a list of objects, not {describe(node)}",
            "write [ { ... }, { ... } ]",
        )
        return []
    if not node.value:
        report.add(node, "error", "statement-empty", "Statement is empty", "add at least one { ... } statement")
    for item in node.value:
        if item.kind != "object":
            report.add(
                item,
                "error",
                "statement-type",
                f"each statement must be an object {{...}}, not {describe(item)}",
                'write { "Effect": ..., "Action": ..., "Resource": ... }',
            )
    return [item for item in node.value if item.kind == "object"]


def _looks_like_trust(statement):
    """True when a statement is shaped like a role's trust policy."""
    actions = statement.get("Action", statement.get("NotAction", []))
    actions = [a for a in as_list(actions) if isinstance(a, str)]
    sts = any(a.lower().startswith("sts:") for a in actions)
    only_sts = all(a.lower().startswith("sts:") for a in actions)
    principal = "Principal" in statement or "NotPrincipal" in statement
    resource = "Resource" in statement or "NotResource" in statement
    return (sts and (principal or not resource)) or (principal and not resource and only_sts)


def _check_sids(report, statements):
    """Sids must be letters and digits only, and unique."""
    seen = set()
    for statement in statements:
        member = next((m for m in statement.value if m.key == "Sid"), None)
        if member is None or not isinstance(member.value.value, str):
            continue
        sid = member.value.value
        if not re.fullmatch(r"[A-Za-z0-9]*", sid):
            report.add(
                member.value,
                "error",
                "sid-invalid",
                f"Sid {json.dumps(sid)} may contain only letters and digits",
                f"e.g. {re.sub('[^A-Za-z0-9]', '', sid) or 'AllowRead'}",
            )
        elif sid in seen:
            report.add(
                member.value, "error", "sid-duplicate", f'duplicate Sid "{sid}"', "give every statement its own Sid"
            )
        seen.add(sid)


def _check_statement(report, statement, trust):
    """Check one statement, by identity-policy or trust-policy rules."""
    found = fields(report, statement, STATEMENT_KEYS)
    check_effect(report, statement, found.get("Effect"))
    actions = check_actions(report, statement, found, trust)
    if "Condition" in found:
        check_condition(report, found["Condition"].value)
    if trust:
        check_trust_statement(report, statement, found, actions)
    else:
        check_identity_statement(report, statement, found, actions)
