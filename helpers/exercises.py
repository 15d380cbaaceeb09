"""Exercises at the end of chapters 01-05, each with a checker that gives specific hints.

Every checker takes the learner's answer and returns a `Verdict` that shows as
"Correct! ..." or "Not yet: <hint>"; it never raises, whatever it is given.
Policy answers go through helpers.lint first (broken JSON: its line:col message),
then helpers.explain decides what the policy really allows. Questions about
"the role" are checked against the role's policies as they are in the backend.

    chapter 01  check_read_only_policy   check_arns
    chapter 02  check_trust_policy       check_lambda_principal
    chapter 03  check_five_calls         check_after_detach
    chapter 04  check_launch_profile     check_switch_role
    chapter 05  check_upload_fix         check_instance_calls

STARTERS hold the answer each exercise cell begins with (a typical wrong one);
SOLUTIONS hold a correct answer, shown in the notebooks only inside a collapsed
"Show a solution" block.
"""
import json
import pprint
from dataclasses import dataclass

from helpers import explain, iam_steps, instance, lab, lint, magic, network, role_policies, tables

ROLE = iam_steps.ROLE
PROFILE = iam_steps.PROFILE
BUCKET_ARN = f"arn:aws:s3:::{network.BUCKET}"
OBJECT_ARN = BUCKET_ARN + "/test.txt"
ANY_OBJECT_ARN = BUCKET_ARN + "/some/other-key.bin"  # an object no answer should name by chance
OTHER_BUCKET_ARN = f"arn:aws:s3:::{network.OTHER_BUCKET}"
OTHER_OBJECT_ARN = OTHER_BUCKET_ARN + "/test.txt"
EC2 = "ec2.amazonaws.com"
LAMBDA = "lambda.amazonaws.com"
NEW_ROLE = "umemoto-new-role"
S3_WRITES = ("s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:DeleteBucket",
             "s3:PutBucketPolicy")
# Reads beyond listing and downloading, each with the resource it acts on, in the
# order the hints name them: what s3:Get* / s3:List* grant besides the two needed.
S3_OTHER_READS = (("s3:GetObjectAcl", OBJECT_ARN), ("s3:GetBucketPolicy", BUCKET_ARN),
                  ("s3:ListBucketVersions", BUCKET_ARN), ("s3:ListBucketMultipartUploads", BUCKET_ARN),
                  ("s3:GetObjectVersion", OBJECT_ARN), ("s3:GetBucketAcl", BUCKET_ARN),
                  ("s3:GetObjectTagging", OBJECT_ARN), ("s3:ListMultipartUploadParts", OBJECT_ARN))


@dataclass
class Verdict:
    """A checker's answer: ok, and the message the learner reads."""

    ok: bool
    message: str

    def __str__(self):
        """The message."""
        return self.message

    __repr__ = __str__


def correct(note=""):
    """A passing verdict."""
    return Verdict(True, "Correct!" + (f" {note}" if note else ""))


def not_yet(*hints, lead=""):
    """A failing verdict with one hint, or a list of them after an optional lead line."""
    if len(hints) == 1 and not lead:
        return Verdict(False, f"Not yet: {hints[0]}")
    return Verdict(False, f"Not yet: {lead}".rstrip() + "\n" + "\n".join(f"- {hint}" for hint in hints))


def _safe(checker):
    """Wrap a checker so that an unexpected error becomes a message, never a traceback."""
    def wrapped(answer):
        try:
            return checker(answer)
        except Exception as error:  # a learner's answer must never end in a traceback
            return not_yet(f"could not check this answer ({type(error).__name__}: {error})")
    wrapped.__name__, wrapped.__doc__ = checker.__name__, checker.__doc__
    return wrapped


def short(action):
    """'s3:GetObject' -> 'GetObject'."""
    return action.split(":")[-1]


def where(finding):
    """'line 3, col 5: message (hint)' for a lint finding."""
    hint = f" ({finding.hint})" if finding.hint else ""
    place = f"line {finding.line}, col {finding.col}: " if finding.line else ""
    return f"{place}{finding.message}{hint}"


