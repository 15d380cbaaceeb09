"""Exercises of chapter 10 (cleanup): which deletes AWS refuses while something still exists.

check_deletion_order   check_refusals

`Account` models what chapter 10 deletes and refuses a delete exactly where AWS's API
reference says it does, and nowhere else:
  DeleteRole            while an instance profile holds the role or policies are attached
                        (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html)
  DeletePolicy          while the policy is attached (or has non-default versions; ours have none)
                        (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html)
  DeleteInstanceProfile while it holds a role -- not while an instance uses it
                        (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteInstanceProfile.html)
  DeleteBucket          while the bucket holds objects
                        (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html)
Terminating the instance first is good practice, not one of AWS's rules.
"""

from dataclasses import dataclass, field

from helpers.cli import commandline
from helpers.course.article import BUCKET, EMULATED_ACCOUNT, POLICIES, PROFILE, ROLE
from helpers.teach.verdicts import Hint, checker, correct, not_yet

CW, S3 = tuple(POLICIES)  # CloudWatch-Wordpress-ut, S3-Wordpress-ut
ARN = "arn:aws:iam::$ACCOUNT_ID:policy/{}"
COMMANDS = {  # key -> the command as the exercise gives it, in a safe order
    "terminate": "aws ec2 terminate-instances --instance-ids $INSTANCE_ID",
    "empty": f"aws s3 rm s3://{BUCKET} --recursive",
    "delete-bucket": f"aws s3 rb s3://{BUCKET}",
    "remove-role": f"aws iam remove-role-from-instance-profile --instance-profile-name {PROFILE} --role-name {ROLE}",
    "delete-profile": f"aws iam delete-instance-profile --instance-profile-name {PROFILE}",
    f"detach:{CW}": f"aws iam detach-role-policy --role-name {ROLE} --policy-arn {ARN.format(CW)}",
    f"detach:{S3}": f"aws iam detach-role-policy --role-name {ROLE} --policy-arn {ARN.format(S3)}",
    "delete-role": f"aws iam delete-role --role-name {ROLE}",
    f"delete-policy:{CW}": f"aws iam delete-policy --policy-arn {ARN.format(CW)}",
    f"delete-policy:{S3}": f"aws iam delete-policy --policy-arn {ARN.format(S3)}",
}


FORMAT = 'answer with the list of the ten commands, in your order: ["aws ec2 ...", "aws s3 ...", ...]'


class Variables(dict):
    """$ACCOUNT_ID becomes the account id; any other $NAME stays as written."""

    def __contains__(self, name):
        """Every variable is known."""
        return True

    def __missing__(self, name):
        """The variable as written."""
        return f"${name}"


def options(words):
    """{--option: value (True for a flag)} and the positional words of one command's arguments."""
    found, positional, i = {}, [], 0
    while i < len(words):
        word = words[i]
        if word.startswith("--"):
            name, equals, value = word.partition("=")
            if equals:
                found[name] = value
            elif i + 1 < len(words) and not words[i + 1].startswith("--"):
                found[name], i = words[i + 1], i + 1
            else:
                found[name] = True
        else:
            positional.append(word)
        i += 1
    return found, positional


def policy_key(prefix, arn):
    """'detach:S3-Wordpress-ut' for a policy ARN of the course, else None."""
    name = str(arn).rsplit("/", 1)[-1]
    return f"{prefix}:{name}" if name in POLICIES and str(arn).startswith("arn:aws:iam::") else None


def identify(words):
    """The key of one of the exercise's commands, or None when the words are none of them."""
    if len(words) < 2:
        return None
    (service, operation), (given, positional) = words[:2], options(words[2:])
    url = f"s3://{BUCKET}"
    keys = {
        ("ec2", "terminate-instances"): "terminate" if "--instance-ids" in given else None,
        ("s3", "rm"): "empty" if positional == [url] and given == {"--recursive": True} else None,
        ("s3", "rb"): "delete-bucket" if positional == [url] and not given else None,
        ("iam", "remove-role-from-instance-profile"): "remove-role"
        if given == {"--instance-profile-name": PROFILE, "--role-name": ROLE}
        else None,
        ("iam", "delete-instance-profile"): "delete-profile" if given == {"--instance-profile-name": PROFILE} else None,
        ("iam", "detach-role-policy"): policy_key("detach", given.get("--policy-arn"))
        if given.get("--role-name") == ROLE
        else None,
        ("iam", "delete-role"): "delete-role" if given == {"--role-name": ROLE} else None,
        ("iam", "delete-policy"): policy_key("delete-policy", given.get("--policy-arn")),
    }
    return keys.get((service, operation))


