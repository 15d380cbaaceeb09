"""How IAM decided a request, shown: the path drawn, every statement explained (chapters 05 and 08).

`why()` shows the lab's latest decision for a real call (helpers.aws.decisions keeps
them); `decision(d)` shows any Decision of helpers.policy.evaluate; `mark()` and
`requests_since(mark)` list every request IAM decided in between (chapter 07). Each shows the
verdict in one sentence, a Mermaid flowchart of AWS's evaluation path with the step that
decided in colour, and a table of every statement consulted: whether its action,
resource, principal and conditions matched, and why.
"""

import html

from IPython.display import HTML, display

from helpers.aws import decisions
from helpers.course.frames import Table
from helpers.show.diagrams import mermaid

# AWS's order of evaluation (the evaluator's step names) -> the question each step asks.
PATH = [
    ("explicit deny check", "Does a Deny in any policy apply?"),
    ("RCPs", "Do the resource control policies allow it?"),
    ("SCPs", "Do the service control policies allow it?"),
    ("VPC endpoint policy", "Does the VPC endpoint policy allow it?"),
    ("resource policy", "Does the resource's own policy allow it?"),
    ("identity policies", "Do the identity-based policies allow it?"),
    ("permissions boundary", "Does the permissions boundary allow it?"),
    ("session policy", "Does the session policy allow it?"),
]
VERDICTS = {"allowed": "Allowed", "explicitDeny": "Explicit deny", "implicitDeny": "Implicit deny"}
COLOURS = {"allowed": "#1a7f37", "explicitDeny": "#cf222e", "implicitDeny": "#9a6700"}
COLUMNS = ["policy", "statement", "effect", "applies", "action", "resource", "principal", "conditions", "why"]


def why(action=None):
    """Show the lab's latest decision for a real call (for `action`, if given)."""
    made = decisions.last(action)
    if made is None:
        wanted = f" for {action}" if action else ""
        print(f"No decision{wanted} yet: run an `aws ...` command on the instance (%instance) first.")
        return None
    return decision(made.decision)


def mark():
    """A mark in the lab's decisions: `requests_since(mark)` lists what IAM decided after it."""
    return decisions.count()


def requests_since(mark):
    """One row per request IAM decided since `mark`: action, resource, decision, and the statement that allowed it."""
    rows = [_request_row(made.decision) for made in decisions.since(mark)]
    return Table(rows, columns=["action", "resource", "decision", "allowed by"])


def _request_row(result):
    """A decided request's row."""
    statement = result.deciding_statement
    allowed = result.decision == "allowed" and statement is not None
    return {
        "action": result.action,
        "resource": result.resource,
        "decision": VERDICTS[result.decision],
        "allowed by": statement.label if allowed else "-",
    }


def decision(result):
    """Display one Decision: the verdict, the path drawn, every statement consulted."""
    display(HTML(verdict_html(result)))
    display(flowchart(result))
    display(statement_table(result))


def verdict_html(result):
    """The decision in colour and the reason, as HTML."""
    colour = COLOURS[result.decision]
    return (
        f'<p><b style="color:{colour}">{VERDICTS[result.decision]}</b>: {html.escape(result.action)} on '
        f"{html.escape(result.resource)} by {html.escape(result.principal)} &mdash; {html.escape(result.reason)}.</p>"
    )


def flowchart(result):
    """AWS's evaluation path as a Mermaid flowchart: steps taken, skipped, and the one that decided."""
    taken = {step.name: step for step in result.steps}
    lines = ["flowchart TB", '    start(["Request"])']
    previous = "start"
    for number, (name, question) in enumerate(PATH):
        node = f"s{number}"
        step = taken.get(name)
        lines.append(f'    {node}["{_label(question, step)}"]')
        lines.append(f"    {previous} --> {node}")
        lines.append(f"    class {node} {_style(step, result)}")
        previous = node
    final = "allowed" if result.decision == "allowed" else "denied"
    lines += [f'    end_(["{VERDICTS[result.decision]}"])', f"    {previous} --> end_", f"    class end_ {final}"]
    lines += [
        "    classDef allowed fill:#dafbe1,stroke:#1a7f37,stroke-width:3px",
        "    classDef denied fill:#ffebe9,stroke:#cf222e,stroke-width:3px",
        "    classDef passed fill:#f6f8fa,stroke:#57606a",
        "    classDef skipped fill:#ffffff,stroke:#d0d7de,stroke-dasharray:4 3,color:#8c959f",
        "    classDef unreached fill:#ffffff,stroke:#eaeef2,color:#d0d7de",
    ]
    return mermaid("\n".join(lines))


def _label(question, step):
    """A step's node text: the question, and what this request found there."""
    found = "not reached" if step is None else step.detail
    return f"{question}<br/><i>{html.escape(found).replace('&quot;', '#quot;')}</i>"


def _style(step, result):
    """The class of a step's node: where the decision was made, passed, not applicable, or not reached."""
    if step is None:
        return "unreached"
    if step.name == result.deciding_step and step.outcome in ("allowed", "explicitDeny", "implicitDeny"):
        return "allowed" if step.outcome == "allowed" else "denied"
    return "skipped" if step.outcome == "not applicable" else "passed"


def statement_table(result):
    """One row per statement of every policy consulted, and why it applied or not (whole cells, no index)."""
    rows = [_row(statement) for policy in result.policies for statement in policy.statements]
    return Table(rows, columns=COLUMNS)


def _row(statement):
    """One statement's row."""
    conditions = "; ".join(c.describe() for c in statement.conditions) or "-"
    principal = "-" if statement.principal_matched is None else _yes(statement.principal_matched)
    return {
        "policy": statement.policy_label,
        "statement": statement.index + 1 if not statement.sid else f"{statement.index + 1} ({statement.sid})",
        "effect": statement.effect,
        "applies": _yes(statement.applies),
        "action": _yes(statement.action_matched),
        "resource": _yes(statement.resource_matched),
        "principal": principal,
        "conditions": conditions,
        "why": statement.reason,
    }


def _yes(flag):
    """'yes' or 'no'."""
    return "yes" if flag else "no"
