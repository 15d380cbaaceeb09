"""Exercises of chapter 07 (least privilege): trim a policy, one CloudWatch namespace, one S3 prefix.

check_trimmed_policy   check_namespace_policy   check_prefix_policy

Each answer is a policy document, decided request by request by the lab's evaluator
(helpers.policy.explain), with the condition keys each real request carries in `context`.
Exercise 7.4 (iam:PassRole) is in helpers.teach.pass_role.
"""

from helpers.course.article import read_policy
from helpers.policy.matching import as_list, wildcard_match
from helpers.teach.answers import (
    BUCKET_ARN,
    OBJECT_ARN,
    OTHER_BUCKET_ARN,
    allow,
    allows,
    decided,
    missed_on_condition,
    missed_on_resource,
    policy_json,
    policy_verdict,
    statements,
)
from helpers.teach.verdicts import Hint, checker

LISTING = {"s3:delimiter": "/"}  # what `aws s3 ls s3://BUCKET/PREFIX` sends besides s3:prefix


def also_allowed(document, requests):
    """The actions of `requests` ((action, resource) pairs) that the answer allows."""
    return [action for action, resource in requests if allows(document, action, resource)]


# --- 7.1 trim a policy to what steps ③-⑧ ask IAM ------------------------------------------

ARCHIVE_NEEDS = (  # (step, action, resource, context): what steps ③-⑧ send
    ("④", "s3:PutObject", OBJECT_ARN, {}),
    ("⑤", "s3:ListBucket", BUCKET_ARN, {"s3:prefix": "", **LISTING}),
    ("⑦", "s3:GetObject", OBJECT_ARN, {}),
)
UNUSED = (("s3:GetBucketLocation", BUCKET_ARN), ("s3:GetBucketPublicAccessBlock", BUCKET_ARN))
OTHER_S3 = (
    ("s3:PutBucketPolicy", BUCKET_ARN),
    ("s3:DeleteBucket", BUCKET_ARN),
    ("s3:GetObjectAcl", OBJECT_ARN),
    ("s3:ListBucketVersions", BUCKET_ARN),
    ("s3:PutObjectTagging", OBJECT_ARN),
)


def trim_problems(document):
    """Hints for a policy that is not exactly what steps ③-⑧ need."""
    problems = []
    for step, action, resource, context in ARCHIVE_NEEDS:
        if not allows(document, action, resource, context):
            pattern = BUCKET_ARN if action == "s3:ListBucket" else BUCKET_ARN + "/*"
            problems.append(Hint(f"step {step} would now be denied", f"it asks for {action}: allow it on {pattern}"))
    unused = [a for a, _ in UNUSED if a in also_allowed(document, UNUSED)]
    if unused:
        problems.append(
            Hint(
                "the policy still grants bucket actions no step asks for",
                f"remove {' and '.join(unused)}: only s3:ListBucket (step ⑤) acts on the bucket itself",
            )
        )
    if allows(document, "s3:PutObjectAcl", OBJECT_ARN):
        problems.append(
            Hint(
                "an upload needs only s3:PutObject",
                "remove s3:PutObjectAcl: it sets an object's ACL, which no step does",
            )
        )
    if allows(document, "s3:DeleteObject", OBJECT_ARN):
        problems.append(Hint("this instance never deletes", "remove s3:DeleteObject: step ⑨ is not part of its job"))
    extra = also_allowed(document, OTHER_S3)
    if extra:
        problems.append(
            Hint(
                "a wildcard grants more than the steps use",
                f"{', '.join(extra[:2])} are allowed too: name the three actions one by one",
            )
        )
    if allows(document, "s3:GetObject", OTHER_BUCKET_ARN + "/test.txt"):
        problems.append(
            Hint("the policy reaches other buckets", f"keep the Resource to {BUCKET_ARN} and {BUCKET_ARN}/*")
        )
    return problems


@checker("07-trim")
def check_trimmed_policy(answer):
    """Exercise 07.1: the article's S3 policy trimmed to steps ③-⑧ (upload, list, download; no delete)."""
    return policy_verdict(answer, trim_problems, "ListBucket on the bucket, PutObject and GetObject on its objects.")


