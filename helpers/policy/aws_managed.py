"""What no policy can allow: actions AWS reserves for itself (chapter 08 (How AWS really decides)).

- sts:GetCallerIdentity: "No permissions are required to perform this operation.
  If an administrator attaches a policy to your identity that explicitly denies
  access to the sts:GetCallerIdentity action, you can still perform this operation."
  (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
- AWS managed policies (arn:aws:iam::aws:policy/...): "You cannot change the
  permissions defined in AWS managed policies" — only AWS updates them; anyone may
  read them (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html).
- IAM Identity Center's roles (path /aws-reserved/sso.amazonaws.com/) are created
  and changed by IAM Identity Center itself: its service-linked role's policy is
  what writes them (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html).
  This engine refuses every change to them, and passing them, to anyone else.
- Service-linked roles (path /aws-service-role/): "you can't edit the permissions
  for a service-linked role" (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html).
- KMS aliases: "The alias name cannot begin with aws/. The aws/ prefix is reserved
  for AWS managed keys" (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html);
  such aliases are not created, changed or deleted by callers.
The lists below name the IAM/KMS actions that change such a resource, as the
Service Authorization Reference lists them for that resource type.
"""

import re

NO_PERMISSION_ACTIONS = frozenset({"sts:getcalleridentity"})

_POLICY_CHANGES = frozenset(
    {
        "iam:createpolicy",
        "iam:createpolicyversion",
        "iam:deletepolicy",
        "iam:deletepolicyversion",
        "iam:setdefaultpolicyversion",
        "iam:tagpolicy",
        "iam:untagpolicy",
    }
)
_ROLE_POLICY_CHANGES = frozenset(
    {
        "iam:attachrolepolicy",
        "iam:detachrolepolicy",
        "iam:putrolepolicy",
        "iam:deleterolepolicy",
        "iam:updateassumerolepolicy",
        "iam:putrolepermissionsboundary",
        "iam:deleterolepermissionsboundary",
        "iam:deleterole",
    }
)
_RESERVED_ROLE_CHANGES = _ROLE_POLICY_CHANGES | frozenset(
    {
        "iam:createrole",
        "iam:createservicelinkedrole",
        "iam:deleteservicelinkedrole",
        "iam:passrole",
        "iam:tagrole",
        "iam:untagrole",
        "iam:updaterole",
        "iam:updateroledescription",
        "iam:addroletoinstanceprofile",
        "iam:removerolefrominstanceprofile",
    }
)
_ALIAS_CHANGES = frozenset({"kms:createalias", "kms:deletealias", "kms:updatealias"})

_RULES = (
    (
        re.compile(r"^arn:[\w-]+:iam::aws:policy/"),
        _POLICY_CHANGES,
        "AWS managed policies can be read by anyone but changed only by AWS",
    ),
    (
        re.compile(r"^arn:[\w-]+:iam::\d{12}:role/aws-reserved/"),
        _RESERVED_ROLE_CHANGES,
        "roles under /aws-reserved/ are managed by AWS (IAM Identity Center) and cannot be changed or passed",
    ),
    (
        re.compile(r"^arn:[\w-]+:iam::\d{12}:role/aws-service-role/"),
        _ROLE_POLICY_CHANGES,
        "a service-linked role's permissions are set by its service and cannot be edited",
    ),
    (
        re.compile(r"^arn:[\w-]+:kms:[^:]*:\d{12}:alias/aws/"),
        _ALIAS_CHANGES,
        "aliases beginning with alias/aws/ are reserved for AWS managed keys",
    ),
)


def needs_no_permission(action):
    """True for actions every caller may perform whatever the policies say."""
    return action.lower() in NO_PERMISSION_ACTIONS


def aws_refusal(action, resource):
    """Why AWS refuses this action on this resource whatever the policies allow, or None."""
    action = action.lower()
    for pattern, actions, reason in _RULES:
        if action in actions and pattern.match(resource):
            return reason
    return None


_KMS_KEY = re.compile(r"^arn:[\w-]+:kms:[^:]*:\d{12}:key/")
_ASSUME_ROLE = frozenset({"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity"})


def resource_policy_required(action, resource):
    """Why the resource's own policy must allow this request (identity policies alone never do), or None.

    - KMS: "Unless the key policy explicitly allows it, you cannot use IAM policies to
      allow access to a KMS key" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
    - Roles: "IAM role trust policies and KMS key policies are exceptions ... because they
      must explicitly allow access for principals"
      (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
    """
    if _KMS_KEY.match(resource):
        return "a KMS key policy must allow the request, directly or by delegating to the account"
    if action.lower() in _ASSUME_ROLE:
        return "the role's trust policy must allow the request, directly or by delegating to the account"
    return None
