"""Hints for deletes that AWS refuses because something is still attached or inside (chapter 10).

IAM refuses DeleteRole while an instance profile holds the role or policies are attached,
DeletePolicy while the policy is attached or has other versions, DeleteInstanceProfile
while it holds a role; S3 refuses to delete a bucket that holds objects; EC2 refuses to
delete a network part an instance or another part still uses. Each hint names what
must go first, with the command that does it. (IAM does not check whether an instance
still uses a profile: DeleteInstanceProfile only needs the profile to hold no role.)
"""

from helpers.cli.commandline import option_value

COURSE_ORDER = (
    "Chapter 10's order avoids these refusals: terminate the instance, remove the role from the instance "
    "profile, delete the profile, detach the role's policies, delete the role, delete the policies' "
    "non-default versions, then the policies."
)


def delete_conflict(text, args):
    """What must go before a delete that IAM refuses with DeleteConflict."""
    if "(DeleteConflict)" not in text:
        return None
    if "default version" in text and "more than one version" not in text:
        return (
            "Not deleted: delete-policy removes the default version with the policy; "
            "delete-policy-version is only for the other versions."
        )
    return f"Not deleted: {first_to_go(text, args)} {COURSE_ORDER}"


def first_to_go(text, args):
    """What IAM says still uses the thing, and the command that removes it."""
    role = option_value(args, "--role-name", "ROLE")
    policy = option_value(args, "--policy-arn", "ARN")
    if "remove roles from instance profile" in text:
        return profile_first(role, option_value(args, "--instance-profile-name", "PROFILE"))
    if "detach all policies" in text:
        return (
            f"detach its managed policies first: `aws iam list-attached-role-policies --role-name {role}`, "
            f"then `aws iam detach-role-policy --role-name {role} --policy-arn ARN` for each."
        )
    if "delete policies" in text:
        return (
            f"delete its inline policies first: `aws iam list-role-policies --role-name {role}`, "
            f"then `aws iam delete-role-policy --role-name {role} --policy-name NAME` for each."
        )
    if "attached to entities" in text:
        return (
            "detach the policy from every role first: "
            f"`aws iam list-entities-for-policy --policy-arn {policy}` lists them."
        )
    if "more than one version" in text:
        return (
            f"delete its non-default versions first: `aws iam list-policy-versions --policy-arn {policy}`, "
            f"then `aws iam delete-policy-version --policy-arn {policy} --version-id vN` for each."
        )
    return "something still uses it; delete that first."


def profile_first(role, profile):
    """How to take the role out of the instance profile that still holds it."""
    find = (
        f"`aws iam list-instance-profiles-for-role --role-name {role}` names it"
        if profile == "PROFILE"
        else f"`aws iam get-instance-profile --instance-profile-name {profile}` names the role"
    )
    return (
        f"remove the role from the instance profile first ({find}): "
        f"`aws iam remove-role-from-instance-profile --instance-profile-name {profile} --role-name {role}`."
    )


def bucket_not_empty(text, args):
    """How to empty a bucket that S3 will not delete."""
    if "BucketNotEmpty" not in text:
        return None
    named = option_value(args, "--bucket", None)
    urls = [a for a in args if a.startswith("s3://")]
    bucket = f"s3://{named}" if named else (urls[0] if urls else "s3://BUCKET").rstrip("/")
    return (
        f"The bucket still holds objects: empty it first with `aws s3 rm {bucket} --recursive` "
        f"(or delete bucket and objects at once with `aws s3 rb {bucket} --force`)."
    )


def dependency_violation(text, args):
    """What EC2 needs gone before a network part can be deleted."""
    if "(DependencyViolation)" not in text:
        return None
    return (
        "Something still uses it: terminate the instance first (and wait until it is terminated), "
        "then delete the security group and the subnet, disassociate and delete the route table, "
        "detach and delete the internet gateway, and delete the VPC last (chapter 10's order)."
    )
