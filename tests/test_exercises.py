"""Exercises (helpers/teach/): every checker accepts its solution and rejects typical wrong answers."""

import json

import pytest

from helpers import lab
from helpers.teach import attachment, policies, profile, role, verification
from helpers.teach import exercises as ex

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
    assert "could not check" not in verdict.message, verdict.message  # a real hint, not a caught crash


@pytest.mark.parametrize("key", ["03-five-calls", "03-after-detach", "05-instance-calls"])
def test_checkers_reading_the_role_say_how_to_rebuild_it(key, capsys):
    lab.start(chapter=3)
    lab.reset()
    verdict = ex.CHECKERS[key](ex.SOLUTIONS[key])
    assert not verdict.ok and "does not exist yet" in verdict.message and "lab.start" in verdict.message


def test_prediction_keys_must_be_numbers(built):
    verdict = attachment.check_five_calls({"one": True})
    assert "answer with a dict {1: True" in verdict.message


# --- chapter 01 -------------------------------------------------------------------------


def test_read_only_starter_gets_the_object_arn_hint():
    rejects(policies.check_read_only_policy, ex.STARTERS["01-read-only"], "GetObject needs an object ARN: add /*")


def test_read_only_list_bucket_on_objects():
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], BUCKET + "/*"))
    rejects(policies.check_read_only_policy, answer, "ListBucket applies to the bucket ARN: remove /*")


def test_read_only_with_writes():
    answer = policy(allow("s3:ListBucket", BUCKET), allow("s3:*", BUCKET + "/*"))
    rejects(
        policies.check_read_only_policy,
        answer,
        "this policy also allows s3:PutObject — read-only means no writes",
        "this policy also allows s3:DeleteObject",
    )


def test_read_only_on_every_bucket():
    answer = policy(allow(["s3:ListBucket", "s3:GetObject"], "*"))
    rejects(policies.check_read_only_policy, answer, "this policy also reaches other buckets")


def test_read_only_broken_json_gives_line_and_column():
    answer = ex.SOLUTIONS["01-read-only"].replace(
        '"Effect": "Allow",\n      "Action": "s3:GetObject"', '"Effect": "Allow"\n      "Action": "s3:GetObject"'
    )
    rejects(policies.check_read_only_policy, answer, "line 10, col 24: missing comma")


def test_read_only_typo_in_action_uses_the_linter():
    answer = ex.SOLUTIONS["01-read-only"].replace("s3:GetObject", "s3:GetObjects")
    rejects(policies.check_read_only_policy, answer, "did you mean s3:GetObject?")


def test_read_only_wildcards_grant_more_than_list_and_download():
    answer = policy(allow(["s3:List*", "s3:Get*"], [BUCKET, BUCKET + "/*"]))
    verdict = rejects(
        policies.check_read_only_policy,
        answer,
        "s3:Get* also allows s3:GetObjectAcl and s3:GetBucketPolicy: name the two actions you need",
        "s3:List* also allows s3:ListBucketVersions and s3:ListBucketMultipartUploads",
    )
    assert "read-only means no writes" not in verdict.message


def test_read_only_an_extra_read_action_named_outright():
    answer = policy(allow("s3:ListBucket", BUCKET), allow(["s3:GetObject", "s3:GetObjectAcl"], BUCKET + "/*"))
    rejects(
        policies.check_read_only_policy,
        answer,
        "this policy also allows s3:GetObjectAcl: the exercise asks for listing and downloading only",
    )


def test_read_only_s3_star_gets_the_write_hints_not_the_wildcard_one():
    answer = policy(allow("s3:*", [BUCKET, BUCKET + "/*"]))
    verdict = rejects(policies.check_read_only_policy, answer, "this policy also allows s3:PutObject")
    assert "s3:* also allows" not in verdict.message


def test_read_only_needs_version_2012_10_17():
    document = json.loads(ex.SOLUTIONS["01-read-only"])
    del document["Version"]
    rejects(policies.check_read_only_policy, json.dumps(document, indent=2), 'add "Version": "2012-10-17"')
    rejects(
        policies.check_read_only_policy,
        {**document, "Version": "2008-10-17"},
        'write "Version": "2012-10-17": 2008-10-17 is the old policy language',
    )


