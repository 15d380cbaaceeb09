"""helpers.policy.matching: wildcards, ARN segments and lists, from the IAM User Guide's examples."""

from helpers.policy.matching import arn_match, arn_pattern_covers, arn_patterns_intersect, as_list, wildcard_match


def test_as_list():
    assert as_list(None) == []
    assert as_list("s3:GetObject") == ["s3:GetObject"]
    assert as_list(["a", "b"]) == ["a", "b"]
    assert as_list({"AWS": "*"}) == [{"AWS": "*"}]


def test_star_and_question_mark():
    assert wildcard_match("iam:*AccessKey*", "iam:CreateAccessKey")
    assert wildcard_match("s3:Get?bject", "s3:GetObject")
    assert not wildcard_match("s3:Get?bject", "s3:GetObjectAcl")
    assert not wildcard_match("s3:GetObject", "s3:GetObjectAcl")


def test_actions_ignore_case_only_when_asked():
    assert wildcard_match("s3:getobject", "s3:GetObject", ignore_case=True)
    assert not wildcard_match("s3:getobject", "s3:GetObject")


def test_regex_characters_are_literal():
    assert wildcard_match("a.b+c", "a.b+c")
    assert not wildcard_match("a.b", "axb")


def test_resource_star_spans_slashes_in_the_resource_part():
    # reference_policies_elements_resource.html: arn:aws:s3:::amzn-s3-demo-bucket/* covers every object.
    assert arn_match("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt")
    assert not arn_match("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket")


def test_arns_are_case_sensitive():
    # "In the Resource element, the IAM user name is case sensitive."
    assert arn_match("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/Bob")
    assert not arn_match("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/bob")


def test_arnlike_checks_each_segment_separately():
    # The condition operators page's example: StringLike matches, ArnLike does not.
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert wildcard_match(pattern, value)
    assert not arn_match(pattern, value)
    assert arn_match(pattern, "arn:aws:someservice:us-east-2:111122223333:finance/document.txt")


def test_a_final_star_runs_past_the_colons():
    assert arn_match("arn:aws:s3:*", "arn:aws:s3:::bucket/key")
    assert arn_match("*", "arn:aws:s3:::bucket/key")
    assert not arn_match("arn:aws:s3", "arn:aws:s3:::bucket/key")


def test_wildcard_requests_intersect_or_are_covered():
    assert arn_patterns_intersect("arn:aws:s3:::*/AWSLogs/*", "arn:aws:s3:::my-bucket/*")
    assert not arn_patterns_intersect("arn:aws:s3:::other/*", "arn:aws:s3:::my-bucket/*")
    assert arn_pattern_covers("arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket/private/*")
    assert not arn_pattern_covers("arn:aws:s3:::my-bucket/private/*", "arn:aws:s3:::my-bucket/*")
    assert arn_pattern_covers("*", "*")
    assert not arn_pattern_covers("arn:aws:s3:::my-bucket/*", "*")