def policy_text(answer):
    """A policy answer (JSON text or a dict) as JSON text; None if it is neither."""
    if isinstance(answer, str):
        return answer
    try:
        return json.dumps(answer, indent=2) if isinstance(answer, dict) else None
    except (TypeError, ValueError):  # e.g. a dict holding a set or an object
        return None


def read_policy(answer):
    """(document, None) for a usable policy answer, or (None, Verdict saying what is wrong)."""
    answer = policy_text(answer)
    if answer is None:
        return None, not_yet("write the policy as JSON text in a string (or as a dict of strings, lists and dicts)")
    findings = lint.lint_text(answer)
    broken = [f for f in findings if f.code in ("json", "empty", "not-object")]
    if broken:
        return None, not_yet(where(broken[0]))
    return json.loads(answer), None


def lint_errors(answer, ignore=("resource-mismatch",)):
    """The linter's errors, and warnings of what never matches, for a policy answer (text or dict), as 'line:col: message' strings."""
    text = policy_text(answer)
    return [where(f) for f in lint.lint_text(text)
            if (f.severity == "error" or f.code in lint.NEVER_MATCHES) and f.code not in ignore]


def version_problems(document):
    """The hint when a policy does not say "Version": "2012-10-17" (the course always does)."""
    if "Version" not in document:
        return [f'add "Version": "{lint.VERSION}" as the first line inside {{ '
                "(it names the policy language; without it AWS falls back to the old 2008-10-17)"]
    if document["Version"] == "2008-10-17":
        return [f'write "Version": "{lint.VERSION}": 2008-10-17 is the old policy language']
    return []


def allows(document, action, resource):
    """True when the document allows `action` on `resource` (explain.py's evaluation)."""
    return explain.explain(action, resource, {"answer": document}).allowed


def statements(document):
    """The statements of a document as a list of dicts."""
    found = document.get("Statement", [])
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)]


# --- chapter 01 ---------------------------------------------------------------------

def read_only_problems(document):
    """The hints that keep a policy from being read-only access to the lab's bucket."""
    problems = []
    if not allows(document, "s3:ListBucket", BUCKET_ARN):
        problems.append("ListBucket applies to the bucket ARN: remove /* (write " + BUCKET_ARN + ")"
                        if allows(document, "s3:ListBucket", OBJECT_ARN) else
                        f"allow s3:ListBucket on the bucket ARN {BUCKET_ARN}, so the bucket can be listed")
    if not allows(document, "s3:GetObject", OBJECT_ARN):
        problems.append(f"GetObject needs an object ARN: add /* (write {BUCKET_ARN}/*)"
                        if allows(document, "s3:GetObject", BUCKET_ARN) else
                        f"allow s3:GetObject on {BUCKET_ARN}/*, so objects can be downloaded")
    for action in S3_WRITES:
        if allows(document, action, OBJECT_ARN) or allows(document, action, BUCKET_ARN):
            problems.append(f"this policy also allows {action} — read-only means no writes")
    problems.extend(other_read_problems(document))
    if allows(document, "s3:GetObject", OTHER_OBJECT_ARN) or allows(document, "s3:ListBucket", OTHER_BUCKET_ARN):
        problems.append(f'this policy also reaches other buckets: name {BUCKET_ARN} in Resource, not "*"')
    return problems


def other_read_problems(document):
    """Hints for reads the policy allows besides ListBucket and GetObject, blaming wildcards.

    A wildcard that also matches a write (s3:*) is left to the write hints.
    """
    extra = [a for a, resource in S3_OTHER_READS if allows(document, a, resource)]
    patterns = dict.fromkeys(p for s in statements(document) if s.get("Effect") == "Allow"
                             for p in tables._as_list(s.get("Action", []))
                             if isinstance(p, str) and ("*" in p or "?" in p))
    problems, explained = [], set()
    for pattern in patterns:
        def matches(action, pattern=pattern):
            return explain.wildcard_match(pattern, action, ignore_case=True)
        matched = [a for a in extra if matches(a)]
        explained.update(matched)
        if matched and not any(matches(w) for w in S3_WRITES):
            problems.append(f"{pattern} also allows {' and '.join(matched[:2])}: name the two actions "
                            "you need, s3:ListBucket and s3:GetObject")
    problems.extend(f"this policy also allows {a}: the exercise asks for listing and downloading only"
                    for a in extra if a not in explained)
    return problems