def test_read_only_accepts_a_dict():
    assert policies.check_read_only_policy(json.loads(ex.SOLUTIONS["01-read-only"])).ok


def test_arns_starter_hints():
    rejects(
        policies.check_arns,
        ex.STARTERS["01-arns"],
        "ListBucket applies to the bucket ARN: remove /*",
        "GetObject needs an object ARN: add /*",
        'AWS requires "*"',
    )


def test_arns_one_object_is_not_every_object():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:GetObject": BUCKET + "/test.txt"}
    rejects(
        policies.check_arns,
        answer,
        f"GetObject: {BUCKET}/test.txt names one object; the policy should cover every object: {BUCKET}/*",
    )
    answer = {**ex.SOLUTIONS["01-arns"], "s3:PutObject": BUCKET + "/test*"}
    rejects(policies.check_arns, answer, "covers only some objects; the policy should cover every object")


def test_arns_star_for_s3_is_too_broad():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:PutObject": "*"}
    rejects(policies.check_arns, answer, "reaches every bucket")


def test_arns_s3_url_and_missing_action():
    answer = {**ex.SOLUTIONS["01-arns"], "s3:GetObject": "s3://ut-wordpress-s3/*"}
    rejects(policies.check_arns, answer, "is an S3 URL")
    answer = dict(ex.SOLUTIONS["01-arns"])
    del answer["s3:PutObject"]
    rejects(policies.check_arns, answer, "missing: s3:PutObject")


# --- chapter 02 -------------------------------------------------------------------------


def test_trust_starter_gets_both_typos_with_positions():
    rejects(
        role.check_trust_policy,
        ex.STARTERS["02-trust"],
        'line 7, col 20: misspelled service principal "ec2.amazonaws.co" (did you mean ec2.amazonaws.com?)',
        "line 9, col 17: unknown action sts:AssumeRoles (did you mean sts:AssumeRole?)",
    )


def test_trust_starter_says_aws_refuses_it():
    """AWS does not store the starter: IAM answers MalformedPolicyDocument (create-role fails)."""
    verdict = rejects(
        role.check_trust_policy,
        ex.STARTERS["02-trust"],
        "AWS would refuse this trust policy with MalformedPolicyDocument",
        '"ec2.amazonaws.co" (did you mean ec2.amazonaws.com?) — IAM says: "Invalid principal in policy"',
        '(did you mean sts:AssumeRole?) — IAM says: "Trust Policy statement actions can only be '
        'sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity"',
    )
    assert "store" not in verdict.message


def test_trust_lint_errors_aws_accepts_get_no_refusal_lead():
    """Only errors IAM is known to refuse get the MalformedPolicyDocument lead."""
    answer = trust({"Service": "ec2.amazonaws.com"}).replace('"Allow"', '"Alow"')
    verdict = rejects(role.check_trust_policy, answer, 'invalid Effect "Alow" (did you mean Allow?)')
    assert "IAM says" not in verdict.message


def test_trust_needs_version():
    document = json.loads(role.TRUST_SOLUTION)
    del document["Version"]
    rejects(role.check_trust_policy, document, 'add "Version": "2012-10-17"')


