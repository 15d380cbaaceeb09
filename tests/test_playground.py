"""The policy playground (helpers/teach/playground.py): predictions, real calls as the instance, the widgets."""

import json

import pytest

from helpers import lab
from helpers.instance import calls
from helpers.policy import explain
from helpers.teach import compare as comparison
from helpers.teach import playground as pg
from helpers.teach import playground_role as role_changes

S3_POLICY = "S3-Wordpress-ut"
DENY_PUT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::ut-wordpress-s3/*"}],
    },
    indent=2,
)
BAD_JSON = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Deny",, }\n  ]\n}'


@pytest.fixture(autouse=True)
def fresh_kernel_text(monkeypatch):
    """Every test starts as a fresh kernel would: no text remembered from an earlier playground."""
    monkeypatch.setattr(pg, "_last_text", None)


@pytest.fixture
def built():
    """The account at chapter 07's start (tests/conftest.py empties it before every test)."""
    lab.start(chapter=7)


def test_predict_uses_the_given_policies():
    article = explain.load_policies()
    put = comparison.predict("s3:PutObject", calls.OBJECT_ARN, article)
    assert put.decision == "allow" and str(put.deciding) == "s3policy statement #2"
    assert comparison.predict("s3:ListBucket", calls.OBJECT_ARN, article).decision == "implicit deny"
    denied = comparison.predict("s3:PutObject", calls.OBJECT_ARN, {**article, "custom": DENY_PUT})
    assert denied.decision == "explicit deny" and denied.deciding.policy == "custom"
    assert 'style="color:#cf222e">explicit deny</b>' in comparison.decision_html(denied)


def test_call_problems_explain_what_a_request_needs():
    assert calls.call_problem("s3:PutObject", calls.OBJECT_ARN) == ""
    assert "acts on an object" in calls.call_problem("s3:GetObject", calls.BUCKET_ARN)
    assert "never a pattern" in calls.call_problem("s3:PutObject", calls.BUCKET_ARN + "/*")
    assert "use the bucket ARN" in calls.call_problem("s3:ListBucket", calls.OBJECT_ARN)
    assert "set the resource to *" in calls.call_problem("ec2:DescribeTags", calls.BUCKET_ARN)
    assert "no real call for s3:PutBucketPolicy" in calls.call_problem("s3:PutBucketPolicy", calls.BUCKET_ARN)
    assert calls.real_call("s3:GetObject", calls.BUCKET_ARN).outcome == "not run"


def test_real_calls_agree_with_predictions_for_the_article_policies(built):
    table = comparison.predict_and_call()
    assert list(table["action"]) == list(calls.CALLS)
    assert set(table["agree"]) == {"yes"}, repr(table)
    outcome = dict(zip(table["action"], table["real call"], strict=True))
    assert outcome["s3:PutObject"] == outcome["cloudwatch:PutMetricData"] == "allowed"
    assert outcome["s3:ListAllMyBuckets"] == outcome["iam:ListRoles"] == "AccessDenied"
    other = comparison.compare("s3:PutObject", calls.OTHER_OBJECT_ARN)
    assert (other["prediction"], other["real call"], other["agree"]) == ("implicit deny", "AccessDenied", "yes")


def test_detaching_and_a_custom_deny_change_both_sides(built):
    assert role_changes.set_attached(S3_POLICY, False) == f"Detached {S3_POLICY} from {pg.ROLE}."
    row = comparison.compare("s3:GetObject", calls.OBJECT_ARN)
    assert (row["prediction"], row["real call"], row["agree"]) == ("implicit deny", "AccessDenied", "yes")
    role_changes.set_attached(S3_POLICY, True)
    done, message = role_changes.put_custom(DENY_PUT)
    assert done, message
    row = comparison.compare("s3:PutObject", calls.OBJECT_ARN)
    assert row["prediction"] == "explicit deny" and row["real call"] == "AccessDenied"
    assert row["deciding statement"] == f"{role_changes.CUSTOM_POLICY} (inline) statement #1"
    assert "Removed" in role_changes.remove_custom()
    assert comparison.compare("s3:PutObject", calls.OBJECT_ARN)["real call"] == "allowed"


def test_bad_json_gives_line_and_column_and_changes_nothing(built):
    document, messages = role_changes.read_custom(BAD_JSON)
    assert document is None and messages[0].startswith("error: line 4, col 23:")
    done, message = role_changes.put_custom(BAD_JSON)
    assert not done and "line 4, col 23" in message and "your text is kept" in message
    assert lab.client("iam").list_role_policies(RoleName=pg.ROLE)["PolicyNames"] == []


def test_widgets_update_live_and_keep_the_learners_text(built):
    ui = pg.Playground()
    assert "decision" in ui.decision._dom_classes
    before = ui.decision.value
    assert "allow" in before and "S3-Wordpress-ut statement #2" in before
    ui.action.value = "s3:ListAllMyBuckets"
    assert ui.resource.value == "*" and "implicit deny" in ui.decision.value
    ui.action.value = "s3:PutObject"
    ui.custom_on.value = True
    ui.editor.value = BAD_JSON
    assert ui.editor.value == BAD_JSON
    assert "line 4, col 23" in ui.lint_note.value and "allow" in ui.decision.value
    ui.call()
    assert "allowed" in ui.result.value and "matches the prediction" in ui.result.value
    assert "your text is kept" in ui.status.value and ui.editor.value == BAD_JSON
    ui.editor.value = DENY_PUT
    assert "explicit deny" in ui.decision.value
    ui.call()
    assert "AccessDenied" in ui.result.value and "matches the prediction" in ui.result.value
    ui.toggles[S3_POLICY].value = False
    assert f"Detached {S3_POLICY}" in ui.status.value
    assert S3_POLICY not in role_changes.attached_names()


def test_after_reset_the_playground_says_how_to_rebuild_the_role(built, capsys):
    lab.reset()
    capsys.readouterr()
    assert comparison.predict_and_call() is None
    assert comparison.predict_and_call("s3:PutObject", calls.OBJECT_ARN) is None
    assert comparison.predict("s3:PutObject", calls.OBJECT_ARN) is None
    assert pg.show() is None
    out = capsys.readouterr().out
    assert out.count(f"The role {pg.ROLE} does not exist yet: run `lab.start(chapter=7)`") == 4
    assert "does not exist yet" in role_changes.remove_custom()
    done, message = role_changes.put_custom(DENY_PUT)
    assert not done and "does not exist yet" in message
    assert (
        comparison.predict("s3:PutObject", calls.OBJECT_ARN, explain.load_policies()).decision == "allow"
    )  # given policies need no role


def test_compare_without_the_role_says_how_to_rebuild(capsys):
    lab.start(chapter=7)
    lab.reset()
    assert comparison.compare("s3:PutObject") is None
    assert "lab.start(chapter=7)" in capsys.readouterr().out


def test_a_rebuilt_playground_ticks_what_is_on_the_role(built):
    first = pg.Playground()
    first.editor.value = DENY_PUT
    first.custom_on.value = True
    first.toggles[S3_POLICY].value = False
    again = pg.Playground()
    assert again.custom_on.value and not again.toggles[S3_POLICY].value
    assert lab.client("iam").list_role_policies(RoleName=pg.ROLE)["PolicyNames"] == [role_changes.CUSTOM_POLICY]
    account = comparison.predict("s3:PutObject", calls.OBJECT_ARN)  # from the role's policies in the account
    assert again.decision.value == comparison.decision_html(account) and "explicit deny" in again.decision.value


def test_a_fresh_playground_shows_the_custom_policy_the_role_has(built):
    role_changes.put_custom(DENY_PUT)
    ui = pg.Playground()
    assert ui.custom_on.value and json.loads(ui.editor.value) == json.loads(DENY_PUT)
    assert "explicit deny" in ui.decision.value
    assert pg.Playground(custom_text=BAD_JSON).editor.value == BAD_JSON


def test_a_rerun_keeps_the_learners_text_even_bad_json(built):
    first = pg.Playground()
    assert first.editor.value == pg.CUSTOM_STARTER
    first.editor.value = BAD_JSON
    again = pg.Playground()
    assert again.editor.value == BAD_JSON and not again.custom_on.value  # kept, never applied
    assert lab.client("iam").list_role_policies(RoleName=pg.ROLE)["PolicyNames"] == []
    again.editor.value = DENY_PUT
    again.custom_on.value = True
    lab.start(chapter=7)  # the account goes back to the chapter's start, the text stays
    after = pg.Playground()
    assert after.editor.value == DENY_PUT and not after.custom_on.value
    assert "allow" in after.decision.value and after.status.value == ""


def test_show_can_bring_the_starter_back(built, capsys):
    pg.Playground().editor.value = BAD_JSON
    assert pg.show(custom_text=pg.CUSTOM_STARTER).editor.value == pg.CUSTOM_STARTER
    assert pg.show().editor.value == pg.CUSTOM_STARTER


def test_a_note_says_when_the_role_holds_another_custom_policy(built):
    pg.Playground().editor.value = BAD_JSON
    role_changes.put_custom(DENY_PUT)  # e.g. from a notebook cell
    ui = pg.Playground()
    assert ui.editor.value == BAD_JSON and ui.custom_on.value
    assert ui.status.value.startswith(f"Note: the {role_changes.CUSTOM_POLICY} on {pg.ROLE} now is not the text below")
    ui.editor.value = DENY_PUT
    assert pg.Playground().status.value == ""
