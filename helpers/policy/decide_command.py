"""`python -m helpers decide FILE...`: decide requests and explain each (chapter 08 (How AWS really decides)).

Each FILE holds one request (a JSON object, the format in request.py) or a JSON
array of them. Without --json each decision is printed as readable text: the
summary, the evaluation path and every statement consulted. With --json one
JSON array is printed, an object per request in order (Decision.to_dict()).

Exit status: 0 when every request was decided (allowed or denied); 2, after one
line on standard error naming the file, the request's index and the key at
fault, when a file cannot be read or a request is malformed. Nothing is decided
then, and no traceback is shown.
"""

import json
import sys

from helpers.policy.decision import ALLOWED, EXPLICIT_DENY
from helpers.policy.evaluate import decide
from helpers.policy.request import Request, RequestError

MALFORMED = 2
_MARK = {ALLOWED: "ALLOWED", EXPLICIT_DENY: "EXPLICIT DENY"}


class InputError(Exception):
    """A file or request that cannot be decided; the message is the one line to print."""


def load_requests(path):
    """The `Request`s in one file, or raise InputError naming the file, index and key."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not valid JSON ({error})") from None
    items = data if isinstance(data, list) else [data]
    requests = []
    for index, item in enumerate(items):
        try:
            requests.append(Request.from_dict(item))
        except RequestError as error:
            raise InputError(f"{path}: request {index}: {error}") from None
    return requests


def _statement_lines(policy):
    """The lines that explain one consulted policy, statement by statement."""
    lines = [f"    {policy.label}: {policy.outcome}"]
    for statement in policy.statements:
        mark = "applies" if statement.applies else "does not apply"
        lines.append(f"      statement {statement.index + 1} ({statement.effect}) {mark}: {statement.reason}")
        for condition in statement.conditions:
            shown = "absent" if condition.request_values is None else condition.request_values
            lines.append(
                f"        {condition.operator} {condition.key}: request {shown}, policy "
                f"{condition.policy_values} -> {str(condition.matched).lower()} ({condition.reason})"
            )
    return lines


def format_decision(decision, number):
    """A decision as readable text: summary, the evaluation path, then every policy consulted."""
    lines = [
        f"Request {number}: {_MARK.get(decision.decision, 'IMPLICIT DENY')}",
        f"  {decision.summary()}",
        "  Evaluation path:",
    ]
    lines += [f"    {i}. {step.name}: {step.outcome} - {step.detail}" for i, step in enumerate(decision.steps, 1)]
    if decision.policies:
        lines.append("  Policies consulted:")
        for policy in decision.policies:
            lines += _statement_lines(policy)
    return "\n".join(lines)


def run(paths, as_json=False, out=None, err=None):
    """Decide every request in `paths`, print the decisions (to `out`, errors to `err`), return the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        requests = [r for path in paths for r in load_requests(path)]
    except InputError as error:
        print(error, file=err)
        return MALFORMED
    try:
        decisions = [decide(r) for r in requests]
    except Exception as error:  # a defect of the engine: still one line, never a traceback
        print(f"cannot decide: {type(error).__name__}: {error}", file=err)
        return MALFORMED
    if as_json:
        json.dump([d.to_dict() for d in decisions], out, indent=1)
        out.write("\n")
    else:
        out.write("\n\n".join(format_decision(d, n) for n, d in enumerate(decisions, 1)) + "\n")
    return 0
