"""Predictions of chapter 08 (how AWS really decides): one per policy type, and each section's policies.

check_bucket_deny  check_bucket_grant  check_boundary  check_scp  check_session_policy

A prediction ({1: True, 2: False}: allowed or AccessDenied) is judged by the lab's
evaluator for the account as it is (helpers.aws.predictions): the request the real call
makes, with every policy in force. Where a section's change is not in the account yet
(its cell has not run), the checker adds it to the request and says so. The section
policies below are the JSON the notebook shows.
"""

import json
from dataclasses import dataclass

from helpers.aws import backend, organization, predictions
from helpers.course.article import EMULATED_ACCOUNT, ROLE, read_policy
from helpers.policy import explain
from helpers.policy.evaluate import decide
from helpers.policy.request import Request as Evaluated
from helpers.steps import network
from helpers.steps.iam import role_exists
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, missing_role
from helpers.teach.predictions import Request, prediction_problem
from helpers.teach.predictions import predictions as given_predictions
from helpers.teach.verdicts import Hint, checker, correct, not_yet

ROLE_ARN = f"arn:aws:iam::{EMULATED_ACCOUNT}:role/{ROLE}"
READER = "iamrole-lab-reader-role"  # the second role, assumed by the instance with a session policy
READER_SESSION = "reader"
BOUNDARY_NAME = "iamrole-lab-boundary"


def policy(*statements):
    """A policy document as the notebook shows it (JSON text, 2-space indent)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


BUCKET_DENY = policy(
    {
        "Sid": "NoDeletesByTheRole",
        "Effect": "Deny",
        "Principal": {"AWS": ROLE_ARN},
        "Action": "s3:DeleteObject",
        "Resource": f"{BUCKET_ARN}/*",
    }
)
BUCKET_GRANT = policy(
    {
        "Sid": "ReadForTheRole",
        "Effect": "Allow",
        "Principal": {"AWS": ROLE_ARN},
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET_ARN}/*",
    }
)
BOUNDARY = policy(
    {
        "Sid": "CloudWatchOnly",
        "Effect": "Allow",
        "Action": ["cloudwatch:PutMetricData", "ec2:DescribeTags"],
        "Resource": "*",
    }
)
SCP_S3_ONLY = policy({"Sid": "AllowS3Only", "Effect": "Allow", "Action": "s3:*", "Resource": "*"})
READER_TRUST = policy({"Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "sts:AssumeRole"})
SESSION_POLICY = policy(
    {
        "Sid": "ReadOnly",
        "Effect": "Allow",
        "Action": ["s3:ListBucket", "s3:GetObject"],
        "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
    }
)

UPLOAD = Request("aws s3 cp test.txt s3://ut-wordpress-s3", "s3:PutObject", OBJECT_ARN)
DOWNLOAD = Request("aws s3 cp s3://ut-wordpress-s3/test.txt ./", "s3:GetObject", OBJECT_ARN)
DELETE = Request("aws s3 rm s3://ut-wordpress-s3/test.txt", "s3:DeleteObject", OBJECT_ARN)
LIST = Request("aws s3 ls s3://ut-wordpress-s3", "s3:ListBucket", BUCKET_ARN)
PUBLISH = Request("aws cloudwatch put-metric-data --namespace IAMRoleLab ...", "cloudwatch:PutMetricData", "*")

# The question each step of the evaluation asks, for the hints (the evaluator's step names).
CONCEPTS = {
    "explicit deny check": "a Deny that applies, in any policy of any type, ends the evaluation",
    "SCPs": "every level of the organization must allow the request: an SCP grants nothing, but it caps the account",
    "resource policy": "within one account, a resource policy that names the caller can allow on its own",
    "identity policies": "without a resource-policy grant, an identity-based policy must allow the request",
    "permissions boundary": "a permissions boundary must allow it too: it caps what the identity policies grant",
    "session policy": "a session policy must allow it too: the session gets what the role AND the policy allow",
    "all checks passed": "every policy type that applies allows it, and none denies it",
}


@dataclass(frozen=True)
class Section:
    """One section's prediction: whose requests, which calls, and the change the section makes."""

    role: str
    session: str | None  # None: the instance's session (named after the instance id)
    calls: tuple
    fill: object  # request dict -> note (str) when it had to add the section's change, else None
    session_policy: dict | None = None


def _bucket_policy(document, detach=None):
    """A fill: put `document` on the bucket in the request when the bucket has no policy (and drop `detach`)."""

    def fill(request):
        notes = []
        if "resource_policy" not in request:
            request["resource_policy"] = document
            request["policy_names"]["resource_policy"] = "the bucket policy of ut-wordpress-s3"
            notes.append("the bucket policy above is not on the bucket yet")
        names = request["policy_names"]["identity_policies"]
        if detach in names:
            index = names.index(detach)
            del names[index], request["identity_policies"][index]
            notes.append(f"{detach} is still attached")
        return "; ".join(notes) or None

    return fill


def _boundary(request):
    """The fill of the boundary section."""
    if request["permission_boundaries"]:
        return None
    request["permission_boundaries"] = [json.loads(BOUNDARY)]
    return f"{ROLE} has no permissions boundary yet"


def _scp(request):
    """The fill of the SCP section."""
    if organization.current() is not None:
        return None
    full = organization.FULL_AWS_ACCESS
    request["scps"] = [[full], [json.loads(SCP_S3_ONLY)], [full]]
    return "the account is in no organization yet"


