"""Exercises of chapter 08 (how AWS really decides): a bucket policy for one session, a boundary, denial messages.

check_session_grant   check_boundary_keeps_s3   check_denial_types

The two policies are judged offline by the lab's evaluator (helpers.policy.explain) for
the role as the article builds it, with the permissions boundary of the chapter's
boundary section (helpers.teach.evaluation.BOUNDARY) where the exercise says so.
"""

import functools
import json
import re

from helpers.course.article import EMULATED_ACCOUNT, ROLE
from helpers.course.errors import LabError
from helpers.policy import explain
from helpers.policy.matching import as_list
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, policy_verdict, statements
from helpers.teach.evaluation import BOUNDARY, BUCKET_GRANT, READER, READER_SESSION, ROLE_ARN, instance_id, policy
from helpers.teach.verdicts import Hint, checker, correct, not_yet

SESSION_PREFIX = f"arn:aws:sts::{EMULATED_ACCOUNT}:assumed-role/{ROLE}/"
VISITOR = f"arn:aws:iam::{EMULATED_ACCOUNT}:user/visitor"  # someone else in the account, with no policies
BUCKET_POLICY_LINT = ("resource-mismatch", "principal-in-identity")  # a bucket policy has a Principal


def session_arn(name):
    """The ARN of the role's session called `name` (EC2 names the instance's session after the instance id)."""
    return SESSION_PREFIX + name


def principals(document):
    """Every principal string the Allow statements of a document name ("*", an ARN, an account id)."""
    found = []
    for statement in (s for s in statements(document) if s.get("Effect") == "Allow"):
        principal = statement.get("Principal", {})
        named = principal.get("AWS", []) if isinstance(principal, dict) else principal
        found += [p for p in as_list(named) if isinstance(p, str)]
    return found


def instance_session(document):
    """The instance's session name: the running instance's id, else the instance id the answer names."""
    running = instance_id()
    if running:
        return running
    named = [p[len(SESSION_PREFIX) :] for p in principals(document) if p.startswith(SESSION_PREFIX)]
    return next((n for n in named if re.fullmatch(r"i-[0-9a-f]{8,17}", n)), "i-0123456789abcdef0")


def decided(document, principal, action="s3:GetObject", resource=OBJECT_ARN, identity=None):
    """The lab's decision when `principal` (with `identity` policies; None: the article's and the boundary) asks."""
    more = {"boundary": json.loads(BOUNDARY)} if identity is None else {}
    return explain.explain(action, resource, identity, principal=principal, resource_policy=document, **more)


def why_not_read(document, session):
    """The hint when the instance's session may not download test.txt under the learner's bucket policy."""
    result = decided(document, session_arn(session))
    if result.decision == "explicit deny":
        return Hint(f"your policy denies the download: {result.deciding}", "a Deny wins over every Allow")
    named = principals(document)
    if ROLE_ARN in named:
        return Hint(
            "a grant to the role's ARN is still capped by the permissions boundary",
            f"AWS: grants to a role ARN 'are limited by an implicit deny in a permissions boundary'; "
            f"name the session itself, {session_arn(session)}",
        )
    if any(p in (EMULATED_ACCOUNT, f"arn:aws:iam::{EMULATED_ACCOUNT}:root") for p in named):
        return Hint(
            "a grant to the account hands the decision back to the role's own policies and their boundary",
            f"name the instance's session instead: {session_arn(session)}",
        )
    if decided(document, session_arn(session), resource=BUCKET_ARN).allowed:
        return Hint("GetObject needs an object ARN: add /*", f"write {BUCKET_ARN}/*")
    return Hint(
        "nothing in your policy lets the instance's session download test.txt",
        f"Allow s3:GetObject on {BUCKET_ARN}/* for the principal {session_arn(session)}",
    )


def judged(problems_of, document):
    """The exercise's hints for a document, or one hint when the evaluator cannot read it (e.g. a Principal of 5)."""
    try:
        return problems_of(document)
    except (ValueError, LabError) as error:
        return [f"the lab's evaluator cannot read this policy: {error}"]


