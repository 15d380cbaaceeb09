"""Reading a learner's answer: policy text, its lint findings, what it allows (chapters 01-07).

Policy answers go through the linter first (broken JSON: its line:col message), then
helpers.policy.explain decides what the policy really allows. Questions about "the
role" are checked against the role's policies as they are in the backend.
"""

import json

from helpers.aws import backend
from helpers.course.article import BUCKET, ROLE
from helpers.policy import explain, lint
from helpers.steps import network
from helpers.steps.iam import role_exists
from helpers.teach.verdicts import correct, not_yet

BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
OBJECT_ARN = BUCKET_ARN + "/test.txt"
ANY_OBJECT_ARN = BUCKET_ARN + "/some/other-key.bin"  # an object no answer should name by chance
OTHER_BUCKET_ARN = f"arn:aws:s3:::{network.OTHER_BUCKET}"
OTHER_OBJECT_ARN = OTHER_BUCKET_ARN + "/test.txt"
EC2 = "ec2.amazonaws.com"
LAMBDA = "lambda.amazonaws.com"


def where(finding):
    """'line 3, col 5: message (hint)' for a lint finding."""
    hint = f" ({finding.hint})" if finding.hint else ""
    place = f"line {finding.line}, col {finding.col}: " if finding.line else ""
    return f"{place}{finding.message}{hint}"


def policy_text(answer):
    """A policy answer (JSON text or a dict) as JSON text; None if it is neither."""
    if isinstance(answer, str):
        return answer
    try:
        return json.dumps(answer, indent=2) if isinstance(answer, dict) else None
    except (TypeError, ValueError):  # e.g. a dict holding a set or an object
        return None


def parse_answer(answer):
    """(document, None) for a usable policy answer, or (None, Verdict saying what is wrong)."""
    answer = policy_text(answer)
    if answer is None:
        return None, not_yet("write the policy as JSON text in a string (or as a dict of strings, lists and dicts)")
    findings = lint.lint_text(answer)
    broken = [f for f in findings if f.code in ("json", "empty", "not-object")]
    if broken:
        return None, not_yet(where(broken[0]))
    return json.loads(answer), None


def lint_errors(answer, ignore=("resource-mismatch",)):
    """The linter's errors and never-matching warnings for a policy answer (text or dict), as 'line:col: message'."""
    text = policy_text(answer)
    return [
        where(f)
        for f in lint.lint_text(text)
        if (f.severity == "error" or f.code in lint.NEVER_MATCHES) and f.code not in ignore
    ]


def version_problems(document):
    """The hint when a policy does not say "Version": "2012-10-17" (the course always does)."""
    if "Version" not in document:
        return [
            f'add "Version": "{lint.VERSION}" as the first line inside {{ '
            "(it names the policy language; without it AWS falls back to the old 2008-10-17)"
        ]
    if document["Version"] == "2008-10-17":
        return [f'write "Version": "{lint.VERSION}": 2008-10-17 is the old policy language']
    return []


def decided(document, action, resource, context=None, principal=explain.SESSION):
    """The evaluator's explanation of one request (with these condition keys, by this principal) under `document`."""
    return explain.explain(action, resource, {"answer": document}, context=context or {}, principal=principal)


def allows(document, action, resource, context=None, principal=explain.SESSION):
    """True when the document allows `action` on `resource` (explain.py's evaluation)."""
    return decided(document, action, resource, context, principal).allowed


def missed_on_resource(explanation):
    """True when an Allow statement names the request's action but its Resource does not fit (chapter 07)."""
    seen = [s for policy in explanation.result.policies for s in policy.statements]
    return any(s.effect == "Allow" and s.action_matched and not s.resource_matched for s in seen)


def missed_on_condition(explanation):
    """True when an Allow statement fits action and resource but one of its conditions is false (chapter 07)."""
    seen = [s for policy in explanation.result.policies for s in policy.statements]
    return any(
        s.effect == "Allow" and s.action_matched and s.resource_matched and any(not c.matched for c in s.conditions)
        for s in seen
    )


def policy_json(*found):
    """A policy document of these statements, as the JSON text an exercise cell shows (chapter 07)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(found)}, indent=2)


def allow(action, resource, condition=None):
    """One Allow statement, with a Condition if one is given (chapter 07)."""
    return {
        "Effect": "Allow",
        "Action": action,
        "Resource": resource,
        **({"Condition": condition} if condition else {}),
    }


def statements(document):
    """The statements of a document as a list of dicts."""
    found = document.get("Statement", [])
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)]


def policy_verdict(answer, problems_of, praise, ignore=("resource-mismatch",)):
    """The verdict on a permission-policy answer: parse, lint (but the `ignore`d codes), Version, then its problems."""
    document, verdict = parse_answer(answer)
    if verdict:
        return verdict
    errors = lint_errors(answer, ignore)
    if errors:
        return not_yet(*errors)
    problems = version_problems(document) + problems_of(document)
    return not_yet(*problems) if problems else correct(praise)


def missing_role(role=ROLE):
    """A verdict saying how to rebuild the role when it is not in the account, else None."""
    if role_exists(backend.client("iam"), role):
        return None
    return not_yet(f"{role} does not exist yet: run this notebook's `lab.start(chapter=N)` cell again")
