"""Exercises of chapter 06 (denials): repair a policy whose Deny blocks the upload; read a real denial.

check_upload_fix   check_denial_reading
"""

import json

from helpers.aws.denials import TYPES
from helpers.course.article import BUCKET, EMULATED_ACCOUNT, ROLE
from helpers.policy import explain
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, OTHER_OBJECT_ARN, allows, policy_verdict
from helpers.teach.verdicts import Hint, checker, correct, not_yet

BROKEN_UPLOAD_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListTheBucket",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::ut-wordpress-s3"
    },
    {
      "Sid": "ReadWriteObjects",
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:PutObjectAcl"],
      "Resource": "arn:aws:s3:::ut-wordpress-s3/*"
    },
    {
      "Sid": "NoAclChanges",
      "Effect": "Deny",
      "Action": "s3:Put*",
      "Resource": "*"
    }
  ]
}"""


def upload_problems(document):
    """Hints for a repaired upload policy: uploads allowed, ACLs denied, the rest kept."""
    put = explain.explain("s3:PutObject", OBJECT_ARN, {"policy": document})
    if put.decision == "explicit deny":
        return [
            Hint(
                f"the upload is still denied, by {put.deciding}: a Deny beats every Allow, "
                "so look at which actions that Deny's Action matches",
                "s3:Put* matches s3:PutObject as well as s3:PutObjectAcl: deny only s3:PutObjectAcl",
            )
        ]
    if not put.allowed:
        if allows(document, "s3:PutObject", BUCKET_ARN):
            return [Hint("s3:PutObject is allowed on the bucket ARN, but it acts on objects", "add /* to the Resource")]
        return [Hint(f"nothing allows s3:PutObject on {OBJECT_ARN} any more", "keep it in ReadWriteObjects' Action")]
    problems = []
    if allows(document, "s3:PutObjectAcl", OBJECT_ARN):
        problems.append(
            Hint(
                "the upload works now, but s3:PutObjectAcl is allowed again: the team wanted ACL changes stopped",
                "narrow the Deny to s3:PutObjectAcl instead of deleting it (or drop s3:PutObjectAcl from the Allow)",
            )
        )
    for action, resource in (
        ("s3:ListBucket", BUCKET_ARN),
        ("s3:GetObject", OBJECT_ARN),
        ("s3:DeleteObject", OBJECT_ARN),
    ):
        if not allows(document, action, resource):
            problems.append(Hint(f"{action} on {resource} stopped working", "change only what blocks the upload"))
    if allows(document, "s3:PutObject", OTHER_OBJECT_ARN):
        problems.append(Hint("this also allows uploads to every other bucket", f"keep the Resource to {BUCKET}"))
    return problems


@checker("06-upload-denied")
def check_upload_fix(answer):
    """Exercise 06.1: repair BROKEN_UPLOAD_POLICY so the upload works and ACL changes stay denied."""
    return policy_verdict(
        answer, upload_problems, "s3:Put* matched PutObject too; a Deny beats every Allow, so it must be narrow."
    )


# Exercise 06.2: a bucket policy another team wrote; the notebook puts it in force and shows the denial.
TEAM_BUCKET_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadForTheAccount",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{EMULATED_ACCOUNT}:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            },
            {
                "Sid": "KeepBackups",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/backup/*",
            },
            {
                "Sid": "NoDeletesByTheWebServer",
                "Effect": "Deny",
                "Principal": {"AWS": f"arn:aws:iam::{EMULATED_ACCOUNT}:role/{ROLE}"},
                "Action": ["s3:DeleteObject", "s3:DeleteBucket"],
                "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            },
        ],
    },
    indent=2,
)
DENIED_COMMAND = f"aws s3 rm s3://{BUCKET}/test.txt"
TYPE_WORDS = {  # what a learner may write -> the policy type AWS's message names
    "identity": "identity-based",
    "resource control": "resource control",
    "rcp": "resource control",
    "resource": "resource-based",
    "bucket": "resource-based",
    "boundary": "permissions boundary",
    "session": "session",
    "service control": "service control",
    "scp": "service control",
    "endpoint": "VPC endpoint",
}


def team_decision():
    """How AWS decides the instance's DeleteObject on test.txt under the role's policies and TEAM_BUCKET_POLICY."""
    return explain.explain("s3:DeleteObject", OBJECT_ARN, resource_policy=json.loads(TEAM_BUCKET_POLICY))


def type_named(decision):
    """The policy type as AWS's message names it ('resource-based'), from the deciding statement."""
    words = TYPES[decision.result.deciding_statement.policy_type]  # "a resource-based policy"
    return words.removeprefix("a ").removeprefix("an ").removesuffix(" policy")