def read_commands(answer):
    """([(line, key or None)], None) for an answer (a list of commands, or one per line), or (None, a hint)."""
    if isinstance(answer, str):
        answer = answer.splitlines()
    if not isinstance(answer, (list, tuple)) or not all(isinstance(c, str) for c in answer):
        return None, FORMAT
    text = "\n".join(line.strip().removeprefix("%%aws").removeprefix("%aws") for line in answer)
    try:
        parsed = commandline.parse_commands(text, Variables(ACCOUNT_ID=EMULATED_ACCOUNT))
    except commandline.CommandError as error:
        return None, str(error)
    return [("aws " + " ".join(words), identify(words)) for words in parsed], None


@dataclass
class Account:
    """What AWS's refusals depend on: the bucket's objects, the profile's role, the role's policies."""

    objects: int = 1  # test.txt
    profile_roles: set = field(default_factory=lambda: {ROLE})
    attached: set = field(default_factory=lambda: set(POLICIES))

    def refusal(self, key):
        """(concept, detail) of AWS's refusal of the command `key` in this state, or None if AWS accepts it."""
        kind, _, policy = key.partition(":")
        if kind == "delete-bucket" and self.objects:
            return ("S3 refuses it (BucketNotEmpty): a bucket must be empty before it can be deleted",
                    f"`aws s3 rm s3://{BUCKET} --recursive` must come before `aws s3 rb`")  # fmt: skip
        if kind == "delete-profile" and self.profile_roles:
            return ("IAM refuses it (DeleteConflict): the instance profile still holds the role",
                    "remove-role-from-instance-profile must come before delete-instance-profile")  # fmt: skip
        if kind == "delete-role" and self.profile_roles:
            return ("IAM refuses it (DeleteConflict): an instance profile still holds the role",
                    "remove-role-from-instance-profile must come before delete-role")  # fmt: skip
        if kind == "delete-role" and self.attached:
            return ("IAM refuses it (DeleteConflict): the role still has managed policies attached",
                    "both detach-role-policy commands must come before delete-role")  # fmt: skip
        if kind == "delete-policy" and policy in self.attached:
            return (f"IAM refuses it (DeleteConflict): {policy} is still attached to the role",
                    f"the detach-role-policy of {policy} must come before its delete-policy")  # fmt: skip
        return None

    def apply(self, key):
        """Make the change the accepted command `key` makes to what the refusals depend on."""
        kind, _, policy = key.partition(":")
        if kind == "empty":
            self.objects = 0
        elif kind == "remove-role":
            self.profile_roles.discard(ROLE)
        elif kind == "detach":
            self.attached.discard(policy)


def set_problems(found):
    """Hints when the answer is not the ten commands, each once."""
    problems = [
        f"`{line}` is not one of the ten commands given: copy them as they are" for line, key in found if not key
    ]
    keys = [key for _, key in found if key]
    problems += [f"`{COMMANDS[key]}` is there {keys.count(key)} times: give each command once"
                 for key in dict.fromkeys(keys) if keys.count(key) > 1]  # fmt: skip
    problems += [f"`{COMMANDS[key]}` is missing" for key in COMMANDS if key not in keys]
    return problems


def order_note(keys):
    """What a correct order teaches: whether the instance ran for a while with an empty profile."""
    removed, terminated = keys.index("remove-role"), keys.index("terminate")
    if terminated < removed:
        return (
            "AWS accepts every delete in this order. Terminating the instance first is not one of IAM's rules; "
            "it only means that no running instance is ever left with an empty (or deleted) instance profile."
        )
    return (
        f"AWS accepts this order. But from step {removed + 1} (remove-role-from-instance-profile) until step "
        f"{terminated + 1} (terminate-instances) the running instance had a profile without a role, and AWS warns "
        "that this breaks the applications on it. Terminating first is the safe habit, not an AWS rule."
    )


