"""Exercises (helpers/exercises.py): every checker accepts its solution and rejects typical wrong answers."""
import json

import pytest

from helpers import exercises as ex
from helpers import lab

BUCKET = "arn:aws:s3:::ut-wordpress-s3"


@pytest.fixture
def built():
    """The account at chapter 05's start: policies, role, attachments, instance profile.

    tests/conftest.py empties the emulated account before every test, so each test builds it.
    """
    lab.start(chapter=5)


def rejects(checker, answer, *hints):
    """Assert the checker says "Not yet" with every given hint text."""
    verdict = checker(answer)
    assert not verdict.ok, verdict.message
    assert verdict.message.startswith("Not yet:")
    for hint in hints:
        assert hint in verdict.message, verdict.message
    return verdict


def policy(*statements):
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def allow(action, resource):
    """One Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource}


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
def test_every_checker_accepts_its_solution(key, built):
    verdict = ex.CHECKERS[key](ex.SOLUTIONS[key])
    assert verdict.ok and verdict.message.startswith("Correct!"), verdict.message


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
def test_every_checker_rejects_its_starter(key, built):
    assert not ex.CHECKERS[key](ex.STARTERS[key]).ok


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
@pytest.mark.parametrize("junk", [None, 42, "", "{", [1, 2], {"x": object()}])
def test_no_checker_raises_on_junk(key, junk):
    verdict = ex.CHECKERS[key](junk)
    assert not verdict.ok and verdict.message.startswith("Not yet:")


# --- chapter 01 -------------------------------------------------------------------------

def test_read_only_starter_gets_the_object_arn_hint():
    rejects(ex.check_read_only_policy, ex.STARTERS["01-read-only"], "GetObject needs an object ARN: add /*")


def test_read_only_list_bucket_on_objects():
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], BUCKET + "/*"))
    rejects(ex.check_read_only_policy, answer, "ListBucket applies to the bucket ARN: remove /*")


def test_read_only_with_writes():
    answer = policy(allow("s3:ListBucket", BUCKET), allow("s3:*", BUCKET + "/*"))
    rejects(ex.check_read_only_policy, answer,
            "this policy also allows s3:PutObject — read-only means no writes",
            "this policy also allows s3:DeleteObject")


def test_read_only_on_every_bucket():
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], "*"))
    rejects(ex.check_read_only_policy, answer, "this policy also reaches other buckets")


def test_read_only_broken_json_gives_line_and_column():
    answer = ex.SOLUTIONS["01-read-only"].replace('"Effect": "Allow",\n      "Action": "s3:GetObject"',
                                                  '"Effect": "Allow"\n      "Action": "s3:GetObject"')
    rejects(ex.check_read_only_policy, answer, "line 10, col 24: missing comma")


def test_read_only_typo_in_action_uses_the_linter():
    answer = ex.SOLUTIONS["01-read-only"].replace("s3:GetObject", "s3:GetObjects")
    rejects(ex.check_read_only_policy, answer, "did you mean s3:GetObject?")


def test_read_only_accepts_a_dict():
    assert ex.check_read_only_policy(json.loads(ex.SOLUTIONS["01-read-only"])).ok


def test_arns_starter_hints():
    rejects(ex.check_arns, ex.STARTERS["01-arns"], "ListBucket applies to the bucket ARN: remove /*",
            "GetObject needs an object ARN: add /*", 'AWS requires "*"')


def test_arns_star_for_s3_is_too_broad():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:PutObject": "*"}
    rejects(ex.check_arns, answer, "reaches every bucket")


def test_arns_s3_url_and_missing_action():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:GetObject": "s3://ut-wordpress-s3/*"}
    rejects(ex.check_arns, answer, "is an S3 URL")
    answer = dict(ex.SOLUTIONS["01-arns"])
    del answer["s3:PutObject"]
    rejects(ex.check_arns, answer, "missing: s3:PutObject")


# --- chapter 02 -------------------------------------------------------------------------

def test_trust_starter_gets_both_typos_with_positions():
    rejects(ex.check_trust_policy, ex.STARTERS["02-trust"],
            'line 7, col 20: misspelled service principal "ec2.amazonaws.co" (did you mean ec2.amazonaws.com?)',
            "line 9, col 17: unknown action sts:AssumeRoles (did you mean sts:AssumeRole?)")


def trust(principal, action="sts:AssumeRole", **extra):
    """A trust policy as JSON text."""
    return policy({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def test_trust_wrong_service():
    rejects(ex.check_trust_policy, trust({"Service": "lambda.amazonaws.com"}),
            "this trust policy trusts Service: lambda.amazonaws.com, but the role must trust ec2.amazonaws.com")


def test_trust_with_resource_or_anyone():
    rejects(ex.check_trust_policy, trust({"Service": "ec2.amazonaws.com"}, Resource="*"),
            "line 10, col 7: Resource does not belong in a trust policy")
    rejects(ex.check_trust_policy, trust("*"), 'Principal "*" lets anyone assume the role')


def test_trust_wrong_action_and_deny():
    rejects(ex.check_trust_policy, trust({"Service": "ec2.amazonaws.com"}, "sts:TagSession"),
            "sts:AssumeRole")
    denied = ex.TRUST_SOLUTION.replace('"Allow"', '"Deny"')
    rejects(ex.check_trust_policy, denied, '"Effect": "Allow"')


def test_lambda_principal_wrong_answers():
    rejects(ex.check_lambda_principal, {"Service": "ec2.amazonaws.com"}, "is the EC2 service")
    rejects(ex.check_lambda_principal, {"Service": "lambda.amazon.com"}, "did you mean lambda.amazonaws.com?")
    rejects(ex.check_lambda_principal, {"AWS": "arn:aws:iam::123456789012:root"}, '"Service" key')
    rejects(ex.check_lambda_principal, {"Service": "Lambda.amazonaws.com"}, "lowercase")


def test_lambda_principal_accepts_the_bare_name():
    assert ex.check_lambda_principal("lambda.amazonaws.com").ok


# --- chapter 03 -------------------------------------------------------------------------

def test_five_calls_all_true_names_the_denied_calls(built):
    verdict = rejects(ex.check_five_calls, ex.STARTERS["03-five-calls"], "2 of 5 right",
                      "call 2 (`aws s3 ls`) needs s3:ListAllMyBuckets")
    assert "call 1" not in verdict.message


def test_five_calls_all_false_names_the_allowing_statement(built):
    rejects(ex.check_five_calls, [False] * 5, "3 of 5 right",
            "call 1 (`aws s3 cp test.txt s3://ut-wordpress-s3/test.txt`) needs s3:PutObject",
            "S3-Wordpress-ut statement #2 allows it")


def test_five_calls_incomplete_or_odd_answers(built):
    rejects(ex.check_five_calls, {1: True, 2: False}, "call 3: answer True (allowed) or False")
    rejects(ex.check_five_calls, {1: "maybe", 2: False, 3: False, 4: True, 5: False}, "not 'maybe'")
    assert ex.check_five_calls(["allowed", "AccessDenied", "denied", "yes", "no"]).ok


def test_five_calls_follow_the_backend(built):
    """Detach CloudWatch-Wordpress-ut: call 4 becomes denied, and the checker knows."""
    iam = lab.client("iam")
    arn = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"
    iam.detach_role_policy(RoleName=ex.ROLE, PolicyArn=arn)
    try:
        rejects(ex.check_five_calls, ex.SOLUTIONS["03-five-calls"], "call 4")
    finally:
        iam.attach_role_policy(RoleName=ex.ROLE, PolicyArn=arn)


def test_after_detach_wrong_answers(built):
    rejects(ex.check_after_detach, ["cloudwatch:PutMetricData", "ec2:DescribeTags", "s3:GetObject"],
            "s3:GetObject comes from S3-Wordpress-ut, which you detached")
    rejects(ex.check_after_detach, ["cloudwatch:PutMetricData", "sts:AssumeRole"],
            "sts:AssumeRole is in the trust policy", "ec2:DescribeTags is missing")
    rejects(ex.check_after_detach, "cloudwatch:PutMetricData", "a list of actions")


# --- chapter 04 -------------------------------------------------------------------------

def test_launch_profile_wrong_answers(built):
    rejects(ex.check_launch_profile, "Name=umemoto-wordpress-role", "is the role")
    rejects(ex.check_launch_profile, "Arn=arn:aws:iam::123456789012:role/umemoto-wordpress-role", "is the role")
    rejects(ex.check_launch_profile, "Name=umemoto-wordpress-profil", "no instance profile named umemoto-wordpress-profil")
    rejects(ex.check_launch_profile, "umemoto-wordpress-profile", "Name=PROFILE-NAME")
    assert ex.check_launch_profile("Arn=arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile").ok


def test_switch_role_wrong_answers():
    remove, add = ex.SOLUTIONS["04-switch-role"]
    rejects(ex.check_switch_role, [add, remove], "remove first, then add")
    rejects(ex.check_switch_role, ex.STARTERS["04-switch-role"], "LimitExceeded", "remove-role-from-instance-profile")
    rejects(ex.check_switch_role, [remove.replace("umemoto-wordpress-role", ex.NEW_ROLE), add],
            "takes the role now inside: --role-name umemoto-wordpress-role")
    rejects(ex.check_switch_role, ["aws iam delete-instance-profile --instance-profile-name umemoto-wordpress-profile"],
            "no need to delete or re-create the profile")
    rejects(ex.check_switch_role, [remove.replace("remove-role", "remove-roles"), add], "did you mean remove-role-from-instance-profile?")


# --- chapter 05 -------------------------------------------------------------------------

def test_upload_fix_wrong_answers():
    broken = ex.BROKEN_UPLOAD_POLICY
    rejects(ex.check_upload_fix, broken, "still denied by policy statement #3 (NoAclChanges)",
            "deny only s3:PutObjectAcl")
    no_deny = json.loads(broken)
    no_deny["Statement"].pop()
    rejects(ex.check_upload_fix, json.dumps(no_deny, indent=2), "s3:PutObjectAcl is no longer denied")
    bucket_only = ex.SOLUTIONS["05-upload-denied"].replace('ut-wordpress-s3/*"', 'ut-wordpress-s3"')
    rejects(ex.check_upload_fix, bucket_only, "PutObject needs an object ARN: add /*")
    everywhere = ex.SOLUTIONS["05-upload-denied"].replace('"arn:aws:s3:::ut-wordpress-s3/*"', '"*"')
    rejects(ex.check_upload_fix, everywhere, "uploads to every other bucket")


def test_instance_calls_wrong_answers(built):
    rejects(ex.check_instance_calls, ex.STARTERS["05-instance-calls"], "2 of 5 right",
            "call 5 (`aws iam list-roles`) needs iam:ListRoles")
    rejects(ex.check_instance_calls, [False] * 5, "call 4 (`aws ec2 describe-tags`) needs ec2:DescribeTags",
            "CloudWatch-Wordpress-ut statement #1 allows it")


def test_solutions_are_shown_as_markdown():
    assert ex.solution_markdown("01-read-only").startswith("```json\n{")
    assert ex.solution_markdown("03-five-calls").startswith("```python\n{1: True")
