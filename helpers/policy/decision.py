"""The explanation of a decision, as data for learners and diagrams (chapter 08 (How AWS really decides)).

A `Decision` holds the final answer ("allowed", "explicitDeny" or "implicitDeny",
the words of AWS's policy simulator), the ordered evaluation path (`Step`s: the
explicit-deny check, RCPs, SCPs, VPC endpoint policy, resource policy, identity
policies, permissions boundary, session policy), and for every policy consulted a
`PolicyResult` whose `StatementResult`s say why each statement applied or not,
down to each condition key (`ConditionResult`). `to_dict()` gives plain JSON
data; `summary()` one sentence in plain English.
"""

from dataclasses import asdict, dataclass, field

ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"
_WORDS = {ALLOWED: "Allowed", EXPLICIT_DENY: "Explicitly denied", IMPLICIT_DENY: "Implicitly denied"}


@dataclass
class ConditionResult:
    """One condition key under one operator, with the request's and the policy's values."""

    operator: str
    key: str
    request_values: list | None  # None: the request does not carry the key
    policy_values: list
    matched: bool
    reason: str

    def describe(self):
        """One line for a learner: 'IpAddress aws:SourceIp: request 198.51.100.7, policy 203.0.113.0/24 -> false'."""
        given = ", ".join(self.request_values) if self.request_values else "(not in the request)"
        return f"{self.operator} {self.key}: request {given}, policy {', '.join(self.policy_values)} -> " + (
            "true" if self.matched else "false"
        )


@dataclass
class StatementResult:
    """Why one statement applies to the request or not."""

    policy_type: str
    policy_label: str
    index: int
    sid: str | None
    effect: str
    applies: bool
    action_matched: bool
    action_reason: str
    resource_matched: bool
    resource_reason: str
    principal_matched: bool | None = None  # None: this policy type has no Principal
    principal_reason: str = ""
    grant: str | None = None  # what a Principal naming the caller grants
    conditions: list = field(default_factory=list)
    reason: str = ""

    @property
    def label(self):
        """How a learner reads this statement's place: "identity policy 1, statement 2 (Sid X)"."""
        sid = f" (Sid {self.sid})" if self.sid else ""
        return f"{self.policy_label}, statement {self.index + 1}{sid}"


@dataclass
class PolicyResult:
    """One policy consulted, with every statement's result and its overall outcome."""

    policy_type: str
    label: str
    statements: list
    outcome: str  # "allows", "denies" or "no statement applies"


@dataclass
class Step:
    """One step of the evaluation path, in AWS's order, and what it found."""

    name: str
    outcome: str  # "allow", "explicitDeny", "implicitDeny", "continue" or "not applicable"
    detail: str
    statements: list = field(default_factory=list)  # labels of the statements that decided it


@dataclass
class Decision:
    """The final decision, the step that made it, and the full explanation."""

    decision: str
    action: str
    resource: str
    principal: str
    deciding_step: str
    reason: str
    deciding_statement: StatementResult | None
    steps: list
    policies: list
    same_account: bool | None = None

    def summary(self):
        """One sentence in plain English: the decision, the request and why."""
        return f"{_WORDS[self.decision]}: {self.action} on {self.resource} by {self.principal}, {self.reason}."

    def to_dict(self):
        """The decision as plain JSON-ready data (what `decide --json` prints)."""
        data = asdict(self)
        data["summary"] = self.summary()
        if self.deciding_statement is not None:
            data["deciding_statement"]["label"] = self.deciding_statement.label
        for policy, result in zip(data["policies"], self.policies, strict=True):
            for statement, original in zip(policy["statements"], result.statements, strict=True):
                statement["label"] = original.label
        return data