def policy_verdict(answer, problems_of, praise):
    """The verdict on a permission-policy answer: parse, lint, Version, then the exercise's own problems."""
    document, verdict = read_policy(answer)
    if verdict:
        return verdict
    errors = lint_errors(answer)
    if errors:
        return not_yet(*errors)
    problems = version_problems(document) + problems_of(document)
    return not_yet(*problems) if problems else correct(praise)


@_safe
def check_read_only_policy(answer):
    """Exercise 01.1: a policy that lets its holder list and download ut-wordpress-s3, nothing more."""
    return policy_verdict(answer, read_only_problems,
                          "ListBucket on the bucket, GetObject on its objects, and no writes.")


ARN_ACTIONS = ("s3:ListBucket", "s3:GetObject", "s3:PutObject", "cloudwatch:PutMetricData")


def arn_problem(action, arn):
    """The hint for a wrong Resource for `action` on the lab's bucket, or None when it fits."""
    match = explain.wildcard_match
    if not isinstance(arn, str) or not arn.strip():
        return f'{action}: write a Resource ARN (or "*")'
    if arn.startswith("s3://"):
        return f"{action}: {arn} is an S3 URL, a policy needs an ARN (arn:aws:s3:::...)"
    if action == "cloudwatch:PutMetricData":
        return None if arn == "*" else (
            'PutMetricData supports no resource-level permissions: AWS requires "*"')
    if arn == "*":
        return f'{action}: "*" works but reaches every bucket: name the lab\'s bucket'
    if action == "s3:ListBucket":
        if match(arn, BUCKET_ARN) and not match(arn, OTHER_BUCKET_ARN):
            return None
        if match(arn, OBJECT_ARN):
            return "ListBucket applies to the bucket ARN: remove /*"
        return f"ListBucket acts on the bucket: {arn} does not match {BUCKET_ARN}"
    if match(arn, OBJECT_ARN) and not match(arn, OTHER_OBJECT_ARN):
        if match(arn, ANY_OBJECT_ARN):
            return None
        what = "covers only some objects" if "*" in arn or "?" in arn else "names one object"
        return f"{short(action)}: {arn} {what}; the policy should cover every object: {BUCKET_ARN}/*"
    if match(arn, BUCKET_ARN):
        return f"{short(action)} needs an object ARN: add /*"
    return f"{short(action)} acts on objects: {arn} does not match {OBJECT_ARN}"


@_safe
def check_arns(answer):
    """Exercise 01.2: the Resource each action needs, as {action: ARN}."""
    if not isinstance(answer, dict):
        return not_yet("answer with a dict {action: ARN}, one entry per action")
    missing = [a for a in ARN_ACTIONS if a not in answer]
    if missing:
        return not_yet(f"give an ARN for every action; missing: {', '.join(missing)}")
    problems = [p for p in (arn_problem(a, answer[a]) for a in ARN_ACTIONS) if p]
    if problems:
        return not_yet(*problems)
    return correct("Bucket actions take the bucket ARN, object actions bucket/*, CloudWatch \"*\".")


# --- chapter 02 -----------------------------------------------------------------------

