"""Exercises of chapter 02 (the role's trust policy): repair a trust policy, and read four of them.

check_trust_policy   check_who_may_assume
"""

import json
from dataclasses import dataclass

from helpers.course.article import read_policy
from helpers.instance.credentials import trusts
from helpers.policy import lint
from helpers.policy.documents import trusted_principals
from helpers.policy.matching import as_list
from helpers.teach.answers import EC2, parse_answer, policy_text, statements, version_problems, where
from helpers.teach.predictions import prediction_problem, predictions, wrong_hint
from helpers.teach.verdicts import Hint, checker, correct, not_yet


def trust_problems(document, service):
    """Hints for a trust policy that does not let `service` (and only it) assume the role."""
    found = statements(document)
    if any("Resource" in s or "NotResource" in s for s in found):
        return ["a trust policy has no Resource: delete it (the role itself is the resource)"]
    if not any("Principal" in s for s in found):
        return [f'say who may assume the role: add "Principal": {{"Service": "{service}"}}']
    if any(s.get("Principal") == "*" or s.get("Principal") == {"AWS": "*"} for s in found):
        return [f'Principal "*" lets anyone assume the role: name the service, {service}']
    if trusts(document, service):
        return []
    allowing = [s for s in found if s.get("Effect") == "Allow"]
    if not allowing:
        return ['nothing is allowed: the statement needs "Effect": "Allow"']
    actions = [a for s in allowing for a in as_list(s.get("Action", []))]
    if "sts:AssumeRole" not in actions:
        return ["the action a trust policy allows is sts:AssumeRole (taking on the role)"]
    who = ", ".join(trusted_principals(document)) or "nobody"
    return [f"this trust policy trusts {who}, but the role must trust {service}"]


# IAM's words (moto's own check says "Trust Policy statement actions can only be ..." instead).
TRUST_ACTIONS_ONLY = "AssumeRole policy may only specify STS AssumeRole actions."


# What IAM answers (MalformedPolicyDocument) to a trust policy with these lint errors.
AWS_REFUSES_TRUST = {
    "unknown-action": TRUST_ACTIONS_ONLY,
    "unknown-service": TRUST_ACTIONS_ONLY,
    "action-in-trust": TRUST_ACTIONS_ONLY,
    "service-principal": "Invalid principal in policy",
    "aws-principal": "Invalid principal in policy",
    "resource-in-trust": "Has prohibited field Resource",
    "principal-missing": "Missing required field Principal",
}


def lint_hint(finding, refusal=None):
    """A lint finding as a hint: where and what (and IAM's refusal) first, the suggestion from the second try."""
    place = f"line {finding.line}, col {finding.col}: " if finding.line else ""
    said = f' — IAM says: "{refusal}"' if refusal else ""
    return Hint(f"{place}{finding.message}{said}", finding.hint) if finding.hint else where(finding) + said


def trust_lint_verdict(answer):
    """Not yet with the linter's errors, each with IAM's own refusal where we know it; or None."""
    findings = [
        f for f in lint.lint_text(policy_text(answer)) if f.severity == "error" and f.code != "resource-mismatch"
    ]
    if not findings:
        return None
    refused = [f for f in findings if f.code in AWS_REFUSES_TRUST]
    hints = [lint_hint(f, AWS_REFUSES_TRUST.get(f.code)) for f in findings]
    if not refused:
        return not_yet(*hints)
    return not_yet(
        *hints,
        lead="AWS would refuse this trust policy with MalformedPolicyDocument "
        "(create-role fails). The linter shows where and why:",
    )


@checker("02-trust")
def check_trust_policy(answer):
    """Exercise 02.1: repair a trust policy so that EC2 may assume the role."""
    document, verdict = parse_answer(answer)
    if verdict:
        return verdict
    verdict = trust_lint_verdict(answer)
    if verdict:
        return verdict
    problems = version_problems(document) + trust_problems(document, EC2)
    if problems:
        return not_yet(*problems)
    return correct(f"The EC2 service ({EC2}) may now call sts:AssumeRole on the role.")


def trust_document(*statements):
    """A trust policy with these statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def assume(principal, effect="Allow"):
    """One trust statement: `principal` may (or, with Deny, may not) call sts:AssumeRole."""
    return {"Effect": effect, "Principal": principal, "Action": "sts:AssumeRole"}


@dataclass(frozen=True)
class TrustCase:
    """A trust policy to read, what to look at again when misread, and why it decides as it does."""

    document: dict
    look_at: str
    why: str


WHO_MAY_ASSUME = (
    TrustCase(
        trust_document(assume({"Service": ["lambda.amazonaws.com", EC2]})),
        "its Principal, which names more than one service",
        f"a Service principal may be a list; {EC2} is in it, so EC2 may assume the role (and Lambda too)",
    ),
    TrustCase(
        trust_document(assume({"AWS": "arn:aws:iam::123456789012:root"})),
        "who its Principal names",
        "AWS: arn:aws:iam::123456789012:root is the account, whose own IAM identity policies then decide "
        f"which of its users and roles may assume the role; it does not name the EC2 service, {EC2}",
    ),
    TrustCase(
        trust_document(assume({"Service": EC2}), assume({"Service": EC2}, effect="Deny")),
        "what its second statement does",
        "an explicit Deny for the same principal and action beats the Allow: EC2 may not assume the role",
    ),
    TrustCase(
        trust_document(assume({"Service": "lambda.amazonaws.com"}), assume({"Service": EC2})),
        "every statement, not only the first",
        f"the second statement allows {EC2}; a trust policy's Allow statements add up, so EC2 may assume the role",
    ),
)


READ_TRUST = (
    "for each policy, read who its Principal names, what its Effect and Action say, and every statement, "
    "not only the first"
)


def case_markdown(number, case):
    """Trust policy `number` as the notebook shows it: a heading line and its JSON."""
    return f"**Trust policy {number}**\n\n```json\n{json.dumps(case.document, indent=2)}\n```"


@checker("02-who-may-assume")
def check_who_may_assume(answer):
    """Exercise 02.2: for each trust policy of WHO_MAY_ASSUME, may EC2 assume the role? {1: True/False, ...}."""
    given = predictions(answer, len(WHO_MAY_ASSUME))
    if given is None:
        return not_yet(
            f"answer with a dict {{1: True, ..., {len(WHO_MAY_ASSUME)}: False}} (True = EC2 may assume the role)"
        )
    hints, again, right = [], [], 0
    for number, case in enumerate(WHO_MAY_ASSUME, 1):
        problem = prediction_problem(number, given.get(number), "EC2 may assume it", "it may not", "trust policy")
        if problem:
            hints.append(problem)
        elif given[number] == trusts(case.document):
            right += 1
        else:
            again.append(f"trust policy {number}: look again at {case.look_at}")
    hints += [wrong_hint(again, READ_TRUST)] if again else []
    if hints:
        return not_yet(*hints, lead=f"{right} of {len(WHO_MAY_ASSUME)} right.")
    return correct("The Principal says who, the Action what, and a Deny beats every Allow, in trust policies too.")


TRUST_SOLUTION = read_policy("trustpolicy.json").strip()


STARTERS = {
    "02-trust": """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "ec2.amazonaws.co"
      },
      "Action": "sts:AssumeRoles"
    }
  ]
}""",
    "02-who-may-assume": {1: True, 2: True, 3: True, 4: True},
}
SOLUTIONS = {
    "02-trust": TRUST_SOLUTION,
    "02-who-may-assume": {1: True, 2: False, 3: False, 4: True},
}
CHECKERS = {
    "02-trust": check_trust_policy,
    "02-who-may-assume": check_who_may_assume,
}
