"""Exercises of chapter 01 (permission policies): a read-only policy, and the ARN each action needs.

check_read_only_policy   check_arns
"""

from helpers.policy.matching import as_list, wildcard_match
from helpers.teach.answers import (
    ANY_OBJECT_ARN,
    BUCKET_ARN,
    OBJECT_ARN,
    OTHER_BUCKET_ARN,
    OTHER_OBJECT_ARN,
    allows,
    policy_verdict,
    statements,
)
from helpers.teach.verdicts import Hint, checker, correct, not_yet

S3_WRITES = ("s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:DeleteBucket", "s3:PutBucketPolicy")


# Reads beyond listing and downloading, each with the resource it acts on, in the
# order the hints name them: what s3:Get* / s3:List* grant besides the two needed.
S3_OTHER_READS = (
    ("s3:GetObjectAcl", OBJECT_ARN),
    ("s3:GetBucketPolicy", BUCKET_ARN),
    ("s3:ListBucketVersions", BUCKET_ARN),
    ("s3:ListBucketMultipartUploads", BUCKET_ARN),
    ("s3:GetObjectVersion", OBJECT_ARN),
    ("s3:GetBucketAcl", BUCKET_ARN),
    ("s3:GetObjectTagging", OBJECT_ARN),
    ("s3:ListMultipartUploadParts", OBJECT_ARN),
)


def on_objects_hint(action, detail):
    """The hint for a bucket action given an object ARN (…/*): the concept first, the fix as detail."""
    return Hint(f"{action} acts on the bucket itself, and this Resource names only the objects in it", detail)


def on_bucket_hint(action, detail):
    """The hint for an object action given the bucket ARN: the concept first, the fix as detail."""
    return Hint(f"{action} acts on the objects in a bucket, and this Resource names only the bucket itself", detail)


def read_only_problems(document):
    """The hints that keep a policy from being read-only access to the lab's bucket."""
    problems = []
    if not allows(document, "s3:ListBucket", BUCKET_ARN):
        problems.append(
            on_objects_hint("s3:ListBucket", f"remove /*: write {BUCKET_ARN}")
            if allows(document, "s3:ListBucket", OBJECT_ARN)
            else Hint("nothing lets the holder list the bucket", f"allow s3:ListBucket on the bucket ARN {BUCKET_ARN}")
        )
    if not allows(document, "s3:GetObject", OBJECT_ARN):
        problems.append(
            on_bucket_hint("s3:GetObject", f"add /*: write {BUCKET_ARN}/*, in a statement of its own")
            if allows(document, "s3:GetObject", BUCKET_ARN)
            else Hint("nothing lets the holder download an object", f"allow s3:GetObject on {BUCKET_ARN}/*")
        )
    for action in S3_WRITES:
        if allows(document, action, OBJECT_ARN) or allows(document, action, BUCKET_ARN):
            problems.append(f"this policy also allows {action} — read-only means no writes")
    problems.extend(other_read_problems(document))
    if allows(document, "s3:GetObject", OTHER_OBJECT_ARN) or allows(document, "s3:ListBucket", OTHER_BUCKET_ARN):
        problems.append(f'this policy also reaches other buckets: name {BUCKET_ARN} in Resource, not "*"')
    return problems


def other_read_problems(document):
    """Hints for reads the policy allows besides ListBucket and GetObject, blaming wildcards.

    A wildcard that also matches a write (s3:*) is left to the write hints.
    """
    extra = [a for a, resource in S3_OTHER_READS if allows(document, a, resource)]
    patterns = dict.fromkeys(
        p
        for s in statements(document)
        if s.get("Effect") == "Allow"
        for p in as_list(s.get("Action", []))
        if isinstance(p, str) and ("*" in p or "?" in p)
    )
    problems, explained = [], set()
    for pattern in patterns:

        def matches(action, pattern=pattern):
            return wildcard_match(pattern, action, ignore_case=True)

        matched = [a for a in extra if matches(a)]
        explained.update(matched)
        if matched and not any(matches(w) for w in S3_WRITES):
            problems.append(
                f"{pattern} also allows {' and '.join(matched[:2])}: name the two actions "
                "you need, s3:ListBucket and s3:GetObject"
            )
    problems.extend(
        f"this policy also allows {a}: the exercise asks for listing and downloading only"
        for a in extra
        if a not in explained
    )
    return problems


@checker("01-read-only")
def check_read_only_policy(answer):
    """Exercise 01.1: a policy that lets its holder list and download ut-wordpress-s3, nothing more."""
    return policy_verdict(
        answer, read_only_problems, "ListBucket on the bucket, GetObject on its objects, and no writes."
    )


