"""Chapter 08's exercises and the helpers it adds: predictions judged on the account, three policies, sessions.

tests/test_exercises.py checks every registered checker on its solution, starter and junk;
these tests check each chapter 08 checker on typical wrong answers (the hint of each try
level), that the predictions follow the account, and the helpers the chapter added
(Session.assume_role, session.use, explain's resource_account, SCPs as JSON text).
"""

import json

import pytest

from helpers import lab
from helpers.aws import organization
from helpers.instance import checks
from helpers.instance import session as instance
from helpers.instance.credentials import LoginError
from helpers.policy.explain import explain
from helpers.teach import evaluation as ev
from helpers.teach import evaluation_practice as pr
from helpers.teach import exercises as ex
from helpers.teach.verdicts import reset_tries, tries

ROLE = "umemoto-wordpress-role"
BUCKET = "ut-wordpress-s3"
S3_POLICY = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"
READER_ARN = "arn:aws:iam::123456789012:role/iamrole-lab-reader-role"


@pytest.fixture
def account(capsys):
    """Chapter 08's starting point: the article's resources and the instance, no organization."""
    lab.start(chapter=8)
    capsys.readouterr()
    return lab.client("iam")


@pytest.fixture
def me(account, capsys):
    """Logged in to the instance at chapter 08's start."""
    session = instance.login("iamrole-test")
    capsys.readouterr()
    yield session
    instance.logout()


def twice(checker, answer):
    """The verdicts of a first and a second try (the second shows each Hint's detail)."""
    return checker(answer), checker(answer)


def policy(*statements):
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def grant(principal, action="s3:GetObject", resource=f"arn:aws:s3:::{BUCKET}/*"):
    """One Allow statement of a bucket policy."""
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}


# --- predictions, judged on the account as it is -----------------------------------------


def test_bucket_deny_prediction_on_the_account(account):
    lab.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=ev.BUCKET_DENY)
    first, second = twice(ev.check_bucket_deny, ex.STARTERS["08-bucket-deny"])
    assert "1 of 2 right" in first.message and "a Deny that applies" in first.message
    assert "the lab decides" not in first.message and "Note:" not in first.message
    assert "the lab decides at the step 'explicit deny check'" in second.message
    assert "NoDeletesByTheRole" in second.message
    verdict = ev.check_bucket_deny(ex.SOLUTIONS["08-bucket-deny"])
    assert verdict.ok and "Note" not in verdict.message


def test_a_prediction_follows_the_account_not_the_section(account):
    """A bucket policy denying every S3 action turns the download into a denial too."""
    everything = policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*"})
    lab.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=everything)
    verdict = ev.check_bucket_deny(ex.SOLUTIONS["08-bucket-deny"])
    assert not verdict.ok and "call 2" in verdict.message


def test_a_prediction_before_the_sections_cell_says_what_it_assumed(account):
    verdict = ev.check_bucket_grant(ex.SOLUTIONS["08-bucket-grant"])
    assert verdict.ok
    assert "the bucket policy above is not on the bucket yet" in verdict.message
    assert "S3-Wordpress-ut is still attached" in verdict.message


def test_bucket_grant_prediction_names_the_grant(account):
    account.detach_role_policy(RoleName=ROLE, PolicyArn=S3_POLICY)
    lab.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=ev.BUCKET_GRANT)
    first, second = twice(ev.check_bucket_grant, ex.STARTERS["08-bucket-grant"])
    assert "a resource policy that names the caller can allow on its own" in first.message
    assert "the bucket policy of ut-wordpress-s3, statement 1 (Sid ReadForTheRole)" in second.message
    assert ev.check_bucket_grant({1: True, 2: True}).message.count("call 2") == 1


