"""Chapter 07's exercises (helpers/teach/least_privilege.py, pass_role.py): solutions pass, typical mistakes get hints.

Each wrong answer is checked at every try level: the first try names the concept only,
the second adds the detail, the third also points at the solution.
"""

import json

import pytest

from helpers.teach import exercises as ex
from helpers.teach import least_privilege, pass_role, verdicts

BUCKET = "arn:aws:s3:::ut-wordpress-s3"
ROLES = "arn:aws:iam::123456789012:role/"


@pytest.fixture(autouse=True)
def first_try():
    """Every test starts at the first try of each chapter-07 exercise."""
    for key in ("07-trim", "07-namespace", "07-prefix", "07-passrole"):
        verdicts._tries.pop(key, None)


def policy(*statements):
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def allow(action, resource, condition=None):
    """One Allow statement."""
    return {
        "Effect": "Allow",
        "Action": action,
        "Resource": resource,
        **({"Condition": condition} if condition else {}),
    }


def hinted(checker, answer, concept, detail):
    """Assert the three try levels: concept only, then concept and detail, then a pointer to the solution."""
    verdicts._tries.pop(checker.key, None)
    first, second, third = (checker(answer).message for _ in range(3))
    assert first.startswith("Not yet:") and concept in first and detail not in first, first
    assert concept in second and detail in second and "Show a solution" not in second, second
    assert detail in third and "Show a solution" in third, third


def test_every_chapter_07_exercise_is_registered():
    assert {"07-trim", "07-namespace", "07-prefix", "07-passrole"} <= set(ex.CHECKERS)
    assert ex.check_pass_role_policy is pass_role.check_pass_role_policy


@pytest.mark.parametrize("key", ["07-trim", "07-namespace", "07-prefix", "07-passrole"])
def test_solution_passes_and_starter_fails(key):
    assert ex.CHECKERS[key](ex.SOLUTIONS[key]).ok
    assert not ex.CHECKERS[key](ex.STARTERS[key]).ok


# --- 7.1 ------------------------------------------------------------------------------------


def test_trim_starter_names_each_unused_action():
    hinted(
        least_privilege.check_trimmed_policy,
        ex.STARTERS["07-trim"],
        "the policy still grants bucket actions no step asks for",
        "remove s3:GetBucketLocation and s3:GetBucketPublicAccessBlock",
    )
    message = least_privilege.check_trimmed_policy(ex.STARTERS["07-trim"]).message
    assert "remove s3:PutObjectAcl" in message and "remove s3:DeleteObject" in message


def test_trim_too_far_says_which_step_breaks():
    answer = policy(allow(["s3:PutObject", "s3:GetObject"], BUCKET + "/*"))
    hinted(least_privilege.check_trimmed_policy, answer, "step ⑤ would now be denied", f"allow it on {BUCKET}")


def test_trim_with_a_wildcard():
    answer = policy(allow("s3:ListBucket", BUCKET), allow(["s3:PutObject", "s3:Get*"], BUCKET + "/*"))
    hinted(
        least_privilege.check_trimmed_policy,
        answer,
        "a wildcard grants more than the steps use",
        "s3:GetObjectAcl are allowed too",
    )


def test_trim_on_every_bucket():
    answer = policy(allow("s3:ListBucket", "*"), allow(["s3:PutObject", "s3:GetObject"], "*"))
    hinted(least_privilege.check_trimmed_policy, answer, "the policy reaches other buckets", "keep the Resource")


# --- 7.2 ------------------------------------------------------------------------------------

NAMESPACE = {"StringEquals": {"cloudwatch:namespace": "IAMRoleLab"}}


def test_namespace_starter_explains_why_describe_tags_broke():
    hinted(
        least_privilege.check_namespace_policy,
        ex.STARTERS["07-namespace"],
        "ec2:DescribeTags stopped working",
        "its requests carry no cloudwatch:namespace",
    )


def test_namespace_without_a_condition():
    answer = json.dumps(json.loads(least_privilege.read_policy("cloudwatchpolicy.json")))
    hinted(
        least_privilege.check_namespace_policy,
        answer,
        "PutMetricData is still allowed in every namespace",
        '"StringEquals": {"cloudwatch:namespace": "IAMRoleLab"}',
    )


def test_namespace_in_resource_instead_of_a_condition():
    answer = policy(
        allow("ec2:DescribeTags", "*"),
        allow("cloudwatch:PutMetricData", "arn:aws:cloudwatch:ap-northeast-1:123456789012:namespace/IAMRoleLab"),
    )
    hinted(
        least_privilege.check_namespace_policy,
        answer,
        'PutMetricData is checked against the resource "*"',
        "name the namespace in a Condition",
    )


def test_namespace_as_a_pattern_or_with_another_case():
    pattern = policy(
        allow("ec2:DescribeTags", "*"),
        allow("cloudwatch:PutMetricData", "*", {"StringLike": {"cloudwatch:namespace": "IAMRoleLab*"}}),
    )
    hinted(
        least_privilege.check_namespace_policy, pattern, "the condition also matches other namespaces", "StringEquals"
    )
    lower = policy(
        allow("ec2:DescribeTags", "*"),
        allow("cloudwatch:PutMetricData", "*", {"StringEquals": {"cloudwatch:namespace": "iamrolelab"}}),
    )
    assert "compares the value exactly" in least_privilege.check_namespace_policy(lower).message


