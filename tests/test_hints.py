"""Hints printed after failed CLI commands."""

import pytest

from helpers import lab
from helpers.cli import hints


@pytest.fixture
def chapter(capsys):
    """Start the lab at a chapter's beginning, quietly (hints read the account)."""

    def start(number):
        lab.start(chapter=number)
        capsys.readouterr()

    return start


def test_already_exists_is_safe_to_continue():
    hint = hints.hint_for("An error occurred (EntityAlreadyExists) when calling the CreatePolicy operation: x")
    assert "safe to continue" in hint and "lab.reset()" in hint


def test_missing_resource_names_its_chapter(chapter):
    chapter(2)
    hint = hints.hint_for(
        "An error occurred (NoSuchEntity) when calling the GetRole operation: Role umemoto-wordpress-role not found"
    )
    assert "02-Role" in hint


def test_misspelled_name_gets_did_you_mean(chapter):
    chapter(3)
    hint = hints.hint_for("An error occurred (NoSuchEntity) ... Role umemoto-wordpress-rol not found")
    assert hint == "There is no role umemoto-wordpress-rol. Did you mean umemoto-wordpress-role?"


def test_missing_file_points_to_policies_folder():
    text = (
        "Error parsing parameter '--policy-document': "
        "Unable to load paramfile file://x/s3policy.json: [Errno 2] No such file"
    )
    assert "file://../policies/s3policy.json" in hints.hint_for(text)


def test_malformed_policy_points_to_the_linter():
    assert "lab.lint(" in hints.hint_for("An error occurred (MalformedPolicyDocument) when calling")


def test_unknown_errors_get_no_hint():
    assert hints.hint_for("something else entirely") is None


def test_detaching_what_is_not_attached_says_so(chapter):
    chapter(3)  # the role and the policies exist, not attached yet
    arn = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"
    text = f"An error occurred (NoSuchEntity) when calling the DetachRolePolicy operation: Policy {arn} was not found."
    args = ["iam", "detach-role-policy", "--role-name", "umemoto-wordpress-role", "--policy-arn", arn]
    hint = hints.hint_for(text, args)
    assert "not attached" in hint and "chapter" not in hint


def test_deleting_twice_says_already_deleted(chapter):
    chapter(0)
    text = (
        "An error occurred (NoSuchEntity) when calling the DeleteRole operation: Role umemoto-wordpress-role not found"
    )
    assert hints.hint_for(text, ["iam", "delete-role", "--role-name", "umemoto-wordpress-role"]).startswith(
        "Already deleted"
    )
    assert hints.hint_for("An error occurred (NoSuchBucket) ...", ["s3", "rb", "s3://ut-wordpress-s3"]).startswith(
        "Already deleted"
    )


def test_policy_path_without_file_prefix_is_explained():
    args = ["iam", "create-policy", "--policy-name", "x", "--policy-document", "../policies/s3policy.json"]
    hint = hints.hint_for("An error occurred (MalformedPolicyDocument) ... Syntax errors in policy.", args)
    assert "--policy-document file://../policies/s3policy.json" in hint


@pytest.mark.parametrize(
    "refusal",
    [
        "AssumeRole policy may only specify STS AssumeRole actions.",  # IAM's words
        "Trust Policy statement actions can only be sts:AssumeRole",  # moto's
        "Has prohibited field Resource",
    ],
)
def test_permission_policy_given_as_trust_policy_is_explained(refusal):
    text = f"An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: {refusal}"
    assert "This is not a trust policy" in hints.hint_for(text)


def test_s3_access_denied_names_a_misspelled_bucket(chapter):
    chapter(6)
    text = "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied"
    hint = hints.hint_for(text, ["s3", "ls", "s3://ut-wordpres-s3"])
    assert hint.startswith("There is no bucket ut-wordpres-s3. Did you mean ut-wordpress-s3?")
    assert "AccessDenied, not NoSuchBucket" in hint
    assert hints.hint_for(text, ["s3", "ls", "s3://ut-wordpress-s3"]).startswith("Denied by IAM")
    assert hints.hint_for(text, ["iam", "list-roles"]).startswith("Denied by IAM")


def test_ip_in_use_points_to_launch_magic():
    assert "%%launch" in hints.hint_for("IP already in use", ["ec2", "run-instances"])


