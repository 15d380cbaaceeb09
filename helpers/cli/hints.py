"""One-line hints printed after a failed `%aws` command (introduced in chapter 01).

The CLI's own error is always printed first, unchanged; a hint only adds what a
learner needs next: is it safe to continue, what is wrong with a name or an ARN
(helpers.cli.diagnose, checked against the account), what to fix in a policy file.
`hint_for` asks each hint below in turn; the first that applies answers.
"""

import re

from helpers.aws import backend, decisions
from helpers.cli import diagnose
from helpers.cli.commandline import option_value, policy_arguments
from helpers.cli.hints_delete import bucket_not_empty, delete_conflict, dependency_violation
from helpers.cli.presend import file_prefix_advice, forgotten_file_prefix
from helpers.course.article import INSTANCE_NAME

SHELL_WORD = re.compile(r"^(?:[0-9]?>|<|\||&|;)|[;|]$")  # |, >, 2>, <, &&, ; as the shell would split them
RESET_ADVICE = "`lab.start(chapter=N)` rebuilds this chapter's starting point; `lab.reset()` empties the account."
NAME_ERRORS = ("(NoSuchEntity)", "NoSuchBucket", "Invalid length for parameter", "(ValidationError)", "(InvalidInput)")


def already_exists(text, args):
    """A create that met what an earlier run made."""
    if "(EntityAlreadyExists)" in text or "BucketAlreadyOwnedByYou" in text:
        return f"Already created (perhaps by an earlier run of this cell); safe to continue. {RESET_ADVICE}"
    return None


def wrong_name(text, args):
    """A name or ARN that is wrong (or names something missing), diagnosed before anything else is said."""
    if not any(marker in text for marker in NAME_ERRORS):
        return None
    found = diagnose.problem(args) if args else diagnose.in_message(text)
    if found:
        return found
    if "(NoSuchEntity)" in text or "NoSuchBucket" in text:
        return not_there_any_more(args)
    return None


def not_there_any_more(args):
    """Names and ARNs are right, yet not found: a detach or delete that an earlier run already did."""
    operation = args[1] if len(args) > 1 else ""
    if operation.startswith(("detach-", "remove-")):
        return "It is not attached (detached or removed already, perhaps by an earlier run); safe to continue."
    if operation.startswith("delete-") or (args[:1] == ["s3"] and operation in ("rb", "rm")):
        return "Already deleted, perhaps by an earlier run of this cell; safe to continue."
    return f"Not found: check the names against the article's. {RESET_ADVICE}"


def profile_full(text, args):
    """A second role added to an instance profile."""
    if "(LimitExceeded)" in text and "InstanceSessionsPerInstanceProfile" in text:
        return "An instance profile holds at most one role, and this one already has one; safe to continue."
    return None


def versions_full(text, args):
    """A sixth version of a managed policy (chapter 07): which version to delete first, and how."""
    if "(LimitExceeded)" not in text or "version" not in text:
        return None
    arn = option_value(args, "--policy-arn", "ARN")
    oldest = oldest_other_version(arn)
    return (
        f"A managed policy keeps at most five versions, and this one has five (perhaps this cell ran "
        f"several times). Delete one that is not the default, then run this cell again: "
        f"`%aws iam delete-policy-version --policy-arn {arn} --version-id {oldest}` "
        f"(`aws iam list-policy-versions --policy-arn {arn}` lists them)."
    )


