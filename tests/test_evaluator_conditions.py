"""helpers.policy.conditions: every operator family and the documented rules for missing keys.

Examples follow reference_policies_elements_condition_operators.html and the pages on
multivalued context keys of the IAM User Guide.
"""

import pytest

from helpers.policy.conditions import evaluate_condition, evaluate_conditions, parse_date


def check(operator, key, values, context, variables=True):
    """Whether one condition key is true for a context given with lower-case keys."""
    context = {k.lower(): (v if isinstance(v, list) else [v]) for k, v in context.items()}
    return evaluate_condition(operator, key, values, context, variables).matched


@pytest.mark.parametrize(
    "operator, request_value, policy_value, expected",
    [
        ("StringEquals", "iamuser-admin", "iamuser-admin", True),
        ("StringEquals", "IAMUSER-ADMIN", "iamuser-admin", False),
        ("StringNotEquals", "dev", "iamuser-admin", True),
        ("StringEqualsIgnoreCase", "IAMUSER-ADMIN", "iamuser-admin", True),
        ("StringNotEqualsIgnoreCase", "IAMUSER-ADMIN", "iamuser-admin", False),
        ("StringLike", "home/David/notes.txt", "home/*/notes.txt", True),
        ("StringLike", "home/David", "home/?avid", True),
        ("StringNotLike", "home/David", "tmp/*", True),
    ],
)
def test_string_operators(operator, request_value, policy_value, expected):
    assert (
        check(operator, "aws:PrincipalTag/job-category", policy_value, {"aws:PrincipalTag/job-category": request_value})
        is expected
    )


@pytest.mark.parametrize(
    "operator, value, expected",
    [
        ("NumericLessThanEquals", "10", True),
        ("NumericLessThanEquals", "11", False),
        ("NumericLessThan", "10", False),
        ("NumericGreaterThan", "11", True),
        ("NumericGreaterThanEquals", "10", True),
        ("NumericEquals", "10.0", True),
        ("NumericNotEquals", "10", False),
        ("NumericEquals", "ten", False),
    ],
)
def test_numeric_operators(operator, value, expected):
    # The page's example: s3:max-keys up to 10.
    assert check(operator, "s3:max-keys", "10", {"s3:max-keys": value}) is expected


def test_dates_in_iso_8601_and_epoch():
    assert parse_date("2020-01-01T00:00:01Z") == 1577836801
    assert parse_date("1577836801") == 1577836801
    assert parse_date("2020-01-01") == parse_date("2020-01-01T00:00:00+00:00")
    assert check(
        "DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z", {"aws:TokenIssueTime": "2020-06-01T12:00:00Z"}
    )
    assert check("DateLessThan", "aws:CurrentTime", "1577836801", {"aws:CurrentTime": "2019-12-31T23:59:59Z"})
    assert check("DateEquals", "aws:EpochTime", "2020-01-01T00:00:01Z", {"aws:EpochTime": "1577836801"})
    assert not check("DateNotEquals", "aws:EpochTime", "1577836801", {"aws:EpochTime": "1577836801"})
    assert not check("DateGreaterThanEquals", "aws:CurrentTime", "not a date", {"aws:CurrentTime": "2020-01-01"})


def test_bool_and_binary():
    assert check("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": "false"})
    assert check("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "TRUE"})
    assert not check("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": "true"})
    assert check("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    assert not check("BinaryEquals", "key", "QmluYXJ5", {"key": "QmluYXJ6"})


@pytest.mark.parametrize(
    "address, expected",
    [
        ("203.0.113.7", True),
        ("203.0.114.7", False),
        ("2001:db8:1234:5678::1", True),
        ("2001:db8::1", False),
    ],
)
def test_ip_address_with_cidr_and_ipv6(address, expected):
    ranges = ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]
    assert check("IpAddress", "aws:SourceIp", ranges, {"aws:SourceIp": address}) is expected
    assert check("NotIpAddress", "aws:SourceIp", ranges, {"aws:SourceIp": address}) is not expected


def test_a_bare_address_means_a_32_bit_prefix():
    assert check("IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.7"})
    assert not check("IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.8"})


def test_arn_operators():
    topic = "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"
    assert check("ArnEquals", "aws:SourceArn", topic, {"aws:SourceArn": topic})
    assert check("ArnLike", "aws:SourceArn", "arn:aws:sns:*:123456789012:*", {"aws:SourceArn": topic})
    assert check("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:999999999999:*", {"aws:SourceArn": topic})
    assert not check("ArnNotEquals", "aws:SourceArn", topic, {"aws:SourceArn": topic})


