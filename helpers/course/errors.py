"""Errors a cell shows as one line, without a traceback (introduced in chapter 00).

`lab.start` registers a handler that prints these as `Kind: message`: the cell still
fails (so nbval and the learner notice), but nothing of the lab's insides is shown.
"""


class LabError(Exception):
    """A problem a learner can fix; its message says what is wrong and how to fix it."""


class CheckFailed(LabError, AssertionError):
    """A check a cell makes did not hold (e.g. a request expected to be denied was allowed)."""
