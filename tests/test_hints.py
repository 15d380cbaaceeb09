"""Hints printed after failed CLI commands."""
from helpers import hints


def test_already_exists_is_safe_to_continue():
    hint = hints.hint_for("An error occurred (EntityAlreadyExists) when calling the CreatePolicy operation: x")
    assert "safe to continue" in hint and "lab.reset()" in hint


def test_missing_resource_names_its_chapter():
    hint = hints.hint_for("An error occurred (NoSuchEntity) when calling the GetRole operation: Role umemoto-wordpress-role not found")
    assert "02-Role" in hint


def test_misspelled_name_gets_did_you_mean():
    hint = hints.hint_for("An error occurred (NoSuchEntity) ... Role umemoto-wordpress-rol not found")
    assert "Did you mean `umemoto-wordpress-role`" in hint


def test_missing_file_points_to_policies_folder():
    text = "Error parsing parameter '--policy-document': Unable to load paramfile file://x/s3policy.json: [Errno 2] No such file"
    assert "file://../policies/s3policy.json" in hints.hint_for(text)


def test_malformed_policy_points_to_the_linter():
    assert "python -m helpers lint" in hints.hint_for("An error occurred (MalformedPolicyDocument) when calling")


def test_unknown_errors_get_no_hint():
    assert hints.hint_for("something else entirely") is None
