"""Exercises of chapter 06 (denials): repair a policy whose Deny blocks the upload.

check_upload_fix
"""

from helpers.policy import explain
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, OTHER_OBJECT_ARN, allows, policy_verdict
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


@checker("06-upload-denied")
def check_upload_fix(answer):
    """Exercise 05.1: repair BROKEN_UPLOAD_POLICY so the upload works and ACL changes stay denied."""
    return policy_verdict(
        answer, upload_problems, "s3:Put* matched PutObject too; a Deny beats every Allow, so it must be narrow."
    )


STARTERS = {
    "06-upload-denied": BROKEN_UPLOAD_POLICY,
}
SOLUTIONS = {
    "06-upload-denied": BROKEN_UPLOAD_POLICY.replace('"Action": "s3:Put*"', '"Action": "s3:PutObjectAcl"'),
}
CHECKERS = {
    "06-upload-denied": check_upload_fix,
}
