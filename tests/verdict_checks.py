"""What the exercise tests of chapters 01-05 share: a checker's messages try by try, counted from zero."""

import json

from helpers.teach import verdicts

BUCKET = "arn:aws:s3:::ut-wordpress-s3"


def tries(checker, answer, count=3):
    """The checker's messages for `count` tries of the same answer, its try count reset first."""
    verdicts._tries.pop(checker.key, None)
    return [checker(answer).message for _ in range(count)]


def rejects(checker, answer, *texts):
    """Assert "Not yet" on the first try and every text in the second try's message (concepts and details)."""
    first, second = tries(checker, answer, 2)
    assert first.startswith("Not yet:"), first
    for text in texts:
        assert text in second, second
    return first, second


def progressive(checker, answer, concept, detail):
    """Assert the levels of one hint: the concept alone first, the detail from the second try, the solution third."""
    first, second, third = tries(checker, answer, 3)
    assert concept in first and detail not in first, first
    assert concept in second and detail in second and "Show a solution" not in second, second
    assert "Show a solution" in third, third
    return first


def policy(*statements):
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def allow(action, resource):
    """One Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource}
