"""Exercises of chapter 09 (the policy playground): one kind of policy changes the decision.

check_bucket_policy_deletes   check_boundary_read_only

Each answer is a policy document. The checker asks the lab's evaluator how it would decide
the instance's requests with the account as it is, except that the answer takes the place of
the bucket policy (or of the role's permissions boundary): the decision the playground
predicts once that policy is put in force. The checker changes nothing in the account.
"""

import json

from helpers.aws import backend, request_context
from helpers.course.article import BUCKET, EMULATED_ACCOUNT, POLICIES, ROLE
from helpers.instance.session import POLICY_SESSION
from helpers.policy import explain
from helpers.policy.evaluate import decide
from helpers.policy.request import Request
from helpers.steps import network, role_policies
from helpers.teach import playground_policies
from helpers.teach.answers import BUCKET_ARN, OBJECT_ARN, lint_errors, missing_role, parse_answer, version_problems
from helpers.teach.verdicts import Hint, checker, correct, not_yet

ROLE_ARN = f"arn:aws:iam::{EMULATED_ACCOUNT}:role/{ROLE}"
ADMIN = f"arn:aws:iam::{EMULATED_ACCOUNT}:user/administrator"  # any other principal of the account
YOURS = {"bucket": "your bucket policy", "boundary": "your permissions boundary"}


def session_name():
    """The name of the instance's role session (its id), as the playground's prediction uses it."""
    found = network.find_instance()
    return found["InstanceId"] if found else POLICY_SESSION


def decide_with(action, resource, kind, document):
    """The lab's decision for the instance's request, with `document` in place of the bucket policy or boundary."""
    request = request_context.for_role_session(
        backend.account_id(), backend.region(), ROLE, session_name(), action=action, resource=resource
    )
    names = request["policy_names"]
    if kind == "bucket" and resource.startswith(BUCKET_ARN):
        request["resource_policy"], names["resource_policy"] = document, YOURS["bucket"]
    if kind == "boundary":
        request["permission_boundaries"], names["permission_boundaries"] = [document], [YOURS["boundary"]]
    identity = dict(zip(names["identity_policies"], request["identity_policies"], strict=True))
    return explain.explanation_of(decide(Request.from_dict(request)), identity)


def statements_of(explanation, kind):
    """The evaluator's results for the statements of the answer (the bucket policy or the boundary)."""
    return [s for p in explanation.result.policies for s in p.statements if s.policy_label == YOURS[kind]]


def unchanged_role_problems(keep_free):
    """Hints when the role or the account holds more than the article made (the answer must do it alone)."""
    names = set(role_policies.documents(ROLE))
    problems = []
    if names != set(POLICIES):
        extra = ", ".join(sorted(names - set(POLICIES))) or "nothing"
        missing = ", ".join(sorted(set(POLICIES) - names)) or "nothing"
        problems.append(
            Hint(
                f"the role must keep just the article's two policies (extra: {extra}; missing: {missing})",
                "untick or tick them in the playground, or run lab.start(chapter=9) to put the role back",
            )
        )
    if playground_policies.in_account(keep_free) is not None:
        problems.append(
            Hint(
                f"{playground_policies.KINDS[keep_free]} is in force too: the exercise changes one kind of policy only",
                f"take it out: playground_policies.remove({keep_free!r}), or untick it in the playground",
            )
        )
    return problems


def document_verdict(answer, ignore=("resource-mismatch",)):
    """(document, None) for a usable policy answer, or (None, the Verdict saying what is wrong)."""
    document, verdict = parse_answer(answer)
    if verdict:
        return None, verdict
    errors = lint_errors(answer, ignore)
    problems = errors + version_problems(document)
    return (None, not_yet(*problems)) if problems else (document, None)


def denied_by_answer(action, explanation, remedy):
    """The hint for a request the answer denies although it must stay allowed."""
    if explanation.decision == "explicit deny":
        return Hint(f"{action} is denied now, by {explanation.deciding}: a Deny beats every Allow", remedy)
    return Hint(f"{action} is not allowed now ({explanation.result.reason})", remedy)


# --- Exercise 09.1: deletes denied, uploads allowed, with the bucket policy only ------------------


def delete_still_allowed(explanation, document):
    """The hint when s3:DeleteObject is still allowed: what keeps the answer's Deny from applying."""
    written = document.get("Statement", [])
    written = [written] if isinstance(written, dict) else written
    denies = [s for s in statements_of(explanation, "bucket") if s.effect == "Deny" and s.action_matched]
    if not denies:
        return Hint(
            f"s3:DeleteObject is still allowed ({explanation.deciding} allows it): an Allow anywhere "
            "cannot take that away, only a Deny can",
            f'add a statement with "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "{BUCKET_ARN}/*" '
            "and the role as its Principal",
        )
    deny = denies[0]
    if not deny.resource_matched:
        return Hint(
            "your Deny names s3:DeleteObject, but its Resource does not match the object the request names",
            f"DeleteObject acts on objects: write {BUCKET_ARN}/*, not the bucket ARN",
        )
    if deny.principal_matched is False:
        statement = written[deny.index] if deny.index < len(written) else {}
        if "Principal" not in statement:
            return Hint(
                "your Deny has no Principal, so in a bucket policy it names no one",
                f'a resource-based policy must name its Principal: "Principal": {{"AWS": "{ROLE_ARN}"}}',
            )
        return Hint("your Deny's Principal does not name the instance's role", f'"Principal": {{"AWS": "{ROLE_ARN}"}}')
    return Hint("your Deny does not apply to this request", f"see why: {deny.reason}")