def read_type(text):
    """The policy type a learner wrote ('resource-based'), or None if it names none."""
    text = str(text).lower().replace("_", " ")
    return next((kind for word, kind in TYPE_WORDS.items() if word in text), None)


def type_problem(given, expected):
    """The hint when the policy type is wrong, else None."""
    if read_type(given) == expected:
        return None
    return Hint(
        "which kind of policy holds the statement that decides? AWS's message names that policy type, "
        "after 'explicit deny in' (or after 'because no')",
        f"the deciding statement is in the bucket policy, so the message says 'a {expected} policy'; "
        "the role's own policies are identity-based",
    )


def explicit_problem(given):
    """The hint when explicit/implicit is wrong (the team's denial is explicit), else None."""
    if given is True:
        return None
    if not isinstance(given, bool):
        return Hint('"explicit": answer True (a Deny statement matched) or False (nothing allowed it)')
    return Hint(
        "a matching Deny statement makes the deny explicit ('with an explicit deny in …'); "
        "'because no … policy allows …' means no statement allowed it (implicit)",
        "a Deny statement of the bucket policy matches this request: True",
    )


def statement_problem(given, decision):
    """The hint when the deciding statement is named wrongly, else None."""
    deciding = decision.result.deciding_statement
    statements = json.loads(TEAM_BUCKET_POLICY)["Statement"]
    sids = [s["Sid"] for s in statements]
    text = str(given).strip().lstrip("#").lower()
    chosen = next((i for i, sid in enumerate(sids) if text in (sid.lower(), str(i + 1))), None)
    if chosen == deciding.index:
        return None
    if chosen is None:
        return Hint("name the statement by its Sid or its number (1, 2 or 3)", f"the Sids are {', '.join(sids)}")
    if statements[chosen]["Effect"] == "Allow":
        return Hint(f"{sids[chosen]} is an Allow: an explicit deny comes from a Deny statement")
    return Hint(
        f"{sids[chosen]} is a Deny for s3:DeleteObject, but does it match this request's resource?",
        f"its Resource is {statements[chosen]['Resource']}, and the request names {OBJECT_ARN}: "
        "no match; which other Deny names the instance's role?",
    )


def reading(answer):
    """(type, explicit, statement) from a dict answer, or None."""
    if not isinstance(answer, dict):
        return None
    keys = {str(k).lower().replace("_", " "): v for k, v in answer.items()}
    found = (keys.get("policy type", keys.get("type")), keys.get("explicit"), keys.get("statement"))
    return None if None in found else found


@checker("06-read-denial")
def check_denial_reading(answer):
    """Exercise 06.2: from the bucket policy (then the message), the policy type, explicit or not, the statement."""
    found = reading(answer)
    if found is None:
        return not_yet('answer with a dict {"policy type": "...", "explicit": True or False, "statement": "Sid"}')
    decision = team_decision()
    given_type, given_explicit, given_statement = found
    hints = [
        type_problem(given_type, type_named(decision)),
        explicit_problem(given_explicit),
        statement_problem(given_statement, decision),
    ]
    hints = [h for h in hints if h]
    if hints:
        return not_yet(*hints)
    return correct(
        "The message gives the policy type and explicit or not; the statement you find by matching each "
        "Deny's Principal, Action and Resource against the request (or with lab.why()). Now run the delete."
    )


STARTERS = {
    "06-upload-denied": BROKEN_UPLOAD_POLICY,
    "06-read-denial": {"policy type": "identity-based", "explicit": False, "statement": "KeepBackups"},
}
SOLUTIONS = {
    "06-upload-denied": BROKEN_UPLOAD_POLICY.replace('"Action": "s3:Put*"', '"Action": "s3:PutObjectAcl"'),
    "06-read-denial": {"policy type": "resource-based", "explicit": True, "statement": "NoDeletesByTheWebServer"},
}
CHECKERS = {
    "06-upload-denied": check_upload_fix,
    "06-read-denial": check_denial_reading,
}
