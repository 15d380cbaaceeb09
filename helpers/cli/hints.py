"""One-line hints printed after a failed `%aws` command (introduced in chapter 01).

The CLI's own error is always printed first, unchanged; a hint only adds what a
learner needs next: is it safe to continue, which chapter makes the missing
thing, what to fix in a policy file.
"""
import difflib
import re

from helpers.cli.commandline import option_value, policy_arguments
from helpers.cli.presend import file_prefix_advice, forgotten_file_prefix
from helpers.course.chapters import MADE_IN, notebook

SHELL_WORD = re.compile(r"^(?:[0-9]?>|<|\||&|;)|[;|]$")  # |, >, 2>, <, &&, ; as the shell would split them
DELETE_ORDER = ("Chapter 06's order: terminate the instance, remove the role from the instance profile, "
                "delete the profile, detach the role's policies, delete the role, delete the policies' "
                "non-default versions, then the policies.")
RESET_ADVICE = "`lab.start(chapter=N)` rebuilds this chapter's starting point; `lab.reset()` empties the account."

def made_in(message):
    """Name the chapter that creates a resource mentioned in an error message."""
    for name, chapter in MADE_IN.items():
        if name in message:
            return (f"`{name}` is created in chapter {notebook(chapter)}: run that chapter's cells first "
                    "(or `lab.start(chapter=N)` past it).")
    for word in re.findall(r"[\w.-]+", message):
        close = difflib.get_close_matches(word, MADE_IN, n=1, cutoff=0.85)
        if close:
            return f"`{word}` does not exist. Did you mean `{close[0]}`?"
    return "it has not been created yet, or its name is misspelled: compare it with the article's names."


def delete_conflict(text, args):
    """What must go before a delete that IAM refuses with DeleteConflict, then AWS's order."""
    role = option_value(args, "--role-name", "ROLE")
    profile = option_value(args, "--instance-profile-name", "PROFILE")
    if "remove roles from instance profile" in text:
        find = (f"`aws iam list-instance-profiles-for-role --role-name {role}` names it" if profile == "PROFILE"
                else f"`aws iam get-instance-profile --instance-profile-name {profile}` names the role")
        first = ("remove the role from the instance profile first "
                 f"({find}): `aws iam remove-role-from-instance-profile --instance-profile-name {profile} --role-name {role}`.")
    elif "detach all policies" in text:
        first = (f"detach its managed policies first: `aws iam list-attached-role-policies --role-name {role}`, "
                 f"then `aws iam detach-role-policy --role-name {role} --policy-arn ARN` for each.")
    elif "delete policies" in text:
        first = (f"delete its inline policies first: `aws iam list-role-policies --role-name {role}`, "
                 f"then `aws iam delete-role-policy --role-name {role} --policy-name NAME` for each.")
    elif "attached to entities" in text:
        policy = option_value(args, "--policy-arn", "ARN")
        first = f"detach the policy from every role first: `aws iam list-entities-for-policy --policy-arn {policy}` lists them."
    elif "more than one version" in text:
        policy = option_value(args, "--policy-arn", "ARN")
        first = (f"delete its non-default versions first: `aws iam list-policy-versions --policy-arn {policy}`, "
                 f"then `aws iam delete-policy-version --policy-arn {policy} --version-id vN` for each.")
    elif "default version" in text:
        return ("Not deleted: delete-policy removes the default version with the policy; "
                "delete-policy-version is only for the other versions.")
    else:
        first = "something still uses it; delete that first."
    return f"Not deleted: {first} {DELETE_ORDER}"


def instance_not_found():
    """The hint for an instance id that is wrong or gone."""
    return ("The instance id is wrong, or the instance is gone (terminated, or the account was reset). "
            "Look it up by its Name tag: aws ec2 describe-instances --filters Name=tag:Name,Values=iamrole-test "
            "--query \"Reservations[].Instances[].InstanceId\"")


def usage_hint(text, args):
    """The hint for a usage error the CLI prints before sending anything (shell operators, choices, options)."""
    if any(SHELL_WORD.search(word) for word in args):
        return ("Pipes and redirection (|, >, <, &&, ;) are shell features that %aws does not have: it runs one "
                "AWS CLI command per line. Filter with --query (JMESPath, e.g. --query 'Roles[].RoleName') "
                "and choose the format with --output (json, text, table).")
    if "argument --output: Invalid choice" in text:
        return ("This lab runs AWS CLI v1, whose --output formats are json, text and table "
                "(yaml came with v2): use --output json.")
    if "Invalid choice" in text:
        near = " The closest valid names are listed above under 'maybe you meant'." if "maybe you meant" in text else ""
        return "Check the command's spelling against the article." + near
    if "the following arguments are required" in text:
        return "Add the missing option named above; compare the command with the article's."
    if "Unknown options" in text:
        return "Check the options' spelling against the article; every option starts with --."
    return None


