"""The chain across policy types that decides a request: `decide(request)` (chapter 08 (How AWS really decides)).

The path follows https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
and, across accounts, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html:
1. explicit deny check: a Deny that applies in any policy ends it (explicitDeny);
2. actions AWS reserves (aws_managed.py) are refused whatever the policies say;
3. RCPs, then SCPs: every level of the organization must allow (a level with no
   policy allows nothing);
4. the VPC endpoint policy must allow ("An endpoint policy does not override or
   replace identity-based policies or resource-based policies",
   https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html);
5. the resource policy. Within one account its Allow is enough when it names the
   caller itself: an IAM user, a role session, a federated user session, or
   everyone ("*"); a grant to the role's ARN "is limited by an implicit deny in a
   permissions boundary or session policy"; a grant to the account delegates to
   the account, whose identity policies must allow. Across accounts "the request
   is allowed only if both evaluations return true" (the resource policy of the
   trusting account and the identity side of the trusted one);
6. identity policies (the account root user needs none), 7. the permissions
   boundary, 8. the session policy: each must allow. A federated user session
   without a session policy has no permissions.
"""

from helpers.policy.aws_managed import aws_refusal, needs_no_permission, resource_policy_required
from helpers.policy.consult import applying, consult
from helpers.policy.decision import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, Decision, Step

DIRECT_GRANTS = ("user", "session", "federated", "root", "service", "everyone")
_GRANT_ORDER = ("account", "role", *DIRECT_GRANTS)


class Decided(Exception):
    """Raised by a step that reaches the final decision."""

    def __init__(self, decision, reason, statement=None):
        super().__init__(reason)
        self.decision, self.reason, self.statement = decision, reason, statement