def session_grant_problems(document):
    """Hints for the bucket policy of exercise 8.1."""
    if any("Principal" not in s and "NotPrincipal" not in s for s in statements(document)):
        return [
            Hint(
                "a bucket policy says whom each statement is about: every statement needs a Principal",
                'add "Principal": {"AWS": "<the ARN you allow>"}',
            )
        ]
    session = instance_session(document)
    if not decided(document, session_arn(session)).allowed:
        return [why_not_read(document, session)]
    problems = []
    if decided(document, session_arn("another-session")).allowed:
        problems.append(
            Hint(
                "another session of the same role may download too",
                "a role ARN or a wildcard reaches every session: name the one session ARN",
            )
        )
    if decided(document, VISITOR, identity={}).allowed:
        problems.append(
            Hint(
                "anyone else may download too (an IAM user with no policies of its own, here)",
                'Principal "*" means everyone: name the session ARN',
            )
        )
    for action in ("s3:PutObject", "s3:DeleteObject"):
        if decided(document, session_arn(session), action=action).allowed:
            problems.append(Hint(f"this also lets the session run {action}", "reading means s3:GetObject only"))
    return problems


@checker("08-session-grant")
def check_session_grant(answer):
    """Exercise 8.1: a bucket policy that lets the instance's session download, despite the boundary; no one else."""
    return policy_verdict(
        answer,
        functools.partial(judged, session_grant_problems),
        "A grant to the session ARN goes to that session directly: no boundary, identity or "
        "session policy can take it away with an implicit deny (only a Deny could).",
        ignore=BUCKET_POLICY_LINT,
    )


BOUNDARY_STARTER = policy({"Effect": "Deny", "Action": "cloudwatch:*", "Resource": "*"})
BOUNDARY_SOLUTION = policy({"Effect": "Allow", "Action": "s3:*", "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"]})
S3_CALLS = (
    ("s3:PutObject", OBJECT_ARN),
    ("s3:GetObject", OBJECT_ARN),
    ("s3:DeleteObject", OBJECT_ARN),
    ("s3:ListBucket", BUCKET_ARN),
)


def boundary_problems(document):
    """Hints for the permissions boundary of exercise 8.2."""

    def allowed(action, resource):
        return explain.explain(action, resource, None, boundary=document)

    problems = []
    lost = [(a, r) for a, r in S3_CALLS if not allowed(a, r).allowed]
    if lost and not any(s.get("Effect") == "Allow" for s in statements(document)):
        problems.append(
            Hint(
                "a boundary grants nothing and caps everything: with no Allow in it, the role may do nothing",
                "Allow the S3 actions the role uses (s3:* on the bucket and its objects will do); leave CloudWatch out",
            )
        )
    elif lost:
        names = ", ".join(f"{a} on {r}" for a, r in lost)
        problems.append(
            Hint(
                f"the boundary no longer allows {names}",
                "object actions need the ARN ending in /*, s3:ListBucket the bucket ARN itself",
            )
        )
    if allowed("cloudwatch:PutMetricData", "*").allowed:
        problems.append(
            Hint(
                "the boundary still allows cloudwatch:PutMetricData",
                "leave it out of the boundary's Allow statements: what the boundary leaves out is gone",
            )
        )
    return problems


@checker("08-boundary-keeps-s3")
def check_boundary_keeps_s3(answer):
    """Exercise 8.2: a permissions boundary that keeps the article's S3 steps but stops publishing metrics."""
    return policy_verdict(
        answer,
        functools.partial(judged, boundary_problems),
        "The role keeps what both its policies and the boundary allow: S3, not CloudWatch.",
    )


INSTANCE = session_arn("i-0123456789abcdef0")
READER_SESSION_ARN = f"arn:aws:sts::{EMULATED_ACCOUNT}:assumed-role/{READER}/{READER_SESSION}"


def denial(action, ending, who=INSTANCE, resource=OBJECT_ARN):
    """AWS's denial message in its documented format (S3 quotes the resource)."""
    on = f' on resource: "{resource}"' if resource else ""
    return f"User: {who} is not authorized to perform: {action}{on} {ending}"


