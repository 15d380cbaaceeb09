"""The article's IAM steps (sections 4-1 to 4-4; chapters 01-04) in boto3, each safe to repeat.

Each function makes one change, says which chapter introduces it, and returns
what exists afterwards. `lab.start(chapter=N)` calls them to rebuild what
earlier chapters made; the notebooks also show them as the boto3 equivalent of
the article's CLI commands.

Steps: create_policies (01) -> create_role (02) -> attach_policies (03)
       -> create_instance_profile (04); publish_version (07) changes a policy.
"""

from botocore.exceptions import ClientError

from helpers.aws import backend
from helpers.course.article import POLICIES, PROFILE, ROLE, TRUST_POLICY, read_policy


def policy_arn(name):
    """ARN of a customer managed policy in this account."""
    return f"arn:aws:iam::{backend.account_id()}:policy/{name}"


def already_exists(error):
    """True when a ClientError says the thing was created before."""
    return error.response["Error"]["Code"] == "EntityAlreadyExists"


def create_policy(iam, name, filename):
    """Create one managed policy with a Name tag (chapter 01); return its ARN."""
    try:
        return iam.create_policy(
            PolicyName=name,
            PolicyDocument=read_policy(filename),
            Tags=[{"Key": "Name", "Value": name}],
        )["Policy"]["Arn"]
    except ClientError as error:
        if not already_exists(error):
            raise
        return policy_arn(name)


def create_policies(iam):
    """Create both of the article's permission policies (chapter 01)."""
    return [create_policy(iam, name, filename) for name, filename in POLICIES.items()]


def role_exists(iam, name=ROLE):
    """True if the role is in the account."""
    try:
        iam.get_role(RoleName=name)
        return True
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        return False


def create_role(iam, name=ROLE, trust_file=TRUST_POLICY):
    """Create the role that EC2 may assume (chapter 02); return its ARN."""
    try:
        return iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=read_policy(trust_file),
            Tags=[{"Key": "Name", "Value": name}],
        )["Role"]["Arn"]
    except ClientError as error:
        if not already_exists(error):
            raise
        return iam.get_role(RoleName=name)["Role"]["Arn"]


def attach_policies(iam, role=ROLE):
    """Attach both permission policies to the role (chapter 03); attaching twice is harmless."""
    arns = [policy_arn(name) for name in POLICIES]
    for arn in arns:
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    return arns


def create_instance_profile(iam, name=PROFILE, role=ROLE):
    """Create the instance profile and put the role in it (chapter 04)."""
    try:
        iam.create_instance_profile(InstanceProfileName=name)
    except ClientError as error:
        if not already_exists(error):
            raise
    profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    if not any(r["RoleName"] == role for r in profile["Roles"]):
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=role)
    return profile["Arn"]


MAX_VERSIONS = 5  # a managed policy keeps at most five versions (IAM API reference, CreatePolicyVersion)


def publish_version(iam, name, document):
    """A new default version of a managed policy (chapter 07); if it has five, the oldest other one goes first."""
    arn = policy_arn(name)
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    if len(versions) >= MAX_VERSIONS:
        oldest = min((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
        iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
    return iam.create_policy_version(PolicyArn=arn, PolicyDocument=document, SetAsDefault=True)["PolicyVersion"]