def test_boundary_prediction_on_the_account(account):
    arn = account.create_policy(PolicyName=ev.BOUNDARY_NAME, PolicyDocument=ev.BOUNDARY)["Policy"]["Arn"]
    account.put_role_permissions_boundary(RoleName=ROLE, PermissionsBoundary=arn)
    first, second = twice(ev.check_boundary, ex.STARTERS["08-boundary"])
    assert "a permissions boundary must allow it too" in first.message
    assert "the permissions boundary does not allow it" in second.message
    assert ev.check_boundary(ex.SOLUTIONS["08-boundary"]).ok


def test_scp_prediction_on_the_simulated_organization(account):
    organization.attach_scp("AllowS3Only", ev.SCP_S3_ONLY, level="ou")
    organization.detach("FullAWSAccess", level="ou")
    first, second = twice(ev.check_scp, ex.STARTERS["08-scp"])
    assert "every level of the organization must allow" in first.message
    assert "the SCPs at level 2 of the organization (root = 1) include no Allow" in second.message
    assert ev.check_scp(ex.SOLUTIONS["08-scp"]).ok
    organization.leave()
    assert "no organization yet" in ev.check_scp(ex.SOLUTIONS["08-scp"]).message


def test_session_policy_prediction_with_the_reader_role(account):
    account.create_role(RoleName=ev.READER, AssumeRolePolicyDocument=ev.READER_TRUST)
    verdict = ev.check_session_policy(ex.SOLUTIONS["08-session-policy"])  # the role has no policy yet
    assert not verdict.ok and "an identity-based policy must allow the request" in verdict.message
    account.attach_role_policy(RoleName=ev.READER, PolicyArn=S3_POLICY)
    first, second = twice(ev.check_session_policy, ex.STARTERS["08-session-policy"])
    assert "2 of 3 right" in first.message and "the role AND the policy allow" in first.message
    assert "the session policy does not allow it" in second.message
    verdict = ev.check_session_policy(ex.SOLUTIONS["08-session-policy"])
    assert verdict.ok and "does not exist yet" not in verdict.message


def test_prediction_answers_of_the_wrong_shape(account):
    assert "one entry per call (2)" in ev.check_bucket_deny([True]).message
    assert "call 2: no answer yet" in ev.check_bucket_deny({1: False}).message
    assert "not 'False'" in ev.check_bucket_deny({1: "False", 2: True}).message


def test_predictions_without_the_role_say_how_to_rebuild_it(account):
    lab.reset()
    verdict = ev.check_boundary(ex.SOLUTIONS["08-boundary"])
    assert not verdict.ok and "does not exist yet" in verdict.message and "lab.start" in verdict.message


# --- exercise 8.1: a bucket policy for the instance's session ------------------------------


def test_session_grant_starter_gets_the_role_arn_hint_then_the_session_arn(me):
    first, second = twice(pr.check_session_grant, ex.STARTERS["08-session-grant"])
    assert first.message == "Not yet: a grant to the role's ARN is still capped by the permissions boundary"
    assert f"name the session itself, {me.arn}" in second.message


def test_session_grant_accepts_the_session_of_the_running_instance(me):
    answer = policy(grant({"AWS": me.arn}))
    assert pr.check_session_grant(answer).ok


def test_session_grant_wrong_answers(me):
    cases = {
        policy(grant("*")): "anyone else may download too",
        policy(grant({"AWS": me.arn}, action="s3:*")): "this also lets the session run s3:PutObject",
        policy(grant({"AWS": me.arn}, resource=f"arn:aws:s3:::{BUCKET}")): "GetObject needs an object ARN",
        policy(grant({"AWS": "123456789012"})): "a grant to the account hands the decision back",
        policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}): "every statement needs a Principal",
        policy(grant({"AWS": me.arn.replace(me.instance_id, "i-00000000000000000")})): "nothing in your policy lets",
        policy(grant({"AWS": me.arn}), {**grant("*"), "Effect": "Deny"}): "your policy denies the download",
    }
    for answer, hint in cases.items():
        verdict = pr.check_session_grant(answer)
        assert not verdict.ok and hint in verdict.message, verdict.message


