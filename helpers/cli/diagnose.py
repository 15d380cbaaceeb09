"""What is wrong with the names and ARNs in a failed command, checked against the account (chapters 01-05).

A "not found" error has many causes besides a missing resource, and each needs a different
fix: the article's masked account id (`arn:aws:iam::xxxxx:policy/...`), another account's
id, the ARN of another kind of thing (a role where a policy belongs), a name where an ARN
belongs or the reverse, the role where its instance profile belongs (chapter 04's lesson),
an AWS managed policy (which the emulator does not hold), a near-miss name. `problem(args)`
looks at every name and ARN option of a command and says, in one sentence, the first such
mistake. Only when a name is right and the thing is missing does it name the chapter that
creates it -- and for a command that deletes, a right name of a thing already gone is no
mistake at all.
"""

import re

from helpers.aws import backend, moto_gaps
from helpers.cli.commandline import option_values
from helpers.course.article import KINDS
from helpers.course.chapters import MADE_IN, notebook
from helpers.course.spelling import close

# option -> (kind of thing it names, "arn" or "name")
OPTIONS = {
    "--policy-arn": ("policy", "arn"),
    "--role-arn": ("role", "arn"),
    "--role-name": ("role", "name"),
    "--instance-profile-name": ("instance-profile", "name"),
}
WORDS = {"policy": "managed policy", "role": "role", "instance-profile": "instance profile", "bucket": "bucket"}
MASK = "xxxxx"


def problem(args):
    """The first mistake in a command's names and ARNs, as one sentence; None when they are right."""
    return Diagnosis(args).problem()


def in_message(text):
    """For an error without the command's words (a boto3 call): the article's name it mentions, if missing."""
    return Diagnosis([]).in_message(text)


def a(word):
    """The word with its indefinite article ("a role", "an instance profile")."""
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def arn_of(kind, name):
    """The ARN of one of the account's things."""
    return f"arn:aws:iam::{backend.account_id()}:{kind}/{name}"


def label(option):
    """An option as a message names it ("--iam-instance-profile Name=" -> "--iam-instance-profile Name")."""
    return option.removesuffix("=")


def written(option, value):
    """The option with a value, as it is typed ("--role-name X", "--iam-instance-profile Name=X")."""
    return f"{option}{value}" if option.endswith("=") else f"{option} {value}"


def removes(args):
    """True for a command that deletes, detaches or removes: what it names may be gone already."""
    operation = args[1] if len(args) > 1 else ""
    return operation.startswith(("delete-", "detach-", "remove-")) or (args[:1] == ["s3"] and operation in ("rb", "rm"))


def bucket_names(args):
    """The bucket names a command names: s3://BUCKET/... words and --bucket BUCKET."""
    named = [value for _, value in option_values(args, ("--bucket",))]
    return named + [word[len("s3://") :].split("/", 1)[0] for word in args if word.startswith("s3://")]


