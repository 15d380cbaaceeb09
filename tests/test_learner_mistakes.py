"""Mistakes a learner makes, each answered in one clear line that points at the fix, never a traceback.

Every case runs a cell through IPython as a notebook would (the lab's one-line error handler
and magics registered by lab.start), and checks the one line the learner reads.
"""

import pytest
from IPython.testing.globalipapp import get_ipython
from IPython.utils.capture import capture_output

from helpers import lab

IP = get_ipython()


def run(cell, chapter=None, capsys=None):
    """Run one cell as a notebook does (after lab.start(chapter) if given); return (ok, stdout + stderr)."""
    if chapter is not None:
        with capture_output():
            lab.start(chapter=chapter)
    with capture_output() as captured:
        result = IP.run_cell(cell)
    text = captured.stdout + captured.stderr
    assert "Traceback" not in text, text
    return result.success, text


def hint(text):
    """The line that starts with 'Hint: ', without it."""
    found = [line for line in text.splitlines() if line.startswith("Hint: ")]
    assert len(found) == 1, text
    return found[0][len("Hint: ") :]


# --- names and ARNs: what is wrong is said before any chapter is named -------------------------------

ATTACH = "%aws iam attach-role-policy --role-name umemoto-wordpress-role --policy-arn "


@pytest.mark.parametrize(
    "cell,chapter,expected",
    [
        (ATTACH + "arn:aws:iam::xxxxx:policy/S3-Wordpress-ut", 3, "masked account id xxxxx"),
        (ATTACH + "arn:aws:iam::111122223333:policy/S3-Wordpress-ut", 3, "names account 111122223333"),
        (ATTACH + "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", 3, "holds no AWS managed policies"),
        (ATTACH + "arn:aws:iam::123456789012:role/umemoto-wordpress-role", 3, "is the ARN of a role"),
        (ATTACH + "S3-Wordpress-ut", 3, "takes an ARN, not a name"),
        (ATTACH + "arn:aws:iam::123456789012:policy/S3-Wordpres-ut", 3, "Did you mean S3-Wordpress-ut?"),
        ("%aws iam get-policy --policy-arn arn:aws:iam::123456789012:policy/S3-Wordpress-ut", 1, "chapter 01-Policies"),
        (ATTACH + "arn:aws:iam::123456789012:policy/S3-Wordpress-ut", 2, "created in chapter 02-Role"),
        (
            "%aws iam get-role --role-name arn:aws:iam::123456789012:role/umemoto-wordpress-role",
            3,
            "takes the role's name, not its ARN",
        ),
        ("%aws iam get-role --role-name umemoto-wordpress-profile", 5, "is an instance profile, not a role"),
        ("%aws iam get-role --role-name umemoto-wordpres-role", 3, "Did you mean umemoto-wordpress-role?"),
        ("%aws iam get-role --role-name umemoto-wordpress-role", 1, "created in chapter 02-Role"),
        (
            "%aws iam get-instance-profile --instance-profile-name umemoto-wordpress-role",
            5,
            "wants the instance profile that holds it",
        ),
        ("%aws s3 ls s3://ut-wordpress-s4", 6, "Did you mean ut-wordpress-s3"),
        ("%aws s3 ls s3://ut-wordpress-s3", 5, "created in chapter 05-Verification"),
    ],
)
def test_a_wrong_name_or_arn_is_diagnosed_before_a_chapter_is_named(cell, chapter, expected):
    ok, text = run(cell, chapter)
    assert not ok or "error occurred" in text or "validation failed" in text
    assert expected in hint(text)


def test_the_launch_cell_with_the_role_instead_of_the_profile(capsys):
    cell = (
        "%aws ec2 run-instances --image-id ami-0cbec04a61be382d9 --count 1 --instance-type t2.micro "
        "--iam-instance-profile Name=umemoto-wordpress-role"
    )
    _, text = run(cell, 5)
    assert "wants the instance profile that holds it" in hint(text) and "umemoto-wordpress-profile" in hint(text)


