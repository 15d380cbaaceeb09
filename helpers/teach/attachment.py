"""Exercises of chapter 03 (attaching the policies): five calls predicted, and what stays after a detach.

check_five_calls   check_after_detach
"""

import json

from helpers.course.article import ROLE, read_policy
from helpers.policy.matching import as_list
from helpers.steps import network, role_policies
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, OTHER_OBJECT_ARN, missing_role, statements
from helpers.teach.predictions import Request, check_predictions
from helpers.teach.verdicts import Hint, checker, correct, not_yet

FIVE_CALLS = (
    Request("aws s3 cp test.txt s3://ut-wordpress-s3/test.txt", "s3:PutObject", OBJECT_ARN),
    Request("aws s3 ls", "s3:ListAllMyBuckets", "*"),
    Request(f"aws s3 cp s3://{network.OTHER_BUCKET}/test.txt ./", "s3:GetObject", OTHER_OBJECT_ARN),
    Request(
        "aws cloudwatch put-metric-data --namespace Lab --metric-name Test --value 1", "cloudwatch:PutMetricData", "*"
    ),
    Request("aws s3 rb s3://ut-wordpress-s3", "s3:DeleteBucket", BUCKET_ARN),
)


@checker("03-five-calls")
def check_five_calls(answer):
    """Exercise 03.1: which of FIVE_CALLS the role may make, as {1: True/False, ...}."""
    return check_predictions(answer, FIVE_CALLS)


DETACHED = "S3-Wordpress-ut"


def kept_actions(role=ROLE, detached=DETACHED):
    """The actions the role's other policies allow: what it keeps once `detached` is gone."""
    documents = role_policies.documents(role)
    return sorted(
        {
            a
            for name, doc in documents.items()
            if name != detached
            for s in statements(doc)
            if s.get("Effect") == "Allow"
            for a in as_list(s.get("Action", []))
        }
    )


def why_not_kept(action):
    """Why an action the learner listed is not kept after the detach: where to look first, then the reason."""
    from_s3 = {
        a.lower() for s in statements(json.loads(read_policy("s3policy.json"))) for a in as_list(s.get("Action", []))
    }
    concept = f"{action}: which of the role's policies grants it?"
    if action.strip().lower().startswith("sts:"):
        return Hint(concept, "it is in the trust policy, which says who may become the role, not what the role may do")
    if action.strip().lower() in from_s3:
        return Hint(concept, f"it comes from {DETACHED}, which you detached")
    return Hint(concept, "none of the role's other policies")


def missing_hint(missing, others):
    """The hint for actions the role keeps that the answer leaves out."""
    count = "an action" if len(missing) == 1 else f"{len(missing)} actions"
    return Hint(
        f"{count} the role keeps {'is' if len(missing) == 1 else 'are'} missing: what does the policy "
        "that stays attached allow?",
        f"{', '.join(missing)}: {others} still allows {'it' if len(missing) == 1 else 'them'}",
    )


@checker("03-after-detach")
def check_after_detach(answer):
    """Exercise 03.2: the actions the role keeps if S3-Wordpress-ut is detached, as a list."""
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return not_yet('answer with a list of actions, e.g. ["service:Action", ...]')
    verdict = missing_role()
    if verdict:
        return verdict
    if not [name for name in role_policies.documents() if name != DETACHED]:
        return not_yet(
            f"{ROLE} has no other policy attached yet: run this chapter's attach cells first "
            "(the question is about the role as the article leaves it)"
        )
    given = {a.strip().lower(): a for a in answer if isinstance(a, str)}
    kept = {a.lower(): a for a in kept_actions()}
    hints = [why_not_kept(action) for key, action in given.items() if key not in kept]
    others = ", ".join(n for n in role_policies.documents() if n != DETACHED)
    missing = [action for key, action in kept.items() if key not in given]
    hints += [missing_hint(missing, others)] if missing else []
    if hints:
        return not_yet(*hints)
    return correct("Detaching removes one policy's permissions; the other policy's stay.")


STARTERS = {
    "03-five-calls": {1: True, 2: True, 3: True, 4: True, 5: True},
    "03-after-detach": [],
}
SOLUTIONS = {
    "03-five-calls": {1: True, 2: False, 3: False, 4: True, 5: False},
    "03-after-detach": ["cloudwatch:PutMetricData", "ec2:DescribeTags"],
}
CHECKERS = {
    "03-five-calls": check_five_calls,
    "03-after-detach": check_after_detach,
}
