"""How the lab would decide a request of the role's session, without making it (chapter 09).

The playground's prediction is the lab's decision for the account as it is now: the
same request the real call would make (helpers.aws.request_context), decided by the
same evaluator, so prediction and account never disagree.
"""

from helpers.aws import backend, request_context
from helpers.policy.evaluate import decide
from helpers.policy.request import Request


def would_decide(role_name, session_name, action, resource, session_policy=None):
    """How the lab would decide `action` on `resource` by a session of the role, without making the call.

    With `session_policy`, as if the session had been made with it.
    """
    request = request_context.for_role_session(
        backend.account_id(), backend.region(), role_name, session_name, action=action, resource=resource
    )
    if session_policy is not None:
        request["session_policy"] = session_policy
    return decide(Request.from_dict(request)), request