def test_session_grant_broken_or_unreadable_policies(me):
    broken = ex.SOLUTIONS["08-session-grant"].replace('"Effect": "Allow",', '"Effect": "Allow"')
    assert "missing comma" in pr.check_session_grant(broken).message
    unreadable = pr.check_session_grant(policy(grant({"AWS": 5})))
    assert not unreadable.ok and "could not check" not in unreadable.message


def test_session_grant_without_an_instance_reads_the_instance_id_from_the_answer():
    lab.start(chapter=5)
    assert pr.check_session_grant(ex.SOLUTIONS["08-session-grant"]).ok


# --- exercise 8.2: a boundary that keeps S3 --------------------------------------------------


def test_boundary_starter_hints():
    reset_tries()
    first, second = twice(pr.check_boundary_keeps_s3, ex.STARTERS["08-boundary-keeps-s3"])
    assert "a boundary grants nothing and caps everything" in first.message
    assert "s3:* on the bucket and its objects will do" in second.message


def test_boundary_wrong_answers():
    everything = policy({"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*"], "Resource": "*"})
    assert "still allows cloudwatch:PutMetricData" in pr.check_boundary_keeps_s3(everything).message
    bucket_only = policy({"Effect": "Allow", "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}"})
    verdict = pr.check_boundary_keeps_s3(bucket_only)
    assert "no longer allows s3:PutObject on arn:aws:s3:::ut-wordpress-s3/test.txt" in verdict.message
    assert "s3:ListBucket on" not in verdict.message
    with_principal = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    assert "Principal does not belong" in pr.check_boundary_keeps_s3(with_principal).message
    allow_all_but = policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "cloudwatch:*", "Resource": "*"},
    )
    assert pr.check_boundary_keeps_s3(allow_all_but).ok


def test_boundary_needs_version():
    document = json.loads(ex.SOLUTIONS["08-boundary-keeps-s3"])
    del document["Version"]
    assert 'add "Version": "2012-10-17"' in pr.check_boundary_keeps_s3(document).message


# --- exercise 8.3: which policy type refused -------------------------------------------------


def test_denial_types_starter_and_second_try():
    reset_tries()
    first, second = twice(pr.check_denial_types, ex.STARTERS["08-denial-types"])
    assert first.message.startswith("Not yet: 1 of 5 right. The end of each message names the policy type")
    assert "message 2 was not decided by 'identity-based'" in first.message and "implicit deny" not in first.message
    assert "even when no SCP allowed (an implicit deny)" in second.message
    assert tries("08-denial-types") == 2


def test_denial_types_accepts_other_words_for_the_same_types():
    answer = {
        "1": "Permissions Boundary",
        2: "service control policy",
        3: "session",
        4: "bucket policy",
        5: "IAM policy",
    }
    assert pr.check_denial_types(answer).ok


def test_denial_types_wrong_words():
    answer = {**ex.SOLUTIONS["08-denial-types"], 2: "organization", 4: "identity-based"}
    verdict = pr.check_denial_types(answer)
    assert "message 2: 'organization' names no policy type" in verdict.message
    assert "message 4 was not decided by 'identity-based'" in verdict.message
    assert "answer with a dict" in pr.check_denial_types(["SCP"]).message


def test_the_denial_messages_are_the_labs_own_words(me, account, capsys):
    """Exercise 8.3's messages are what the instance really gets (its id in place of the example's)."""
    arn = account.create_policy(PolicyName=ev.BOUNDARY_NAME, PolicyDocument=ev.BOUNDARY)["Policy"]["Arn"]
    instance.run("touch test.txt")
    checks.expect_denied("aws s3 ls")
    account.put_role_permissions_boundary(RoleName=ROLE, PermissionsBoundary=arn)
    checks.expect_denied("aws s3 cp test.txt s3://ut-wordpress-s3")
    account.delete_role_permissions_boundary(RoleName=ROLE)
    lab.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=ev.BUCKET_DENY)
    checks.expect_denied("aws s3 rm s3://ut-wordpress-s3/test.txt")
    printed = capsys.readouterr().err
    for number in (1, 4, 5):
        message, _ = pr.DENIALS[number - 1]
        assert message.replace("i-0123456789abcdef0", me.instance_id) in printed, number


