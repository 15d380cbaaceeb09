"""Exercises of chapter 09 (helpers/teach/playground_exercises.py), judged against the account."""

import json

import pytest

from helpers import lab
from helpers.teach import exercises as ex
from helpers.teach import playground_exercises as pe
from helpers.teach import playground_policies, verdicts

BUCKET = "arn:aws:s3:::ut-wordpress-s3"
DELETES, BOUNDARY = "09-bucket-deletes", "09-boundary-read-only"


@pytest.fixture(autouse=True)
def first_try(monkeypatch):
    """Each test starts at the first try of every exercise (the checkers count tries per kernel)."""
    monkeypatch.setattr(verdicts, "_tries", {})


@pytest.fixture(scope="module")
def account():
    """The account at chapter 09's start (the checkers only read it)."""
    lab.start(chapter=9)


def policy(*statements):
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def deny(action, resource, principal=pe.ROLE_ARN):
    """One Deny statement of a bucket policy (no Principal when `principal` is None)."""
    statement = {"Effect": "Deny", "Action": action, "Resource": resource}
    return statement if principal is None else {**statement, "Principal": principal}


def tries(checker, answer, count=2):
    """The messages of `count` tries of the same answer."""
    return [checker(answer).message for _ in range(count)]


def test_solutions_pass_and_change_nothing(account):
    for key in (DELETES, BOUNDARY):
        assert ex.CHECKERS[key](ex.SOLUTIONS[key]).ok
    assert playground_policies.in_account("bucket") is None and playground_policies.in_account("boundary") is None


def test_bucket_starter_points_at_the_resource_first(account):
    first, second = tries(pe.check_bucket_policy_deletes, ex.STARTERS[DELETES])
    assert "its Resource does not match the object" in first and "arn:aws:s3:::ut-wordpress-s3/*" not in first
    assert "write arn:aws:s3:::ut-wordpress-s3/*, not the bucket ARN" in second


def test_bucket_deny_for_everyone_stops_the_administrators_too(account):
    answer = policy(deny("s3:DeleteObject", BUCKET + "/*", principal="*"))
    first, second = tries(pe.check_bucket_policy_deletes, answer)
    assert "applies to every principal, your administrators too" in first
    assert pe.ROLE_ARN in second


def test_bucket_allow_or_a_deny_without_principal_takes_nothing_away(account):
    allow = {"Effect": "Allow", "Principal": {"AWS": pe.ROLE_ARN}, "Action": "s3:GetObject", "Resource": BUCKET + "/*"}
    first, second = tries(pe.check_bucket_policy_deletes, policy(allow))
    assert "s3:DeleteObject is still allowed (S3-Wordpress-ut statement #2 allows it)" in first
    assert '"Effect": "Deny", "Action": "s3:DeleteObject"' in second
    message = pe.check_bucket_policy_deletes(policy(deny("s3:DeleteObject", BUCKET + "/*", principal=None))).message
    assert "your Deny has no Principal, so in a bucket policy it names no one" in message


def test_bucket_deny_of_everything_blocks_uploads_and_reads(account):
    first, second = tries(pe.check_bucket_policy_deletes, policy(deny("s3:*", BUCKET + "/*")))
    assert "s3:PutObject is denied now, by your bucket policy statement #1" in first
    assert "s3:GetObject is denied now" in first and "s3:ListBucket" not in first
    assert "deny s3:DeleteObject only" in second


def test_bucket_exercise_needs_the_role_as_the_article_left_it(account):
    playground_policies.put("custom", policy({"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}))
    try:
        message = pe.check_bucket_policy_deletes(ex.SOLUTIONS[DELETES]).message
        assert "the role must keep just the article's two policies (extra: Playground-custom (inline)" in message
    finally:
        playground_policies.remove("custom")
    playground_policies.put("boundary", ex.SOLUTIONS[BOUNDARY])
    try:
        assert "permissions boundary) is in force too" in pe.check_bucket_policy_deletes(ex.SOLUTIONS[DELETES]).message
    finally:
        playground_policies.remove("boundary")


def test_boundary_starter_lets_writes_through_and_stops_tag_reads(account):
    first, second = tries(pe.check_boundary_read_only, ex.STARTERS[BOUNDARY])
    assert "s3:PutObject is still allowed" in first and "s3:DeleteObject is still allowed" in first
    assert "ec2:DescribeTags is denied now: a boundary allows only what it allows" in first
    assert "s3:* lets them in" not in first and "s3:* lets them in" in second


def test_boundary_with_only_denies_allows_nothing(account):
    first = pe.check_boundary_read_only(policy(deny(["s3:PutObject", "s3:DeleteObject"], "*", principal=None))).message
    for action in ("s3:ListBucket", "s3:GetObject", "cloudwatch:PutMetricData", "ec2:DescribeTags"):
        assert f"{action} is denied now" in first


def test_boundary_allow_everything_but_writes_is_right(account):
    answer = policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        deny(["s3:PutObject", "s3:DeleteObject"], "*", principal=None),
    )
    assert pe.check_boundary_read_only(answer).ok


def test_boundary_on_the_bucket_arn_misses_the_objects(account):
    actions = ["s3:GetObject", "s3:ListBucket", "cloudwatch:PutMetricData", "ec2:DescribeTags"]
    answer = policy({"Effect": "Allow", "Action": actions, "Resource": BUCKET})
    message = pe.check_boundary_read_only(answer).message
    assert "s3:GetObject is denied now: your boundary's Allow names it, but not on" in message


def test_boundary_exercise_with_a_bucket_policy_in_force(account):
    playground_policies.put("bucket", ex.SOLUTIONS[DELETES])
    try:
        assert (
            "the bucket policy of ut-wordpress-s3 is in force too"
            in pe.check_boundary_read_only(ex.SOLUTIONS[BOUNDARY]).message
        )
    finally:
        playground_policies.remove("bucket")


def test_after_reset_the_checkers_say_how_to_rebuild(account, capsys):
    lab.reset()
    try:
        for key in (DELETES, BOUNDARY):
            message = ex.CHECKERS[key](ex.SOLUTIONS[key]).message
            assert "does not exist yet" in message and "lab.start" in message
    finally:
        lab.start(chapter=9)
