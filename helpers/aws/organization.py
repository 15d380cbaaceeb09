"""A simulated AWS Organization above the lab's account, for chapter 08's SCPs and RCPs.

On AWS, an account that belongs to an organization is limited by the service control
policies (SCPs) and resource control policies (RCPs) attached to the organization's
root, to each organizational unit (OU) on the way down, and to the account itself;
every level must allow a request. They are set from the organization's management
account, and they never limit that management account itself
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).

The emulator holds one account, so the lab simulates the organization that account
would be a member of: a root, one OU ("Workloads") and the lab's account, each with
AWS's default full-access policy attached (`FullAWSAccess`, `RCPFullAWSAccess`), as
AWS attaches them when the policy types are enabled. A chapter attaches its own
policies with `attach_scp` / `attach_rcp`; `lab.start` leaves the organization.
`FullAWSAccess` may be detached, as on AWS; `RCPFullAWSAccess` may not ("You cannot
detach this policy", orgs_manage_policies_rcps_evaluation.html), so an RCP denies only
with a Deny statement.
"""

import json
from dataclasses import dataclass, field

from helpers.course.errors import LabError

LEVELS = ("root", "ou", "account")
FULL_AWS_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_FULL_AWS_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


@dataclass
class Organization:
    """The policies attached at each level (root, OU, account), SCPs and RCPs apart."""

    scps: dict = field(default_factory=lambda: {level: {"FullAWSAccess": FULL_AWS_ACCESS} for level in LEVELS})
    rcps: dict = field(default_factory=lambda: {level: {"RCPFullAWSAccess": RCP_FULL_AWS_ACCESS} for level in LEVELS})


_current = None


def join():
    """Make the lab's account a member of a new simulated organization (default policies only)."""
    global _current
    _current = Organization()
    return _current


def leave():
    """No organization any more: no SCP or RCP limits the account."""
    global _current
    _current = None


def current():
    """The simulated organization, or None when the account belongs to none."""
    return _current


def _attach(kind, name, document, level):
    """Attach a policy of `kind` ("scps" or "rcps") at one level, joining an organization first if needed.

    `document` is a dict or its JSON text (as a notebook shows it).
    """
    if level not in LEVELS:
        raise LabError(f"level must be one of {', '.join(LEVELS)}, not {level!r}.")
    org = _current or join()
    getattr(org, kind)[level][name] = json.loads(document) if isinstance(document, str) else document


def attach_scp(name, document, level="account"):
    """Attach a service control policy at the root, the OU or the account."""
    _attach("scps", name, document, level)


def attach_rcp(name, document, level="account"):
    """Attach a resource control policy at the root, the OU or the account."""
    _attach("rcps", name, document, level)


def detach(name, level="account"):
    """Detach the SCP or RCP named `name` from one level; LabError for RCPFullAWSAccess, which AWS keeps attached."""
    if level not in LEVELS:
        raise LabError(f"level must be one of {', '.join(LEVELS)}, not {level!r}.")
    if name == "RCPFullAWSAccess":
        raise LabError(
            "RCPFullAWSAccess cannot be detached: AWS keeps it at every level while RCPs are enabled, "
            "so RCPs limit only with Deny statements (attach an RCP that denies instead; "
            "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html)."
        )
    if _current is not None:
        _current.scps[level].pop(name, None)
        _current.rcps[level].pop(name, None)


def levels(kind):
    """The documents of each level, root first, for the evaluator; None outside an organization."""
    if _current is None:
        return None
    return [list(getattr(_current, kind)[level].values()) for level in LEVELS]


def names(kind):
    """The names of each level's policies, root first (matching `levels`); [] outside an organization."""
    if _current is None:
        return []
    return [[f"{name} ({level})" for name in getattr(_current, kind)[level]] for level in LEVELS]