# --- the notebook shows the section policies ---------------------------------------------------


def test_the_notebook_shows_each_section_policy():
    from pathlib import Path

    import nbformat

    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "08-How-AWS-Decides.ipynb"
    text = "\n".join(cell.source for cell in nbformat.read(notebook, 4).cells)
    for name in ("BUCKET_DENY", "BUCKET_GRANT", "BOUNDARY", "SCP_S3_ONLY", "READER_TRUST", "SESSION_POLICY"):
        assert getattr(ev, name) in text, f"the notebook no longer shows evaluation.{name}"


# --- the helpers chapter 08 added ----------------------------------------------------------------


def test_assume_role_on_the_instance_returns_a_session_with_the_new_keys(me, account, capsys):
    account.create_role(RoleName=ev.READER, AssumeRolePolicyDocument=ev.READER_TRUST)
    account.attach_role_policy(RoleName=ev.READER, PolicyArn=S3_POLICY)
    instance.run("touch test.txt")
    reader = me.assume_role(READER_ARN, "reader", ev.SESSION_POLICY)
    printed = capsys.readouterr().out
    assert '"Arn": "arn:aws:sts::123456789012:assumed-role/iamrole-lab-reader-role/reader"' in printed
    assert reader.arn == "arn:aws:sts::123456789012:assumed-role/iamrole-lab-reader-role/reader"
    assert reader.home == me.home  # the same instance, so the same files
    instance.use(reader)
    assert "%instance now runs with the keys of" in capsys.readouterr().out
    checks.expect_denied("aws s3 cp test.txt s3://ut-wordpress-s3")
    assert "because no session policy allows the s3:PutObject action" in capsys.readouterr().err
    instance.use(me)
    assert instance.current() is me


def test_assume_role_refused_by_the_trust_policy_returns_none(me, account, capsys):
    account.create_role(RoleName="trusts-nobody-here", AssumeRolePolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}))  # fmt: skip
    assert me.assume_role("arn:aws:iam::123456789012:role/trusts-nobody-here", "refused") is None
    assert "AccessDenied" in capsys.readouterr().err


def test_use_takes_a_session():
    with pytest.raises(LoginError, match="use takes a session"):
        instance.use("reader")


def test_explain_across_accounts_needs_both_sides():
    partner = "arn:aws:sts::111122223333:assumed-role/partner-app/app"
    bucket_policy = json.loads(policy(grant({"AWS": "arn:aws:iam::111122223333:role/partner-app"})))
    reads = json.loads(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}))

    def decision(identity, resource_policy):
        return explain("s3:GetObject", f"arn:aws:s3:::{BUCKET}/test.txt", identity, principal=partner,
                       resource_policy=resource_policy, resource_account="123456789012").decision  # fmt: skip

    assert decision({}, bucket_policy) == "implicit deny"
    assert decision({"reads": reads}, None) == "implicit deny"
    assert decision({"reads": reads}, bucket_policy) == "allow"


def test_an_scp_given_as_json_text_is_stored_as_a_document():
    organization.attach_scp("AllowS3Only", ev.SCP_S3_ONLY, level="ou")
    try:
        assert organization.levels("scps")[1][1] == json.loads(ev.SCP_S3_ONLY)
    finally:
        organization.leave()


def test_lab_start_forgets_the_tries(capsys):
    pr.check_denial_types({})
    assert tries("08-denial-types") >= 1
    lab.start(chapter=0)
    assert tries("08-denial-types") == 0
