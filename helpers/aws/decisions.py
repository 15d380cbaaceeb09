"""The decisions the lab's evaluator made for real requests, newest last (chapters 05 and 08).

Every request that IAM checks in the lab (the instance's, or a user's or role's a chapter
creates) is decided by helpers.policy.evaluate; the decision and the request it decided
are kept here, so a notebook can show why the last call was allowed or denied.
"""

from collections import deque
from dataclasses import dataclass

KEPT = 50


@dataclass(frozen=True)
class Made:
    """One decision and the request (in the evaluator's format) it decided."""

    decision: object
    request: dict


_made = deque(maxlen=KEPT)
_count = 0  # decisions recorded since the kernel started (only the newest KEPT are kept)


def record(decision, request):
    """Keep one decision."""
    global _count
    _made.append(Made(decision, request))
    _count += 1


def count():
    """How many decisions were recorded so far (a mark for `since`)."""
    return _count


def since(mark):
    """The decisions recorded after `mark` (a `count()`), oldest first; at most the newest KEPT."""
    return list(_made)[-(_count - mark) :] if _count > mark else []


def last(action=None):
    """The newest decision (for `action`, if given, ignoring case), or None."""
    wanted = action.lower() if action else None
    return next((m for m in reversed(_made) if wanted in (None, m.decision.action.lower())), None)


def clear():
    """Forget every decision (lab.start and lab.reset do)."""
    _made.clear()