def malformed_policy(args):
    """The hint for MalformedPolicyDocument: how lab.lint shows the exact place, for a file or JSON text."""
    values = [value for _, value in policy_arguments(args)]
    files = [value[len("file://"):] for value in values if value.startswith("file://")]
    if any(value.lstrip().startswith("{") for value in values):
        how = "`lab.lint('''{...}''')`, with the JSON text pasted between the triple quotes, shows the exact line and column."
    elif files:
        how = f"`lab.lint(\"{files[0]}\")` shows the exact line and column."
    else:
        how = "`lab.lint(\"FILE\")` (or `lab.lint('''{...}''')` for JSON text) shows the exact line and column."
    return f"The policy document is not valid: check its JSON (commas, quotes, brackets) and its elements. {how}"


def not_found(text, args):
    """The hint for NoSuchEntity / NoSuchBucket, which depends on what the command tried."""
    operation = args[1] if len(args) > 1 else ""
    if operation.startswith(("detach-", "remove-")):
        return "It is not attached (already detached or removed, perhaps by an earlier run of this cell); safe to continue."
    if operation.startswith(("delete-", "rb")) or (args[:1] == ["s3"] and operation in ("rb", "rm")):
        return "Already deleted, perhaps by an earlier run of this cell; safe to continue."
    return "Not found: " + made_in(text)


def hint_for(stderr_text, args=()):
    """The hint for a failed command's error text (and its arguments), or None when there is nothing to add."""
    text, args = stderr_text, list(args)
    if "(EntityAlreadyExists)" in text or "BucketAlreadyOwnedByYou" in text:
        return f"Already created (perhaps by an earlier run of this cell); safe to continue. {RESET_ADVICE}"
    if "(NoSuchEntity)" in text or "NoSuchBucket" in text:
        return not_found(text, args)
    if "(LimitExceeded)" in text and "InstanceSessionsPerInstanceProfile" in text:
        return "An instance profile holds at most one role, and this one already has one; safe to continue."
    if "IP already in use" in text or "InvalidIPAddress.InUse" in text:
        return ("An instance with this private IP already exists (launched by an earlier run). "
                "The %%launch cell looks the instance up by its Name tag first, so it never launches twice.")
    if "Unable to load paramfile" in text:
        match = re.search(r"file://(\S+?)[,:\s]", text)
        name = re.split(r"[\\/]", match.group(1))[-1] if match else "FILE.json"
        return (f"The file was not found. In this lab the policy files live in ../policies/: "
                f"use file://../policies/{name} (the article's C:\\policies\\ path is on the author's PC).")
    if forgotten := forgotten_file_prefix(args):
        return file_prefix_advice(*forgotten)
    if "Trust Policy statement actions can only be" in text or "Has prohibited field Resource" in text:
        return ("This is not a trust policy: a role's trust policy names a Principal and only sts:AssumeRole* "
                "actions, and has no Resource. Did you give a permission policy (e.g. s3policy.json) instead of trustpolicy.json?")
    if "(MalformedPolicyDocument)" in text or "Invalid JSON" in text:
        return malformed_policy(args)
    if "(DeleteConflict)" in text:
        return delete_conflict(text, args)
    if "BucketNotEmpty" in text:
        named = option_value(args, "--bucket", None)
        bucket = f"s3://{named}" if named else next((a for a in args if a.startswith("s3://")), "s3://BUCKET").rstrip("/")
        return (f"The bucket still holds objects: empty it first with `aws s3 rm {bucket} --recursive` "
                f"(or delete bucket and objects at once with `aws s3 rb {bucket} --force`).")
    if "(DependencyViolation)" in text:
        return ("Something still uses it: terminate the instance first (and wait until it is terminated), "
                "then delete the security group and the subnet, disassociate and delete the route table, "
                "detach and delete the internet gateway, and delete the VPC last (chapter 06's order).")
    if "InvalidInstanceID." in text:
        return instance_not_found()
    if "The config profile (" in text:
        profile = option_value(args, "--profile", "NAME")
        return f"This lab has no named profiles: %aws already uses the lab's credentials. Drop --profile {profile}."
    if "AccessDenied" in text:
        bucket = " (or the bucket name is misspelled: S3 says AccessDenied for a bucket you may not use, even one that does not exist)" if args[:1] == ["s3"] else ""
        return ("Denied by IAM: no attached policy allows this action on this resource, or one denies it"
                f"{bucket}. `helpers.policy.explain.explain(action, resource, policies)` shows which statement decides.")
    stale = "(AuthFailure)" in text and "validate the provided access credentials" in text  # EC2's word for it
    if "InvalidAccessKeyId" in text or "(InvalidClientTokenId)" in text or stale:
        return ("These credentials are not valid (any more): the account was reset or rebuilt. "
                "Log in again with `me = session.login(\"iamrole-test\")`, or run `lab.start(chapter=N)`.")
    if "Unable to locate credentials" in text:
        return "No credentials: run this notebook's `lab.start(chapter=N)` cell first."
    return usage_hint(text, args)
