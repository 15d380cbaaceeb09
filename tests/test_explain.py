"""Tests of helpers.policy.explain: unit cases, then a cross-check against moto's IAM enforcement."""

import json
import os
from pathlib import Path

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from moto.core import enable_iam_authentication

from helpers.policy.explain import COLUMNS, DECISIONS, explain, load_policies

ROOT = Path(__file__).resolve().parent.parent
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
    assert result.table.loc[1, "why"] == (f"s3:GetObject is listed in Action; {OBJECT_ARN} matches {BUCKET_ARN}/*")


def test_article_object_action_on_bucket_is_implicitly_denied():
    result = explain("s3:GetObject", BUCKET_ARN, [S3POLICY])
    assert result.decision == "implicit deny" and result.deciding is None
    row = result.table.loc[1]
    assert (row["action matches"], row["resource matches"]) == ("yes", "no")
    assert f"bucket ARN does not match {BUCKET_ARN}/*" in row["why"]


def test_article_bucket_action_on_object_arn_is_implicitly_denied():
    result = explain("s3:ListBucket", OBJECT_ARN, [S3POLICY])
    assert result.decision == "implicit deny"
    assert f"object ARN does not match {BUCKET_ARN} " in result.table.loc[0, "why"]


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
    assert "s3:PutObject matches s3:Put*" in result.table.loc[1, "why"]


def test_deny_that_does_not_match_leaves_allow():
    result = explain("s3:GetObject", OBJECT_ARN, {"p": policy(allow("s3:*"), deny("s3:PutObject"))})
    assert result.decision == "allow" and result.deciding.number == 1


def test_not_action():
    document = policy({"Effect": "Allow", "NotAction": ["s3:Put*"], "Resource": "*"})
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"
    result = explain("s3:PutObject", OBJECT_ARN, {"p": document})
    assert result.decision == "implicit deny"
    assert "NotAction excludes s3:PutObject (s3:Put*)" in result.table.loc[0, "why"]


def test_not_resource():
    document = policy({"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET_ARN}/secret*"})
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"
    result = explain("s3:GetObject", f"{BUCKET_ARN}/secret.txt", {"p": document})
    assert result.decision == "implicit deny"
    assert "NotResource excludes" in result.table.loc[0, "why"]


def test_question_mark_matches_one_character():
    document = policy(allow("s3:GetObject", "arn:aws:s3:::ut-wordpress-s?/*"))
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"
    assert explain("s3:GetObject", "arn:aws:s3:::ut-wordpress-s33/x", {"p": document}).decision == "implicit deny"


def test_actions_ignore_case_resources_do_not():
    document = policy(allow("S3:getobject", "arn:aws:s3:::UT-wordpress-s3/*"))
    result = explain("s3:GetObject", OBJECT_ARN, {"p": document})
    assert result.decision == "implicit deny"
    assert "(actions ignore case)" in result.table.loc[0, "why"]
    assert "(ARNs are case-sensitive)" in result.table.loc[0, "why"]


def test_star_matches_slashes_and_colons():
    document = policy(allow("s3:*", "arn:aws:s3:::ut-*"))
    assert explain("s3:GetObject", OBJECT_ARN, {"p": document}).decision == "allow"


def test_trust_policy_statement_never_matches():
    trust = json.loads((ROOT / "policies" / "trustpolicy.json").read_text())
    result = explain("sts:AssumeRole", "*", {"trust": trust})
    assert result.decision == "implicit deny"
    assert "no Resource" in result.table.loc[0, "why"]


def test_condition_is_reported_as_not_evaluated():
    document = policy(allow("s3:*", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    result = explain("s3:GetObject", OBJECT_ARN, {"p": document})
    assert result.decision == "allow" and "Condition not evaluated" in result.table.loc[0, "why"]


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


# --- cross-check with moto's real IAM enforcement -------------------------------------

# Each S3 call, and the action and resource IAM checks for it. moto names the
# resource of list_buckets arn:aws:s3:::* (AWS documents no resource type for it).
CALLS = {
    "list_objects_v2": ("s3:ListBucket", BUCKET_ARN),
    "put_object": ("s3:PutObject", f"{BUCKET_ARN}/new.txt"),
    "get_object": ("s3:GetObject", OBJECT_ARN),
    "list_buckets": ("s3:ListAllMyBuckets", "arn:aws:s3:::*"),
}

POLICY_SETS = {
    "article": {"s3policy": json.loads(S3POLICY.read_text())},
    "deny": {"p": policy(allow("s3:*"), deny("s3:PutObject", f"{BUCKET_ARN}/*"))},
    "not-action": {"p": policy({"Effect": "Allow", "NotAction": ["s3:PutObject", "s3:DeleteObject"], "Resource": "*"})},
    "deny-not-action": {"p": policy(allow("s3:*"), {"Effect": "Deny", "NotAction": "s3:List*", "Resource": "*"})},
    "wildcards": {
        "p": policy(allow("s3:Get*", "arn:aws:s3:::ut-*/*"), allow("s3:List*", "arn:aws:s3:::ut-wordpress-*"))
    },
    "two-policies": {
        "s3policy": json.loads(S3POLICY.read_text()),
        "no-index": policy(deny("s3:GetObject", OBJECT_ARN)),
    },
}


def call_s3(s3, name):
    """Make one S3 call; True when allowed, False when AccessDenied."""
    calls = {
        "list_objects_v2": lambda: s3.list_objects_v2(Bucket=BUCKET),
        "put_object": lambda: s3.put_object(Bucket=BUCKET, Key="new.txt", Body=b"new"),
        "get_object": lambda: s3.get_object(Bucket=BUCKET, Key=OBJECT_ARN.split("/")[-1]),
        "get_secret": lambda: s3.get_object(Bucket=BUCKET, Key="secret.txt"),
        "list_buckets": lambda: s3.list_buckets(),
    }
    try:
        calls[name]()
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] != "AccessDenied":
            raise
        return False


@pytest.fixture(scope="module")
def moto_user(tmp_path_factory):
    """A function: policies -> S3 client signed with an IAM user holding those policies."""
    folder = tmp_path_factory.mktemp("aws")
    (folder / "empty").write_text("")
    with pytest.MonkeyPatch.context() as env, moto.mock_aws():
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            env.delenv(key)
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.setenv(key, "testing")
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.setenv("AWS_CONFIG_FILE", str(folder / "empty"))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "empty"))
        admin_s3 = boto3.client("s3", region_name=REGION)
        admin_s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        for key in ("index.html", "secret.txt"):
            admin_s3.put_object(Bucket=BUCKET, Key=key, Body=b"hello")
        yield _user_factory(boto3.client("iam", region_name=REGION))


