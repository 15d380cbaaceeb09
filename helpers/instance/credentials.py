"""How EC2 obtains a role's credentials for an instance, done here as EC2 does it (chapter 05).

For a real instance, EC2 follows instance -> instance profile -> role, and STS hands
out the role's temporary credentials only if the role's trust policy lets
ec2.amazonaws.com assume it; the session is named after the instance id.
`obtain(name)` does the same against the emulated account, refusing with one line
(LoginError, TrustError) where EC2 would get no credentials.

Steps: find_instance -> profile_role -> check_trust -> obtain
"""

from botocore.exceptions import ClientError

from helpers.aws import backend, moto_gaps
from helpers.course.article import EC2_SERVICE, EMULATED_ACCOUNT, PROFILE, ROLE
from helpers.course.errors import LabError
from helpers.policy.documents import as_document, trusted_principals
from helpers.policy.evaluate import decide
from helpers.policy.request import Request, RequestError
from helpers.steps import network


class LoginError(LabError):
    """The instance cannot get credentials: no such instance, no profile, or no role in it."""


class TrustError(LoginError):
    """The role's trust policy does not let EC2 assume it."""


def find_instance(name):
    """The running instance with this Name tag, or this id (i-..., chapter 07); LoginError if there is none."""
    if name.startswith("i-"):
        found = next((i for i in network.instances() if i["InstanceId"] == name), None)
    else:
        found = network.find_instance(name)
    if found is None:
        raise LoginError(f"There is no instance named {name}: launch it first (the run-instances step of chapter 05).")
    return found


def profile_role(instance):
    """(profile name, role) of an instance; LoginError if it has no profile or the profile no role."""
    name = instance_name(instance)
    profile = instance.get("IamInstanceProfile")
    if not profile:
        raise LoginError(
            f"Instance {name} was launched without an instance profile, so EC2 has no role "
            f"to get credentials for: every `aws` command on it would find no credentials. "
            f"Launch it with --iam-instance-profile Name={PROFILE}."
        )
    profile_name = profile["Arn"].split("/")[-1]
    try:
        roles = backend.client("iam").get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]["Roles"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        raise LoginError(
            f"Instance {name} was launched with instance profile {profile_name}, which no longer "
            f"exists, so EC2 has no role to get credentials for. Create the profile again and "
            f"put the role in it (chapter 04)."
        ) from None
    if not roles:
        raise LoginError(
            f"Instance profile {profile_name} holds no role, so EC2 has nothing to assume for "
            f"{name}. Put the role in it: aws iam add-role-to-instance-profile (chapter 04)."
        )
    return profile_name, roles[0]


def instance_name(instance):
    """The Name tag of an instance description."""
    return next((t["Value"] for t in instance.get("Tags", []) if t["Key"] == "Name"), instance["InstanceId"])


def trust_decision(trust_document, service=EC2_SERVICE, role_arn=None):
    """How AWS decides `service`'s sts:AssumeRole on a role with this trust policy (the lab's evaluator)."""
    role_arn = role_arn or f"arn:aws:iam::{EMULATED_ACCOUNT}:role/{ROLE}"
    request = {"action": "sts:AssumeRole", "resource": role_arn, "principal": service}
    if isinstance(trust_document, dict) and "Statement" in trust_document:
        request["resource_policy"] = trust_document
        request["policy_names"] = {"resource_policy": "the role's trust policy"}
    try:
        return decide(Request.from_dict(request))
    except RequestError:  # a stored trust policy the evaluator cannot read: it trusts no one
        return decide(Request.from_dict({"action": "sts:AssumeRole", "resource": role_arn, "principal": service}))


def trusts(trust_document, service=EC2_SERVICE):
    """True if a trust policy lets `service` call sts:AssumeRole (an explicit Deny wins)."""
    return trust_decision(trust_document, service).decision == "allowed"


def check_trust(role):
    """Refuse (TrustError) unless the role's trust policy lets EC2 assume it."""
    document = as_document(role["AssumeRolePolicyDocument"])
    if trust_decision(document, EC2_SERVICE, role["Arn"]).decision != "allowed":
        who = ", ".join(trusted_principals(document)) or "nobody"
        raise TrustError(
            f"Role {role['RoleName']} does not trust {EC2_SERVICE} (its trust policy allows: {who}), "
            f"so EC2 cannot get credentials for the instance. The permission policies do not matter "
            f"here: without trust the role cannot be assumed at all. Fix the trust policy "
            f"(aws iam update-assume-role-policy, chapter 02's trustpolicy.json)."
        )


def obtain(name):
    """(instance description, profile name, role, credentials) as EC2 gets them; LoginError/TrustError if it cannot."""
    instance = find_instance(name)
    profile_name, role = profile_role(instance)
    check_trust(role)
    credentials = moto_gaps.instance_credentials(backend.client("sts"), role["Arn"], instance["InstanceId"])
    return instance, profile_name, role, credentials
