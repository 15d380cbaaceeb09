"""The prediction beside the real call: does IAM decide as predicted? (chapter 09)

    predict(action, resource, policies)   how IAM decides, and which statement decides
    compare(action, resource)             one row: the prediction from the role's policies beside
                                          the real call made as the instance (helpers.instance.calls)
    predict_and_call()                    those rows as a table, for one action or every supported one

After `lab.reset()` (no role in the account), `predict` and `predict_and_call` print that
the role is missing and how to rebuild it, and return None, instead of raising.
"""

import html

from helpers.aws import backend, predictions
from helpers.course.article import ROLE
from helpers.course.chapters import chapter_of
from helpers.course.frames import Table
from helpers.instance.calls import CALLS, real_call
from helpers.instance.session import POLICY_SESSION
from helpers.policy import explain
from helpers.steps import network
from helpers.steps.iam import role_exists as role_in_account


def role_exists(role=ROLE):
    """True if the role is in the account; otherwise print how to rebuild it and return False."""
    if role_in_account(backend.client("iam"), role):
        return True
    print(
        f"The role {role} does not exist yet: run `lab.start(chapter={chapter_of('Policy-Playground')})` to rebuild it."
    )
    return False


def predict(action, resource, policies=None, role=ROLE, session_policy=None):
    """How IAM decides `action` on `resource`: under `policies` (identity policies only), or by default
    as the lab would decide the instance's call now -- every policy in force in the account.

    None (with a message) when the role's policies are asked for and the role does not exist.
    """
    if policies is not None:
        return explain.explain(action, resource, policies)
    if not role_exists(role):
        return None
    found = network.find_instance()
    name = POLICY_SESSION if session_policy is not None or not found else found["InstanceId"]
    decision, request = predictions.would_decide(role, name, action, resource, session_policy)
    names = request["policy_names"]["identity_policies"]
    return explain.explanation_of(decision, dict(zip(names, request["identity_policies"], strict=True)))


def agree(explanation, result):
    """'yes' / 'NO' when prediction and real call can be compared, else 'n/a'."""
    if result.outcome not in ("allowed", "AccessDenied"):
        return "n/a"
    return "yes" if explanation.allowed == (result.outcome == "allowed") else "NO"


def compare(action, resource=None, role=ROLE):
    """One row: the prediction from the role's policies beside the real call as the instance."""
    resource = resource or (CALLS[action].resource if action in CALLS else "*")
    explanation = predict(action, resource, role=role)
    if explanation is None:  # the role is missing; predict said how to rebuild it
        return None
    result = real_call(action, resource)
    return {
        "action": action,
        "resource": resource,
        "prediction": explanation.decision,
        "deciding statement": str(explanation.deciding or "-"),
        "real call": str(result),
        "agree": agree(explanation, result),
    }


def predict_and_call(action=None, resource=None, role=ROLE):
    """A table comparing prediction and real call (whole cells, no index): for one action, or every supported one."""
    if not role_exists(role):
        return None
    pairs = [(action, resource)] if action else [(a, None) for a in CALLS]
    return Table([compare(a, r, role) for a, r in pairs])


def decision_html(explanation):
    """The decision in colour and the deciding statement, as HTML."""
    decision, _, rest = explanation.summary().partition(": ")
    colour = explain.COLOURS[decision]
    return f'<b style="color:{colour}">{html.escape(decision)}</b>: {html.escape(rest)}'