def trust_problems(document, service):
    """Hints for a trust policy that does not let `service` (and only it) assume the role."""
    found = statements(document)
    if any("Resource" in s or "NotResource" in s for s in found):
        return ["a trust policy has no Resource: delete it (the role itself is the resource)"]
    if not any("Principal" in s for s in found):
        return [f'say who may assume the role: add "Principal": {{"Service": "{service}"}}']
    if any(s.get("Principal") == "*" or s.get("Principal") == {"AWS": "*"} for s in found):
        return [f'Principal "*" lets anyone assume the role: name the service, {service}']
    if instance.trusts(document, service):
        return []
    allowing = [s for s in found if s.get("Effect") == "Allow"]
    if not allowing:
        return ['nothing is allowed: the statement needs "Effect": "Allow"']
    actions = [a for s in allowing for a in tables._as_list(s.get("Action", []))]
    if "sts:AssumeRole" not in actions:
        return ["the action a trust policy allows is sts:AssumeRole (taking on the role)"]
    who = ", ".join(tables.trusted_principals(document)) or "nobody"
    return [f"this trust policy trusts {who}, but the role must trust {service}"]


TRUST_ACTIONS_ONLY = ("Trust Policy statement actions can only be sts:AssumeRole, "
                      "sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity")
# What IAM answers (MalformedPolicyDocument) to a trust policy with these lint errors.
AWS_REFUSES_TRUST = {
    "unknown-action": TRUST_ACTIONS_ONLY,
    "unknown-service": TRUST_ACTIONS_ONLY,
    "action-in-trust": TRUST_ACTIONS_ONLY,
    "service-principal": "Invalid principal in policy",
    "aws-principal": "Invalid principal in policy",
    "resource-in-trust": "Has prohibited field Resource",
    "principal-missing": "Missing required field Principal",
}


def trust_lint_verdict(answer):
    """Not yet with the linter's errors, each with IAM's own refusal where we know it; or None."""
    findings = [f for f in lint.lint_text(policy_text(answer))
                if f.severity == "error" and f.code != "resource-mismatch"]
    if not findings:
        return None
    refused = [f for f in findings if f.code in AWS_REFUSES_TRUST]
    hints = [where(f) + (f' — IAM says: "{AWS_REFUSES_TRUST[f.code]}"' if f in refused else "")
             for f in findings]
    if not refused:
        return not_yet(*hints)
    return not_yet(*hints, lead="AWS would refuse this trust policy with MalformedPolicyDocument "
                                "(create-role fails). The linter shows where and why:")


@_safe
def check_trust_policy(answer):
    """Exercise 02.1: repair a trust policy so that EC2 may assume the role."""
    document, verdict = read_policy(answer)
    if verdict:
        return verdict
    verdict = trust_lint_verdict(answer)
    if verdict:
        return verdict
    problems = version_problems(document) + trust_problems(document, EC2)
    if problems:
        return not_yet(*problems)
    return correct(f"The EC2 service ({EC2}) may now call sts:AssumeRole on the role.")


def lambda_trust(principal):
    """A trust policy with `principal` (a dict, or a service name) and sts:AssumeRole."""
    if isinstance(principal, str) and principal != "*":
        principal = {"Service": principal}
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}


@_safe
def check_lambda_principal(answer):
    """Exercise 02.2: the Principal of a role that a Lambda function will use."""
    if not isinstance(answer, (dict, str)):
        return not_yet('answer with the Principal element, e.g. {"Service": "..."}')
    document = lambda_trust(answer)
    services = tables._as_list(answer.get("Service", [])) if isinstance(answer, dict) else []
    if isinstance(answer, dict) and "AWS" in answer:
        return not_yet('an "AWS" principal names an account or an IAM identity; '
                       'a service is named with the "Service" key')
    if EC2 in services:
        return not_yet(f"{EC2} is the EC2 service; a Lambda function's role must trust the Lambda "
                       "service, named the same way (NAME.amazonaws.com)")
    lowered = [s for s in services if isinstance(s, str) and s.lower() == LAMBDA and s != LAMBDA]
    if lowered:
        return not_yet(f"service principals are lowercase: write {LAMBDA}")
    text = policy_text(document)
    if text is None:
        return not_yet('answer with the Principal element, e.g. {"Service": "..."}, of strings only')
    errors = [f"{f.message} ({f.hint})" if f.hint else f.message
              for f in lint.lint_text(text) if f.severity == "error"]
    if errors:
        return not_yet(*errors)
    problems = trust_problems(document, LAMBDA)
    if problems:
        return not_yet(*problems)
    return correct(f'{{"Service": "{LAMBDA}"}}: the Lambda service assumes the role for your function.')