def bucket_delete_problems(document):
    """Hints for a bucket policy that should deny the role's deletes and nothing else."""
    deleting = decide_with("s3:DeleteObject", OBJECT_ARN, "bucket", document)
    problems = [] if not deleting.allowed else [delete_still_allowed(deleting, document)]
    for action, resource in (("s3:PutObject", OBJECT_ARN), ("s3:GetObject", OBJECT_ARN), ("s3:ListBucket", BUCKET_ARN)):
        explanation = decide_with(action, resource, "bucket", document)
        if not explanation.allowed:
            remedy = "deny s3:DeleteObject only (s3:Delete* or s3:* reach further)"
            problems.append(denied_by_answer(action, explanation, remedy))
    if not problems:
        other = explain.explain("s3:DeleteObject", OBJECT_ARN, {}, resource_policy=document, principal=ADMIN)
        if other.decision == "explicit deny":
            problems.append(
                Hint(
                    f"your Deny applies to every principal, your administrators too ({other.deciding} "
                    "denies them), so nobody could clean the bucket up in chapter 10",
                    f'name only the role: "Principal": {{"AWS": "{ROLE_ARN}"}}',
                )
            )
    return problems


@checker("09-bucket-deletes")
def check_bucket_policy_deletes(answer):
    """Exercise 09.1: a bucket policy under which the instance may upload, read and list, but not delete."""
    document, verdict = document_verdict(answer, ignore=("resource-mismatch", "principal-in-identity"))
    if verdict:
        return verdict
    verdict = missing_role()
    if verdict:
        return verdict
    problems = unchanged_role_problems("boundary") or bucket_delete_problems(document)
    if problems:
        return not_yet(*problems)
    return correct(
        "A Deny in the bucket policy beats the Allow in S3-Wordpress-ut. Put it in force (the playground's "
        "bucket-policy box, or playground_policies.put('bucket', my_bucket_policy)) and make the real calls."
    )


# --- Exercise 09.2: read-only S3 through a permissions boundary ---------------------------------

BOUNDARY_KEEPS = (
    ("s3:ListBucket", BUCKET_ARN),
    ("s3:GetObject", OBJECT_ARN),
    ("cloudwatch:PutMetricData", "*"),
    ("ec2:DescribeTags", "*"),
)
BOUNDARY_STOPS = (("s3:PutObject", OBJECT_ARN), ("s3:DeleteObject", OBJECT_ARN))


def boundary_keep_problem(action, resource, explanation):
    """The hint for a request the boundary must let through but does not."""
    if explanation.decision == "explicit deny":
        return denied_by_answer(action, explanation, f"let {action} through")
    near = [s for s in statements_of(explanation, "boundary") if s.effect == "Allow" and s.action_matched]
    if near and not near[0].resource_matched:
        return Hint(
            f"{action} is denied now: your boundary's Allow names it, but not on {resource}",
            f"see why: {near[0].reason}",
        )
    return Hint(
        f"{action} is denied now: a boundary allows only what it allows, for every service, not just S3",
        f"add {action} (on {resource}) to your boundary's Allow; the role's own policies still decide within it",
    )


def boundary_problems(document):
    """Hints for a boundary that should leave the role read-only on S3, with its metrics and tags."""
    problems = []
    for action, resource in BOUNDARY_STOPS:
        explanation = decide_with(action, resource, "boundary", document)
        if explanation.allowed:
            problems.append(
                Hint(
                    f"{action} is still allowed: {explanation.deciding} allows it, and your boundary lets it through",
                    "a boundary sets the most the role may do: leave uploads and deletes out of its Allow "
                    "(s3:* lets them in), or deny them",
                )
            )
    for action, resource in BOUNDARY_KEEPS:
        explanation = decide_with(action, resource, "boundary", document)
        if not explanation.allowed:
            problems.append(boundary_keep_problem(action, resource, explanation))
    return problems


@checker("09-boundary-read-only")
def check_boundary_read_only(answer):
    """Exercise 09.2: a permissions boundary under which the role may list, download, publish metrics, read tags."""
    document, verdict = document_verdict(answer)
    if verdict:
        return verdict
    verdict = missing_role()
    if verdict:
        return verdict
    problems = unchanged_role_problems("bucket") or boundary_problems(document)
    if problems:
        return not_yet(*problems)
    return correct(
        "The role's policies still allow uploads, but a boundary caps them: an action must be allowed by both."
    )


BUCKET_STARTER = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoDeletes",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": BUCKET_ARN,
            }
        ],
    },
    indent=2,
)
BUCKET_SOLUTION = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoDeletesByTheWebServer",
                "Effect": "Deny",
                "Principal": {"AWS": ROLE_ARN},
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    },
    indent=2,
)
BOUNDARY_STARTER = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OnlyS3AndCloudWatch", "Effect": "Allow", "Action": ["s3:*", "cloudwatch:*"], "Resource": "*"}
        ],
    },
    indent=2,
)
BOUNDARY_SOLUTION = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadTheBucket",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetObject"],
                "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
            },
            {
                "Sid": "MetricsAndTags",
                "Effect": "Allow",
                "Action": ["cloudwatch:PutMetricData", "ec2:DescribeTags"],
                "Resource": "*",
            },
        ],
    },
    indent=2,
)
STARTERS = {"09-bucket-deletes": BUCKET_STARTER, "09-boundary-read-only": BOUNDARY_STARTER}
SOLUTIONS = {"09-bucket-deletes": BUCKET_SOLUTION, "09-boundary-read-only": BOUNDARY_SOLUTION}
CHECKERS = {"09-bucket-deletes": check_bucket_policy_deletes, "09-boundary-read-only": check_boundary_read_only}