def test_stale_credentials_after_reset():
    assert "session.login" in hints.hint_for(
        "An error occurred (InvalidAccessKeyId) when calling the ListObjectsV2 operation"
    )


def test_fileb_policy_hint_suggests_file_not_file_fileb():
    args = ["iam", "create-policy", "--policy-name", "x", "--policy-document", "fileb://../policies/s3policy.json"]
    hint = hints.hint_for(
        "Parameter validation failed:\nInvalid type for parameter PolicyDocument, value: b'{}', "
        "type: <class 'bytes'>, valid types: <class 'str'>",
        args,
    )
    assert "--policy-document file://../policies/s3policy.json" in hint and "file://fileb://" not in hint


# The error texts below are what the AWS CLI prints under moto (reproduced, not invented).
ROLE_IN_PROFILE = (
    "An error occurred (DeleteConflict) when calling the DeleteRole operation: "
    "Cannot delete entity, must remove roles from instance profile first."
)


def test_delete_role_still_in_an_instance_profile():
    hint = hints.hint_for(ROLE_IN_PROFILE, ["iam", "delete-role", "--role-name", "r"])
    assert hint.startswith("Not deleted: remove the role from the instance profile first")
    assert "aws iam list-instance-profiles-for-role --role-name r" in hint
    assert "Chapter 10's order" in hint


def test_delete_instance_profile_that_holds_a_role():
    text = (
        "An error occurred (DeleteConflict) when calling the DeleteInstanceProfile operation: "
        "Cannot delete entity, must remove roles from instance profile first."
    )
    hint = hints.hint_for(text, ["iam", "delete-instance-profile", "--instance-profile-name", "p"])
    assert "aws iam remove-role-from-instance-profile --instance-profile-name p --role-name ROLE" in hint


@pytest.mark.parametrize(
    "message, command",
    [
        ("must detach all policies first.", "aws iam detach-role-policy --role-name r --policy-arn ARN"),
        ("must delete policies first.", "aws iam delete-role-policy --role-name r --policy-name NAME"),
    ],
)
def test_delete_role_with_policies(message, command):
    text = f"An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, {message}"
    assert command in hints.hint_for(text, ["iam", "delete-role", "--role-name", "r"])


def test_delete_policy_still_attached():
    """moto deletes an attached policy; IAM refuses with this text."""
    text = (
        "An error occurred (DeleteConflict) when calling the DeletePolicy operation: "
        "Cannot delete a policy attached to entities."
    )
    hint = hints.hint_for(text, ["iam", "delete-policy", "--policy-arn", "arn:aws:iam::123456789012:policy/P"])
    assert "aws iam list-entities-for-policy --policy-arn arn:aws:iam::123456789012:policy/P" in hint


def test_delete_policy_with_old_versions():
    text = (
        "An error occurred (DeleteConflict) when calling the DeletePolicy operation: This policy has more than "
        "one version. Before you delete a policy, you must delete the policy's versions."
    )
    hint = hints.hint_for(text, ["iam", "delete-policy", "--policy-arn=arn:aws:iam::123456789012:policy/P"])
    assert "aws iam delete-policy-version --policy-arn arn:aws:iam::123456789012:policy/P --version-id vN" in hint


def test_delete_default_version_hint_is_only_about_versions():
    text = (
        "An error occurred (DeleteConflict) when calling the DeletePolicyVersion operation: "
        "Cannot delete the default version of a policy."
    )
    hint = hints.hint_for(text, ["iam", "delete-policy-version", "--policy-arn", "A", "--version-id", "v1"])
    assert "delete-policy removes the default version" in hint and "Chapter 10's order" not in hint


def test_policy_option_with_a_web_address():
    hint = hints.hint_for(
        "", ["iam", "create-policy", "--policy-name", "p", "--policy-document", "https://example.com/p.json"]
    )
    assert "only from a local file (file://PATH) or from JSON text" in hint and "file://https" not in hint


def test_bucket_not_empty_with_s3api():
    text = "An error occurred (BucketNotEmpty) when calling the DeleteBucket operation: The bucket is not empty"
    hint = hints.hint_for(text, ["s3api", "delete-bucket", "--bucket", "ut-wordpress-s3"])
    assert "aws s3 rm s3://ut-wordpress-s3 --recursive" in hint


