"""Explain how IAM decides one request, offline, with AWS's evaluation logic (chapters 03, 05 and 08).

`explain(action, resource, policies)` asks helpers.policy.evaluate -- the same evaluator
that decides the lab's real calls -- how AWS decides `action` on `resource` for the
article's role session holding `policies` (its identity-based policies), and keyword
arguments add what else may be in force: `context` (condition keys and values),
`resource_policy`, `boundary`, `session_policy`, `scps` (one list per organization
level), `principal`, and `resource_account` (the resource's account, when it is not
the principal's: a cross-account request). Conditions are evaluated; the result names
the deciding statement and has a table (a helpers.course.frames.Table: a DataFrame
shown with whole cells and no index) with one row per statement and why it applied or
not, plus the
article's S3 lesson where it applies (object actions need bucket/*, bucket actions the
bare bucket ARN).
"""

import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.course.article import EMULATED_ACCOUNT, POLICY_DIR, ROLE
from helpers.course.errors import LabError
from helpers.course.frames import Table
from helpers.policy.evaluate import decide
from helpers.policy.matching import as_list, wildcard_match
from helpers.policy.request import Request, RequestError

DECISIONS = ("explicit deny", "allow", "implicit deny")
WORDS = {"explicitDeny": "explicit deny", "allowed": "allow", "implicitDeny": "implicit deny"}
COLUMNS = ["policy", "statement", "effect", "action matches", "resource matches", "conditions", "why"]
ARTICLE_PERMISSION_POLICIES = ("s3policy.json", "cloudwatchpolicy.json")
COLOURS = {"explicit deny": "#cf222e", "allow": "#1a7f37", "implicit deny": "#9a6700"}
SESSION = f"arn:aws:sts::{EMULATED_ACCOUNT}:assumed-role/{ROLE}/i-0123456789abcdef0"  # an instance's role session


@dataclass
class StatementRef:
    """One statement and where it lives: policy name, 1-based number, Sid, Effect."""

    policy: str
    number: int
    sid: str | None
    effect: str

    @property
    def label(self):
        """'#2' or '#2 (Sid)' for tables."""
        return f"#{self.number}" + (f" ({self.sid})" if self.sid else "")

    def __str__(self):
        """'s3policy statement #2'."""
        return f"{self.policy} statement {self.label}"


@dataclass
class Explanation:
    """The decision for one request, the statement that decided it, the table, and the evaluator's Decision."""

    action: str
    resource: str
    decision: str
    deciding: StatementRef | None
    table: pd.DataFrame
    result: object  # helpers.policy.decision.Decision

    @property
    def allowed(self):
        """True when the request is allowed."""
        return self.decision == "allow"

    def summary(self):
        """One sentence: the decision and why."""
        request = f"{self.action or '(no action)'} on {self.resource or '(no resource)'}"
        if self.decision == "allow":
            return f"allow: {request} is allowed by {self.deciding}"
        if self.decision == "explicit deny":
            return f"explicit deny: {request} is denied by {self.deciding} (a Deny beats every Allow)"
        return f"implicit deny: {request} is not allowed ({self.result.reason})"

    def __str__(self):
        """The summary line followed by the table as text."""
        return f"{self.summary()}\n{self.table!r}"

    __repr__ = __str__

    def _repr_html_(self):
        """The summary line (decision in colour) and the table, for notebooks."""
        decision, _, rest = self.summary().partition(": ")
        head = f'<p><b style="color:{COLOURS[decision]}">{html.escape(decision)}</b>: {html.escape(rest)}</p>'
        return head + self.table._repr_html_()


def explain(action, resource, policies=None, **more):
    """Decide `action` on `resource` for the role session holding `policies`, and explain every statement.

    `policies` is a dict of name -> document (a dict or JSON text), a list of policy file
    paths, or None for the article's permission policies. See the module docstring for `more`.
    """
    for name, value in (("action", action), ("resource", resource)):
        if not isinstance(value, str) or not value.strip():
            raise LabError(
                f'explain needs the {name} as text, e.g. explain("s3:GetObject", "arn:aws:s3:::b/k"), not {value!r}.'
            )
    documents = load_policies(policies)
    request = build_request(action, resource, documents, **more)
    try:
        parsed = Request.from_dict(request)
    except RequestError as error:
        raise LabError(f"explain could not read its policies: {error}.") from None
    return explanation_of(decide(parsed), documents)


def explanation_of(result, documents=None):
    """The Explanation of a Decision (`documents`: {name: document} of its identity policies, for the lessons)."""
    table = Table(rows(result, documents or {}, result.action, result.resource), columns=COLUMNS)
    return Explanation(result.action, result.resource, WORDS[result.decision], deciding(result), table, result)