SECTIONS = {
    "08-bucket-deny": Section(ROLE, None, (DELETE, DOWNLOAD), _bucket_policy(json.loads(BUCKET_DENY))),
    "08-bucket-grant": Section(
        ROLE, None, (DOWNLOAD, UPLOAD), _bucket_policy(json.loads(BUCKET_GRANT), detach="S3-Wordpress-ut")
    ),
    "08-boundary": Section(ROLE, None, (UPLOAD, PUBLISH), _boundary),
    "08-scp": Section(ROLE, None, (UPLOAD, PUBLISH), _scp),
    "08-session-policy": Section(READER, READER_SESSION, (LIST, DOWNLOAD, UPLOAD), None, json.loads(SESSION_POLICY)),
}


def instance_id():
    """The id of the running instance iamrole-test, or None."""
    found = network.find_instance()
    return found["InstanceId"] if found else None


def lab_decision(section, call):
    """(the evaluator's Decision for one call, a note when the section's change had to be added)."""
    if section.role == READER and not role_exists(backend.client("iam"), READER):
        result = explain.explain(
            call.action,
            call.resource,
            {"S3-Wordpress-ut": read_policy("s3policy.json")},
            principal=f"arn:aws:sts::{EMULATED_ACCOUNT}:assumed-role/{READER}/{READER_SESSION}",
            session_policy=section.session_policy,
        )
        return result.result, f"{READER} does not exist yet: judged as the role will be once you create it"
    name = section.session or instance_id() or "i-0123456789abcdef0"
    _, request = predictions.would_decide(section.role, name, call.action, call.resource, section.session_policy)
    note = section.fill(request) if section.fill else None
    note = f"{note}: judged as if this section's change were made" if note else None
    return decide(Evaluated.from_dict(request)), note


def wrong(number, call, decision):
    """The hint for one wrong prediction: what the step that decided asks, then the lab's reason."""
    step = decision.deciding_step
    statement = decision.deciding_statement
    if decision.decision == "allowed" and statement is not None and statement.policy_type == "resource policy":
        step = "resource policy"  # the grant that made it
    return Hint(
        f"call {number} (`{call.command}`): {CONCEPTS.get(step, 'lab.why() after the call shows why')}",
        f"the lab decides at the step '{decision.deciding_step}': {decision.reason}",
    )


def check_section(key, answer):
    """Compare the learner's True/False for each call of a section with the lab's decisions."""
    section = SECTIONS[key]
    given = given_predictions(answer, len(section.calls))
    if given is None:
        return not_yet(f"answer with a dict {{1: True, 2: False, ...}}, one entry per call ({len(section.calls)})")
    if section.role == ROLE and (verdict := missing_role()):
        return verdict
    hints, notes, right = [], set(), 0
    for number, call in enumerate(section.calls, 1):
        problem = prediction_problem(number, given.get(number))
        if problem:
            hints.append(problem)
            continue
        decision, note = lab_decision(section, call)
        notes.update([note] if note else [])
        if given[number] == (decision.decision == "allowed"):
            right += 1
        else:
            hints.append(wrong(number, call, decision))
    note = f" (Note: {'; '.join(sorted(notes))}.)" if notes else ""
    if hints:
        return not_yet(*hints, lead=f"{right} of {len(section.calls)} right.{note}")
    return correct(f"All {len(section.calls)} right, as the lab's evaluator decides for the account now.{note}")


@checker("08-bucket-deny")
def check_bucket_deny(answer):
    """Prediction 8.1: with BUCKET_DENY on the bucket, can the instance delete, and download?"""
    return check_section("08-bucket-deny", answer)


@checker("08-bucket-grant")
def check_bucket_grant(answer):
    """Prediction 8.2: without S3-Wordpress-ut, with BUCKET_GRANT on the bucket: download, upload?"""
    return check_section("08-bucket-grant", answer)


@checker("08-boundary")
def check_boundary(answer):
    """Prediction 8.3: with BOUNDARY as the role's permissions boundary: upload, publish a metric?"""
    return check_section("08-boundary", answer)


@checker("08-scp")
def check_scp(answer):
    """Prediction 8.4: with SCP_S3_ONLY instead of FullAWSAccess on the OU: upload, publish a metric?"""
    return check_section("08-scp", answer)


@checker("08-session-policy")
def check_session_policy(answer):
    """Prediction 8.5: the reader session made with SESSION_POLICY: list, download, upload?"""
    return check_section("08-session-policy", answer)


STARTERS = {
    "08-bucket-deny": {1: True, 2: True},
    "08-bucket-grant": {1: False, 2: False},
    "08-boundary": {1: True, 2: True},
    "08-scp": {1: True, 2: True},
    "08-session-policy": {1: True, 2: True, 3: True},
}
SOLUTIONS = {
    "08-bucket-deny": {1: False, 2: True},
    "08-bucket-grant": {1: True, 2: False},
    "08-boundary": {1: False, 2: True},
    "08-scp": {1: True, 2: False},
    "08-session-policy": {1: True, 2: True, 3: False},
}
CHECKERS = {
    "08-bucket-deny": check_bucket_deny,
    "08-bucket-grant": check_bucket_grant,
    "08-boundary": check_boundary,
    "08-scp": check_scp,
    "08-session-policy": check_session_policy,
}
