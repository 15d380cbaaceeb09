"""Exercises of chapter 05 (verification on the instance): the action and resource of five commands, and a caller ARN.

check_actions   check_caller_arn
"""

from dataclasses import dataclass

from helpers.teach.answers import BUCKET_ARN
from helpers.teach.verdicts import Hint, checker, correct, not_yet

KEY = "backup/test.txt"
KEY_ARN = f"{BUCKET_ARN}/{KEY}"
OBJECT_WHY = (
    "an object's ARN is the bucket's ARN, a slash and the object's whole key, folders included: arn:aws:s3:::BUCKET/KEY"
)


@dataclass(frozen=True)
class Command:
    """A command the instance runs, the IAM action and resource it needs, and why (the hints' details)."""

    line: str
    action: str
    resource: str
    action_why: str
    resource_why: str


COMMANDS = (
    Command(
        f"aws s3 cp test.txt s3://ut-wordpress-s3/{KEY}",
        "s3:PutObject",
        KEY_ARN,
        "an upload is the PutObject call, authorised by the IAM action of the same name",
        OBJECT_WHY,
    ),
    Command(
        "aws s3 ls s3://ut-wordpress-s3/backup/",
        "s3:ListBucket",
        BUCKET_ARN,
        "`aws s3 ls` calls ListObjectsV2, and IAM authorises that call as s3:ListBucket",
        f"listing acts on the bucket, {BUCKET_ARN}; the prefix backup/ travels as a parameter of the "
        "request (the s3:prefix condition key), not in its resource",
    ),
    Command(
        f"aws s3 cp s3://ut-wordpress-s3/{KEY} ./",
        "s3:GetObject",
        KEY_ARN,
        "a download is HeadObject then GetObject, and IAM authorises both as s3:GetObject",
        OBJECT_WHY,
    ),
    Command(
        f"aws s3 rm s3://ut-wordpress-s3/{KEY}",
        "s3:DeleteObject",
        KEY_ARN,
        "`aws s3 rm` on one object calls DeleteObject, authorised by the IAM action of the same name",
        OBJECT_WHY,
    ),
    Command(
        "aws cloudwatch put-metric-data --namespace IAMRoleLab --metric-name MemoryUtilization --value 50",
        "cloudwatch:PutMetricData",
        "*",
        "the command is the PutMetricData call, in CloudWatch's service prefix",
        'CloudWatch has no resource type for a metric, so PutMetricData names no resource: IAM matches it with "*"',
    ),
)


def pair(value):
    """(action, resource) from an answer's entry (a pair of strings), or None."""
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0].strip(), value[1].strip()
    return None


def resource_hint(number, command, resource):
    """The hint for a wrong resource (the action being right)."""
    if resource.startswith("s3://"):
        return Hint(
            f"command {number}: policies and requests name resources by ARN, not by S3 URL",
            "an S3 ARN reads arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY",
        )
    if "*" in resource or "?" in resource:
        return Hint(
            f"command {number}: {resource} is a pattern, as a policy's Resource may hold; "
            "the request itself names the one resource it touches",
            command.resource_why,
        )
    return Hint(f"command {number}: {command.action} is right; which resource does it act on?", command.resource_why)


def command_hint(number, command, value):
    """The hint for one command's (action, resource), or None when both are right."""
    given = pair(value)
    if given is None:
        return f'command {number}: answer with a pair (action, resource), e.g. ("s3:GetObject", "arn:aws:s3:::...")'
    action, resource = given
    if action.lower() != command.action.lower():
        return Hint(
            f"command {number} (`{command.line}`): which API call does it make, and which IAM action authorises it?",
            command.action_why,
        )
    return None if resource == command.resource else resource_hint(number, command, resource)


@checker("05-actions")
def check_actions(answer):
    """Exercise 05.1: the IAM action and resource each of COMMANDS needs, as {1: (action, resource), ...}."""
    if not isinstance(answer, dict):
        return not_yet(f"answer with a dict {{1: (action, resource), ..., {len(COMMANDS)}: (action, resource)}}")
    try:
        given = {int(k): v for k, v in answer.items()}
    except (TypeError, ValueError):
        return not_yet("number the commands 1 to 5, as the table does: {1: (action, resource), ...}")
    hints = [h for n, c in enumerate(COMMANDS, 1) if (h := command_hint(n, c, given.get(n)))]
    if hints:
        right = len(COMMANDS) - len(hints)
        return not_yet(*hints, lead=f"{right} of {len(COMMANDS)} right.")
    return correct(
        "Bucket actions act on the bucket's ARN, object actions on the object's whole key, and the CLI's "
        "command names are not always the IAM actions' (ls is ListBucket)."
    )