# CloudWatch defines no resource type for a metric (the Service Authorization Reference's
# resource table lists alarms, dashboards, metric streams...; PutMetricData's only one is an
# optional OTLP `dataset`), so a statement for classic metrics says "*".
METRIC_HINT = Hint(
    "cloudwatch:PutMetricData: CloudWatch has no resource type for a metric, so no metric ARN exists to name",
    'write "*"; what you can narrow is the namespace, with the cloudwatch:namespace condition key (chapter 07)',
)


ARN_ACTIONS = ("s3:ListBucket", "s3:GetObject", "s3:PutObject", "cloudwatch:PutMetricData")


def arn_problem(action, arn):
    """The hint for a wrong Resource for `action` on the lab's bucket, or None when it fits."""
    if not isinstance(arn, str) or not arn.strip():
        return f'{action}: write a Resource ARN (or "*")'
    if arn.startswith("s3://"):
        return f"{action}: {arn} is an S3 URL, a policy needs an ARN (arn:aws:s3:::...)"
    if action == "cloudwatch:PutMetricData":
        return None if arn == "*" else METRIC_HINT
    if arn == "*":
        return f'{action}: "*" works but reaches every bucket: name the lab\'s bucket'
    if action == "s3:ListBucket":
        return bucket_arn_problem(arn)
    return object_arn_problem(action, arn)


def bucket_arn_problem(arn):
    """The hint for a wrong Resource for s3:ListBucket, which acts on the bucket itself, or None."""
    if wildcard_match(arn, BUCKET_ARN) and not wildcard_match(arn, OTHER_BUCKET_ARN):
        return None
    if wildcard_match(arn, OBJECT_ARN):
        return on_objects_hint("s3:ListBucket", "remove /*")
    return Hint(f"s3:ListBucket: {arn} does not name the lab's bucket", f"the bucket's ARN is {BUCKET_ARN}")


def object_arn_problem(action, arn):
    """The hint for a wrong Resource for an object action (GetObject, PutObject), or None."""
    if wildcard_match(arn, OBJECT_ARN) and not wildcard_match(arn, OTHER_OBJECT_ARN):
        if wildcard_match(arn, ANY_OBJECT_ARN):
            return None
        what = "covers only some objects" if "*" in arn or "?" in arn else "names one object"
        return Hint(f"{action}: {arn} {what}, and the policy should cover every object", f"write {BUCKET_ARN}/*")
    if wildcard_match(arn, BUCKET_ARN):
        return on_bucket_hint(action, "add /*")
    return Hint(f"{action}: {arn} does not name the objects of the lab's bucket", f"they are {BUCKET_ARN}/*")


@checker("01-arns")
def check_arns(answer):
    """Exercise 01.2: the Resource each action needs, as {action: ARN}."""
    if not isinstance(answer, dict):
        return not_yet("answer with a dict {action: ARN}, one entry per action")
    missing = [a for a in ARN_ACTIONS if a not in answer]
    if missing:
        return not_yet(f"give an ARN for every action; missing: {', '.join(missing)}")
    problems = [p for p in (arn_problem(a, answer[a]) for a in ARN_ACTIONS) if p]
    if problems:
        return not_yet(*problems)
    return correct('Bucket actions take the bucket ARN, object actions bucket/*, CloudWatch "*".')


READ_ONLY_SOLUTION = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::ut-wordpress-s3"
    },
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::ut-wordpress-s3/*"
    }
  ]
}"""


STARTERS = {
    "01-read-only": """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetObject"],
      "Resource": "arn:aws:s3:::ut-wordpress-s3"
    }
  ]
}""",
    "01-arns": {
        "s3:ListBucket": "arn:aws:s3:::ut-wordpress-s3/*",
        "s3:GetObject": "arn:aws:s3:::ut-wordpress-s3",
        "s3:PutObject": "arn:aws:s3:::ut-wordpress-s3/*",
        "cloudwatch:PutMetricData": "arn:aws:cloudwatch:::metric/*",
    },
}
SOLUTIONS = {
    "01-read-only": READ_ONLY_SOLUTION,
    "01-arns": {
        "s3:ListBucket": BUCKET_ARN,
        "s3:GetObject": BUCKET_ARN + "/*",
        "s3:PutObject": BUCKET_ARN + "/*",
        "cloudwatch:PutMetricData": "*",
    },
}
CHECKERS = {
    "01-read-only": check_read_only_policy,
    "01-arns": check_arns,
}
