"""Exercises of chapter 04 (the instance profile): the launch option, and swapping the role inside.

check_launch_profile   check_switch_role
"""

import difflib

from helpers.aws import backend
from helpers.cli import commandline
from helpers.course.article import PROFILE, ROLE
from helpers.teach.verdicts import Hint, checker, correct, not_yet

NEW_ROLE = "umemoto-new-role"


@checker("04-launch")
def check_launch_profile(answer):
    """Exercise 04.1: the value of run-instances' --iam-instance-profile for our role."""
    if not isinstance(answer, str) or "=" not in answer:
        return not_yet("write it as the CLI takes it: Name=PROFILE-NAME (or Arn=PROFILE-ARN)")
    key, _, value = answer.strip().partition("=")
    iam = backend.client("iam")
    profiles = {p["InstanceProfileName"]: p for p in iam.list_instance_profiles()["InstanceProfiles"]}
    roles = {r["RoleName"]: r["Arn"] for r in iam.list_roles()["Roles"]}
    if key not in ("Name", "Arn"):
        return not_yet(f"the key is Name or Arn (case matters), not {key}")
    if value in roles or value in roles.values():
        return not_yet(
            Hint(
                f"{value} is the role; run-instances takes an instance profile, the container that holds the role",
                "give the name of the instance profile that holds it (aws iam list-instance-profiles lists them)",
            )
        )
    if key == "Arn":
        by_arn = {p["Arn"]: p for p in profiles.values()}
        if ":instance-profile/" not in value:
            return not_yet(f"{value} is not the ARN of an instance profile (those contain :instance-profile/)")
        if value not in by_arn:
            return not_yet(missing_profile(value, "with the ARN", profiles, "Arn"))
        profile = by_arn[value]
    elif value not in profiles:
        return not_yet(missing_profile(value, "named", profiles, "InstanceProfileName"))
    else:
        profile = profiles[value]
    if not profile["Roles"]:
        return not_yet(f"{profile['InstanceProfileName']} holds no role yet: add it first")
    return correct(f"EC2 finds {profile['Roles'][0]['RoleName']} inside {profile['InstanceProfileName']}.")


def missing_profile(value, how, profiles, field):
    """The hint for an instance profile (by name or ARN) that the account does not hold."""
    if not profiles:
        return (
            f"there is no instance profile {how} {value} yet: create it first "
            "(chapter 04: run its create-instance-profile and add-role-to-instance-profile cells)"
        )
    name = value.rsplit("/", 1)[-1]
    if field == "Arn" and name in profiles:
        return f"{value} is not the ARN of {name} in this account; its ARN is {profiles[name]['Arn']}"
    known = ", ".join(p[field] for p in profiles.values())
    return f"there is no instance profile {how} {value}; the account has: {known}"


def commands(answer):
    """The AWS CLI arguments of each command in an answer (a string or a list of them), parsed as %%aws does.

    Continuations (bash `\\`, PowerShell backtick, cmd `^`) and a leading `%aws`, `%%aws` or
    `aws` are accepted, as in the magic.
    """
    text = "\n".join([answer] if isinstance(answer, str) else answer)
    text = "\n".join(line.strip().removeprefix("%%aws").removeprefix("%aws") for line in text.splitlines())
    return commandline.parse_commands(text)


def parse_command(words):
    """(subcommand, {option: value}) of an `iam ...` command's arguments."""
    if words[:1] == ["iam"]:
        words = words[1:]
    options, i = {}, 1
    while i < len(words):
        if words[i].startswith("--"):
            options[words[i]] = words[i + 1] if i + 1 < len(words) else ""
            i += 2
        else:
            i += 1
    return (words[0] if words else ""), options


PROFILE_COMMANDS = (
    "remove-role-from-instance-profile",
    "add-role-to-instance-profile",
    "delete-instance-profile",
    "create-instance-profile",
    "get-instance-profile",
)


def command_problems(subcommand, options):
    """Hints for one remove/add command's name and options."""

    if subcommand not in PROFILE_COMMANDS:
        guess = difflib.get_close_matches(subcommand, PROFILE_COMMANDS, 1, 0.6)
        return [f"unknown command {subcommand}" + (f": did you mean {guess[0]}?" if guess else "")]
    if options.get("--instance-profile-name") != PROFILE:
        return [f"{subcommand} needs --instance-profile-name {PROFILE}"]
    return []


@checker("04-switch-role")
def check_switch_role(answer):
    """Exercise 04.2: the commands, in order, that make the profile hold umemoto-new-role instead."""
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple)) or not all(isinstance(c, str) for c in answer):
        return not_yet('answer with a list of command strings, e.g. ["aws iam ...", "aws iam ..."]')
    try:
        parsed = [parse_command(words) for words in commands(answer)]
    except commandline.CommandError as error:
        return not_yet(str(error))
    names = [name for name, _ in parsed]
    if any(n in ("delete-instance-profile", "create-instance-profile") for n in names):
        return not_yet("no need to delete or re-create the profile: keep it and swap the role inside it")
    hints = [h for name, options in parsed for h in command_problems(name, options)]
    if hints:
        return not_yet(*hints)
    removes = [o for n, o in parsed if n == "remove-role-from-instance-profile"]
    adds = [o for n, o in parsed if n == "add-role-to-instance-profile"]
    return order_verdict(names, removes, adds)


def order_verdict(names, removes, adds):
    """The verdict on well-formed remove/add commands: the right roles, in the right order."""
    if not removes:
        return not_yet(
            Hint(
                f"a profile holds at most one role and {PROFILE} already holds {ROLE}: "
                "adding another fails with LimitExceeded",
                "take the old role out first: remove-role-from-instance-profile",
            )
        )
    if removes[0].get("--role-name") != ROLE:
        return not_yet(
            Hint(
                "remove-role-from-instance-profile names the role to take out",
                f"--role-name {ROLE}, the role now inside",
            )
        )
    if not adds or adds[-1].get("--role-name") != NEW_ROLE:
        return not_yet(
            Hint(
                f"{NEW_ROLE} never enters the profile",
                f"then add it: add-role-to-instance-profile --role-name {NEW_ROLE}",
            )
        )
    if names.index("add-role-to-instance-profile") < names.index("remove-role-from-instance-profile"):
        return not_yet(
            Hint(
                "the order matters: what happens to an add while the old role is still inside?",
                "remove first, then add (adding first fails with LimitExceeded)",
            )  # fmt: skip
        )
    return correct(
        "Remove the old role, then add the new one; the profile keeps its name and ARN. On AWS the caller "
        "also needs iam:PassRole on the new role, and running instances see it only once the change has propagated."
    )


STARTERS = {
    "04-launch": "Name=umemoto-wordpress-role",
    "04-switch-role": [
        f"aws iam add-role-to-instance-profile --instance-profile-name {PROFILE} --role-name {NEW_ROLE}"
    ],
}
SOLUTIONS = {
    "04-launch": f"Name={PROFILE}",
    "04-switch-role": [
        f"aws iam remove-role-from-instance-profile --instance-profile-name {PROFILE} --role-name {ROLE}",
        f"aws iam add-role-to-instance-profile --instance-profile-name {PROFILE} --role-name {NEW_ROLE}",
    ],
}
CHECKERS = {
    "04-launch": check_launch_profile,
    "04-switch-role": check_switch_role,
}
