"""Exercises of chapter 04 (helpers/teach/profile.py): the launch option, and swapping the role inside."""

import pytest
from verdict_checks import progressive, rejects

from helpers import lab
from helpers.teach import exercises as ex
from helpers.teach import profile


@pytest.fixture
def built():
    """The account at chapter 05's start: policies, role, attachments, instance profile."""
    lab.start(chapter=5)


# --- 4.1 the launch option -----------------------------------------------------------------


def test_launch_profile_role_name_gets_the_concept_first(built):
    first = progressive(
        profile.check_launch_profile,
        ex.STARTERS["04-launch"],
        "umemoto-wordpress-role is the role; run-instances takes an instance profile, "
        "the container that holds the role",
        "give the name of the instance profile that holds it",
    )
    assert "umemoto-wordpress-profile" not in first
    rejects(profile.check_launch_profile, "Arn=arn:aws:iam::123456789012:role/umemoto-wordpress-role", "is the role")


def test_launch_profile_arn_before_the_profile_exists():
    lab.start(chapter=3)  # the role, no instance profile yet
    _, second = rejects(
        profile.check_launch_profile,
        "Arn=arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile",
        "there is no instance profile with the ARN "
        "arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile yet: create it first",
        "chapter 04",
    )
    assert "is not the ARN" not in second
    rejects(
        profile.check_launch_profile,
        "Name=umemoto-wordpress-profile",
        "there is no instance profile named umemoto-wordpress-profile yet: create it first",
    )


def test_launch_profile_arn_of_another_account_or_kind(built):
    rejects(
        profile.check_launch_profile,
        "Arn=arn:aws:iam::111111111111:instance-profile/umemoto-wordpress-profile",
        "is not the ARN of umemoto-wordpress-profile in this account; its ARN is "
        "arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile",
    )
    rejects(
        profile.check_launch_profile,
        "Arn=arn:aws:iam::123456789012:policy/S3-Wordpress-ut",
        "is not the ARN of an instance profile (those contain :instance-profile/)",
    )


def test_launch_profile_other_wrong_answers(built):
    rejects(
        profile.check_launch_profile, "Name=umemoto-wordpress-profil", "no instance profile named umemoto-wordpress"
    )
    rejects(profile.check_launch_profile, "umemoto-wordpress-profile", "Name=PROFILE-NAME")
    rejects(profile.check_launch_profile, "name=umemoto-wordpress-profile", "the key is Name or Arn (case matters)")
    assert profile.check_launch_profile("Arn=arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile").ok


# --- 4.2 swapping the role -----------------------------------------------------------------


def test_switch_role_starter_gets_the_one_role_rule_first():
    first = progressive(
        profile.check_switch_role,
        ex.STARTERS["04-switch-role"],
        "a profile holds at most one role and umemoto-wordpress-profile already holds umemoto-wordpress-role: "
        "adding another fails with LimitExceeded",
        "take the old role out first: remove-role-from-instance-profile",
    )
    assert "remove-role" not in first


def test_switch_role_wrong_order_and_roles():
    remove, add = ex.SOLUTIONS["04-switch-role"]
    progressive(
        profile.check_switch_role,
        [add, remove],
        "the order matters: what happens to an add while the old role is still inside?",
        "remove first, then add",
    )
    progressive(
        profile.check_switch_role,
        [remove.replace("umemoto-wordpress-role", profile.NEW_ROLE), add],
        "remove-role-from-instance-profile names the role to take out",
        "--role-name umemoto-wordpress-role, the role now inside",
    )
    progressive(
        profile.check_switch_role,
        [remove],
        "umemoto-new-role never enters the profile",
        "then add it: add-role-to-instance-profile --role-name umemoto-new-role",
    )


def test_switch_role_other_wrong_answers():
    remove, add = ex.SOLUTIONS["04-switch-role"]
    rejects(
        profile.check_switch_role,
        ["aws iam delete-instance-profile --instance-profile-name umemoto-wordpress-profile"],
        "no need to delete or re-create the profile",
    )
    rejects(
        profile.check_switch_role,
        [remove.replace("remove-role", "remove-roles"), add],
        "did you mean remove-role-from-instance-profile?",
    )
    rejects(profile.check_switch_role, [add.replace("umemoto-wordpress-profile", "other-profile")],
            "needs --instance-profile-name umemoto-wordpress-profile")  # fmt: skip


def test_switch_role_accepts_the_magic_prefixes():
    remove, add = ex.SOLUTIONS["04-switch-role"]
    assert profile.check_switch_role(["%" + remove, "%%" + add]).ok
    assert profile.check_switch_role(
        [remove.replace("aws ", "%aws ", 1).replace(" iam ", " aws iam ", 1), add.removeprefix("aws ")]
    ).ok  # "%aws aws iam ..." and "iam ..."
    cell = "%%aws\n" + remove.replace(" --role-name", " \\\n    --role-name") + "\n" + add
    assert profile.check_switch_role(cell).ok, profile.check_switch_role(cell)
    _, second = rejects(profile.check_switch_role, ["%aws " + add, "%aws " + remove], "remove first, then add")
    assert "unknown command" not in second


def test_switch_role_accepts_the_articles_continuations():
    answer = (
        "aws iam remove-role-from-instance-profile `\n"
        "    --instance-profile-name umemoto-wordpress-profile --role-name umemoto-wordpress-role\n"
        "aws iam add-role-to-instance-profile ^\n"
        "    --instance-profile-name umemoto-wordpress-profile --role-name umemoto-new-role"
    )
    verdict = profile.check_switch_role(answer)
    assert verdict.ok and "iam:PassRole" in verdict.message
