"""Policy variables (reference_policies_variables.html): where they work, defaults, special characters."""

from helpers.policy.evaluate import decide
from helpers.policy.request import Request
from helpers.policy.variables import UnresolvedVariable, expand

DAVID = "arn:aws:iam::123456789012:user/David"


def home_policy(version="2012-10-17"):
    """The page's example: each user may use objects under their own name in mybucket."""
    return {
        "Version": version,
        "Statement": [
            {
                "Action": ["s3:ListBucket"],
                "Effect": "Allow",
                "Resource": ["arn:aws:s3:::mybucket"],
                "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}},
            },
            {
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Effect": "Allow",
                "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"],
            },
        ],
    }


def decision(action, resource, policy, principal=DAVID, context=None):
    """The decision word for one identity-policy request."""
    return decide(
        Request.from_dict(
            {
                "action": action,
                "resource": resource,
                "principal": principal,
                "context": context or {},
                "identity_policies": [policy],
            }
        )
    ).decision


def test_username_in_resource():
    assert decision("s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt", home_policy()) == "allowed"
    assert decision("s3:GetObject", "arn:aws:s3:::mybucket/Ana/notes.txt", home_policy()) == "implicitDeny"


def test_username_in_a_condition():
    policy = home_policy()
    assert decision("s3:ListBucket", "arn:aws:s3:::mybucket", policy, context={"s3:prefix": "David/x"}) == "allowed"
    assert decision("s3:ListBucket", "arn:aws:s3:::mybucket", policy, context={"s3:prefix": "Ana/x"}) == "implicitDeny"


def test_older_versions_read_variables_literally():
    old = home_policy(version="2008-10-17")
    assert decision("s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt", old) == "implicitDeny"
    assert decision("s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/notes.txt", old) == "allowed"


def test_principal_tag_variable():
    resource = "arn:aws:s3:::bucket/${aws:PrincipalTag/department}"
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": resource}]}
    context = {"aws:PrincipalTag/department": "hr"}
    assert decision("s3:GetObject", "arn:aws:s3:::bucket/hr", policy, context=context) == "allowed"
    assert decision("s3:GetObject", "arn:aws:s3:::bucket/it", policy, context=context) == "implicitDeny"


def test_userid_variable_and_its_default():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::bucket/${aws:userid, 'anonymous'}/*",
            }
        ],
    }
    assert decision("s3:GetObject", "arn:aws:s3:::bucket/anonymous/a", policy) == "allowed"
    context = {"aws:userid": "AIDAEXAMPLE"}
    assert decision("s3:GetObject", "arn:aws:s3:::bucket/AIDAEXAMPLE/a", policy, context=context) == "allowed"


def test_special_characters_are_literal():
    assert expand("a${*}b${?}c${$}", {}) == (
        ("glob", "a"),
        ("text", "*"),
        ("glob", "b"),
        ("text", "?"),
        ("glob", "c"),
        ("text", "$"),
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${*}"}],
    }
    assert decision("s3:GetObject", "arn:aws:s3:::bucket/*", policy) == "allowed"
    assert decision("s3:GetObject", "arn:aws:s3:::bucket/anything", policy) == "implicitDeny"


def test_a_missing_key_makes_the_statement_invalid():
    try:
        expand("${aws:username}", {})
    except UnresolvedVariable as missing:
        assert missing.name == "aws:username"
    else:
        raise AssertionError("expected UnresolvedVariable")
    role = "arn:aws:sts::123456789012:assumed-role/app/i-1"  # a role session has no aws:username
    result = decide(
        Request.from_dict(
            {
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::mybucket/x/y",
                "principal": role,
                "identity_policies": [home_policy()],
            }
        )
    )
    assert result.decision == "implicitDeny"
    assert "invalid" in result.policies[0].statements[1].reason
