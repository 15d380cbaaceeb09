"""Exercise 7.4 of chapter 07 (least privilege): iam:PassRole for one application's roles, to EC2 only.

check_pass_role_policy

The CI user `deployer` launches the WordPress site's instances. Its policy is decided
by the lab's evaluator (helpers.policy.explain) for the iam:PassRole a launch makes,
with the iam:PassedToService key AWS puts in that request.
"""

from helpers.course.article import EMULATED_ACCOUNT, ROLE
from helpers.policy.matching import as_list
from helpers.teach.answers import (
    EC2,
    LAMBDA,
    allow,
    allows,
    decided,
    missed_on_condition,
    policy_json,
    policy_verdict,
    statements,
)
from helpers.teach.verdicts import Hint, checker

ACCOUNT_ROLES = f"arn:aws:iam::{EMULATED_ACCOUNT}:role/"
DEPLOYER = f"arn:aws:iam::{EMULATED_ACCOUNT}:user/deployer"
APP_ROLES = tuple(ACCOUNT_ROLES + f"wordpress-{name}" for name in ("web", "batch"))
APP_PATTERN = ACCOUNT_ROLES + "wordpress-*"
NOT_APP_ROLES = tuple(ACCOUNT_ROLES + name for name in ("iamrole-lab-admin-role", "wordpressadmin", ROLE))
IAM_CHANGES = (
    ("iam:CreateRole", "*"),
    ("iam:PutRolePolicy", APP_ROLES[0]),
    ("iam:AttachRolePolicy", APP_ROLES[0]),
    ("iam:AddRoleToInstanceProfile", "*"),
)


def pass_role(document, role_arn=APP_ROLES[0], service=EC2):
    """The explanation of the iam:PassRole a launch with this role makes (service None: no PassedToService)."""
    context = {} if service is None else {"iam:PassedToService": service}
    return decided(document, "iam:PassRole", role_arn, context, DEPLOYER)


def names_a_profile(document):
    """True when a statement's Resource names an instance profile (a common slip for the role)."""
    return any(":instance-profile/" in str(r) for s in statements(document) for r in as_list(s.get("Resource")))


def refused_pass_role(document):
    """The hint when a launch with one of the application's roles would be refused for iam:PassRole, or None."""
    refused = next((pass_role(document, arn) for arn in APP_ROLES if not pass_role(document, arn).allowed), None)
    if refused is None:
        return None
    if names_a_profile(document):
        detail = f"PassRole is checked against the role inside the profile: {APP_PATTERN}"
    elif missed_on_condition(refused):
        detail = f"the service principal is written {EC2}"
    else:
        detail = f"allow iam:PassRole on every role whose name starts with wordpress-: {APP_PATTERN}"
    return Hint(f"a launch with {refused.resource.split('/')[-1]} would be refused for iam:PassRole", detail)


def pass_role_problems(document):
    """Hints for deployer's policy: launch, pass only the wordpress- roles, only to EC2, nothing more of IAM."""
    problems = []
    if not all(allows(document, a, "*", principal=DEPLOYER) for a in ("ec2:RunInstances", "ec2:DescribeInstances")):
        problems.append(
            Hint(
                "deployer can no longer launch or see instances",
                'keep ec2:RunInstances and ec2:DescribeInstances on "*"',
            )
        )
    refused = refused_pass_role(document)
    other = next((arn for arn in NOT_APP_ROLES if pass_role(document, arn).allowed), None)
    if refused:
        problems.append(refused)
    elif other:
        problems.append(
            Hint(
                "deployer may pass roles that are not the application's, even an administrator's",
                f"it can pass {other.split('/')[-1]}: name only {APP_PATTERN} (with the hyphen) in Resource; "
                "an instance with a stronger role would give deployer that role's permissions",
            )
        )
    elif pass_role(document, service=LAMBDA).allowed:
        problems.append(
            Hint(
                "the roles can be handed to any service, not only EC2",
                f'add "Condition": {{"StringEquals": {{"iam:PassedToService": "{EC2}"}}}}',
            )
        )
    elif pass_role(document, service=None).allowed:
        problems.append(
            Hint(
                "a request without iam:PassedToService is allowed",
                "...IfExists lets a request without the key through: use StringEquals",
            )
        )
    extra = [a for a, resource in IAM_CHANGES if allows(document, a, resource, principal=DEPLOYER)]
    if extra:
        problems.append(
            Hint("deployer could change IAM itself", f"{', '.join(extra[:2])} allowed: grant iam:PassRole only")
        )
    return problems


@checker("07-passrole")
def check_pass_role_policy(answer):
    """Exercise 07.4: deployer's policy, passing only the wordpress- roles and only to EC2."""
    return policy_verdict(
        answer,
        pass_role_problems,
        "Only the application's roles, only to EC2: deployer gets no more than those roles allow.",
    )


LAUNCH = allow(["ec2:RunInstances", "ec2:DescribeInstances"], "*")
STARTERS = {"07-passrole": policy_json(LAUNCH, allow("iam:PassRole", "*"))}
SOLUTIONS = {
    "07-passrole": policy_json(
        LAUNCH, allow("iam:PassRole", APP_PATTERN, {"StringEquals": {"iam:PassedToService": EC2}})
    )
}
CHECKERS = {"07-passrole": check_pass_role_policy}