# --- chapters 03 and 05: predicting calls ----------------------------------------------

@dataclass(frozen=True)
class Request:
    """A command the learner predicts, and the action and resource IAM checks for it."""

    command: str
    action: str
    resource: str


FIVE_CALLS = (
    Request("aws s3 cp test.txt s3://ut-wordpress-s3/test.txt", "s3:PutObject", OBJECT_ARN),
    Request("aws s3 ls", "s3:ListAllMyBuckets", "*"),
    Request(f"aws s3 cp s3://{network.OTHER_BUCKET}/test.txt ./", "s3:GetObject", OTHER_OBJECT_ARN),
    Request("aws cloudwatch put-metric-data --namespace Lab --metric-name Test --value 1",
            "cloudwatch:PutMetricData", "*"),
    Request("aws s3 rb s3://ut-wordpress-s3", "s3:DeleteBucket", BUCKET_ARN),
)
INSTANCE_CALLS = (
    Request("aws s3 ls s3://ut-wordpress-s3", "s3:ListBucket", BUCKET_ARN),
    Request("aws s3 ls", "s3:ListAllMyBuckets", "*"),
    Request(f"aws s3 cp test.txt s3://{network.OTHER_BUCKET}", "s3:PutObject", OTHER_OBJECT_ARN),
    Request("aws ec2 describe-tags", "ec2:DescribeTags", "*"),
    Request("aws iam list-roles", "iam:ListRoles", "*"),
)


def prediction_problem(number, value):
    """The hint when the answer for call `number` is not a real boolean, else None."""
    if isinstance(value, bool):
        return None
    if value is None:
        return f"call {number}: no answer yet: write True (allowed) or False (AccessDenied)"
    if isinstance(value, str):
        return (f"call {number}: answer True or False, not {value!r} "
                "(Python's True and False, without quotes)")
    return f"call {number}: answer True (allowed) or False (AccessDenied), not {value!r}"


def predictions(answer, count):
    """{call number: answer value} from a dict keyed 1..count or a list; None if unusable."""
    if isinstance(answer, (list, tuple)):
        return dict(enumerate(answer, 1)) if len(answer) == count else None
    if isinstance(answer, dict):
        try:
            return {int(k): v for k, v in answer.items()}
        except (TypeError, ValueError):  # keys like "one"
            return None
    return None


def why(number, request, explanation):
    """The hint for one wrong prediction, from explain's decision."""
    if explanation.allowed:
        return (f"call {number} (`{request.command}`) needs {request.action} on {request.resource}, "
                f"and {explanation.deciding} allows it")
    if explanation.decision == "explicit deny":
        return f"call {number} (`{request.command}`) is denied by {explanation.deciding}"
    return (f"call {number} (`{request.command}`) needs {request.action} on {request.resource}: "
            "no statement of the role's policies allows that (implicit deny)")


def missing_role(role=ROLE):
    """A verdict saying how to rebuild the role when it is not in the account, else None."""
    if iam_steps.role_exists(lab.client("iam"), role):
        return None
    return not_yet(f"{role} does not exist yet: run this notebook's `lab.start(chapter=N)` cell again")


def check_predictions(answer, requests, role=ROLE):
    """Compare predicted outcomes with explain's decisions under the role's policies now."""
    given = predictions(answer, len(requests))
    if given is None:
        return not_yet(f"answer with a dict {{1: True, ..., {len(requests)}: False}} "
                       "(True = allowed, False = AccessDenied)")
    verdict = missing_role(role)
    if verdict:
        return verdict
    documents = role_policies.documents(role)
    if not documents:
        return not_yet(f"{role} has no policies yet: run this chapter's attach cells first")
    hints, right = [], 0
    for number, request in enumerate(requests, 1):
        guess = given.get(number)
        problem = prediction_problem(number, guess)
        if problem:
            hints.append(problem)
            continue
        explanation = explain.explain(request.action, request.resource, documents)
        if guess == explanation.allowed:
            right += 1
        else:
            hints.append(why(number, request, explanation))
    if hints:
        return not_yet(*hints, lead=f"{right} of {len(requests)} right.")
    return correct(f"All {len(requests)} right, judged by the policies {role} has now "
                   f"({', '.join(documents)}).")


