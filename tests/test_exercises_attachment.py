"""Exercises of chapter 03 (helpers/teach/attachment.py): five calls predicted, and what stays after a detach."""

import pytest
from verdict_checks import progressive, rejects

from helpers import lab
from helpers.teach import attachment
from helpers.teach import exercises as ex


@pytest.fixture
def built():
    """The account at chapter 04's start: policies, role, both attached."""
    lab.start(chapter=4)


# --- 3.1 five calls ------------------------------------------------------------------------


def test_five_calls_names_no_call_on_the_first_try(built):
    """Each answer is True or False: naming the wrong calls at once would hand over the answer."""
    first = progressive(
        attachment.check_five_calls,
        ex.STARTERS["03-five-calls"],
        "for each call, look for a statement whose Action covers the call's action and whose Resource covers",
        "call 2 (`aws s3 ls`) needs s3:ListAllMyBuckets on *: no statement of the role's policies allows that "
        "(implicit deny)",
    )
    assert "2 of 5 right" in first and "call " not in first.split("right.", 1)[1].replace("each call", "")


def test_five_calls_all_false_names_the_allowing_statement_from_the_second_try(built):
    first, _ = rejects(
        attachment.check_five_calls,
        [False] * 5,
        "3 of 5 right",
        "call 1 (`aws s3 cp test.txt s3://ut-wordpress-s3/test.txt`) needs s3:PutObject on "
        "arn:aws:s3:::ut-wordpress-s3/test.txt: S3-Wordpress-ut statement #2 allows it",
    )
    assert "S3-Wordpress-ut" not in first


def test_five_calls_incomplete_or_odd_answers(built):
    rejects(attachment.check_five_calls, {1: True, 2: False}, "call 3: no answer yet: write True (allowed) or False")
    rejects(attachment.check_five_calls, {1: "maybe", 2: False, 3: False, 4: True, 5: False}, "not 'maybe'")
    rejects(
        attachment.check_five_calls,
        ["allowed", "AccessDenied", "denied", "yes", "no"],
        "call 1: answer True or False, not 'allowed'",
        "call 4: answer True or False, not 'yes'",
    )
    rejects(attachment.check_five_calls, {"one": True}, "answer with a dict {1: True")


def test_five_calls_follow_the_backend(built):
    """Detach CloudWatch-Wordpress-ut: call 4 becomes denied, and the checker knows."""
    iam = lab.client("iam")
    arn = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"
    iam.detach_role_policy(RoleName=attachment.ROLE, PolicyArn=arn)
    try:
        rejects(attachment.check_five_calls, ex.SOLUTIONS["03-five-calls"], "call 4", "(implicit deny)")
    finally:
        iam.attach_role_policy(RoleName=attachment.ROLE, PolicyArn=arn)


# --- 3.2 what stays after a detach ---------------------------------------------------------


def test_after_detach_starter_asks_about_the_policy_that_stays(built):
    progressive(
        attachment.check_after_detach,
        ex.STARTERS["03-after-detach"],
        "2 actions the role keeps are missing: what does the policy that stays attached allow?",
        "cloudwatch:PutMetricData, ec2:DescribeTags: CloudWatch-Wordpress-ut still allows them",
    )


def test_after_detach_wrong_answers(built):
    progressive(
        attachment.check_after_detach,
        ["cloudwatch:PutMetricData", "ec2:DescribeTags", "s3:GetObject"],
        "s3:GetObject: which of the role's policies grants it?",
        "it comes from S3-Wordpress-ut, which you detached",
    )
    rejects(
        attachment.check_after_detach,
        ["cloudwatch:PutMetricData", "sts:AssumeRole"],
        "it is in the trust policy",
        "an action the role keeps is missing",
        "ec2:DescribeTags: CloudWatch-Wordpress-ut still allows it",
    )
    rejects(attachment.check_after_detach, ["cloudwatch:PutMetricData", "ec2:DescribeTags", "s3:Nothing"],
            "none of the role's other policies")  # fmt: skip
    rejects(attachment.check_after_detach, "cloudwatch:PutMetricData", "a list of actions")


def test_after_detach_before_the_attach_cells_ran():
    lab.start(chapter=3)  # the role exists, nothing attached yet
    rejects(attachment.check_after_detach, ex.SOLUTIONS["03-after-detach"], "run this chapter's attach cells first")


@pytest.mark.parametrize("key", ["03-five-calls", "03-after-detach"])
def test_checkers_reading_the_role_say_how_to_rebuild_it(key):
    lab.start(chapter=3)
    lab.reset()
    verdict = ex.CHECKERS[key](ex.SOLUTIONS[key])
    assert not verdict.ok and "does not exist yet" in verdict.message and "lab.start" in verdict.message
