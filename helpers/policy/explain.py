"""Explain how IAM decides one request against identity policies (chapter 05).

`explain(action, resource, policies)` evaluates every statement of every policy
the way AWS does for identity-based policies within one account:

1. a matching Deny statement decides: "explicit deny" (it beats any Allow);
2. otherwise a matching Allow statement decides: "allow";
3. otherwise nothing matched: "implicit deny".

A statement matches when its Action (or NotAction) covers the action and its
Resource (or NotResource) covers the resource. Actions compare ignoring case,
resources (ARNs) case-sensitively; in both, * matches any run of characters and
? exactly one. Conditions are not evaluated (the table says so; they are assumed
to hold), and Principal is ignored. A statement without Resource (a trust policy)
never matches a request. The result carries a table, one row per statement (a
helpers.course.frames.Table: a DataFrame shown with whole cells and no index).
"""

import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.course.article import POLICY_DIR
from helpers.course.frames import Table
from helpers.policy.matching import as_list, wildcard_match

DECISIONS = ("explicit deny", "allow", "implicit deny")
COLUMNS = ["policy", "statement", "effect", "action matches", "resource matches", "why"]
ARTICLE_PERMISSION_POLICIES = ("s3policy.json", "cloudwatchpolicy.json")
COLOURS = {"explicit deny": "#cf222e", "allow": "#1a7f37", "implicit deny": "#9a6700"}


@dataclass
class StatementRef:
    """One statement and where it lives: policy name, 1-based number, Sid."""

    policy: str
    number: int
    statement: dict

    @property
    def sid(self):
        """The statement's Sid, or None."""
        return self.statement.get("Sid")

    @property
    def effect(self):
        """The statement's Effect ("Allow" or "Deny")."""
        return self.statement.get("Effect")

    @property
    def label(self):
        """'#2' or '#2 (Sid)' for tables."""
        return f"#{self.number}" + (f" ({self.sid})" if self.sid else "")

    def __str__(self):
        """'s3policy statement #2'."""
        return f"{self.policy} statement {self.label}"


@dataclass
class Explanation:
    """The decision for one request, the statement that decided it, and the table."""

    action: str
    resource: str
    decision: str
    deciding: StatementRef | None
    table: pd.DataFrame

    @property
    def allowed(self):
        """True when the request is allowed."""
        return self.decision == "allow"

    def summary(self):
        """One sentence: the decision and why."""
        request = f"{self.action} on {self.resource}"
        if self.decision == "allow":
            return f"allow: {request} is allowed by {self.deciding}"
        if self.decision == "explicit deny":
            return f"explicit deny: {request} is denied by {self.deciding} (a Deny beats every Allow)"
        return f"implicit deny: no statement allows {request}"

    def __str__(self):
        """The summary line followed by the table as text."""
        return f"{self.summary()}\n{self.table!r}"

    __repr__ = __str__

    def _repr_html_(self):
        """The summary line (decision in colour) and the table, for notebooks."""
        decision, _, rest = self.summary().partition(": ")
        head = f'<p><b style="color:{COLOURS[decision]}">{html.escape(decision)}</b>: {html.escape(rest)}</p>'
        return head + self.table._repr_html_()


def explain(action, resource, policies=None):
    """Decide `action` on `resource` under `policies` and explain every statement.

    `policies` is a dict of name -> document (a dict or JSON text), a list of
    policy file paths, or None for the article's permission policies.
    """
    refs = statement_refs(load_policies(policies))
    rows, matching = [], []
    for ref in refs:
        row, applies = _evaluate(ref, action, resource)
        rows.append(row)
        if applies:
            matching.append(ref)
    decision, deciding = _decide(matching)
    return Explanation(action, resource, decision, deciding, Table(rows, columns=COLUMNS))


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
        raise ValueError(f"policy {name!r} is not valid JSON ({e}); lab.lint(FILE) shows where") from None