def _user_factory(iam):
    """Create (once per name) an IAM user with inline policies; return its S3 client."""
    clients = {}

    def user(name, policies):
        """The S3 client of user `name`, holding `policies` as inline policies."""
        if name not in clients:
            iam.create_user(UserName=name)
            for policy_name, document in policies.items():
                iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document))
            key = iam.create_access_key(UserName=name)["AccessKey"]
            clients[name] = boto3.client(
                "s3",
                region_name=REGION,
                aws_access_key_id=key["AccessKeyId"],
                aws_secret_access_key=key["SecretAccessKey"],
            )
        return clients[name]

    return user


def moto_allows(moto_user, name, policies, call):
    """Whether moto's enforcement lets user `name` (holding `policies`) make `call`."""
    s3 = moto_user(name, policies)
    with enable_iam_authentication():
        return call_s3(s3, call)


def test_fake_keys_are_rejected_with_checks_on(moto_user):
    with enable_iam_authentication():
        with pytest.raises(ClientError):
            boto3.client("s3", region_name=REGION).list_buckets()


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("name", POLICY_SETS)
def test_explain_agrees_with_moto(moto_user, name, call):
    policies = POLICY_SETS[name]
    action, resource = CALLS[call]
    expected = explain(action, resource, policies).decision == "allow"
    assert moto_allows(moto_user, name, policies, call) == expected


def test_article_policy_decisions(moto_user):
    policies = POLICY_SETS["article"]
    decisions = {call: moto_allows(moto_user, "article", policies, call) for call in CALLS}
    assert decisions == {"list_objects_v2": True, "put_object": True, "get_object": True, "list_buckets": False}


# Where moto 5.2.5 is wrong. strict=True: once moto is fixed these pass, the run
# fails, and the note in the notebooks (and these markers) can go. Only moto's
# answer is under xfail; explain's answer for the same cases is checked here:


@pytest.mark.parametrize(
    "statements,action,resource,decision",
    [
        (
            [{"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET_ARN}/secret*"}],
            "s3:GetObject",
            f"{BUCKET_ARN}/secret.txt",
            "implicit deny",
        ),
        (
            [allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET_ARN, f"{BUCKET_ARN}/*"]}],
            "s3:ListAllMyBuckets",
            "arn:aws:s3:::*",
            "explicit deny",
        ),
        ([allow("s3:ListBucket", "arn:aws:s3:::ut-wordpress-s?")], "s3:ListBucket", BUCKET_ARN, "allow"),
        ([allow("s3:listbucket", BUCKET_ARN)], "s3:ListBucket", BUCKET_ARN, "allow"),
    ],
)
def test_explain_is_right_where_moto_is_wrong(statements, action, resource, decision):
    assert explain(action, resource, {"p": policy(*statements)}).decision == decision


@pytest.mark.xfail(strict=True, reason="moto ignores NotResource: an Allow with NotResource allows everything")
def test_moto_not_resource_in_allow(moto_user):
    policies = {"p": policy({"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET_ARN}/secret*"})}
    assert moto_allows(moto_user, "not-resource-allow", policies, "get_secret") is False


@pytest.mark.xfail(strict=True, reason="moto ignores NotResource: a Deny with NotResource denies nothing")
def test_moto_not_resource_in_deny(moto_user):
    policies = {
        "p": policy(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET_ARN, f"{BUCKET_ARN}/*"]})
    }
    assert moto_allows(moto_user, "not-resource-deny", policies, "list_buckets") is False


@pytest.mark.xfail(strict=True, reason="moto treats ? as a regular-expression operator, not one character")
def test_moto_question_mark_wildcard(moto_user):
    policies = {"p": policy(allow("s3:ListBucket", "arn:aws:s3:::ut-wordpress-s?"))}
    assert moto_allows(moto_user, "question-mark", policies, "list_objects_v2") is True


@pytest.mark.xfail(strict=True, reason="moto compares action names case-sensitively; AWS ignores case")
def test_moto_action_case(moto_user):
    policies = {"p": policy(allow("s3:listbucket", BUCKET_ARN))}
    assert moto_allows(moto_user, "lowercase-action", policies, "list_objects_v2") is True
