"""Exercises of chapter 02 (helpers/teach/role.py): repair a trust policy, and read four trust policies."""

import json
from pathlib import Path

import nbformat
from verdict_checks import policy, progressive, rejects, tries

from helpers.instance.credentials import trusts
from helpers.teach import exercises as ex
from helpers.teach import role

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02-Role.ipynb"

# --- 2.1 a broken trust policy -------------------------------------------------------------


def test_trust_starter_shows_where_first_and_the_suggestion_from_the_second_try():
    progressive(
        role.check_trust_policy,
        ex.STARTERS["02-trust"],
        'line 7, col 20: misspelled service principal "ec2.amazonaws.co"',
        "did you mean ec2.amazonaws.com?",
    )
    _, second = tries(role.check_trust_policy, ex.STARTERS["02-trust"], 2)
    assert "line 9, col 17: unknown action sts:AssumeRoles" in second and "did you mean sts:AssumeRole?" in second


def test_trust_starter_says_aws_refuses_it():
    """AWS does not store the starter: IAM answers MalformedPolicyDocument (create-role fails)."""
    first, second = rejects(
        role.check_trust_policy,
        ex.STARTERS["02-trust"],
        "AWS would refuse this trust policy with MalformedPolicyDocument",
        '"ec2.amazonaws.co" — IAM says: "Invalid principal in policy" (did you mean ec2.amazonaws.com?)',
        'sts:AssumeRoles — IAM says: "AssumeRole policy may only specify STS AssumeRole actions."',
    )
    assert "IAM says" in first and "store" not in second


def test_trust_lint_errors_aws_accepts_get_no_refusal_lead():
    """Only errors IAM is known to refuse get the MalformedPolicyDocument lead."""
    answer = trust({"Service": "ec2.amazonaws.com"}).replace('"Allow"', '"Alow"')
    _, second = rejects(role.check_trust_policy, answer, 'invalid Effect "Alow" (did you mean Allow?)')
    assert "IAM says" not in second


def test_trust_needs_version():
    document = json.loads(role.TRUST_SOLUTION)
    del document["Version"]
    rejects(role.check_trust_policy, document, 'add "Version": "2012-10-17"')


def trust(principal, action="sts:AssumeRole", **extra):
    """A trust policy as JSON text."""
    return policy({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def test_trust_wrong_service():
    rejects(
        role.check_trust_policy,
        trust({"Service": "lambda.amazonaws.com"}),
        "this trust policy trusts Service: lambda.amazonaws.com, but the role must trust ec2.amazonaws.com",
    )


def test_trust_with_resource_or_anyone():
    rejects(
        role.check_trust_policy,
        trust({"Service": "ec2.amazonaws.com"}, Resource="*"),
        "line 10, col 7: Resource does not belong in a trust policy",
    )
    rejects(role.check_trust_policy, trust("*"), 'Principal "*" lets anyone assume the role')


def test_trust_wrong_action_and_deny():
    rejects(role.check_trust_policy, trust({"Service": "ec2.amazonaws.com"}, "sts:TagSession"), "sts:AssumeRole")
    denied = role.TRUST_SOLUTION.replace('"Allow"', '"Deny"')
    rejects(role.check_trust_policy, denied, '"Effect": "Allow"')


# --- 2.2 who may assume the role -----------------------------------------------------------


def test_who_may_assume_solution_is_what_the_lab_decides_at_login():
    """The expected answers are the lab's evaluator's, the same that decides `session.login`."""
    assert ex.SOLUTIONS["02-who-may-assume"] == {n: trusts(c.document) for n, c in enumerate(role.WHO_MAY_ASSUME, 1)}


def test_who_may_assume_names_no_policy_on_the_first_try():
    """Each answer is True or False: naming the wrong ones at once would hand over the answer."""
    first = progressive(
        role.check_who_may_assume,
        ex.STARTERS["02-who-may-assume"],
        "for each policy, read who its Principal names, what its Effect and Action say, and every statement",
        "trust policy 2: look again at who its Principal names; trust policy 3: look again at what its second",
    )
    assert "2 of 4 right" in first and "trust policy 2" not in first and "trust policy 3" not in first


def test_who_may_assume_all_false():
    first, second = rejects(
        role.check_who_may_assume,
        {1: False, 2: False, 3: False, 4: False},
        "2 of 4 right",
        "trust policy 1: look again at its Principal, which names more than one service",
        "trust policy 4: look again at every statement, not only the first",
    )
    assert "trust policy 1" not in first


def test_every_trust_case_explains_itself_in_the_notebooks_solution():
    text = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, 4).cells)
    for case in role.WHO_MAY_ASSUME:
        assert case.why[1:] in text  # the notebook capitalises the first letter


def test_who_may_assume_odd_answers():
    rejects(role.check_who_may_assume, {1: True}, "trust policy 2: no answer yet: write True (EC2 may assume it)")
    rejects(role.check_who_may_assume, ["yes", False, False, True], "trust policy 1: answer True or False, not 'yes'")
    rejects(role.check_who_may_assume, {"one": True}, "answer with a dict {1: True, ..., 4: False}")


def test_notebook_shows_the_four_trust_policies():
    text = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, 4).cells)
    for number, case in enumerate(role.WHO_MAY_ASSUME, 1):
        assert role.case_markdown(number, case) in text
