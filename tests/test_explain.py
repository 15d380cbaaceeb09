"""Tests of helpers.policy.explain: the lab's explanation of one request, decided by its evaluator."""

import json
from pathlib import Path

import pytest

from helpers.policy.explain import COLUMNS, DECISIONS, explain, load_policies

ROOT = Path(__file__).resolve().parent.parent
SESSION = "arn:aws:sts::123456789012:assumed-role/umemoto-wordpress-role/i-0123456789abcdef0"
ROLE_ARN = "arn:aws:iam::123456789012:role/umemoto-wordpress-role"
S3POLICY = ROOT / "policies" / "s3policy.json"
BUCKET = "ut-wordpress-s3"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
OBJECT_ARN = f"{BUCKET_ARN}/index.html"
REGION = "ap-northeast-1"


def policy(*statements):
    """A policy document holding the given statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    """An Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    """A Deny statement."""
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# --- unit cases ----------------------------------------------------------------------


def test_article_object_action_allowed_by_second_statement():
    result = explain("s3:GetObject", OBJECT_ARN, [S3POLICY])
    assert result.decision == "allow" and result.allowed
    assert (result.deciding.policy, result.deciding.number) == ("s3policy", 2)
    assert result.table.loc[1, "why"] == (
        f"Action 's3:GetObject' matches s3:GetObject; Resource '{BUCKET_ARN}/*' matches {OBJECT_ARN}"
    )


def test_article_object_action_on_bucket_is_implicitly_denied():
    result = explain("s3:GetObject", BUCKET_ARN, [S3POLICY])
    assert result.decision == "implicit deny" and result.deciding is None
    row = result.table.loc[1]
    assert (row["action matches"], row["resource matches"]) == ("yes", "no")
    assert f"bucket ARN does not match {BUCKET_ARN}/*: that pattern covers the objects inside" in row["why"]


def test_article_bucket_action_on_object_arn_is_implicitly_denied():
    result = explain("s3:ListBucket", OBJECT_ARN, [S3POLICY])
    assert result.decision == "implicit deny"
    assert f"object ARN does not match {BUCKET_ARN}: that is the bucket itself" in result.table.loc[0, "why"]


def test_default_policies_are_the_articles_permission_policies():
    result = explain("cloudwatch:PutMetricData", "*")
    assert result.decision == "allow" and result.deciding.policy == "cloudwatchpolicy"
    assert list(result.table["policy"]) == ["s3policy", "s3policy", "cloudwatchpolicy"]


def test_table_has_one_row_per_statement_of_every_policy():
    result = explain(
        "s3:GetObject",
        OBJECT_ARN,
        {"a": policy(allow("s3:GetObject"), allow("s3:PutObject")), "b": policy(deny("ec2:*", Sid="NoEc2"))},
    )
    assert list(result.table.columns) == COLUMNS
    assert list(result.table["statement"]) == ["#1", "#2", "#1 (NoEc2)"]
    assert list(result.table["action matches"]) == ["yes", "no", "no"]


def test_explicit_deny_beats_allow():
    result = explain(
        "s3:PutObject",
        OBJECT_ARN,
        {"allow-all": policy(allow("s3:*")), "no-writes": policy(deny(["s3:Put*", "s3:Delete*"], f"{BUCKET_ARN}/*"))},
    )
    assert result.decision == "explicit deny"
    assert str(result.deciding) == "no-writes statement #1"
    assert "Action 's3:Put*' matches s3:PutObject" in result.table.loc[1, "why"]


def test_deny_that_does_not_match_leaves_allow():
    result = explain("s3:GetObject", OBJECT_ARN, {"p": policy(allow("s3:*"), deny("s3:PutObject"))})
    assert result.decision == "allow" and result.deciding.number == 1


def test_not_action():
    document = policy({"Effect": "Allow", "NotAction": ["s3:Put*"], "Resource": "*"})
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"
    result = explain("s3:PutObject", OBJECT_ARN, {"p": document})
    assert result.decision == "implicit deny"
    assert "NotAction 's3:Put*' excludes s3:PutObject" in result.table.loc[0, "why"]


def test_not_resource():
    document = policy({"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET_ARN}/secret*"})
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"
    result = explain("s3:GetObject", f"{BUCKET_ARN}/secret.txt", {"p": document})
    assert result.decision == "implicit deny"
    assert result.table.loc[0, "why"] == f"NotResource '{BUCKET_ARN}/secret*' excludes {BUCKET_ARN}/secret.txt"