def test_bucket_not_empty():
    text = (
        "remove_bucket failed: s3://ut-wordpress-s3 An error occurred (BucketNotEmpty) when calling the "
        "DeleteBucket operation: The bucket you tried to delete is not empty"
    )
    hint = hints.hint_for(text, ["s3", "rb", "s3://ut-wordpress-s3"])
    assert "aws s3 rm s3://ut-wordpress-s3 --recursive" in hint and "rb s3://ut-wordpress-s3 --force" in hint


def test_dependency_violation_says_terminate_the_instance_first():
    text = (
        "An error occurred (DependencyViolation) when calling the DeleteVpc operation: "
        "The vpc 'vpc-b58f17d5d0574d128' has dependencies and cannot be deleted."
    )
    hint = hints.hint_for(text, ["ec2", "delete-vpc", "--vpc-id", "vpc-1"])
    assert "terminate the instance first" in hint and "detach and delete the internet gateway" in hint


def test_unknown_instance_id_says_how_to_look_it_up():
    text = (
        "An error occurred (InvalidInstanceID.NotFound) when calling the DescribeInstances operation: "
        "The instance ID 'i-xyz' does not exist"
    )
    hint = hints.hint_for(text, ["ec2", "describe-instances", "--instance-ids", "i-xyz"])
    assert "aws ec2 describe-instances --filters Name=tag:Name,Values=iamrole-test" in hint


def test_named_profile_is_not_in_the_lab():
    hint = hints.hint_for("\nThe config profile (x) could not be found\n", ["iam", "list-roles", "--profile", "x"])
    assert "no named profiles" in hint and "Drop --profile x" in hint


def test_yaml_output_is_cli_v2_only():
    text = (
        "aws: error: argument --output: Invalid choice, valid choices are:\n\n"
        "json                                     | text                                    \ntable\n"
    )
    hint = hints.hint_for(text, ["iam", "list-roles", "--output", "yaml"])
    assert "AWS CLI v1" in hint and "json, text and table" in hint and "maybe you meant" not in hint


def test_invalid_choice_mentions_maybe_you_meant_only_when_printed():
    with_list = (
        "aws: error: argument operation: Invalid choice (the full list of choices is left out here).\n\n"
        "Invalid choice: 'list-rolez', maybe you meant:\n\n  * list-roles\n"
    )
    assert "maybe you meant" in hints.hint_for(with_list, ["iam", "list-rolez"])
    without = "aws: error: argument operation: Invalid choice (the full list of choices is left out here).\n"
    assert "maybe you meant" not in hints.hint_for(without, ["iam", "zzz"])


@pytest.mark.parametrize(
    "args",
    [
        ["iam", "list-roles", "|", "jq", "."],
        ["iam", "list-roles", ">", "out.txt"],
        ["iam", "list-roles;"],
        ["iam", "list-roles", "&&", "aws", "iam", "list-policies"],
    ],
)
def test_shell_operators_point_to_query_and_output(args):
    hint = hints.hint_for("\nUnknown options: jq, ., |\n", args)
    assert "shell features that %aws does not have" in hint and "--query" in hint


def test_query_with_a_pipe_inside_is_not_a_shell_operator():
    args = ["iam", "list-roles", "--query", "Roles[] | [0]", "--outptu", "json"]
    assert "shell" not in hints.hint_for("\nUnknown options: --outptu, json\n", args)


def test_stale_credentials_on_ec2_are_auth_failure():
    text = (
        "An error occurred (AuthFailure) when calling the DescribeTags operation: "
        "AWS was not able to validate the provided access credentials"
    )
    assert "session.login" in hints.hint_for(text, ["ec2", "describe-tags"])


def test_malformed_inline_policy_suggests_linting_the_text():
    args = ["iam", "create-policy", "--policy-name", "P", "--policy-document", '{"Version": "2012-10-17"}']
    hint = hints.hint_for(
        "An error occurred (MalformedPolicyDocument) when calling the CreatePolicy operation: Syntax errors in policy.",
        args,
    )
    assert "lab.lint('''{...}''')" in hint and "FILE" not in hint


def test_malformed_policy_file_names_the_file():
    args = ["iam", "create-policy", "--policy-name", "P", "--policy-document", "file://../policies/x.json"]
    hint = hints.hint_for("An error occurred (MalformedPolicyDocument) ...", args)
    assert 'lab.lint("../policies/x.json")' in hint
