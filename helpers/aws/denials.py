"""AWS's words when it refuses a request, in the error each service sends (chapters 05 and 08).

AWS's format (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):

    User: ARN is not authorized to perform: ACTION on resource: RESOURCE because no TYPE policy allows the ACTION action
    User: ARN is not authorized to perform: ACTION on resource: RESOURCE with an explicit deny in a TYPE policy

where TYPE names the policy type that decided (identity-based, resource-based, permissions
boundary, session, service control, resource control, VPC endpoint). A denial by an SCP
always reads "with an explicit deny in a service control policy", implicit or not. S3
puts the resource ARN in quotes; EC2 answers UnauthorizedOperation and starts with "You
are not authorized to perform this operation."; services speaking JSON answer in JSON.
"""

from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.s3.exceptions import S3ClientError

TYPES = {
    "identity policy": "an identity-based policy",
    "resource policy": "a resource-based policy",
    "permissions boundary": "a permissions boundary",
    "session policy": "a session policy",
    "SCP": "a service control policy",
    "RCP": "a resource control policy",
    "VPC endpoint policy": "a VPC endpoint policy",
}
STEP_TYPES = {  # the evaluation step that found no Allow -> the policy type AWS names
    "identity policies": "identity-based",
    "resource policy": "resource-based",
    "permissions boundary": "permissions boundary",
    "session policy": "session",
    "RCPs": "resource control",
    "VPC endpoint policy": "VPC endpoint",
}
EC2_PREFIX = "You are not authorized to perform this operation. "


class Denied(AccessDeniedError):
    """An AccessDenied (or EC2's UnauthorizedOperation) error with AWS's own message."""

    def __init__(self, code, message):
        """An XML error of this code and message, HTTP 403."""
        super(AccessDeniedError, self).__init__(code, message)


def reason(decision):
    """The end of AWS's message: 'because no ... policy allows ...' or 'with an explicit deny in ...'."""
    action = decision.action
    statement = decision.deciding_statement
    if decision.deciding_step == "SCPs" or (statement is not None and statement.policy_type == "SCP"):
        return "with an explicit deny in a service control policy"
    if decision.decision == "explicitDeny" and statement is not None:
        return f"with an explicit deny in {TYPES.get(statement.policy_type, 'a policy')}"
    kind = STEP_TYPES.get(decision.deciding_step, "identity-based")
    policy = "permissions boundary" if kind == "permissions boundary" else f"{kind} policy"
    return f"because no {policy} allows the {action} action"


def message(decision, quote=False):
    """AWS's one-line explanation of a denial (the resource in quotes, as S3 writes it, when `quote`)."""
    where = ""
    if decision.resource != "*":
        where = f' on resource: "{decision.resource}"' if quote else f" on resource: {decision.resource}"
    return f"User: {decision.principal} is not authorized to perform: {decision.action}{where} {reason(decision)}"


def error(decision, iam_request):
    """The exception moto raises for this service to send AWS's denial."""
    service = iam_request._service
    if service == "s3":
        return S3ClientError("AccessDenied", message(decision, quote=True))
    if service == "ec2":
        return Denied("UnauthorizedOperation", EC2_PREFIX + message(decision))
    if "json" in (iam_request._headers or {}).get("Content-Type", ""):
        refused = JsonRESTError("AccessDenied", message(decision))
        refused.code = 403
        return refused
    return Denied("AccessDenied", message(decision))
