"""A checker's verdict on a learner's answer, and the rule that a checker never raises (chapter 01).

Every exercise checker returns a `Verdict` that shows as "Correct! ..." or
"Not yet: <hint>". `@checker` wraps a checker so that an unexpected error in
checking becomes a "Not yet" message, never a traceback.
"""

import functools
from dataclasses import dataclass


@dataclass
class Verdict:
    """A checker's answer: ok, and the message the learner reads."""

    ok: bool
    message: str

    def __str__(self):
        """The message."""
        return self.message

    __repr__ = __str__


def correct(note=""):
    """A passing verdict."""
    return Verdict(True, "Correct!" + (f" {note}" if note else ""))


def not_yet(*hints, lead=""):
    """A failing verdict with one hint, or a list of them after an optional lead line."""
    if len(hints) == 1 and not lead:
        return Verdict(False, f"Not yet: {hints[0]}")
    return Verdict(False, f"Not yet: {lead}".rstrip() + "\n" + "\n".join(f"- {hint}" for hint in hints))


def checker(function):
    """Wrap a checker so that an unexpected error becomes a message, never a traceback."""

    @functools.wraps(function)
    def wrapped(answer):
        """Check the answer; an error in checking becomes a "Not yet" verdict."""
        try:
            return function(answer)
        except Exception as error:  # a learner's answer must never end in a traceback
            return not_yet(f"could not check this answer ({type(error).__name__}: {error})")

    return wrapped
