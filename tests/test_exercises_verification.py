"""Exercises of chapter 05 (helpers/teach/verification.py): five commands' action and resource, a caller ARN."""

from verdict_checks import progressive, rejects

from helpers import lab
from helpers.aws import decisions
from helpers.teach import exercises as ex
from helpers.teach import verification as v

# --- 5.1 which action, which resource ------------------------------------------------------


def test_actions_solution_is_what_the_lab_decides_for_each_command(me, capsys):
    """Each command, run on the instance, is decided for exactly the action and resource of the solution."""
    me.run("touch test.txt")
    for command in v.COMMANDS:
        decisions.clear()
        assert me.run(command.line) == 0, capsys.readouterr()
        made = decisions.last(command.action)
        assert made is not None, f"{command.line}: no decision for {command.action}"
        assert (made.request["action"], made.request["resource"]) == (command.action, command.resource)
        assert made.decision.decision == "allowed"


def test_actions_starter_asks_before_it_tells():
    first = progressive(
        v.check_actions,
        ex.STARTERS["05-actions"],
        "command 2 (`aws s3 ls s3://ut-wordpress-s3/backup/`): which API call does it make, "
        "and which IAM action authorises it?",
        "`aws s3 ls` calls ListObjectsV2, and IAM authorises that call as s3:ListBucket",
    )
    assert "1 of 5 right" in first
    assert "command 1: policies and requests name resources by ARN, not by S3 URL" in first
    assert "command 4: arn:aws:s3:::ut-wordpress-s3/* is a pattern" in first
    assert "command 5: cloudwatch:PutMetricData is right; which resource does it act on?" in first
    assert "command 3" not in first


def test_actions_a_prefix_is_not_part_of_the_resource():
    answer = {**ex.SOLUTIONS["05-actions"], 2: ("s3:ListBucket", "arn:aws:s3:::ut-wordpress-s3/backup")}
    progressive(
        v.check_actions,
        answer,
        "command 2: s3:ListBucket is right; which resource does it act on?",
        "the prefix backup/ travels as a parameter of the request (the s3:prefix condition key)",
    )


def test_actions_the_whole_key_and_the_download_action():
    answer = {**ex.SOLUTIONS["05-actions"], 3: ("s3:HeadObject", v.KEY_ARN), 4: ("s3:DeleteObject", v.BUCKET_ARN)}
    rejects(
        v.check_actions,
        answer,
        "3 of 5 right",
        "a download is HeadObject then GetObject, and IAM authorises both as s3:GetObject",
        "command 4: s3:DeleteObject is right; which resource does it act on? (an object's ARN is the bucket's ARN",
    )


def test_actions_accepts_any_case_of_an_action_and_lists():
    answer = {n: [a.lower(), r] for n, (a, r) in ex.SOLUTIONS["05-actions"].items()}
    assert v.check_actions(answer).ok
    assert v.check_actions({str(n): pair for n, pair in ex.SOLUTIONS["05-actions"].items()}).ok


def test_actions_odd_answers():
    rejects(v.check_actions, {1: "s3:PutObject"}, "command 1: answer with a pair (action, resource)")
    rejects(v.check_actions, {"one": ("s3:PutObject", "*")}, "number the commands 1 to 5")
    rejects(v.check_actions, [("s3:PutObject", "*")], "answer with a dict {1: (action, resource)")


# --- 5.2 reading a caller ARN --------------------------------------------------------------


def test_caller_parts_read_the_labs_own_session_as_iam_names_it(me):
    """The rule the checker applies turns the instance's real session ARN into its role's real ARN."""
    parts = v.caller_parts(me.arn)
    role = lab.client("iam").get_role(RoleName=parts["role_name"])["Role"]
    assert parts == {
        "account": lab.account_id(),
        "role_name": "umemoto-wordpress-role",
        "session_name": me.instance_id,
        "role_arn": role["Arn"],
    }
    assert lab.client("sts").get_caller_identity()["Account"] == parts["account"]


def test_caller_arn_starter_names_what_to_look_at():
    first = progressive(
        v.check_caller_arn,
        ex.STARTERS["05-caller-arn"],
        "role_arn: an assumed-role ARN names one session of the role; the role itself is an IAM resource",
        "a role's ARN is arn:aws:iam::ACCOUNT:role/ROLE-NAME",
    )
    assert "account: 123456789012 is the lab's account; this ARN comes from another one" in first
    assert "role_name: assumed-role/ is the resource type, not part of a name" in first
    assert "111122223333" not in first


def test_caller_arn_swapped_names_and_other_accounts():
    solution = ex.SOLUTIONS["05-caller-arn"]
    swapped = {**solution, "role_name": solution["session_name"], "session_name": solution["role_name"]}
    rejects(
        v.check_caller_arn,
        swapped,
        "role_name: which part of assumed-role/…/… names the role?",
        "session_name: which part of assumed-role/…/… names the session?",
        "the resource part reads assumed-role/ROLE-NAME/SESSION-NAME",
    )
    progressive(
        v.check_caller_arn,
        {**solution, "account": "111122223334"},
        "account: which field of the ARN holds the account id?",
        "STS leaves REGION empty",
    )
    rejects(v.check_caller_arn, {**solution, "role_arn": "arn:aws:iam::111122223333:role/web"}, "build it from")


def test_caller_arn_odd_answers():
    rejects(v.check_caller_arn, {"account": "111122223333"}, "missing: role_name, session_name, role_arn")
    rejects(v.check_caller_arn, "arn:aws:iam::111122223333:role/web-server-role", "answer with a dict with the keys")