# --- 7.2 PutMetricData in one namespace -----------------------------------------------------

NAMESPACE = "IAMRoleLab"
OTHER_CLOUDWATCH = (
    ("cloudwatch:ListMetrics", "*"),
    ("cloudwatch:GetMetricData", "*"),
    ("cloudwatch:PutMetricAlarm", "*"),
    ("cloudwatch:DeleteAlarms", "*"),
)


def publish(document, namespace):
    """The explanation of a PutMetricData in `namespace`."""
    return decided(document, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": namespace})


def names_a_resource(document, action):
    """True when a statement that allows `action` names a Resource other than "*"."""
    return any(
        s.get("Effect") == "Allow"
        and any(isinstance(a, str) and wildcard_match(a, action, ignore_case=True) for a in as_list(s.get("Action")))
        and "*" not in as_list(s.get("Resource"))
        for s in statements(document)
    )


def namespace_problems(document):
    """Hints for a CloudWatch policy that does not limit publishing to IAMRoleLab or lost DescribeTags."""
    if names_a_resource(document, "cloudwatch:PutMetricData"):
        return [
            Hint(
                'PutMetricData is checked against the resource "*", not against a namespace ARN',
                'keep "Resource": "*" and name the namespace in a Condition on cloudwatch:namespace',
            )
        ]
    problems = []
    if not allows(document, "ec2:DescribeTags", "*"):
        problems.append(
            Hint(
                "ec2:DescribeTags stopped working",
                "its requests carry no cloudwatch:namespace, so a "
                "namespace condition never matches them: give PutMetricData a statement of its own",
            )
            if allows(document, "ec2:DescribeTags", "*", {"cloudwatch:namespace": NAMESPACE})
            else Hint("ec2:DescribeTags is no longer allowed", 'keep it, on "Resource": "*"')
        )
    own = publish(document, NAMESPACE)
    if not own.allowed:
        problems.append(
            Hint(
                "the instance can no longer publish in its namespace IAMRoleLab",
                "check the Condition: the key is cloudwatch:namespace, and StringEquals compares the value "
                "exactly: IAMRoleLab",
            )
        )
    elif publish(document, "OtherApp").allowed:
        problems.append(
            Hint(
                "PutMetricData is still allowed in every namespace",
                'add "Condition": {"StringEquals": {"cloudwatch:namespace": "IAMRoleLab"}} to it',
            )
        )
    elif publish(document, "IAMRoleLab-test").allowed:
        problems.append(
            Hint(
                "the condition also matches other namespaces",
                "it lets IAMRoleLab-test through: compare with StringEquals, not a pattern",
            )
        )
    extra = also_allowed(document, OTHER_CLOUDWATCH)
    if extra:
        problems.append(
            Hint(
                "the policy allows more of CloudWatch than publishing",
                f"{', '.join(extra[:2])} allowed too: name cloudwatch:PutMetricData only",
            )
        )
    return problems


@checker("07-namespace")
def check_namespace_policy(answer):
    """Exercise 07.2: CloudWatch-Wordpress-ut with PutMetricData limited to the namespace IAMRoleLab."""
    return policy_verdict(
        answer,
        namespace_problems,
        "PutMetricData only in IAMRoleLab; DescribeTags as before.",
        ignore=("resource-mismatch", "arn-unknown"),
    )


# --- 7.3 ListBucket under a prefix ----------------------------------------------------------

REPORT_ARN = BUCKET_ARN + "/reports/today.csv"


WHOLE_BUCKET = ("the whole bucket can still be listed", "without a Condition on s3:prefix every listing gets through")
LIST_CHECKS = (  # (prefix sent, or None for none; should it be allowed; concept; detail), checked in order
    ("", False, *WHOLE_BUCKET),
    ("private/", False, *WHOLE_BUCKET),
    (None, False, "a listing that sends no prefix at all is allowed",
     "...IfExists (or a Not... operator) lets a request without s3:prefix through: use StringLike"),
    ("reports/2026/", True, "listing a folder inside reports/ is refused",
     'StringEquals "reports/" matches that prefix only; StringLike "reports/*" matches all below'),
    ("reports-old/", False, "the pattern also matches other prefixes",
     'it lets reports-old/ through: end the pattern with a slash, "reports/*"'),
)  # fmt: skip


def listing(document, prefix):
    """The explanation of `aws s3 ls s3://ut-wordpress-s3/PREFIX` (ListBucket with this s3:prefix)."""
    context = {} if prefix is None else {"s3:prefix": prefix, **LISTING}
    return decided(document, "s3:ListBucket", BUCKET_ARN, context)


def list_problems(document):
    """Hints for the listing half: reports/ and below, nothing else."""
    own = listing(document, "reports/")
    if not own.allowed:
        if missed_on_resource(own):
            return [
                Hint(
                    "ListBucket acts on the bucket, never on a path inside it",
                    f"name the bucket {BUCKET_ARN} "
                    'in Resource and limit the listing with "Condition": {"StringLike": {"s3:prefix": '
                    '"reports/*"}}',
                )
            ]
        return [
            Hint(
                "listing reports/ is refused",
                'the CLI sends s3:prefix "reports/", with the slash: the pattern "reports/*" matches it',
            )
        ]
    for prefix, wanted, concept, detail in LIST_CHECKS:
        if listing(document, prefix).allowed != wanted:
            return [Hint(concept, detail)]
    return []


def read_problems(document):
    """Hints for the reading half: objects under reports/ only, no writes, no other bucket."""
    own = decided(document, "s3:GetObject", REPORT_ARN)
    if not own.allowed:
        detail = (
            "s3:prefix is only in ListBucket requests: keep the Condition off the GetObject statement"
            if missed_on_condition(own)
            else f"GetObject acts on objects: allow it on {BUCKET_ARN}/reports/*"
        )
        return [Hint("downloading reports/today.csv is refused", detail)]
    problems = []
    if allows(document, "s3:GetObject", BUCKET_ARN + "/private/salaries.csv"):
        problems.append(
            Hint("objects outside reports/ can be read", f"name the prefix in Resource: {BUCKET_ARN}/reports/*")
        )
    writes = [a for a in ("s3:PutObject", "s3:DeleteObject") if allows(document, a, REPORT_ARN)]
    if writes:
        problems.append(Hint("the policy allows writes", f"{' and '.join(writes)} allowed: the instance only reads"))
    if allows(document, "s3:GetObject", OTHER_BUCKET_ARN + "/reports/today.csv"):
        problems.append(Hint("the policy reaches other buckets", f"keep the Resource to {BUCKET_ARN}/reports/*"))
    return problems


@checker("07-prefix")
def check_prefix_policy(answer):
    """Exercise 07.3: list only under reports/ (s3:prefix) and read only objects under reports/ (Resource)."""
    return policy_verdict(
        answer,
        lambda document: list_problems(document) + read_problems(document),
        "ListBucket on the bucket with an s3:prefix condition; GetObject on reports/*.",
    )


NAMESPACE_CONDITION = {"StringEquals": {"cloudwatch:namespace": NAMESPACE}}
STARTERS = {
    "07-trim": read_policy("s3policy.json").strip(),
    "07-namespace": policy_json(allow(["cloudwatch:PutMetricData", "ec2:DescribeTags"], "*", NAMESPACE_CONDITION)),
    "07-prefix": policy_json(allow(["s3:ListBucket", "s3:GetObject"], f"{BUCKET_ARN}/reports/*")),
}
SOLUTIONS = {
    "07-trim": policy_json(
        allow("s3:ListBucket", BUCKET_ARN), allow(["s3:PutObject", "s3:GetObject"], f"{BUCKET_ARN}/*")
    ),
    "07-namespace": policy_json(
        allow("ec2:DescribeTags", "*"), allow("cloudwatch:PutMetricData", "*", NAMESPACE_CONDITION)
    ),
    "07-prefix": policy_json(
        allow("s3:ListBucket", BUCKET_ARN, {"StringLike": {"s3:prefix": "reports/*"}}),
        allow("s3:GetObject", f"{BUCKET_ARN}/reports/*"),
    ),
}
CHECKERS = {
    "07-trim": check_trimmed_policy,
    "07-namespace": check_namespace_policy,
    "07-prefix": check_prefix_policy,
}