@_safe
def check_five_calls(answer):
    """Exercise 03.1: which of FIVE_CALLS the role may make, as {1: True/False, ...}."""
    return check_predictions(answer, FIVE_CALLS)


DETACHED = "S3-Wordpress-ut"


def kept_actions(role=ROLE, detached=DETACHED):
    """The actions the role's other policies allow: what it keeps once `detached` is gone."""
    documents = role_policies.documents(role)
    return sorted({a for name, doc in documents.items() if name != detached
                   for s in statements(doc) if s.get("Effect") == "Allow"
                   for a in tables._as_list(s.get("Action", []))})


@_safe
def check_after_detach(answer):
    """Exercise 03.2: the actions the role keeps if S3-Wordpress-ut is detached, as a list."""
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return not_yet('answer with a list of actions, e.g. ["service:Action", ...]')
    verdict = missing_role()
    if verdict:
        return verdict
    if not [name for name in role_policies.documents() if name != DETACHED]:
        return not_yet(f"{ROLE} has no other policy attached yet: run this chapter's attach cells first "
                       "(the question is about the role as the article leaves it)")
    given = {a.strip().lower(): a for a in answer if isinstance(a, str)}
    kept = {a.lower(): a for a in kept_actions()}
    from_s3 = {a.lower() for s in statements(json.loads(iam_steps.read_policy("s3policy.json")))
               for a in tables._as_list(s.get("Action", []))}
    hints = []
    for key, action in given.items():
        if key in kept:
            continue
        if key.startswith("sts:"):
            hints.append(f"{action} is in the trust policy: it says who may become the role, "
                         "not what the role may do")
        elif key in from_s3:
            hints.append(f"{action} comes from {DETACHED}, which you detached")
        else:
            hints.append(f"{action} is in none of the role's other policies")
    for key, action in kept.items():
        if key not in given:
            hints.append(f"{action} is missing: the role's other policies "
                         f"({', '.join(n for n in role_policies.documents() if n != DETACHED)}) still allow it")
    if hints:
        return not_yet(*hints)
    return correct("Detaching removes one policy's permissions; the other policy's stay.")


# --- chapter 04 --------------------------------------------------------------------------

@_safe
def check_launch_profile(answer):
    """Exercise 04.1: the value of run-instances' --iam-instance-profile for our role."""
    if not isinstance(answer, str) or "=" not in answer:
        return not_yet("write it as the CLI takes it: Name=PROFILE-NAME (or Arn=PROFILE-ARN)")
    key, _, value = answer.strip().partition("=")
    iam = lab.client("iam")
    profiles = {p["InstanceProfileName"]: p for p in iam.list_instance_profiles()["InstanceProfiles"]}
    roles = {r["RoleName"]: r["Arn"] for r in iam.list_roles()["Roles"]}
    if key not in ("Name", "Arn"):
        return not_yet(f"the key is Name or Arn (case matters), not {key}")
    if value in roles or value in roles.values():
        return not_yet(f"{value} is the role; run-instances takes an instance profile, the container "
                       "that holds the role: give the profile's name")
    if key == "Arn":
        by_arn = {p["Arn"]: p for p in profiles.values()}
        if ":instance-profile/" not in value:
            return not_yet(f"{value} is not the ARN of an instance profile "
                           "(those contain :instance-profile/)")
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
        return (f"there is no instance profile {how} {value} yet: create it first "
                "(chapter 04: run its create-instance-profile and add-role-to-instance-profile cells)")
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
    return magic.parse_commands(text)


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


PROFILE_COMMANDS = ("remove-role-from-instance-profile", "add-role-to-instance-profile",
                    "delete-instance-profile", "create-instance-profile", "get-instance-profile")


