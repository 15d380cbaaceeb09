"""Predicting which calls the role may make, checked against its policies now (chapters 02 and 03).

The learner answers {1: True, 2: False, ...}; each prediction is compared with
helpers.policy.explain's decision under the policies the role has in the backend.
A wrong one gets a Hint: first what to compare, from the second try the reason.
"""

from dataclasses import dataclass

from helpers.course.article import ROLE
from helpers.policy import explain
from helpers.steps import role_policies
from helpers.teach.answers import missing_role
from helpers.teach.verdicts import Hint, correct, not_yet


@dataclass(frozen=True)
class Request:
    """A command the learner predicts, and the action and resource IAM checks for it."""

    command: str
    action: str
    resource: str


def prediction_problem(number, value, yes="allowed", no="AccessDenied", item="call"):
    """The hint when the answer for `item` `number` is not a real boolean, else None."""
    if isinstance(value, bool):
        return None
    if value is None:
        return f"{item} {number}: no answer yet: write True ({yes}) or False ({no})"
    if isinstance(value, str):
        return f"{item} {number}: answer True or False, not {value!r} (Python's True and False, without quotes)"
    return f"{item} {number}: answer True ({yes}) or False ({no}), not {value!r}"


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


METHOD = (
    "for each call, look for a statement whose Action covers the call's action and whose Resource covers its resource"
)


def why(number, request, explanation):
    """Why one prediction is wrong: the call, what it needs, and explain's decision."""
    needs = f"call {number} (`{request.command}`) needs {request.action} on {request.resource}"
    if explanation.allowed:
        return f"{needs}: {explanation.deciding} allows it"
    if explanation.decision == "explicit deny":
        return f"{needs}: it is denied by {explanation.deciding}"
    return f"{needs}: no statement of the role's policies allows that (implicit deny)"


def wrong_hint(reasons, method=METHOD):
    """One hint for every wrong prediction: how to decide first (naming none), which and why from the second try.

    Naming the wrong ones at once would hand over the answer: each is True or False.
    """
    return Hint(method, "; ".join(reasons))


def check_predictions(answer, requests, role=ROLE):
    """Compare predicted outcomes with explain's decisions under the role's policies now."""
    given = predictions(answer, len(requests))
    if given is None:
        return not_yet(
            f"answer with a dict {{1: True, ..., {len(requests)}: False}} (True = allowed, False = AccessDenied)"
        )
    verdict = missing_role(role)
    if verdict:
        return verdict
    documents = role_policies.documents(role)
    if not documents:
        return not_yet(f"{role} has no policies yet: run this chapter's attach cells first")
    hints, reasons, right = [], [], 0
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
            reasons.append(why(number, request, explanation))
    hints += [wrong_hint(reasons)] if reasons else []
    if hints:
        return not_yet(*hints, lead=f"{right} of {len(requests)} right.")
    return correct(f"All {len(requests)} right, judged by the policies {role} has now ({', '.join(documents)}).")