SAMPLE_ARN = "arn:aws:sts::111122223333:assumed-role/web-server-role/i-0123456789abcdef0"
ARN_FIELDS = "an ARN reads arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; STS leaves REGION empty"
PARTS = "the resource part reads assumed-role/ROLE-NAME/SESSION-NAME"
CALLER_KEYS = ("account", "role_name", "session_name", "role_arn")


def caller_parts(arn):
    """{account, role_name, session_name, role_arn} read from an assumed-role session ARN."""
    _, partition, _, _, account, resource = arn.split(":", 5)
    _, role_name, session_name = resource.split("/", 2)
    return {
        "account": account,
        "role_name": role_name,
        "session_name": session_name,
        "role_arn": f"arn:{partition}:iam::{account}:role/{role_name}",
    }


def caller_hint(key, value, expected):
    """The hint for one wrong part of the caller ARN answer."""
    if key == "account":
        if value == "123456789012":
            return Hint("account: 123456789012 is the lab's account; this ARN comes from another one", ARN_FIELDS)
        return Hint("account: which field of the ARN holds the account id?", ARN_FIELDS)
    if key in ("role_name", "session_name") and value.startswith("assumed-role/"):
        return Hint(f"{key}: assumed-role/ is the resource type, not part of a name", PARTS)
    if key == "role_name":
        return Hint("role_name: which part of assumed-role/…/… names the role?", PARTS)
    if key == "session_name":
        return Hint("session_name: which part of assumed-role/…/… names the session?", PARTS)
    if value.startswith("arn:aws:sts:") or "assumed-role" in value:
        return Hint(
            "role_arn: an assumed-role ARN names one session of the role; the role itself is an IAM resource",
            "a role's ARN is arn:aws:iam::ACCOUNT:role/ROLE-NAME: service iam, resource type role, no session",
        )
    return Hint("role_arn: build it from the account and the role name", f"a role's ARN is {expected['role_arn']}")


@checker("05-caller-arn")
def check_caller_arn(answer):
    """Exercise 05.2: account, role, session and the role's own ARN, read from SAMPLE_ARN."""
    if not isinstance(answer, dict):
        return not_yet(f"answer with a dict with the keys {', '.join(CALLER_KEYS)}")
    missing = [k for k in CALLER_KEYS if not isinstance(answer.get(k), str) or not answer[k].strip()]
    if missing:
        return not_yet(f"give a text value for every key; missing: {', '.join(missing)}")
    expected = caller_parts(SAMPLE_ARN)
    hints = [caller_hint(k, answer[k].strip(), expected) for k in CALLER_KEYS if answer[k].strip() != expected[k]]
    if hints:
        return not_yet(*hints)
    return correct(
        "IAM evaluates the policies of arn:aws:iam::111122223333:role/web-server-role for every call of this "
        "session; the session ARN is what CloudTrail records as the caller."
    )


STARTERS = {
    "05-actions": {
        1: ("s3:PutObject", f"s3://ut-wordpress-s3/{KEY}"),
        2: ("s3:ListObjectsV2", f"{BUCKET_ARN}/backup/"),
        3: ("s3:GetObject", KEY_ARN),
        4: ("s3:DeleteObject", f"{BUCKET_ARN}/*"),
        5: ("cloudwatch:PutMetricData", "arn:aws:cloudwatch:ap-northeast-1:123456789012:metric/IAMRoleLab"),
    },
    "05-caller-arn": {
        "account": "123456789012",
        "role_name": "assumed-role/web-server-role",
        "session_name": "i-0123456789abcdef0",
        "role_arn": "arn:aws:sts::111122223333:assumed-role/web-server-role",
    },
}
SOLUTIONS = {
    "05-actions": {n: (c.action, c.resource) for n, c in enumerate(COMMANDS, 1)},
    "05-caller-arn": caller_parts(SAMPLE_ARN),
}
CHECKERS = {
    "05-actions": check_actions,
    "05-caller-arn": check_caller_arn,
}