def command_problems(subcommand, options):
    """Hints for one remove/add command's name and options."""
    import difflib

    if subcommand not in PROFILE_COMMANDS:
        guess = difflib.get_close_matches(subcommand, PROFILE_COMMANDS, 1, 0.6)
        return [f"unknown command {subcommand}" + (f": did you mean {guess[0]}?" if guess else "")]
    if options.get("--instance-profile-name") != PROFILE:
        return [f"{subcommand} needs --instance-profile-name {PROFILE}"]
    return []


@_safe
def check_switch_role(answer):
    """Exercise 04.2: the commands, in order, that make the profile hold umemoto-new-role instead."""
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple)) or not all(isinstance(c, str) for c in answer):
        return not_yet('answer with a list of command strings, e.g. ["aws iam ...", "aws iam ..."]')
    try:
        parsed = [parse_command(words) for words in commands(answer)]
    except magic.CommandError as error:
        return not_yet(str(error))
    names = [name for name, _ in parsed]
    if any(n in ("delete-instance-profile", "create-instance-profile") for n in names):
        return not_yet("no need to delete or re-create the profile: keep it and swap the role inside it")
    hints = [h for name, options in parsed for h in command_problems(name, options)]
    if hints:
        return not_yet(*hints)
    removes = [o for n, o in parsed if n == "remove-role-from-instance-profile"]
    adds = [o for n, o in parsed if n == "add-role-to-instance-profile"]
    if not removes:
        return not_yet(f"a profile holds at most one role and {PROFILE} already holds {ROLE}: adding "
                       "another fails with LimitExceeded. Remove it first with "
                       "remove-role-from-instance-profile")
    if removes[0].get("--role-name") != ROLE:
        return not_yet(f"remove-role-from-instance-profile takes the role now inside: --role-name {ROLE}")
    if not adds or adds[-1].get("--role-name") != NEW_ROLE:
        return not_yet(f"then put the new role in: add-role-to-instance-profile --role-name {NEW_ROLE}")
    if names.index("add-role-to-instance-profile") < names.index("remove-role-from-instance-profile"):
        return not_yet("the order matters: remove first, then add (adding first fails with LimitExceeded)")
    return correct("Remove the old role, then add the new one; the profile keeps its name and ARN.")


# --- chapter 05 --------------------------------------------------------------------------

BROKEN_UPLOAD_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListTheBucket",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::ut-wordpress-s3"
    },
    {
      "Sid": "ReadWriteObjects",
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:PutObjectAcl"],
      "Resource": "arn:aws:s3:::ut-wordpress-s3/*"
    },
    {
      "Sid": "NoAclChanges",
      "Effect": "Deny",
      "Action": "s3:Put*",
      "Resource": "*"
    }
  ]
}"""


def upload_problems(document):
    """Hints for a repaired upload policy: uploads allowed, ACLs denied, the rest kept."""
    put = explain.explain("s3:PutObject", OBJECT_ARN, {"policy": document})
    if put.decision == "explicit deny":
        return [f"the upload is still denied by {put.deciding}: its Action also matches s3:PutObject "
                "— deny only s3:PutObjectAcl"]
    if not put.allowed:
        if allows(document, "s3:PutObject", BUCKET_ARN):
            return ["PutObject needs an object ARN: add /*"]
        return [f"nothing allows s3:PutObject on {OBJECT_ARN} any more"]
    problems = []
    if allows(document, "s3:PutObjectAcl", OBJECT_ARN):
        problems.append("the upload works now, but s3:PutObjectAcl is no longer denied: "
                        "narrow the Deny instead of deleting it")
    for action, resource in (("s3:ListBucket", BUCKET_ARN), ("s3:GetObject", OBJECT_ARN),
                             ("s3:DeleteObject", OBJECT_ARN)):
        if not allows(document, action, resource):
            problems.append(f"{action} on {resource} stopped working: change only what blocks the upload")
    if allows(document, "s3:PutObject", OTHER_OBJECT_ARN):
        problems.append("this also allows uploads to every other bucket: keep the Resource to ut-wordpress-s3")
    return problems


@_safe
def check_upload_fix(answer):
    """Exercise 05.1: repair BROKEN_UPLOAD_POLICY so the upload works and ACL changes stay denied."""
    return policy_verdict(answer, upload_problems,
                          "s3:Put* matched PutObject too; a Deny beats every Allow, so it must be narrow.")


@_safe
def check_instance_calls(answer):
    """Exercise 05.2: which of INSTANCE_CALLS succeed on the instance, as {1: True/False, ...}."""
    return check_predictions(answer, INSTANCE_CALLS)


# --- starters and solutions ---------------------------------------------------------------

READ_ONLY_SOLUTION = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::ut-wordpress-s3"
    },
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::ut-wordpress-s3/*"
    }
  ]
}"""
TRUST_SOLUTION = iam_steps.read_policy("trustpolicy.json").strip()