def test_namespace_with_all_of_cloudwatch():
    answer = policy(
        allow("ec2:DescribeTags", "*"), allow("cloudwatch:PutMetricData", "*", NAMESPACE), allow("cloudwatch:*", "*")
    )
    hinted(
        least_privilege.check_namespace_policy,
        answer,
        "the policy allows more of CloudWatch than publishing",
        "cloudwatch:ListMetrics",
    )


# --- 7.3 ------------------------------------------------------------------------------------


def test_prefix_starter_puts_the_prefix_in_the_wrong_place():
    hinted(
        least_privilege.check_prefix_policy,
        ex.STARTERS["07-prefix"],
        "ListBucket acts on the bucket, never on a path inside it",
        '"s3:prefix": "reports/*"',
    )


def test_prefix_without_a_condition_lists_the_whole_bucket():
    answer = policy(allow("s3:ListBucket", BUCKET), allow("s3:GetObject", BUCKET + "/reports/*"))
    hinted(
        least_privilege.check_prefix_policy,
        answer,
        "the whole bucket can still be listed",
        "without a Condition on s3:prefix every listing",
    )


def test_prefix_with_string_equals_misses_the_folders_below():
    answer = policy(
        allow("s3:ListBucket", BUCKET, {"StringEquals": {"s3:prefix": "reports/"}}),
        allow("s3:GetObject", BUCKET + "/reports/*"),
    )
    hinted(least_privilege.check_prefix_policy, answer, "listing a folder inside reports/ is refused", "StringLike")


def test_prefix_without_the_slash_and_with_if_exists():
    loose = policy(
        allow("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": "reports*"}}),
        allow("s3:GetObject", BUCKET + "/reports/*"),
    )
    hinted(least_privilege.check_prefix_policy, loose, "the pattern also matches other prefixes", '"reports/*"')
    if_exists = policy(
        allow("s3:ListBucket", BUCKET, {"StringLikeIfExists": {"s3:prefix": "reports/*"}}),
        allow("s3:GetObject", BUCKET + "/reports/*"),
    )
    assert "sends no prefix at all" in least_privilege.check_prefix_policy(if_exists).message


def test_prefix_condition_on_the_object_statement():
    condition = {"StringLike": {"s3:prefix": "reports/*"}}
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], [BUCKET, BUCKET + "/reports/*"], condition))
    hinted(
        least_privilege.check_prefix_policy,
        answer,
        "downloading reports/today.csv is refused",
        "keep the Condition off the GetObject statement",
    )


def test_prefix_reads_and_writes_too_much():
    answer = policy(
        allow("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": "reports/*"}}),
        allow(["s3:GetObject", "s3:PutObject"], BUCKET + "/*"),
    )
    message = least_privilege.check_prefix_policy(answer).message
    assert "objects outside reports/ can be read" in message and "the policy allows writes" in message


# --- 7.4 ------------------------------------------------------------------------------------

LAUNCH = allow(["ec2:RunInstances", "ec2:DescribeInstances"], "*")
TO_EC2 = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}


def test_pass_role_starter_is_the_escalation():
    hinted(
        pass_role.check_pass_role_policy,
        ex.STARTERS["07-passrole"],
        "deployer may pass roles that are not the application's",
        "it can pass iamrole-lab-admin-role",
    )


def test_pass_role_without_the_hyphen_or_on_the_profile():
    hyphenless = policy(LAUNCH, allow("iam:PassRole", ROLES + "wordpress*", TO_EC2))
    hinted(pass_role.check_pass_role_policy, hyphenless, "roles that are not the application's", "wordpressadmin")
    profile = policy(LAUNCH, allow("iam:PassRole", "arn:aws:iam::123456789012:instance-profile/wordpress-*", TO_EC2))
    hinted(
        pass_role.check_pass_role_policy,
        profile,
        "a launch with wordpress-web would be refused for iam:PassRole",
        "the role inside the profile",
    )


def test_pass_role_without_the_service_condition():
    answer = policy(LAUNCH, allow("iam:PassRole", ROLES + "wordpress-*"))
    hinted(
        pass_role.check_pass_role_policy,
        answer,
        "the roles can be handed to any service, not only EC2",
        '"iam:PassedToService": "ec2.amazonaws.com"',
    )


def test_pass_role_with_a_wrong_service_or_if_exists():
    wrong = policy(
        LAUNCH, allow("iam:PassRole", ROLES + "wordpress-*", {"StringEquals": {"iam:PassedToService": "ec2"}})
    )
    hinted(pass_role.check_pass_role_policy, wrong, "would be refused for iam:PassRole", "ec2.amazonaws.com")
    if_exists = {"StringEqualsIfExists": {"iam:PassedToService": "ec2.amazonaws.com"}}
    answer = policy(LAUNCH, allow("iam:PassRole", ROLES + "wordpress-*", if_exists))
    assert "a request without iam:PassedToService is allowed" in pass_role.check_pass_role_policy(answer).message


def test_pass_role_with_all_of_iam_or_without_launching():
    everything = policy(LAUNCH, allow("iam:PassRole", ROLES + "wordpress-*", TO_EC2), allow("iam:*", ROLES + "*"))
    assert "deployer could change IAM itself" in pass_role.check_pass_role_policy(everything).message
    no_launch = policy(allow("iam:PassRole", ROLES + "wordpress-*", TO_EC2))
    assert "deployer can no longer launch" in pass_role.check_pass_role_policy(no_launch).message
