"""Exercises of chapter 05 (verification on the instance): repair a denied upload, and predict five calls.

check_upload_fix   check_instance_calls
"""

from helpers.policy import explain
from helpers.steps import network
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, OTHER_OBJECT_ARN, allows, policy_verdict
from helpers.teach.predictions import Request, check_predictions
from helpers.teach.verdicts import checker

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
            f"the upload is still denied by {put.deciding}: its Action also matches s3:PutObject "
            "— deny only s3:PutObjectAcl"
        ]
    if not put.allowed:
        if allows(document, "s3:PutObject", BUCKET_ARN):
            return ["PutObject needs an object ARN: add /*"]
        return [f"nothing allows s3:PutObject on {OBJECT_ARN} any more"]
    problems = []
    if allows(document, "s3:PutObjectAcl", OBJECT_ARN):
        problems.append(
            "the upload works now, but s3:PutObjectAcl is no longer denied: narrow the Deny instead of deleting it"
        )
    for action, resource in (
        ("s3:ListBucket", BUCKET_ARN),
        ("s3:GetObject", OBJECT_ARN),
        ("s3:DeleteObject", OBJECT_ARN),
    ):
        if not allows(document, action, resource):
            problems.append(f"{action} on {resource} stopped working: change only what blocks the upload")
    if allows(document, "s3:PutObject", OTHER_OBJECT_ARN):
        problems.append("this also allows uploads to every other bucket: keep the Resource to ut-wordpress-s3")
    return problems


@checker
def check_upload_fix(answer):
    """Exercise 05.1: repair BROKEN_UPLOAD_POLICY so the upload works and ACL changes stay denied."""
    return policy_verdict(
        answer, upload_problems, "s3:Put* matched PutObject too; a Deny beats every Allow, so it must be narrow."
    )


INSTANCE_CALLS = (
    Request("aws s3 ls s3://ut-wordpress-s3", "s3:ListBucket", BUCKET_ARN),
    Request("aws s3 ls", "s3:ListAllMyBuckets", "*"),
    Request(f"aws s3 cp test.txt s3://{network.OTHER_BUCKET}", "s3:PutObject", OTHER_OBJECT_ARN),
    Request("aws ec2 describe-tags", "ec2:DescribeTags", "*"),
    Request("aws iam list-roles", "iam:ListRoles", "*"),
)


@checker
def check_instance_calls(answer):
    """Exercise 05.2: which of INSTANCE_CALLS succeed on the instance, as {1: True/False, ...}."""
    return check_predictions(answer, INSTANCE_CALLS)


STARTERS = {
    "05-upload-denied": BROKEN_UPLOAD_POLICY,
    "05-instance-calls": {1: True, 2: True, 3: True, 4: True, 5: True},
}
SOLUTIONS = {
    "05-upload-denied": BROKEN_UPLOAD_POLICY.replace('"Action": "s3:Put*"', '"Action": "s3:PutObjectAcl"'),
    "05-instance-calls": {1: True, 2: False, 3: False, 4: True, 5: False},
}
CHECKERS = {
    "05-upload-denied": check_upload_fix,
    "05-instance-calls": check_instance_calls,
}