DENIALS = (  # (AWS's message, the policy type that decided it)
    (denial("s3:PutObject", "because no permissions boundary allows the s3:PutObject action"), "boundary"),
    (denial("cloudwatch:PutMetricData", "with an explicit deny in a service control policy", resource=None), "scp"),
    (denial("s3:PutObject", "because no session policy allows the s3:PutObject action", READER_SESSION_ARN), "session"),
    (denial("s3:DeleteObject", "with an explicit deny in a resource-based policy"), "resource"),
    (
        denial(
            "s3:ListAllMyBuckets",
            "because no identity-based policy allows the s3:ListAllMyBuckets action",
            resource=None,
        ),
        "identity",
    ),
)
# A word in the learner's answer -> the policy type it names, most specific first.
TYPE_WORDS = [
    pair.split("=")
    for pair in (
        "resource control=rcp|rcp=rcp|service control=scp|scp=scp|boundary=boundary|session=session|"
        "endpoint=endpoint|identity=identity|iam=identity|role=identity|resource=resource|bucket=resource"
    ).split("|")
]
DETAILS = {
    "boundary": "'no permissions boundary allows': the role's boundary does not allow the action",
    "scp": "AWS writes 'with an explicit deny in a service control policy' for every SCP denial, "
    "even when no SCP allowed (an implicit deny)",
    "session": "'no session policy allows': the credentials were made with a session policy",
    "resource": "'resource-based policy': for S3, the bucket policy",
    "identity": "'no identity-based policy allows': none of the role's own policies allows it",
}


def policy_type(text):
    """The policy type a learner's answer names ("boundary", "scp", ...), or None."""
    words = re.sub(r"[-_]", " ", text.lower()) if isinstance(text, str) else ""
    return next((kind for word, kind in TYPE_WORDS if word in words), None)


@checker("08-denial-types")
def check_denial_types(answer):
    """Exercise 8.3: which policy type decided each of DENIALS, as {1: "permissions boundary", ...}."""
    if not isinstance(answer, dict):
        return not_yet(f'answer with a dict {{1: "identity-based", ..., {len(DENIALS)}: "..."}}, one type per message')
    given = {str(k).strip(): v for k, v in answer.items()}
    hints = []
    for number, (_, kind) in enumerate(DENIALS, 1):
        value = given.get(str(number))
        if policy_type(value) is None:
            hints.append(
                f"message {number}: {value!r} names no policy type: write identity-based, resource-based, "
                "permissions boundary, session policy or SCP"
            )
        elif policy_type(value) != kind:
            hints.append(
                Hint(f"message {number} was not decided by {value!r}: read its last words again", DETAILS[kind])
            )
    if hints:
        right = len(DENIALS) - len(hints)
        lead = (
            f"{right} of {len(DENIALS)} right. The end of each message names the policy type: "
            "'because no TYPE policy allows ...' or 'with an explicit deny in a TYPE policy'."
        )
        return not_yet(*hints, lead=lead)
    return correct("The message's last words name the policy type; an SCP denial always says 'explicit deny'.")


NOTEBOOK_INSTANCE = "i-3ad7c0f57fa5207e3"  # the id the lab's seeded launch gives iamrole-test
STARTERS = {
    "08-session-grant": BUCKET_GRANT,
    "08-boundary-keeps-s3": BOUNDARY_STARTER,
    "08-denial-types": {n: "identity-based" for n in range(1, len(DENIALS) + 1)},
}
SOLUTIONS = {
    "08-session-grant": BUCKET_GRANT.replace(ROLE_ARN, session_arn(NOTEBOOK_INSTANCE)).replace(
        "ReadForTheRole", "ReadForTheInstanceSession"
    ),
    "08-boundary-keeps-s3": BOUNDARY_SOLUTION,
    "08-denial-types": {
        1: "permissions boundary",
        2: "SCP",
        3: "session policy",
        4: "resource-based",
        5: "identity-based",
    },
}
CHECKERS = {
    "08-session-grant": check_session_grant,
    "08-boundary-keeps-s3": check_boundary_keeps_s3,
    "08-denial-types": check_denial_types,
}