def trust(principal, action="sts:AssumeRole", **extra):
    """A trust policy as JSON text."""
    return policy({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def test_trust_wrong_service():
    rejects(
        role.check_trust_policy,
        trust({"Service": "lambda.amazonaws.com"}),
        "this trust policy trusts Service: lambda.amazonaws.com, but the role must trust ec2.amazonaws.com",
    )


def test_trust_with_resource_or_anyone():
    rejects(
        role.check_trust_policy,
        trust({"Service": "ec2.amazonaws.com"}, Resource="*"),
        "line 10, col 7: Resource does not belong in a trust policy",
    )
    rejects(role.check_trust_policy, trust("*"), 'Principal "*" lets anyone assume the role')


def test_trust_wrong_action_and_deny():
    rejects(role.check_trust_policy, trust({"Service": "ec2.amazonaws.com"}, "sts:TagSession"), "sts:AssumeRole")
    denied = role.TRUST_SOLUTION.replace('"Allow"', '"Deny"')
    rejects(role.check_trust_policy, denied, '"Effect": "Allow"')


def test_lambda_principal_wrong_answers():
    rejects(role.check_lambda_principal, {"Service": "ec2.amazonaws.com"}, "is the EC2 service")
    rejects(role.check_lambda_principal, {"Service": "lambda.amazon.com"}, "did you mean lambda.amazonaws.com?")
    rejects(role.check_lambda_principal, {"AWS": "arn:aws:iam::123456789012:root"}, '"Service" key')
    rejects(role.check_lambda_principal, {"Service": "Lambda.amazonaws.com"}, "lowercase")


def test_lambda_principal_accepts_the_bare_name():
    assert role.check_lambda_principal("lambda.amazonaws.com").ok


# --- chapter 03 -------------------------------------------------------------------------


def test_five_calls_all_true_names_the_denied_calls(built):
    verdict = rejects(
        attachment.check_five_calls,
        ex.STARTERS["03-five-calls"],
        "2 of 5 right",
        "call 2 (`aws s3 ls`) needs s3:ListAllMyBuckets",
    )
    assert "call 1" not in verdict.message


def test_five_calls_all_false_names_the_allowing_statement(built):
    rejects(
        attachment.check_five_calls,
        [False] * 5,
        "3 of 5 right",
        "call 1 (`aws s3 cp test.txt s3://ut-wordpress-s3/test.txt`) needs s3:PutObject",
        "S3-Wordpress-ut statement #2 allows it",
    )


def test_five_calls_incomplete_or_odd_answers(built):
    rejects(attachment.check_five_calls, {1: True, 2: False}, "call 3: no answer yet: write True (allowed) or False")
    rejects(attachment.check_five_calls, {1: "maybe", 2: False, 3: False, 4: True, 5: False}, "not 'maybe'")
    rejects(
        attachment.check_five_calls,
        ["allowed", "AccessDenied", "denied", "yes", "no"],
        "call 1: answer True or False, not 'allowed'",
        "call 4: answer True or False, not 'yes'",
    )


def test_five_calls_follow_the_backend(built):
    """Detach CloudWatch-Wordpress-ut: call 4 becomes denied, and the checker knows."""
    iam = lab.client("iam")
    arn = "arn:aws:iam::123456789012:policy/CloudWatch-Wordpress-ut"
    iam.detach_role_policy(RoleName=attachment.ROLE, PolicyArn=arn)
    try:
        rejects(attachment.check_five_calls, ex.SOLUTIONS["03-five-calls"], "call 4")
    finally:
        iam.attach_role_policy(RoleName=attachment.ROLE, PolicyArn=arn)


def test_after_detach_wrong_answers(built):
    rejects(
        attachment.check_after_detach,
        ["cloudwatch:PutMetricData", "ec2:DescribeTags", "s3:GetObject"],
        "s3:GetObject comes from S3-Wordpress-ut, which you detached",
    )
    rejects(
        attachment.check_after_detach,
        ["cloudwatch:PutMetricData", "sts:AssumeRole"],
        "sts:AssumeRole is in the trust policy",
        "ec2:DescribeTags is missing",
    )
    rejects(attachment.check_after_detach, "cloudwatch:PutMetricData", "a list of actions")


def test_after_detach_before_the_attach_cells_ran():
    lab.start(chapter=3)  # the role exists, nothing attached yet
    rejects(attachment.check_after_detach, ex.SOLUTIONS["03-after-detach"], "run this chapter's attach cells first")


# --- chapter 04 -------------------------------------------------------------------------


def test_launch_profile_arn_before_the_profile_exists():
    lab.start(chapter=3)  # the role, no instance profile yet
    verdict = rejects(
        profile.check_launch_profile,
        "Arn=arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile",
        "there is no instance profile with the ARN "
        "arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile yet: create it first",
        "chapter 04",
    )
    assert "is not the ARN" not in verdict.message
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


def test_launch_profile_wrong_answers(built):
    rejects(profile.check_launch_profile, "Name=umemoto-wordpress-role", "is the role")
    rejects(profile.check_launch_profile, "Arn=arn:aws:iam::123456789012:role/umemoto-wordpress-role", "is the role")
    rejects(
        profile.check_launch_profile,
        "Name=umemoto-wordpress-profil",
        "no instance profile named umemoto-wordpress-profil",
    )
    rejects(profile.check_launch_profile, "umemoto-wordpress-profile", "Name=PROFILE-NAME")
    assert profile.check_launch_profile("Arn=arn:aws:iam::123456789012:instance-profile/umemoto-wordpress-profile").ok


def test_switch_role_accepts_the_magic_prefixes():
    remove, add = ex.SOLUTIONS["04-switch-role"]
    assert profile.check_switch_role(["%" + remove, "%%" + add]).ok
    assert profile.check_switch_role(
        [remove.replace("aws ", "%aws ", 1).replace(" iam ", " aws iam ", 1), add.removeprefix("aws ")]
    ).ok  # "%aws aws iam ..." and "iam ..."
    cell = "%%aws\n" + remove.replace(" --role-name", " \\\n    --role-name") + "\n" + add
    assert profile.check_switch_role(cell).ok, profile.check_switch_role(cell)
    verdict = rejects(profile.check_switch_role, ["%aws " + add, "%aws " + remove], "remove first, then add")
    assert "unknown command" not in verdict.message


def test_switch_role_wrong_answers():
    remove, add = ex.SOLUTIONS["04-switch-role"]
    rejects(profile.check_switch_role, [add, remove], "remove first, then add")
    rejects(
        profile.check_switch_role, ex.STARTERS["04-switch-role"], "LimitExceeded", "remove-role-from-instance-profile"
    )
    rejects(
        profile.check_switch_role,
        [remove.replace("umemoto-wordpress-role", profile.NEW_ROLE), add],
        "takes the role now inside: --role-name umemoto-wordpress-role",
    )
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


# --- chapter 05 -------------------------------------------------------------------------


def test_instance_calls_need_real_booleans(built):
    answer = {**ex.SOLUTIONS["05-instance-calls"], 1: "yes", 2: "no"}
    verdict = rejects(
        verification.check_instance_calls,
        answer,
        "call 1: answer True or False, not 'yes'",
        "call 2: answer True or False, not 'no'",
        "3 of 5 right",
    )
    assert "call 3" not in verdict.message
    rejects(
        verification.check_instance_calls,
        {**ex.SOLUTIONS["05-instance-calls"], 4: 1},
        "call 4: answer True (allowed) or False (AccessDenied), not 1",
    )


def test_instance_calls_wrong_answers(built):
    rejects(
        verification.check_instance_calls,
        ex.STARTERS["05-instance-calls"],
        "2 of 5 right",
        "call 5 (`aws iam list-roles`) needs iam:ListRoles",
    )
    rejects(
        verification.check_instance_calls,
        [False] * 5,
        "call 4 (`aws ec2 describe-tags`) needs ec2:DescribeTags",
        "CloudWatch-Wordpress-ut statement #1 allows it",
    )


def test_solutions_are_shown_as_markdown():
    assert ex.solution_markdown("01-read-only").startswith("```json\n{")
    assert ex.solution_markdown("03-five-calls").startswith("```python\n{1: True")


def test_switch_role_accepts_the_articles_continuations(built):
    answer = (
        "aws iam remove-role-from-instance-profile `\n"
        "    --instance-profile-name umemoto-wordpress-profile --role-name umemoto-wordpress-role\n"
        "aws iam add-role-to-instance-profile ^\n"
        "    --instance-profile-name umemoto-wordpress-profile --role-name umemoto-new-role"
    )
    assert profile.check_switch_role(answer).ok


@pytest.mark.parametrize("key", sorted(ex.CHECKERS))
def test_notebooks_show_the_modules_starters_and_solutions(key):
    from pathlib import Path

    import nbformat

    notebook = next(Path(__file__).resolve().parent.parent.glob(f"notebooks/{key[:2]}-*.ipynb"))
    text = "\n".join(cell.source for cell in nbformat.read(notebook, 4).cells)
    for value in (ex.STARTERS[key], ex.SOLUTIONS[key]):
        if isinstance(value, str):
            assert value.strip() in text, f"{notebook.name} no longer shows {key}'s text from helpers/teach/"
