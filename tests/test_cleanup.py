"""Cleanup of chapter 10 (helpers/steps/cleanup.py): a safe order, nothing left, safe to repeat."""

import json

import pytest
from botocore.exceptions import ClientError

from helpers import lab
from helpers.instance import credentials, session
from helpers.show import tables
from helpers.steps import cleanup


@pytest.fixture
def everything_made(capsys):
    """Everything chapters 01-05 make, plus an object in the bucket."""
    lab.start(chapter=10)
    lab.client("s3").put_object(Bucket="ut-wordpress-s3", Key="test.txt", Body=b"")
    capsys.readouterr()


def test_steps_follow_a_safe_order():
    assert [step.__name__ for step in cleanup.STEPS] == [
        "terminate_instance",
        "delete_buckets",
        "remove_roles_from_profile",
        "delete_instance_profile",
        "detach_policies",
        "delete_role",
        "delete_policy_versions",
        "delete_policies",
        "delete_network",
    ]


def test_everything_leaves_nothing(everything_made):
    assert len(tables.inventory()) > 0
    done = cleanup.everything(quiet=True)
    assert tables.inventory().empty
    assert done[0].startswith("instance iamrole-test")
    assert "bucket ut-wordpress-s3 emptied (1 object) and deleted" in done
    assert "bucket iamrole-lab-other-bucket deleted" in done
    assert done[-1] == "key pair umemoto_kadai_1 deleted"


def test_everything_is_idempotent(everything_made, capsys):
    cleanup.everything()
    capsys.readouterr()
    assert cleanup.everything() == []
    assert capsys.readouterr().out == "Nothing left to delete.\n"


def test_everything_after_a_partial_course(capsys):
    lab.start(chapter=3)  # policies and role only
    assert cleanup.everything(quiet=True) == [
        "role umemoto-wordpress-role deleted",
        "policy CloudWatch-Wordpress-ut deleted",
        "policy S3-Wordpress-ut deleted",
    ]
    assert tables.inventory().empty


def test_non_default_policy_versions_are_deleted(everything_made):
    iam = lab.client("iam")
    arn = "arn:aws:iam::123456789012:policy/S3-Wordpress-ut"
    document = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
    document = document if isinstance(document, str) else json.dumps(document)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=document, SetAsDefault=True)
    done = cleanup.everything(quiet=True)
    assert "version v1 of policy S3-Wordpress-ut deleted" in done
    assert tables.inventory().empty


def test_wrong_order_gives_delete_conflict(everything_made):
    iam = lab.client("iam")
    with pytest.raises(ClientError, match="DeleteConflict.*remove roles from instance profile"):
        iam.delete_role(RoleName="umemoto-wordpress-role")
    with pytest.raises(ClientError, match="DeleteConflict"):
        iam.delete_instance_profile(InstanceProfileName="umemoto-wordpress-profile")
    cleanup.remove_roles_from_profile()
    cleanup.delete_instance_profile()
    with pytest.raises(ClientError, match="DeleteConflict.*detach all policies"):
        iam.delete_role(RoleName="umemoto-wordpress-role")


def test_bucket_must_be_empty_before_delete(everything_made):
    with pytest.raises(ClientError, match="BucketNotEmpty"):
        lab.client("s3").delete_bucket(Bucket="ut-wordpress-s3")


def test_cleanup_ends_the_instance_login(everything_made):
    assert session.connect("iamrole-test")
    cleanup.everything(quiet=True)
    with pytest.raises(credentials.LoginError):
        session.connect("iamrole-test")
