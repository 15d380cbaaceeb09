"""Exercises of chapter 06 (helpers/teach/denials.py): the upload fix and reading a real denial."""

import json

import pytest

from helpers.teach import denials, verdicts
from helpers.teach import exercises as ex

UPLOAD, READING = "06-upload-denied", "06-read-denial"


@pytest.fixture(autouse=True)
def first_try(monkeypatch):
    """Each test starts at the first try of every exercise (the checkers count tries per kernel)."""
    monkeypatch.setattr(verdicts, "_tries", {})


def tries(checker, answer, count=verdicts.SOLUTION_AFTER):
    """The checker's messages for `count` tries of the same answer (the hint grows with each try)."""
    return [checker(answer).message for _ in range(count)]


def test_upload_fix_starter_gets_the_concept_then_the_detail():
    first, second, third = tries(denials.check_upload_fix, ex.STARTERS[UPLOAD])
    assert "still denied, by policy statement #3 (NoAclChanges)" in first
    assert "deny only s3:PutObjectAcl" not in first
    assert "deny only s3:PutObjectAcl" in second and "Show a solution" not in second
    assert "Show a solution" in third


def test_upload_fix_deleting_the_deny_lets_acl_changes_through():
    no_deny = json.loads(denials.BROKEN_UPLOAD_POLICY)
    no_deny["Statement"].pop()
    first, second = tries(denials.check_upload_fix, json.dumps(no_deny, indent=2), 2)
    assert "s3:PutObjectAcl is allowed again" in first and "narrow the Deny" not in first
    assert "narrow the Deny to s3:PutObjectAcl" in second


def test_upload_fix_other_typical_mistakes():
    bucket_only = ex.SOLUTIONS[UPLOAD].replace('ut-wordpress-s3/*"', 'ut-wordpress-s3"')
    first, second = tries(denials.check_upload_fix, bucket_only, 2)
    assert "allowed on the bucket ARN, but it acts on objects" in first and "add /*" in second
    everywhere = ex.SOLUTIONS[UPLOAD].replace('"arn:aws:s3:::ut-wordpress-s3/*"', '"*"')
    assert "uploads to every other bucket" in denials.check_upload_fix(everywhere).message
    no_reads = ex.SOLUTIONS[UPLOAD].replace('"s3:GetObject", ', "")
    assert (
        "s3:GetObject on arn:aws:s3:::ut-wordpress-s3/test.txt stopped working"
        in denials.check_upload_fix(no_reads).message
    )


def test_upload_fix_needs_version():
    document = json.loads(ex.SOLUTIONS[UPLOAD])
    del document["Version"]
    assert 'add "Version": "2012-10-17"' in denials.check_upload_fix(document).message


def test_upload_fix_dropping_acls_from_both_is_right_too():
    document = json.loads(denials.BROKEN_UPLOAD_POLICY)
    document["Statement"].pop()
    document["Statement"][1]["Action"].remove("s3:PutObjectAcl")
    assert denials.check_upload_fix(document).ok


def test_the_team_policy_denies_the_delete_explicitly_by_its_third_statement():
    decision = denials.team_decision()
    assert decision.decision == "explicit deny"
    assert decision.deciding.sid == "NoDeletesByTheWebServer"
    assert denials.type_named(decision) == "resource-based"


def test_reading_starter_gets_three_concepts_then_details():
    first, second = tries(denials.check_denial_reading, ex.STARTERS[READING], 2)
    assert "which kind of policy holds the statement that decides?" in first
    assert "a matching Deny statement makes the deny explicit" in first
    assert "KeepBackups is a Deny for s3:DeleteObject, but does it match" in first
    assert "'a resource-based policy'" not in first and "backup/*" not in first
    assert "'a resource-based policy'" in second
    assert "a Deny statement of the bucket policy matches this request: True" in second
    assert "arn:aws:s3:::ut-wordpress-s3/backup/*" in second


@pytest.mark.parametrize(
    "answer",
    [
        {"policy type": "resource-based", "explicit": True, "statement": "NoDeletesByTheWebServer"},
        {"type": "Bucket policy", "explicit": True, "statement": 3},
        {"Policy_Type": "a resource-based policy", "explicit": True, "statement": "#3"},
    ],
)
def test_reading_accepts_the_type_and_the_statement_in_several_spellings(answer):
    assert denials.check_denial_reading(answer).ok


def test_reading_an_allow_or_an_unknown_statement():
    answer = dict(ex.SOLUTIONS[READING], statement="ReadForTheAccount")
    assert "ReadForTheAccount is an Allow" in denials.check_denial_reading(answer).message
    answer = dict(ex.SOLUTIONS[READING], statement="the last one")
    first, second = tries(denials.check_denial_reading, answer, 2)
    assert "by its Sid or its number" in first and "NoDeletesByTheWebServer" in second


def test_reading_an_identity_type_or_an_implicit_deny():
    answer = dict(ex.SOLUTIONS[READING], **{"policy type": "identity-based"})
    assert "which kind of policy holds the statement" in denials.check_denial_reading(answer).message
    answer = dict(ex.SOLUTIONS[READING], explicit="yes")
    assert '"explicit": answer True' in denials.check_denial_reading(answer).message


def test_reading_needs_all_three_parts():
    message = denials.check_denial_reading({"policy type": "resource-based"}).message
    assert 'answer with a dict {"policy type"' in message


def test_the_notebook_puts_the_modules_team_policy_in_force():
    """Exercise 06.2's checker judges TEAM_BUCKET_POLICY: the notebook must show (and apply) that same text."""
    from pathlib import Path

    import nbformat

    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "06-Denials.ipynb"
    sources = [cell.source for cell in nbformat.read(notebook, 4).cells]
    assert any(denials.TEAM_BUCKET_POLICY in source and "TEAM_POLICY =" in source for source in sources)
    assert any("put-bucket-policy" in source and "$TEAM_POLICY" in source for source in sources)