@checker("10-deletion-order")
def check_deletion_order(answer):
    """Exercise 10.1: the ten delete commands in an order AWS refuses nowhere (every such order is right)."""
    found, problem = read_commands(answer)
    if problem:
        return not_yet(problem)
    if not any(key for _, key in found):
        return not_yet(f"none of the ten commands is in your answer: {FORMAT}")
    problems = set_problems(found)
    if problems:
        return not_yet(*problems)
    account, keys = Account(), [key for _, key in found]
    for step, key in enumerate(keys, 1):
        refused = account.refusal(key)
        if refused:
            concept, detail = refused
            return not_yet(Hint(f"step {step} (`{COMMANDS[key]}`): {concept}", detail))
        account.apply(key)
    return correct(order_note(keys))


# Exercise 10.2: the role is already out of the profile; the instance still runs.
SCENARIO_CALLS = ("delete-profile", "delete-role", f"delete-policy:{S3}", "delete-bucket", f"detach:{S3}")
ACCEPTED_WHY = {
    "delete-profile": (
        "DeleteInstanceProfile refuses for one reason only: check what its API reference requires",
        "the profile must hold no role, and it holds none now. IAM does not check whether an instance still "
        "uses the profile (AWS only warns that deleting it breaks the instance's applications): accepted",
    ),
    f"detach:{S3}": (
        "does anything stop a detach?",
        "a detach needs only the role and the attached policy: AWS accepts it, whatever else exists",
    ),
}


def scenario():
    """The account of exercise 10.2: role out of the profile, instance running, policies attached, test.txt kept."""
    return Account(profile_roles=set())


def prediction(number, value):
    """The hint when a prediction is not a real boolean, else None."""
    if isinstance(value, bool):
        return None
    if value is None:
        return f"call {number}: no answer yet: write True (AWS accepts it) or False (AWS refuses it)"
    return f"call {number}: answer True (accepted) or False (refused), not {value!r}"


def given_predictions(answer):
    """{number: value} from a dict keyed 1..5 (or a list of five), else None."""
    if isinstance(answer, (list, tuple)) and len(answer) == len(SCENARIO_CALLS):
        return dict(enumerate(answer, 1))
    if isinstance(answer, dict):
        try:
            return {int(k): v for k, v in answer.items()}
        except (TypeError, ValueError):
            return None
    return None


@checker("10-refusals")
def check_refusals(answer):
    """Exercise 10.2: which of five deletes AWS accepts (True) or refuses (False) in the scenario."""
    given = given_predictions(answer)
    if given is None:
        return not_yet("answer with a dict {1: True, ..., 5: False} (True = AWS accepts the call, False = refuses it)")
    hints, right = [], 0
    for number, key in enumerate(SCENARIO_CALLS, 1):
        guess, refused = given.get(number), scenario().refusal(key)
        problem = prediction(number, guess)
        if problem:
            hints.append(problem)
        elif guess == (refused is None):
            right += 1
        elif refused:
            hints.append(Hint(f"call {number}: {refused[0]}", refused[1]))
        else:
            concept, detail = ACCEPTED_WHY[key]
            hints.append(Hint(f"call {number}: {concept}", detail))
    if hints:
        return not_yet(*hints, lead=f"{right} of {len(SCENARIO_CALLS)} right.")
    return correct("IAM checks what a thing holds (roles, attached policies, objects), not who still uses it.")


STARTERS = {
    "10-deletion-order": [
        COMMANDS[k]
        for k in (
            "delete-role",
            f"delete-policy:{CW}",
            f"delete-policy:{S3}",
            "delete-profile",
            "remove-role",
            f"detach:{CW}",
            f"detach:{S3}",
            "delete-bucket",
            "empty",
            "terminate",
        )
    ],  # fmt: skip
    "10-refusals": {1: False, 2: False, 3: False, 4: False, 5: True},
}
SOLUTIONS = {
    "10-deletion-order": list(COMMANDS.values()),
    "10-refusals": {1: True, 2: False, 3: False, 4: False, 5: True},
}
CHECKERS = {"10-deletion-order": check_deletion_order, "10-refusals": check_refusals}
SCENARIO_COMMANDS = [COMMANDS[key] for key in SCENARIO_CALLS]  # the five calls, as the notebook lists them