def test_deleting_or_detaching_twice_is_safe_to_continue():
    run("%aws iam delete-role --role-name umemoto-wordpress-role", 0)
    _, text = run("%aws iam delete-role --role-name umemoto-wordpress-role")
    assert hint(text).startswith("Already deleted")
    _, text = run(ATTACH.replace("attach", "detach") + "arn:aws:iam::123456789012:policy/S3-Wordpress-ut", 3)
    assert "not attached" in hint(text)


# --- the command line itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("%aws iam list-roles | grep umemoto", "Pipes and redirection"),
        ("%aws iam list-roles --output yaml", "AWS CLI v1"),
        ("%aws iam list-roles --profile work", "no named profiles"),
        ("%aws iam lst-roles", "Check the command's spelling"),
        ("%aws iam get-role", "Add the missing option"),
        (
            "%aws iam create-policy --policy-name X --policy-document ../policies/s3policy.json",
            "file://../policies/s3policy.json",
        ),
    ],
)
def test_command_line_mistakes_get_a_hint_that_names_the_fix(cell, expected):
    _, text = run(cell, 1)
    assert expected in text


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("%aws iam get-role --role-name $ROLE_NAME", "$ROLE_NAME is not defined in this notebook"),
        ("%%aws\naws aws iam list-roles", "'aws' is written twice"),
        ("%aws iam get-role --role-name 'umemoto", "check that every quote you open is closed"),
        (r"%aws iam create-policy --policy-name X --policy-document file://C:\policies\s3policy.json", "Windows path"),
    ],
)
def test_commands_that_cannot_run_say_why_in_one_line(cell, expected):
    _, text = run(cell, 1)
    assert text.startswith("Not run: ") and expected in text and len(text.strip().splitlines()) == 1


# --- the lab's own functions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("lab.start(chapter='3')", "chapter must be a whole number from 0 to 10"),
        ("lab.start(chapter=99)", "not 99"),
        ("lab.start(chapter=True)", "not True"),
        ("lab.lint(42)", "lint takes a file's path or JSON text"),
        ("lab.show_source('create_role')", "show_source takes one of the lab's functions"),
        ("from helpers.instance import checks; checks.expect_denied(42)", "expect_denied takes a command as text"),
        ("from helpers.instance import session; session.login(42)", "login takes the instance's Name tag"),
        ("from helpers.policy.explain import explain; explain('', '*')", "explain needs the action as text"),
        ("from helpers.instance import session; session.login('web-server')", "There is no instance named web-server"),
    ],
)
def test_misused_functions_fail_the_cell_in_one_line(cell, expected):
    ok, text = run("from helpers import lab\n" + cell, 1)
    assert not ok and expected in text and len(text.strip().splitlines()) == 1, text


def test_a_checker_called_without_an_answer_says_how_to_call_it():
    _, text = run("from helpers.teach import exercises\nprint(exercises.check_five_calls())", 3)
    assert "give your answer to the checker, e.g. exercises.check_five_calls(my_answer)" in text


def test_a_boto3_call_with_a_number_for_a_name_says_to_quote_it():
    ok, text = run("lab.client('iam').get_role(RoleName=42)", 3)
    assert not ok and "RoleName takes text" in hint(text)


# --- restarts -----------------------------------------------------------------------------------------------


def test_resume_rebuilds_the_instance_and_logs_in_again():
    ok, text = run("lab.start(chapter=6, resume=True)\nprint(me.instance_id)")
    assert ok and "`me` is the instance's session again" in text
    ok, text = run("%instance aws sts get-caller-identity --query Arn --output text")
    assert ok and "assumed-role/umemoto-wordpress-role/i-" in text


def test_before_the_setup_line_the_magics_say_what_to_run():
    from helpers import kernel

    fresh = type("Shell", (), {})()
    registered = []
    fresh.magics_manager = type("M", (), {"magics": {"line": {}, "cell": {}}})()
    fresh.register_magic_function = lambda function, kind, name: registered.append((kind, name))
    kernel.load_ipython_extension(fresh)
    assert ("cell", "instance") in registered and ("line", "aws") in registered
    with capture_output() as captured:
        kernel.not_started("", "ls")
    assert "run this notebook's setup cell" in captured.stdout and "resume=True" in captured.stdout