def test_missing_key_is_false_but_true_for_negated_operators():
    # "If the policy condition requires that the key is not matched, such as StringNotLike
    # or ArnNotLike, and the right key is not present, the condition is true."
    assert not check("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", {})
    assert check("StringNotLike", "aws:PrincipalTag/job-category", "iamuser-*", {})
    assert check("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:*", {})
    assert not check("NumericLessThan", "s3:max-keys", "10", {})
    assert not check("Bool", "aws:MultiFactorAuthPresent", "true", {})


def test_if_exists_makes_a_missing_key_true():
    assert check("StringLikeIfExists", "ec2:InstanceType", ["t1.*", "t2.*", "m3.*"], {})
    assert check("BoolIfExists", "aws:MultiFactorAuthPresent", "true", {})
    assert not check("StringLikeIfExists", "ec2:InstanceType", ["t1.*", "t2.*"], {"ec2:InstanceType": "c5.large"})


def test_null_checks_presence():
    assert check("Null", "aws:TokenIssueTime", "true", {})
    assert not check("Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
    assert check("Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})


def test_for_all_values_and_for_any_value():
    tags = {"aws:TagKeys": ["environment", "cost-center"]}
    allowed = ["environment", "cost-center", "owner"]
    assert check("ForAllValues:StringEquals", "aws:TagKeys", allowed, tags)
    assert not check("ForAllValues:StringEquals", "aws:TagKeys", ["environment"], tags)
    assert check("ForAnyValue:StringEquals", "aws:TagKeys", ["environment"], tags)
    assert not check("ForAnyValue:StringEquals", "aws:TagKeys", ["owner"], tags)
    assert check("ForAllValues:StringNotEquals", "aws:TagKeys", ["owner"], tags)
    assert check("ForAnyValue:StringLike", "aws:TagKeys", ["cost-*"], tags)


def test_set_operators_with_a_missing_key():
    # ForAllValues is true when the key is absent; ForAnyValue is false.
    assert check("ForAllValues:StringEquals", "aws:TagKeys", ["environment"], {})
    assert not check("ForAnyValue:StringEquals", "aws:TagKeys", ["environment"], {})


def test_values_are_or_keys_and_operators_are_and():
    context = {"aws:sourceip": ["203.0.113.7"], "aws:securetransport": ["true"]}
    both = {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}, "Bool": {"aws:SecureTransport": "true"}}
    assert all(c.matched for c in evaluate_conditions(both, context, True))
    one_fails = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "Bool": {"aws:SecureTransport": "false"}}
    assert [c.matched for c in evaluate_conditions(one_fails, context, True)] == [True, False]


def test_condition_key_names_ignore_case_values_do_not():
    assert check("StringEquals", "AWS:currenttime", "x", {"aws:CurrentTime": "x"})
    assert not check("StringEquals", "aws:CurrentTime", "X", {"aws:CurrentTime": "x"})


def test_variables_in_string_conditions():
    context = {"aws:username": "David", "s3:prefix": "home/David/"}
    assert check("StringLike", "s3:prefix", ["", "home/", "home/${aws:username}/"], context)
    assert not check("StringLike", "s3:prefix", "home/${aws:username}/", {**context, "aws:username": "Ana"})
    assert not check("StringLike", "s3:prefix", "home/${aws:username}/", context, variables=False)


def test_the_result_records_values_operator_and_reason():
    context = {"aws:sourceip": ["198.51.100.1"]}
    result = evaluate_condition("IpAddress", "aws:SourceIp", "203.0.113.0/24", context, True)
    assert (result.operator, result.key, result.request_values, result.policy_values, result.matched) == (
        "IpAddress",
        "aws:SourceIp",
        ["198.51.100.1"],
        ["203.0.113.0/24"],
        False,
    )
    missing = evaluate_condition("StringNotEquals", "aws:PrincipalOrgID", "o-1", {}, True)
    assert missing.request_values is None and missing.matched and "negated" in missing.reason


def test_unknown_operator_never_matches():
    result = evaluate_condition("StringSortOf", "aws:username", "x", {"aws:username": ["x"]}, True)
    assert not result.matched and result.reason == "unknown condition operator"