def statement_refs(documents):
    """Every statement of every document, in order."""
    refs = []
    for name, document in documents.items():
        statements = document.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else statements
        refs += [StatementRef(name, i, s) for i, s in enumerate(statements, 1)]
    return refs


def _evaluate(ref, action, resource):
    """The table row for one statement, and whether it applies to the request."""
    statement = ref.statement
    action_ok, action_why = match_action(statement, action)
    resource_ok, resource_why = match_resource(statement, resource)
    why = f"{action_why}; {resource_why}"
    if "Condition" in statement:
        why += "; Condition not evaluated (assumed to hold)"
    row = {
        "policy": ref.policy,
        "statement": ref.label,
        "effect": ref.effect,
        "action matches": _yes(action_ok),
        "resource matches": _yes(resource_ok),
        "why": why,
    }
    return row, action_ok and resource_ok and ref.effect in ("Allow", "Deny")


def _decide(matching):
    """(decision, deciding statement) from the statements that match the request."""
    for effect, decision in (("Deny", "explicit deny"), ("Allow", "allow")):
        for ref in matching:
            if ref.effect == effect:
                return decision, ref
    return "implicit deny", None


def _yes(flag):
    """'yes' or 'no'."""
    return "yes" if flag else "no"


def _first_match(patterns, value, ignore_case):
    """The first pattern that matches `value`, or None."""
    return next((p for p in patterns if wildcard_match(p, value, ignore_case)), None)


def match_action(statement, action):
    """(matches?, why) for the statement's Action or NotAction."""
    if "NotAction" in statement:
        hit = _first_match(as_list(statement["NotAction"]), action, True)
        if hit:
            return False, f"NotAction excludes {action} ({hit})"
        return True, f"{action} is not excluded by NotAction"
    if "Action" not in statement:
        return False, "the statement has no Action"
    patterns = as_list(statement["Action"])
    hit = _first_match(patterns, action, True)
    if hit is None:
        listed = patterns[0] if len(patterns) == 1 else f"{len(patterns)} actions listed"
        return False, f"{action} is not in Action ({listed})"
    if hit == action:
        return True, f"{action} is listed in Action"
    if hit.lower() == action.lower():
        return True, f"{action} matches {hit} (actions ignore case)"
    return True, f"{action} matches {hit}"


def match_resource(statement, resource):
    """(matches?, why) for the statement's Resource or NotResource."""
    if "NotResource" in statement:
        hit = _first_match(as_list(statement["NotResource"]), resource, False)
        if hit:
            return False, f"NotResource excludes {resource} ({hit})"
        return True, f"{resource} is not excluded by NotResource"
    if "Resource" not in statement:
        return False, "no Resource: a trust policy says who may assume a role, not what it may do"
    patterns = as_list(statement["Resource"])
    hit = _first_match(patterns, resource, False)
    if hit is None:
        return False, _resource_miss(resource, patterns)
    return True, (f"{resource} is listed in Resource" if hit == resource else f"{resource} matches {hit}")


def _resource_miss(resource, patterns):
    """Why `resource` matches none of `patterns`, with the S3 bucket/object lesson."""
    if len(patterns) > 1:
        note = _case_note(resource, patterns)
        return f"{resource} matches none of the {len(patterns)} ARNs{note}"
    pattern = patterns[0]
    if _is_s3(resource) and "/" not in resource and pattern.endswith("/*") and wildcard_match(pattern[:-2], resource):
        return f"bucket ARN does not match {pattern} (that pattern covers the objects inside)"
    if _is_s3(resource) and "/" in resource and wildcard_match(pattern, resource.split("/")[0]):
        return f"object ARN does not match {pattern} (that is the bucket itself; objects need /*)"
    return f"{resource} does not match {pattern}" + _case_note(resource, patterns)


def _is_s3(arn):
    """True for an S3 bucket or object ARN."""
    return arn.startswith("arn:aws:s3:::")


def _case_note(resource, patterns):
    """' (ARNs are case-sensitive)' when only the case keeps them apart."""
    if _first_match(patterns, resource, True):
        return " (ARNs are case-sensitive)"
    return ""