def test_question_mark_matches_one_character():
    document = policy(allow("s3:GetObject", "arn:aws:s3:::ut-wordpress-s?/*"))
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"
    assert explain("s3:GetObject", "arn:aws:s3:::ut-wordpress-s33/x", {"p": document}).decision == "implicit deny"


def test_actions_ignore_case_resources_do_not():
    document = policy(allow("S3:getobject", "arn:aws:s3:::UT-wordpress-s3/*"))
    result = explain("s3:GetObject", OBJECT_ARN, {"p": document})
    assert result.decision == "implicit deny"
    assert "actions ignore case" in result.table.loc[0, "why"]
    assert "ARNs are case-sensitive)" in result.table.loc[0, "why"]


def test_star_matches_slashes_and_colons():
    document = policy(allow("s3:*", "arn:aws:s3:::ut-*"))
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"


def test_trust_policy_statement_never_matches():
    trust = json.loads((ROOT / "policies" / "trustpolicy.json").read_text())
    result = explain("sts:AssumeRole", "*", {"trust": trust})
    assert result.decision == "implicit deny"
    assert "no Resource" in result.table.loc[0, "why"]


def test_conditions_are_evaluated_against_the_context():
    document = policy(allow("s3:*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    inside = explain("s3:GetObject", OBJECT_ARN, {"p": document}, context={"aws:SourceIp": "203.0.113.7"})
    assert inside.decision == "allow"
    outside = explain("s3:GetObject", OBJECT_ARN, {"p": document}, context={"aws:SourceIp": "198.51.100.7"})
    assert outside.decision == "implicit deny"
    assert outside.table.loc[0, "conditions"] == (
        "IpAddress aws:SourceIp: request 198.51.100.7, policy 203.0.113.0/24 -> false"
    )
    missing = explain("s3:GetObject", OBJECT_ARN, {"p": document})
    assert "(not in the request)" in missing.table.loc[0, "conditions"] and missing.decision == "implicit deny"


def test_a_bucket_policy_alone_can_allow_in_the_same_account():
    """Same account: a resource policy naming the role session allows without any identity policy."""
    grant = policy(allow("s3:GetObject", f"{BUCKET_ARN}/*", Principal={"AWS": SESSION}))
    result = explain("s3:GetObject", OBJECT_ARN, {}, resource_policy=grant)
    assert result.decision == "allow" and result.deciding.policy == "resource policy"


def test_a_bucket_policy_deny_beats_the_roles_allow():
    refusal = policy(deny("s3:PutObject", f"{BUCKET_ARN}/*", Principal={"AWS": ROLE_ARN}))
    result = explain("s3:PutObject", OBJECT_ARN, resource_policy=refusal)
    assert result.decision == "explicit deny" and result.deciding.policy == "resource policy"


def test_a_permissions_boundary_limits_what_the_policies_allow():
    boundary = policy(allow("cloudwatch:*"))
    assert explain("s3:PutObject", OBJECT_ARN, boundary=boundary).decision == "implicit deny"
    assert explain("cloudwatch:PutMetricData", "*", boundary=boundary).decision == "allow"


def test_every_level_of_the_organization_must_allow():
    full = policy(allow("*"))
    assert explain("s3:PutObject", OBJECT_ARN, scps=[[full], [full], [full]]).decision == "allow"
    assert explain("s3:PutObject", OBJECT_ARN, scps=[[full], [], [full]]).decision == "implicit deny"
    denied = explain("s3:PutObject", OBJECT_ARN, scps=[[full], [full, policy(deny("s3:Put*"))], [full]])
    assert denied.decision == "explicit deny"


def test_policies_as_json_text_and_single_statement_object():
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
    assert explain("s3:GetObject", OBJECT_ARN, {"text": text}).decision == "allow"


def test_single_document_is_accepted():
    assert load_policies(policy(allow("s3:*"))).keys() == {"policy"}


def test_invalid_json_text_is_a_clear_error():
    with pytest.raises(ValueError, match="not valid JSON"):
        explain("s3:GetObject", OBJECT_ARN, {"bad": '{"Statement": [,]}'})


def test_display_forms():
    result = explain("s3:PutObject", OBJECT_ARN, {"p": policy(deny("s3:*"))})
    assert result.decision in DECISIONS
    assert str(result).startswith("explicit deny: s3:PutObject on ")
    html = result._repr_html_()
    assert "<b" in html and "explicit deny" in html and "<table" in html