class Diagnosis:
    """One command's names and ARNs, checked against what the account holds now."""

    def __init__(self, args):
        """Look at `args` (the CLI words without `aws`); the account is read when first needed."""
        self.args = list(args)
        self.removing = removes(self.args)
        self._existing = {}

    def existing(self, kind):
        """The names of the account's things of one kind (policies: its own managed ones), read once."""
        if kind not in self._existing:
            self._existing[kind] = read_names(kind)
        return self._existing[kind]

    def kind_of(self, name):
        """Which kind of the account's things (role, instance profile, policy) is named `name`, or None."""
        return next((kind for kind in ("role", "instance-profile", "policy") if name in self.existing(kind)), None)

    def problem(self):
        """The first mistake in the command's names and ARNs, or None."""
        for option, value in option_values(self.args, OPTIONS):
            kind, form = OPTIONS[option]
            found = self.arn_problem(option, value, kind) if form == "arn" else self.name_problem(option, value, kind)
            if found:
                return found
        for _, value in option_values(self.args, ("--iam-instance-profile",)):
            found = self.launch_problem(value)
            if found:
                return found
        return next(filter(None, (self.bucket_problem(name) for name in bucket_names(self.args))), None)

    def in_message(self, text):
        """The first of the article's names (or a near miss) in an error message that the account lacks."""
        for word in re.findall(r"[\w.-]+", text):
            kind = KINDS.get(word) or KINDS.get(close(word, KINDS, 0.85) or "")
            if kind and word not in self.existing(kind):
                return self.missing(word, kind)
        return None

    def launch_problem(self, value):
        """The mistake in run-instances' --iam-instance-profile Name=NAME / Arn=ARN, or None."""
        key, _, given = value.partition("=")
        if key == "Arn":
            return self.arn_problem("--iam-instance-profile Arn=", given, "instance-profile")
        if key == "Name":
            return self.name_problem("--iam-instance-profile Name=", given, "instance-profile")
        return f"--iam-instance-profile takes Name=PROFILE-NAME or Arn=PROFILE-ARN, not {value}."

    def name_problem(self, option, value, kind):
        """The mistake in a name option's value, or None when the account has such a thing."""
        if value.startswith("arn:"):
            name = value.rsplit("/", 1)[-1]
            return f"{label(option)} takes the {WORDS[kind]}'s name, not its ARN: write {written(option, name)}."
        if value in self.existing(kind):
            return None
        return self.other_kind(option, value, kind) or self.missing(value, kind)

    def other_kind(self, option, value, kind):
        """When `value` names a thing of another kind: what it is, and what this option wants."""
        found = self.kind_of(value)
        if found is None or found == kind:
            return None
        wanted = ", ".join(self.existing(kind)) or "none yet"
        if kind == "instance-profile" and found == "role":
            return (
                f"{value} is a role, but {label(option)} wants the instance profile that holds it: EC2 and "
                f"this command take the profile, not the role (chapter 04). The account's instance profiles: {wanted}."
            )
        return f"{value} is {a(WORDS[found])}, not {a(WORDS[kind])}; the account's {WORDS[kind]}s: {wanted}."

    def missing(self, value, kind):
        """Why a well-formed name is not found: a near miss, a course name not created yet, or unknown.

        None when the command removes something and the name is right: an earlier run removed it.
        """
        names = self.existing(kind)
        guess = close(value, names, 0.8) or close(value, [n for n, k in KINDS.items() if k == kind], 0.8)
        if guess and guess != value:
            article = "" if guess in names else " (the article's name)"
            return f"There is no {WORDS[kind]} {value}. Did you mean {guess}{article}?"
        if self.removing:
            return None
        if value in MADE_IN:
            return (
                f"{value} is created in chapter {notebook(MADE_IN[value])}: run that chapter's cells first "
                "(or `lab.start(chapter=N)` past it)."
            )
        listed = ", ".join(names) or "none yet"
        return f"There is no {WORDS[kind]} named {value}; the account's {WORDS[kind]}s: {listed}."

    def arn_problem(self, option, value, kind):
        """The mistake in an ARN option's value, or None when it is this account's ARN of an existing thing."""
        if not value.startswith("arn:"):
            return self.name_for_arn(option, value, kind)
        parts = value.split(":", 5)
        if len(parts) < 6 or "/" not in parts[5]:
            return f"{value} is not an IAM ARN; {WORDS[kind]} ARNs look like {arn_of(kind, 'NAME')}."
        account, resource = parts[4], parts[5]
        found_kind, name = resource.split("/", 1)[0], resource.rsplit("/", 1)[-1]
        return (
            self.account_problem(value, account, kind, name)
            or self.kind_problem(option, value, found_kind, kind)
            or (None if name in self.existing(kind) else self.missing(name, kind))
        )

    def name_for_arn(self, option, value, kind):
        """The fix for a name given where an ARN belongs."""
        if value in self.existing(kind) or value in KINDS:
            return f"{label(option)} takes an ARN, not a name: write {written(option, arn_of(kind, value))}."
        found = self.kind_of(value)
        if found:
            return f"{label(option)} takes the ARN of {a(WORDS[kind])}; {value} is the name of {a(WORDS[found])}."
        return f"{label(option)} takes an ARN such as {arn_of(kind, 'NAME')}, not {value}."

    def account_problem(self, value, account, kind, name):
        """The mistake in an ARN's account part: the article's mask, AWS's own, another account's, or None."""
        ours = backend.account_id()
        if account == ours:
            return None
        if account == MASK:
            return (
                f"{value} still has the article's masked account id xxxxx: the emulated account is {ours}, "
                f"so write {arn_of(kind, name)}."
            )
        if account == "aws" and kind == "policy":
            policies = ", ".join(self.existing("policy")) or "none yet (chapter 01 makes them)"
            return (
                f"{value} is an AWS managed policy: on real AWS every account can attach it, but the lab's emulator "
                f"(moto) holds no AWS managed policies, so it is not found here. The course's own policies: {policies}."
            )
        return (
            f"{value} names account {account}, but the emulated account is {ours}: only its own things exist "
            f"here; write {arn_of(kind, name)}."
        )

    def kind_problem(self, option, value, found_kind, kind):
        """The mistake of an ARN of another kind of thing (a role's ARN where a policy's belongs), or None."""
        if found_kind == kind:
            return None
        if kind == "instance-profile" and found_kind == "role":
            profiles = ", ".join(self.existing("instance-profile")) or "none yet (chapter 04 makes one)"
            return (
                f"{value} is the role's ARN, but {label(option)} wants the instance profile that holds the role "
                f"(chapter 04); the account's instance profiles: {profiles}."
            )
        what = WORDS.get(found_kind, found_kind)
        return (
            f"{value} is the ARN of {a(what)}, but {label(option)} takes {a(WORDS[kind])}'s ARN, "
            f"e.g. {arn_of(kind, 'NAME')}."
        )

    def bucket_problem(self, name):
        """Why a bucket name is not found (a near miss, not made yet, unknown); None if it exists."""
        if not name or name in self.existing("bucket"):
            return None
        return self.missing(name, "bucket")


def read_names(kind):
    """The names of the account's things of one kind, asked of the backend as the administrator.

    A hint may be printed while the instance's commands run with IAM's checks on; the
    administrator's own look-ups are made with them paused.
    """
    with moto_gaps.paused_checks():
        return names_of(kind)


def names_of(kind):
    """The names of the account's things of one kind (the administrator's view)."""
    if kind == "bucket":
        return [b["Name"] for b in backend.client("s3").list_buckets()["Buckets"]]
    iam = backend.client("iam")
    if kind == "policy":
        return [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    if kind == "role":
        return [r["RoleName"] for r in iam.list_roles()["Roles"]]
    return [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]]
