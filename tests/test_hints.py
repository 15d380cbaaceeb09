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
    assert "lab.lint(" in hints.hint_for("An error occurred (MalformedPolicyDocument) when calling")


def test_unknown_errors_get_no_hint():
    assert hints.hint_for("something else entirely") is None


def test_detaching_what_is_not_attached_says_so():
    text = "An error occurred (NoSuchEntity) when calling the DetachRolePolicy operation: Policy arn:aws:iam::123456789012:policy/S3-Wordpress-ut was not found."
    hint = hints.hint_for(text, ["iam", "detach-role-policy", "--role-name", "r"])
    assert "not attached" in hint and "chapter" not in hint


def test_deleting_twice_says_already_deleted():
    text = "An error occurred (NoSuchEntity) when calling the DeleteRole operation: Role umemoto-wordpress-role not found"
    assert hints.hint_for(text, ["iam", "delete-role", "--role-name", "umemoto-wordpress-role"]).startswith("Already deleted")
    assert hints.hint_for("An error occurred (NoSuchBucket) ...", ["s3", "rb", "s3://ut-wordpress-s3"]).startswith("Already deleted")


def test_policy_path_without_file_prefix_is_explained():
    args = ["iam", "create-policy", "--policy-name", "x", "--policy-document", "../policies/s3policy.json"]
    hint = hints.hint_for("An error occurred (MalformedPolicyDocument) ... Syntax errors in policy.", args)
    assert "--policy-document file://../policies/s3policy.json" in hint


def test_permission_policy_given_as_trust_policy_is_explained():
    text = "An error occurred (MalformedPolicyDocument) ...: Trust Policy statement actions can only be sts:AssumeRole"
    assert "This is not a trust policy" in hints.hint_for(text)


def test_s3_access_denied_mentions_misspelled_bucket():
    text = "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied"
    assert "misspelled" in hints.hint_for(text, ["s3", "ls", "s3://ut-wordpres-s3"])
    assert "misspelled" not in hints.hint_for(text, ["iam", "list-roles"])


def test_ip_in_use_points_to_launch_magic():
    assert "%%launch" in hints.hint_for("IP already in use", ["ec2", "run-instances"])


def test_stale_credentials_after_reset():
    assert "instance.login" in hints.hint_for("An error occurred (InvalidAccessKeyId) when calling the ListObjectsV2 operation")


def test_fileb_policy_hint_suggests_file_not_file_fileb():
    args = ["iam", "create-policy", "--policy-name", "x", "--policy-document", "fileb://../policies/s3policy.json"]
    hint = hints.hint_for("Parameter validation failed:\nInvalid type for parameter PolicyDocument, value: b'{}', "
                          "type: <class 'bytes'>, valid types: <class 'str'>", args)
    assert "--policy-document file://../policies/s3policy.json" in hint and "file://fileb://" not in hint