class Chain:
    """One run of the evaluation path: the steps taken so far and the policies' results."""

    def __init__(self, request, consulted):
        self.request, self.consulted, self.steps = request, consulted, []
        self.deciding = []  # the Allow statements that the final "allowed" names

    def step(self, name, outcome, detail, statements=()):
        """Record a step of the path; raise Decided when it decides."""
        self.steps.append(Step(name, outcome, detail, [s.label for s in statements]))
        if outcome in (ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY):
            raise Decided(outcome, detail, statements[0] if statements else None)

    def explicit_deny(self):
        """Step 1: any Deny that applies, in any policy, ends the evaluation."""
        denies = applying(self.consulted.all_results(), "Deny")
        if denies:
            self.step("explicit deny check", EXPLICIT_DENY, f"{denies[0].label} denies it", denies)
        self.step("explicit deny check", "continue", "no Deny statement applies")

    def aws_managed(self):
        """Step 2: what AWS itself refuses, whatever the policies allow."""
        reason = aws_refusal(self.request.action, self.request.resource)
        if reason:
            self.step("AWS-managed resource", IMPLICIT_DENY, reason)

    def organization(self, name, levels):
        """Steps 3: every level of the organization must have an Allow that applies (RCPs or SCPs)."""
        if levels is None:
            self.step(name, "not applicable", self.why_not_applicable(name))
            return
        for number, level in enumerate(levels, 1):
            if not applying(level, "Allow"):
                what = "have no policy attached" if not level else "include no Allow statement that applies"
                self.step(name, IMPLICIT_DENY, f"the {name} at level {number} of the organization (root = 1) {what}")
        allows = [applying(level, "Allow")[0] for level in levels]
        self.step(name, "continue", f"every level of the organization allows it ({len(levels)} levels)", allows)

    def why_not_applicable(self, name):
        """Why no SCPs or RCPs count for this request."""
        service = self.request.action.split(":")[0]
        if name == "RCPs" and self.request.rcps is not None:
            return f"the organization has RCPs, but {service} is not among the services RCPs apply to"
        return f"no {name} apply to this request"

    def endpoint(self):
        """Step 4: the VPC endpoint policy must allow the request."""
        results = self.consulted.endpoint
        if results is None:
            self.step("VPC endpoint policy", "not applicable", "the request did not pass through a VPC endpoint")
            return
        allows = applying(results, "Allow")
        if not allows:
            self.step("VPC endpoint policy", IMPLICIT_DENY, "the VPC endpoint policy does not allow it")
        self.step("VPC endpoint policy", "continue", f"{allows[0].label} allows it", allows)

    def grant(self):
        """The strongest grant among the resource policy's Allow statements that apply, and those statements."""
        if self.consulted.resource is None:
            return None, []
        allows = applying([self.consulted.resource], "Allow")
        if not allows:
            return None, []
        best = max(allows, key=lambda s: _GRANT_ORDER.index(s.grant))
        return best.grant, [best]

    def resource_policy(self):
        """Step 5: what the resource policy contributes; return True when the identity side may be skipped."""
        grant, allows = self.grant()
        same = self.request.same_account
        if self.request.caller.account is None:
            self._without_identity(grant, allows)
        if not same:
            return self._cross_account(grant, allows)
        if grant in DIRECT_GRANTS:
            self.step("resource policy", ALLOWED, f"{allows[0].label} allows it for the caller itself", allows)
        if grant == "role":
            self.step(
                "resource policy",
                "continue",
                f"{allows[0].label} allows the role; the boundary and session policy still limit it",
                allows,
            )
            self.deciding = allows
            return True
        self._delegation(grant, allows)
        return False

    def _without_identity(self, grant, allows):
        """Anonymous callers and AWS services have no identity policies: the resource policy alone decides."""
        if grant is None:
            self.step("resource policy", IMPLICIT_DENY, "no resource policy statement allows this caller")
        self.step("resource policy", ALLOWED, f"{allows[0].label} allows it", allows)

    def _cross_account(self, grant, allows):
        """Across accounts the resource policy must allow, and then the identity side too."""
        if grant is None:
            self.step(
                "resource policy",
                IMPLICIT_DENY,
                "the resource is in another account "
                f"({self.request.resource_account}) and its resource policy does not allow the caller",
            )
        self.step(
            "resource policy",
            "continue",
            f"{allows[0].label} allows it; across accounts the identity side must allow too",
            allows,
        )
        return False

    def _delegation(self, grant, allows):
        """Within the account: a grant to the account, or none, leaves the decision to the identity side."""
        required = resource_policy_required(self.request.action, self.request.resource)
        if grant is None and required:
            self.step("resource policy", IMPLICIT_DENY, required)
        if grant == "account":
            self.step(
                "resource policy",
                "continue",
                f"{allows[0].label} allows the account: its identity policies must allow",
                allows,
            )
        elif self.consulted.resource is not None:
            self.step("resource policy", "continue", "no resource policy statement allows the caller")
        else:
            self.step("resource policy", "not applicable", "the resource has no resource-based policy")

    def identity(self):
        """Step 6: an identity-based policy must allow (the account root user needs none)."""
        if self.request.caller.kind == "root":
            self.step("identity policies", "continue", "the account root user has full access in its account")
            return
        allows = applying(self.consulted.identity or [], "Allow")
        if not allows:
            self.step("identity policies", IMPLICIT_DENY, "no identity-based policy allows it")
        self.step("identity policies", "continue", f"{allows[0].label} allows it", allows)
        self.deciding = self.deciding or allows

    def boundary(self):
        """Step 7: the permissions boundary, when attached, must allow."""
        if self.consulted.boundary is None:
            self.step("permissions boundary", "not applicable", "the principal has no permissions boundary")
            return
        allows = applying(self.consulted.boundary, "Allow")
        if not allows:
            self.step("permissions boundary", IMPLICIT_DENY, "the permissions boundary does not allow it")
        self.step("permissions boundary", "continue", f"{allows[0].label} allows it", allows)

    def session(self):
        """Step 8: the session policy, when the session has one, must allow."""
        if self.consulted.session is None:
            if self.request.caller.kind == "federated":
                self.step(
                    "session policy",
                    IMPLICIT_DENY,
                    "a federated user session without a session policy has no permissions",
                )
            self.step("session policy", "not applicable", "the request was not made with a session policy")
            return
        allows = applying([self.consulted.session], "Allow")
        if not allows:
            self.step("session policy", IMPLICIT_DENY, "the session policy does not allow it")
        self.step("session policy", "continue", f"{allows[0].label} allows it", allows)

    def run(self):
        """Walk the path until a step decides."""
        self.explicit_deny()
        self.aws_managed()
        self.organization("RCPs", self.consulted.rcps)
        self.organization("SCPs", self.consulted.scps)
        self.endpoint()
        if not self.resource_policy():
            self.identity()
        self.boundary()
        self.session()
        why = f"{self.deciding[0].label} allows it" if self.deciding else "the account root user has full access"
        self.step("all checks passed", ALLOWED, f"{why}, and no other policy limits it", self.deciding)


def decide(request):
    """Decide one `Request`: the `Decision` with its explanation."""
    if needs_no_permission(request.action):
        steps = [Step("no permission needed", ALLOWED, f"{request.action} needs no permission and cannot be denied")]
        return _decision(request, None, steps, Decided(ALLOWED, steps[0].detail))
    consulted = consult(request)
    chain = Chain(request, consulted)
    try:
        chain.run()
    except Decided as decided:
        return _decision(request, consulted, chain.steps, decided)
    raise AssertionError("the evaluation path ended without a decision")


def _decision(request, consulted, steps, decided):
    """The `Decision` for a finished path."""
    return Decision(
        decided.decision,
        request.action,
        request.resource,
        request.principal,
        steps[-1].name,
        decided.reason,
        decided.statement,
        steps,
        consulted.all_results() if consulted else [],
        request.same_account,
    )