STARTERS = {
    "01-read-only": """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetObject"],
      "Resource": "arn:aws:s3:::ut-wordpress-s3"
    }
  ]
}""",
    "01-arns": {"s3:ListBucket": "arn:aws:s3:::ut-wordpress-s3/*",
                "s3:GetObject": "arn:aws:s3:::ut-wordpress-s3",
                "s3:PutObject": "arn:aws:s3:::ut-wordpress-s3/*",
                "cloudwatch:PutMetricData": "arn:aws:cloudwatch:::metric/*"},
    "02-trust": """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "ec2.amazonaws.co"
      },
      "Action": "sts:AssumeRoles"
    }
  ]
}""",
    "02-lambda": {"Service": EC2},
    "03-five-calls": {1: True, 2: True, 3: True, 4: True, 5: True},
    "03-after-detach": [],
    "04-launch": "Name=umemoto-wordpress-role",
    "04-switch-role": [f"aws iam add-role-to-instance-profile --instance-profile-name {PROFILE} "
                       f"--role-name {NEW_ROLE}"],
    "05-upload-denied": BROKEN_UPLOAD_POLICY,
    "05-instance-calls": {1: True, 2: True, 3: True, 4: True, 5: True},
}

SOLUTIONS = {
    "01-read-only": READ_ONLY_SOLUTION,
    "01-arns": {"s3:ListBucket": BUCKET_ARN, "s3:GetObject": BUCKET_ARN + "/*",
                "s3:PutObject": BUCKET_ARN + "/*", "cloudwatch:PutMetricData": "*"},
    "02-trust": TRUST_SOLUTION,
    "02-lambda": {"Service": LAMBDA},
    "03-five-calls": {1: True, 2: False, 3: False, 4: True, 5: False},
    "03-after-detach": ["cloudwatch:PutMetricData", "ec2:DescribeTags"],
    "04-launch": f"Name={PROFILE}",
    "04-switch-role": [
        f"aws iam remove-role-from-instance-profile --instance-profile-name {PROFILE} --role-name {ROLE}",
        f"aws iam add-role-to-instance-profile --instance-profile-name {PROFILE} --role-name {NEW_ROLE}"],
    "05-upload-denied": BROKEN_UPLOAD_POLICY.replace('"Action": "s3:Put*"', '"Action": "s3:PutObjectAcl"'),
    "05-instance-calls": {1: True, 2: False, 3: False, 4: True, 5: False},
}

CHECKERS = {
    "01-read-only": check_read_only_policy, "01-arns": check_arns,
    "02-trust": check_trust_policy, "02-lambda": check_lambda_principal,
    "03-five-calls": check_five_calls, "03-after-detach": check_after_detach,
    "04-launch": check_launch_profile, "04-switch-role": check_switch_role,
    "05-upload-denied": check_upload_fix, "05-instance-calls": check_instance_calls,
}


def solution_markdown(key):
    """A solution as a Markdown code block (JSON for policies, Python otherwise)."""
    value = SOLUTIONS[key]
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return f"```json\n{value}\n```"
    return f"```python\n{pprint.pformat(value, width=140, sort_dicts=False)}\n```"
