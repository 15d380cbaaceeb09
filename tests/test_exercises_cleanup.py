"""Exercises of chapter 10 (helpers/teach/cleanup.py): AWS's refusals, every valid order accepted."""

import itertools
import random

import pytest

from helpers import lab
from helpers.teach import cleanup, verdicts
from helpers.teach import exercises as ex

ORDER, REFUSALS = "10-deletion-order", "10-refusals"


@pytest.fixture(autouse=True)
def first_try(monkeypatch):
    """Each test starts at the first try of every exercise (the checkers count tries per kernel)."""
    monkeypatch.setattr(verdicts, "_tries", {})


KEYS = list(cleanup.COMMANDS)
# What must come before what, by AWS's rules (the API references the module docstring names).
BEFORE = [
    ("empty", "delete-bucket"),
    ("remove-role", "delete-profile"),
    ("remove-role", "delete-role"),
    ("detach:CloudWatch-Wordpress-ut", "delete-role"),
    ("detach:S3-Wordpress-ut", "delete-role"),
    ("detach:CloudWatch-Wordpress-ut", "delete-policy:CloudWatch-Wordpress-ut"),
    ("detach:S3-Wordpress-ut", "delete-policy:S3-Wordpress-ut"),
]


def valid(keys):
    """True when the order meets every rule of BEFORE (an independent statement of the rules)."""
    return all(keys.index(first) < keys.index(then) for first, then in BEFORE)


def answer(keys):
    """The commands of `keys`, in that order."""
    return [cleanup.COMMANDS[key] for key in keys]


def test_every_valid_order_is_accepted_and_every_other_refused():
    rng = random.Random(12)
    orders = [rng.sample(KEYS, len(KEYS)) for _ in range(400)] + [list(p) for p in itertools.islice(
        itertools.permutations(KEYS), 0, 400000, 997)]  # fmt: skip
    assert sum(valid(order) for order in orders) > 10
    for order in orders:
        assert cleanup.check_deletion_order(answer(order)).ok == valid(order), order


def test_starter_gets_the_first_refusal_then_its_detail():
    first, second, third = (cleanup.check_deletion_order(ex.STARTERS[ORDER]).message for _ in range(3))
    assert "step 1 (`aws iam delete-role --role-name umemoto-wordpress-role`)" in first
    assert "an instance profile still holds the role" in first and "must come before" not in first
    assert "remove-role-from-instance-profile must come before delete-role" in second
    assert "Show a solution" in third


def test_later_refusals_name_what_must_go_first():
    keys = KEYS[:]
    keys.remove("empty")
    keys.insert(keys.index("delete-bucket") + 1, "empty")
    assert "step 2 (`aws s3 rb s3://ut-wordpress-s3`): S3 refuses it (BucketNotEmpty)" in (
        cleanup.check_deletion_order(answer(keys)).message
    )
    keys = ["terminate", "empty", "delete-bucket", "remove-role", "delete-profile", "delete-policy:S3-Wordpress-ut"]
    keys += [k for k in KEYS if k not in keys]
    assert "S3-Wordpress-ut is still attached to the role" in cleanup.check_deletion_order(answer(keys)).message


def test_terminating_last_is_accepted_with_a_warning():
    keys = KEYS[1:] + KEYS[:1]
    verdict = cleanup.check_deletion_order(answer(keys))
    assert verdict.ok and "from step 3 (remove-role-from-instance-profile) until step 10" in verdict.message
    assert "not an AWS rule" in verdict.message
    assert "not one of IAM's rules" in cleanup.check_deletion_order(ex.SOLUTIONS[ORDER]).message


def test_the_answer_may_be_a_cell_with_magics_ids_and_continuations():
    cell = "%%aws\n" + "\n".join(ex.SOLUTIONS[ORDER]).replace("$ACCOUNT_ID", "123456789012")
    cell = cell.replace("$INSTANCE_ID", "i-3ad7c0f57fa5207e3").replace(" --role-name", " \\\n    --role-name")
    assert cleanup.check_deletion_order(cell).ok


def test_commands_must_be_the_ten_given_each_once():
    message = cleanup.check_deletion_order(
        ["aws s3 rb s3://ut-wordpress-s3 --force", *ex.SOLUTIONS[ORDER][:-1]]
    ).message
    assert "`aws s3 rb s3://ut-wordpress-s3 --force` is not one of the ten commands given" in message
    assert "delete-policy --policy-arn arn:aws:iam::$ACCOUNT_ID:policy/S3-Wordpress-ut` is missing" in message
    message = cleanup.check_deletion_order(ex.SOLUTIONS[ORDER] + ex.SOLUTIONS[ORDER][:1]).message
    assert "is there 2 times: give each command once" in message
    assert "none of the ten commands" in cleanup.check_deletion_order("aws s3 ls").message


def test_refusals_starter_misses_the_profile_in_use():
    first, second = (cleanup.check_refusals(ex.STARTERS[REFUSALS]).message for _ in range(2))
    assert first.startswith("Not yet: 4 of 5 right.") and "call 1: DeleteInstanceProfile refuses" in first
    assert "IAM does not check whether an instance still uses the profile" in second


def test_refusals_all_accepted_names_each_refusal():
    message = cleanup.check_refusals([True] * 5).message
    assert "1 of 5 right" not in message and "2 of 5 right" in message
    assert "call 2: IAM refuses it (DeleteConflict): the role still has managed policies attached" in message
    assert "call 3: IAM refuses it (DeleteConflict): S3-Wordpress-ut is still attached" in message
    assert "call 4: S3 refuses it (BucketNotEmpty)" in message


def test_refusals_odd_answers():
    message = cleanup.check_refusals({1: True, 2: False, 3: False, 4: False, 5: "yes"}).message
    assert "call 5: answer True (accepted) or False (refused), not 'yes'" in message
    message = cleanup.check_refusals({1: True, 2: False, 3: False, 4: False}).message
    assert "call 5: no answer yet" in message
    message = cleanup.check_refusals({1: True, 2: False, 3: False, 4: False, 5: False}).message
    assert "call 5: does anything stop a detach?" in message


def test_the_scenario_matches_the_emulated_account(capsys):
    """The model's rules hold in the lab too: the same commands meet the same refusals there."""
    lab.start(chapter=10)
    iam, s3 = lab.client("iam"), lab.client("s3")
    s3.put_object(Bucket="ut-wordpress-s3", Key="test.txt", Body=b"")
    iam.remove_role_from_instance_profile(
        InstanceProfileName="umemoto-wordpress-profile", RoleName="umemoto-wordpress-role"
    )
    calls = {
        "delete-role": lambda: iam.delete_role(RoleName="umemoto-wordpress-role"),
        "delete-policy:S3-Wordpress-ut": lambda: iam.delete_policy(
            PolicyArn="arn:aws:iam::123456789012:policy/S3-Wordpress-ut"
        ),
        "delete-bucket": lambda: s3.delete_bucket(Bucket="ut-wordpress-s3"),
        "delete-profile": lambda: iam.delete_instance_profile(InstanceProfileName="umemoto-wordpress-profile"),
    }
    for name, call in calls.items():
        refused = cleanup.scenario().refusal(name) is not None
        try:
            call()
            accepted = True
        except Exception:  # a ClientError: DeleteConflict or BucketNotEmpty
            accepted = False
        assert accepted != refused, name
