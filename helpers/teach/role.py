"""Exercises of chapter 02 (the role's trust policy): repair a trust policy, and a Lambda function's Principal.

check_trust_policy   check_lambda_principal
"""

from helpers.course.article import read_policy
from helpers.instance.credentials import trusts
from helpers.policy import lint
from helpers.policy.documents import trusted_principals
from helpers.policy.matching import as_list
from helpers.teach.answers import EC2, LAMBDA, parse_answer, policy_text, statements, version_problems, where
from helpers.teach.verdicts import checker, correct, not_yet


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


TRUST_ACTIONS_ONLY = (
    "Trust Policy statement actions can only be sts:AssumeRole, "
    "sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity"
)


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


def trust_lint_verdict(answer):
    """Not yet with the linter's errors, each with IAM's own refusal where we know it; or None."""
    findings = [
        f for f in lint.lint_text(policy_text(answer)) if f.severity == "error" and f.code != "resource-mismatch"
    ]
    if not findings:
        return None
    refused = [f for f in findings if f.code in AWS_REFUSES_TRUST]
    hints = [where(f) + (f' — IAM says: "{AWS_REFUSES_TRUST[f.code]}"' if f in refused else "") for f in findings]
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


def lambda_trust(principal):
    """A trust policy with `principal` (a dict, or a service name) and sts:AssumeRole."""
    if isinstance(principal, str) and principal != "*":
        principal = {"Service": principal}
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


@checker("02-lambda")
def check_lambda_principal(answer):
    """Exercise 02.2: the Principal of a role that a Lambda function will use."""
    if not isinstance(answer, (dict, str)):
        return not_yet('answer with the Principal element, e.g. {"Service": "..."}')
    document = lambda_trust(answer)
    services = as_list(answer.get("Service", [])) if isinstance(answer, dict) else []
    if isinstance(answer, dict) and "AWS" in answer:
        return not_yet(
            'an "AWS" principal names an account or an IAM identity; a service is named with the "Service" key'
        )
    if EC2 in services:
        return not_yet(
            f"{EC2} is the EC2 service; a Lambda function's role must trust the Lambda "
            "service, named the same way (NAME.amazonaws.com)"
        )
    lowered = [s for s in services if isinstance(s, str) and s.lower() == LAMBDA and s != LAMBDA]
    if lowered:
        return not_yet(f"service principals are lowercase: write {LAMBDA}")
    text = policy_text(document)
    if text is None:
        return not_yet('answer with the Principal element, e.g. {"Service": "..."}, of strings only')
    errors = [f"{f.message} ({f.hint})" if f.hint else f.message for f in lint.lint_text(text) if f.severity == "error"]
    if errors:
        return not_yet(*errors)
    problems = trust_problems(document, LAMBDA)
    if problems:
        return not_yet(*problems)
    return correct(f'{{"Service": "{LAMBDA}"}}: the Lambda service assumes the role for your function.')


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
    "02-lambda": {"Service": EC2},
}
SOLUTIONS = {
    "02-trust": TRUST_SOLUTION,
    "02-lambda": {"Service": LAMBDA},
}
CHECKERS = {
    "02-trust": check_trust_policy,
    "02-lambda": check_lambda_principal,
}