def oldest_other_version(arn):
    """The oldest version of a managed policy that is not its default ('VERSION' if it cannot be found)."""
    try:
        versions = backend.client("iam").list_policy_versions(PolicyArn=arn)["Versions"]
    except Exception:  # a hint never fails: a wrong ARN is the CLI's error to report
        return "VERSION"
    others = sorted((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
    return others[0]["VersionId"] if others else "VERSION"


def ip_in_use(text, args):
    """A second launch with the article's fixed private IP."""
    if "IP already in use" in text or "InvalidIPAddress.InUse" in text:
        return (
            "An instance with this private IP already exists (launched by an earlier run). "
            "The %%launch cell looks the instance up by its Name tag first, so it never launches twice."
        )
    return None


def missing_file(text, args):
    """A file:// path the CLI cannot read, usually the article's Windows path."""
    if "Unable to load paramfile" not in text:
        return None
    match = re.search(r"file://(\S+?)[,:\s]", text)
    name = re.split(r"[\\/]", match.group(1))[-1] if match else "FILE.json"
    return (
        f"The file was not found. In this lab the policy files live in ../policies/: "
        f"use file://../policies/{name} (the article's C:\\policies\\ path is on the author's PC)."
    )


def forgotten_prefix(text, args):
    """A policy option written without file://."""
    forgotten = forgotten_file_prefix(args)
    return file_prefix_advice(*forgotten) if forgotten else None


def not_a_trust_policy(text, args):
    """A permission policy given where a trust policy belongs."""
    refusals = (
        "AssumeRole policy may only specify",
        "Trust Policy statement actions can only be",
        "prohibited field Resource",
    )
    if any(refusal in text for refusal in refusals):
        return (
            "This is not a trust policy: a role's trust policy names a Principal and STS actions such as "
            "sts:AssumeRole, and has no Resource. Did you give a permission policy (e.g. s3policy.json) "
            "instead of trustpolicy.json?"
        )
    return None


def malformed_policy(text, args):
    """MalformedPolicyDocument: how lab.lint shows the exact place, for a file or JSON text."""
    if "(MalformedPolicyDocument)" not in text and "Invalid JSON" not in text:
        return None
    values = [value for _, value in policy_arguments(args)]
    files = [value[len("file://") :] for value in values if value.startswith("file://")]
    if any(value.lstrip().startswith("{") for value in values):
        how = "`lab.lint('''{...}''')`, with the JSON text between the triple quotes, shows the exact line and column."
    elif files:
        how = f'`lab.lint("{files[0]}")` shows the exact line and column.'
    else:
        how = "`lab.lint(\"FILE\")` (or `lab.lint('''{...}''')` for JSON text) shows the exact line and column."
    return f"The policy document is not valid: check its JSON (commas, quotes, brackets) and its elements. {how}"


def instance_not_found(text, args):
    """An instance id that is wrong or gone."""
    if "InvalidInstanceID." not in text:
        return None
    return (
        "The instance id is wrong, or the instance is gone (terminated, or the account was reset). "
        f"Look it up by its Name tag: aws ec2 describe-instances --filters Name=tag:Name,Values={INSTANCE_NAME} "
        '--query "Reservations[].Instances[].InstanceId"'
    )


def named_profile(text, args):
    """--profile NAME, which the lab has no use for."""
    if "The config profile (" not in text:
        return None
    profile = option_value(args, "--profile", "NAME")
    return f"This lab has no named profiles: %aws already uses the lab's credentials. Drop --profile {profile}."


def access_denied(text, args):
    """AccessDenied (EC2: UnauthorizedOperation): a misspelled bucket (S3 hides which), or IAM's decision."""
    if "AccessDenied" not in text and "(UnauthorizedOperation)" not in text:
        return None
    missing_bucket = diagnose.problem(args) if args[:1] == ["s3"] else None
    if missing_bucket:
        return f"{missing_bucket} (S3 answers AccessDenied, not NoSuchBucket, to a caller who may not list it.)"
    made = decisions.last()
    why = f"{made.decision.reason}. " if made is not None and made.decision.decision != "allowed" else ""
    return f"Denied by IAM: {why}`lab.why()` draws the evaluation and shows every statement it consulted."


def parameter_type(text, args):
    """A boto3 call given a value of the wrong type (a number or a list where a name belongs)."""
    found = re.search(r"Invalid type for parameter (\w+), value: (.*?), type: <class '(\w+)'>", text)
    if not found:
        return None
    name, value, kind = found.groups()
    return f'{name} takes text, not a {kind} ({value}): put the name in quotes, e.g. "umemoto-wordpress-role".'


def stale_keys(text, args):
    """Credentials from before a reset or rebuild."""
    stale = "(AuthFailure)" in text and "validate the provided access credentials" in text  # EC2's word for it
    if "InvalidAccessKeyId" in text or "(InvalidClientTokenId)" in text or stale:
        return (
            "These credentials are not valid (any more): the account was reset or rebuilt. "
            'Log in again with `me = session.login("iamrole-test")`, or run `lab.start(chapter=N)`.'
        )
    return None


def no_credentials(text, args):
    """The CLI found no credentials: the lab was not started in this kernel."""
    if "Unable to locate credentials" in text:
        return "No credentials: run this notebook's `lab.start(chapter=N)` cell first."
    return None


def usage(text, args):
    """A usage error the CLI prints before sending anything (shell operators, choices, options)."""
    if any(SHELL_WORD.search(word) for word in args):
        return (
            "Pipes and redirection (|, >, <, &&, ;) are shell features that %aws does not have: it runs one "
            "AWS CLI command per line. Filter with --query (JMESPath, e.g. --query 'Roles[].RoleName') "
            "and choose the format with --output (json, text, table)."
        )
    if "argument --output: Invalid choice" in text:
        return (
            "This lab runs AWS CLI v1, whose --output formats are json, text and table "
            "(yaml came with v2): use --output json."
        )
    if "Invalid choice" in text:
        near = " The closest valid names are listed above under 'maybe you meant'." if "maybe you meant" in text else ""
        return "Check the command's spelling against the article." + near
    if "the following arguments are required" in text:
        return "Add the missing option named above; compare the command with the article's."
    if "Unknown options" in text:
        return "Check the options' spelling against the article; every option starts with --."
    return None


HINTS = (already_exists, wrong_name, profile_full, versions_full, ip_in_use, missing_file, forgotten_prefix,
         not_a_trust_policy, malformed_policy, delete_conflict, bucket_not_empty, dependency_violation,
         instance_not_found, named_profile, access_denied, parameter_type, stale_keys, no_credentials,
         usage)  # fmt: skip


def hint_for(stderr_text, args=()):
    """The hint for a failed command's error text (and its arguments), or None when there is nothing to add."""
    args = list(args)
    for hint in HINTS:
        found = hint(stderr_text, args)
        if found:
            return found
    return None
