"""The policy playground (helpers/teach/playground.py): predictions from the account, real calls, the widgets."""

import json

import pytest

from helpers import lab
from helpers.instance import calls
from helpers.policy import explain
from helpers.teach import compare as comparison
from helpers.teach import playground as pg
from helpers.teach import playground_policies as policies

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
    monkeypatch.setattr(pg, "_last_texts", {})


@pytest.fixture
def built():
    """The account at chapter 09's start."""
    lab.start(chapter=9)


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


DENY_FOR_ROLE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/umemoto-wordpress-role"}, "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::ut-wordpress-s3/*"}]})  # fmt: skip
ONLY_CLOUDWATCH = json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"}]})  # fmt: skip
ONLY_LIST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}


def test_detaching_and_a_custom_deny_change_both_sides(built):
    assert policies.set_attached(S3_POLICY, False) == f"Detached {S3_POLICY} from {pg.ROLE}."
    row = comparison.compare("s3:GetObject", calls.OBJECT_ARN)
    assert (row["prediction"], row["real call"], row["agree"]) == ("implicit deny", "AccessDenied", "yes")
    policies.set_attached(S3_POLICY, True)
    done, message = policies.put_custom(DENY_PUT)
    assert done, message
    row = comparison.compare("s3:PutObject", calls.OBJECT_ARN)
    assert row["prediction"] == "explicit deny" and row["real call"] == "AccessDenied"
    assert row["deciding statement"] == f"{policies.CUSTOM_POLICY} (inline) statement #1"
    assert "Removed" in policies.remove_custom()
    assert comparison.compare("s3:PutObject", calls.OBJECT_ARN)["real call"] == "allowed"


def test_an_ec2_refusal_counts_as_a_denial(built):
    assert policies.set_attached("CloudWatch-Wordpress-ut", False)
    result = calls.real_call("ec2:DescribeTags", "*")
    assert (result.outcome, result.detail) == ("AccessDenied", "EC2 says UnauthorizedOperation")
    assert comparison.compare("ec2:DescribeTags", "*")["agree"] == "yes"


def test_a_bucket_policy_and_a_boundary_are_put_in_force_for_real(built):
    done, message = policies.put("bucket", DENY_FOR_ROLE)
    assert done and "Principal does not belong" not in message  # a bucket policy needs its Principal
    row = comparison.compare("s3:PutObject", calls.OBJECT_ARN)
    assert (row["prediction"], row["real call"]) == ("explicit deny", "AccessDenied")
    assert row["deciding statement"].startswith("the bucket policy of ut-wordpress-s3")
    assert "Removed" in policies.remove("bucket") and policies.in_account("bucket") is None
    assert policies.put("boundary", ONLY_CLOUDWATCH)[0]
    assert comparison.compare("s3:GetObject", calls.OBJECT_ARN)["real call"] == "AccessDenied"
    assert comparison.compare("cloudwatch:PutMetricData")["real call"] == "allowed"
    assert policies.put("boundary", DENY_PUT)[0]  # a second version replaces the first
    assert json.loads(policies.in_account("boundary")) == json.loads(DENY_PUT)
    policies.remove("boundary")
    assert comparison.compare("s3:GetObject", calls.OBJECT_ARN)["real call"] == "allowed"


def test_a_session_policy_limits_prediction_and_real_call_alike(built):
    get = comparison.predict("s3:GetObject", calls.OBJECT_ARN, session_policy=ONLY_LIST)
    assert get.decision == "implicit deny" and "session policy" in get.result.reason
    assert calls.real_call("s3:GetObject", calls.OBJECT_ARN, session_policy=ONLY_LIST).outcome == "AccessDenied"
    assert calls.real_call("s3:ListBucket", calls.BUCKET_ARN, session_policy=ONLY_LIST).outcome == "allowed"


def test_bad_json_gives_line_and_column_and_changes_nothing(built):
    document, messages = policies.read_custom(BAD_JSON)
    assert document is None and messages[0].startswith("error: line 4, col 23:")
    done, message = policies.put_custom(BAD_JSON)
    assert not done and "line 4, col 23" in message and "your text is kept" in message
    assert lab.client("iam").list_role_policies(RoleName=pg.ROLE)["PolicyNames"] == []


def test_widgets_follow_the_account_and_keep_the_learners_text(built):
    ui = pg.Playground()
    assert "decision" in ui.decision._dom_classes
    assert "allow" in ui.decision.value and "S3-Wordpress-ut statement #2" in ui.decision.value
    ui.action.value = "s3:ListAllMyBuckets"
    assert ui.resource.value == "*" and "implicit deny" in ui.decision.value
    ui.action.value = "s3:PutObject"
    custom = ui.areas["custom"]
    custom.editor.value = DENY_PUT
    custom.on.value = True
    assert "explicit deny" in ui.decision.value and "Playground-custom" in ui.status.value
    custom.editor.value = BAD_JSON  # broken: the account keeps the last valid version, and says so
    assert "line 4, col 23" in custom.note.value and "stays as it was" in custom.note.value
    assert "explicit deny" in ui.decision.value and json.loads(policies.in_account("custom")) == json.loads(DENY_PUT)
    ui.call()
    assert "AccessDenied" in ui.result.value and "matches the prediction" in ui.result.value
    custom.on.value = False
    assert "allow" in ui.decision.value and policies.in_account("custom") is None
    assert custom.editor.value == BAD_JSON
    ui.toggles[S3_POLICY].value = False
    assert f"Detached {S3_POLICY}" in ui.status.value or S3_POLICY not in policies.attached_names()
    ui.action.value = ""
    assert "Type an action" in ui.decision.value


def test_after_reset_the_playground_says_how_to_rebuild_the_role(built, capsys):
    lab.reset()
    capsys.readouterr()
    assert comparison.predict_and_call() is None
    assert comparison.predict_and_call("s3:PutObject", calls.OBJECT_ARN) is None
    assert comparison.predict("s3:PutObject", calls.OBJECT_ARN) is None
    assert pg.show() is None
    out = capsys.readouterr().out
    assert out.count(f"The role {pg.ROLE} does not exist yet: run `lab.start(chapter=9)`") == 4
    done, message = policies.put_custom(DENY_PUT)
    assert not done and "lab.start(chapter=9)" in message
    assert comparison.predict("s3:PutObject", calls.OBJECT_ARN, explain.load_policies()).decision == "allow"


def test_a_rebuilt_playground_ticks_what_the_account_holds_and_keeps_the_text(built):
    first = pg.Playground()
    first.areas["bucket"].editor.value = DENY_FOR_ROLE
    first.areas["bucket"].on.value = True
    first.toggles[S3_POLICY].value = False
    again = pg.Playground()
    assert again.areas["bucket"].on.value and not again.toggles[S3_POLICY].value
    assert json.loads(again.areas["bucket"].editor.value) == json.loads(DENY_FOR_ROLE)
    again.areas["custom"].editor.value = BAD_JSON
    lab.start(chapter=9)  # the account goes back to the chapter's start, the text stays
    after = pg.Playground()
    assert after.areas["custom"].editor.value == BAD_JSON and not after.areas["custom"].on.value
    assert not after.areas["bucket"].on.value and "allow" in after.decision.value