def build_request(action, resource, documents, principal=SESSION, context=None, *, resource_account=None, **policies):
    """The evaluator's request: the identity policies `documents`, and the other policies given by keyword."""
    request = {
        "action": action or "",
        "resource": resource or "",
        "principal": principal,
        "context": context or {},
        "identity_policies": list(documents.values()),
        "policy_names": {"identity_policies": list(documents)},
    }
    if resource_account is not None:
        request["resource_account"] = resource_account
    keys = {
        "resource_policy": "resource_policy",
        "boundary": "permission_boundaries",
        "session_policy": "session_policy",
    }
    for name, key in keys.items():
        if policies.get(name) is not None:
            document = policies[name]
            request[key] = [document] if key == "permission_boundaries" else document
    if policies.get("scps") is not None:
        request["scps"] = policies["scps"]
    return request


def load_policies(policies=None):
    """Policy documents by name from a dict, a list of paths, one path, or the article."""
    if policies is None:
        policies = [POLICY_DIR / name for name in ARTICLE_PERMISSION_POLICIES]
    if isinstance(policies, (str, Path)):
        policies = [policies]
    if isinstance(policies, dict) and "Statement" in policies:
        policies = {"policy": policies}
    if isinstance(policies, dict):
        return {name: _document(name, doc) for name, doc in policies.items()}
    return {Path(p).stem: _document(Path(p).stem, Path(p).read_text(encoding="utf-8-sig")) for p in policies}


def _document(name, document):
    """A policy document as a dict, parsing JSON text if needed."""
    if isinstance(document, dict):
        return document
    try:
        return json.loads(document)
    except json.JSONDecodeError as e:
        raise LabError(f"policy {name!r} is not valid JSON ({e.msg}); lab.lint(...) shows where") from None


def deciding(result):
    """The StatementRef of the statement that decided, or None (an implicit deny)."""
    statement = result.deciding_statement
    if statement is None or result.decision == "implicitDeny":
        return None
    return StatementRef(statement.policy_label, statement.index + 1, statement.sid, statement.effect)


def rows(result, documents, action, resource):
    """One table row per statement of every policy consulted."""
    found = []
    for policy in result.policies:
        for statement in policy.statements:
            ref = StatementRef(statement.policy_label, statement.index + 1, statement.sid, statement.effect)
            written = _statement(documents, statement)
            found.append(
                {
                    "policy": statement.policy_label,
                    "statement": ref.label,
                    "effect": statement.effect,
                    "action matches": _yes(statement.action_matched),
                    "resource matches": _yes(statement.resource_matched),
                    "conditions": _conditions(statement),
                    "why": _why(statement, written, action, resource),
                }
            )
    return found


def _statement(documents, statement):
    """The statement as written in its document (for the S3 lesson), or {}."""
    document = documents.get(statement.policy_label, {})
    written = as_list(document.get("Statement", [])) if isinstance(document, dict) else []
    return written[statement.index] if statement.index < len(written) else {}


def _conditions(statement):
    """'-' without conditions, else each condition's verdict."""
    if not statement.conditions:
        return "-"
    return "; ".join(c.describe() for c in statement.conditions)


def _why(statement, written, action, resource):
    """The evaluator's reason, with the lessons a learner needs: S3's ARN kinds, and which parts ignore case."""
    notes = []
    actions = [a for a in as_list(written.get("Action", [])) if isinstance(a, str)]
    if statement.action_matched and any(
        wildcard_match(a, action, ignore_case=True) and not wildcard_match(a, action) for a in actions
    ):
        notes.append("actions ignore case")
    if not statement.resource_matched:
        patterns = [p for p in as_list(written.get("Resource", [])) if isinstance(p, str)]
        notes.append(s3_lesson(patterns, resource))
        if any(wildcard_match(p, resource, ignore_case=True) for p in patterns):
            notes.append("ARNs are case-sensitive")
    notes = [note for note in notes if note]
    return statement.reason + (f" ({'; '.join(notes)})" if notes else "")


def s3_lesson(patterns, resource):
    """Why an S3 resource misses the patterns when bucket and object ARNs are confused, or ''."""
    if not resource.startswith("arn:aws:s3:::") or len(patterns) != 1 or not isinstance(patterns[0], str):
        return ""
    pattern = patterns[0]
    if "/" not in resource and pattern.endswith("/*") and wildcard_match(pattern[:-2], resource):
        return f"bucket ARN does not match {pattern}: that pattern covers the objects inside"
    if "/" in resource and wildcard_match(pattern, resource.split("/")[0]):
        return f"object ARN does not match {pattern}: that is the bucket itself; objects need /*"
    return ""


def _yes(flag):
    """'yes' or 'no'."""
    return "yes" if flag else "no"
