"""A checker's verdict on a learner's answer: feedback that guides, and never a traceback (chapter 01).

Every exercise checker returns a `Verdict` that shows as "Correct! ..." or "Not yet:
<hints>". A hint is plain text, or a `Hint(concept, detail)`: on the first wrong try the
learner reads only the concept to think about; from the second try on, the detail too;
from the third, a pointer to the solution under "Show a solution". `@checker` wraps a
checker: it counts the tries of each exercise in this kernel, and an unexpected error
in checking becomes a "Not yet" message, never a traceback.
"""

import functools
from dataclasses import dataclass, field

SOLUTION_AFTER = 3  # from this try on, the learner is pointed at the solution
MISSING = object()  # no answer given
_tries = {}  # exercise key -> how many times its checker ran in this kernel


@dataclass(frozen=True)
class Hint:
    """A hint in two steps: the concept (shown at once) and the detail (shown from the second try)."""

    concept: str
    detail: str = ""

    def text(self, attempt):
        """The hint as the learner reads it on this try."""
        return f"{self.concept} ({self.detail})" if self.detail and attempt >= 2 else self.concept


@dataclass
class Verdict:
    """A checker's answer: ok, the hints (text or Hint), a closing note, and which try this was."""

    ok: bool
    hints: list = field(default_factory=list)
    lead: str = ""
    note: str = ""
    attempt: int = 1

    @property
    def message(self):
        """What the learner reads."""
        if self.ok:
            return "Correct!" + (f" {self.note}" if self.note else "")
        texts = [h.text(self.attempt) if isinstance(h, Hint) else h for h in self.hints]
        if len(texts) == 1 and not self.lead:
            body = f"Not yet: {texts[0]}"
        else:
            body = f"Not yet: {self.lead}".rstrip() + "\n" + "\n".join(f"- {t}" for t in texts)
        if self.attempt >= SOLUTION_AFTER and any(isinstance(h, Hint) for h in self.hints):
            body += "\n(Still stuck? The solution is under *Show a solution* below the exercise.)"
        return body

    def __str__(self):
        """The message."""
        return self.message

    __repr__ = __str__


def correct(note=""):
    """A passing verdict."""
    return Verdict(True, note=note)


def not_yet(*hints, lead=""):
    """A failing verdict with one hint, or a list of them after an optional lead line."""
    return Verdict(False, list(hints), lead)


def tries(key):
    """How many times the checker of exercise `key` ran in this kernel."""
    return _tries.get(key, 0)


def forget_tries():
    """Start every exercise's count of tries again (lab.start does, so a chapter run again reads the same)."""
    _tries.clear()


def checker(key):
    """Make a function the checker of exercise `key` ("03-five-calls"): tries counted, never a traceback."""

    def wrap(function):
        """The checker itself, wrapped."""

        @functools.wraps(function)
        def wrapped(answer=MISSING):
            """Check the answer; an error in checking becomes a "Not yet" verdict."""
            if answer is MISSING:
                return not_yet(f"give your answer to the checker, e.g. exercises.{function.__name__}(my_answer)")
            _tries[key] = _tries.get(key, 0) + 1
            try:
                verdict = function(answer)
            except Exception as error:  # a learner's answer must never end in a traceback
                verdict = not_yet(f"could not check this answer ({type(error).__name__}: {error})")
            verdict.attempt = _tries[key]
            return verdict

        wrapped.key = key
        return wrapped

    return wrap
