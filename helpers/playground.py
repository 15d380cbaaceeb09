"""The policy playground of chapter 07: predict IAM's decision, then make the real call.

The logic is plain functions (tested in tests/test_playground.py); the widgets
of `show()` only wire them together.

    predict(action, resource, policies)   how IAM decides, and which statement decides
    real_call(action, resource)           the matching AWS call, made as the instance
                                          with moto's IAM checks on -> "allowed" / "AccessDenied"
    compare / predict_and_call            the prediction beside the real result, as a table
    set_attached(name, on)                really attach or detach one of the article's policies
    read_custom(text) / put_custom(text)  lint a policy typed by the learner, then put it on
                                          the role as an inline policy (bad JSON: line:col, no change)
    custom_on_role()                      that inline policy as it is on the role now, or None

After `lab.reset()` (no role in the account), `predict`, `predict_and_call`,
`show` and `remove_custom` print that the role is missing and how to rebuild it,
and return None, instead of raising.

Steps of a real call: check the resource fits the action -> make sure the lab's
bucket (and object, for GetObject) exist, as the administrator -> log in as the
instance (helpers.instance.connect) -> call with IAM enforced -> log out.
"""
import html
import json
from dataclasses import dataclass

import pandas as pd
from botocore.exceptions import ClientError

from helpers import explain, iam_steps, instance, lab, lint, moto_gaps, network, role_policies, tables

ROLE = iam_steps.ROLE
ARTICLE_POLICIES = tuple(iam_steps.POLICIES)  # CloudWatch-Wordpress-ut, S3-Wordpress-ut
CUSTOM_POLICY = "Playground-custom"  # the inline policy the text area becomes
S3_ARN = "arn:aws:s3:::"
BUCKET_ARN = S3_ARN + network.BUCKET
OBJECT_ARN = BUCKET_ARN + "/test.txt"
OTHER_OBJECT_ARN = S3_ARN + network.OTHER_BUCKET + "/test.txt"
KNOWN_BUCKETS = (network.BUCKET, network.OTHER_BUCKET)
BODY = b"IAM Role Lab playground\n"
CUSTOM_STARTER = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "NoDeletes",
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "arn:aws:s3:::ut-wordpress-s3/*"
    }
  ]
}"""
_last_text = None  # the text area's last text in this kernel (see show)


# --- the real calls ------------------------------------------------------------------

def _put_object(session, bucket, key):
    """Upload a small object."""
    session.client("s3").put_object(Bucket=bucket, Key=key, Body=BODY)


def _get_object(session, bucket, key):
    """Download an object."""
    session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def _delete_object(session, bucket, key):
    """Delete an object."""
    session.client("s3").delete_object(Bucket=bucket, Key=key)


def _list_bucket(session, bucket, key):
    """List the keys in a bucket."""
    session.client("s3").list_objects_v2(Bucket=bucket)


def _list_buckets(session, bucket, key):
    """List every bucket of the account."""
    session.client("s3").list_buckets()


def _put_metric(session, bucket, key):
    """Publish one data point to a custom metric."""
    session.client("cloudwatch").put_metric_data(
        Namespace="IAMRoleLab", MetricData=[{"MetricName": "Playground", "Value": 1.0}])


def _describe_tags(session, bucket, key):
    """Read the instance's own tags."""
    session.client("ec2").describe_tags(
        Filters=[{"Name": "resource-id", "Values": [session.instance_id]}])


def _list_roles(session, bucket, key):
    """List the account's IAM roles."""
    session.client("iam").list_roles()


@dataclass(frozen=True)
class Call:
    """One supported action: its usual resource, what it acts on, the call, the CLI form."""

    resource: str
    acts_on: str  # "object", "bucket" or "any" (no resource-level permissions: "*")
    function: object
    command: str


CALLS = {
    "s3:PutObject": Call(OBJECT_ARN, "object", _put_object, "aws s3 cp test.txt s3://BUCKET/KEY"),
    "s3:GetObject": Call(OBJECT_ARN, "object", _get_object, "aws s3 cp s3://BUCKET/KEY ./"),
    "s3:DeleteObject": Call(OBJECT_ARN, "object", _delete_object, "aws s3 rm s3://BUCKET/KEY"),
    "s3:ListBucket": Call(BUCKET_ARN, "bucket", _list_bucket, "aws s3 ls s3://BUCKET"),
    "s3:ListAllMyBuckets": Call("*", "any", _list_buckets, "aws s3 ls"),
    "cloudwatch:PutMetricData": Call("*", "any", _put_metric, "aws cloudwatch put-metric-data ..."),
    "ec2:DescribeTags": Call("*", "any", _describe_tags, "aws ec2 describe-tags ..."),
    "iam:ListRoles": Call("*", "any", _list_roles, "aws iam list-roles"),
}
RESOURCES = [OBJECT_ARN, BUCKET_ARN, BUCKET_ARN + "/*", OTHER_OBJECT_ARN,
             S3_ARN + network.OTHER_BUCKET, "*"]


@dataclass(frozen=True)
class CallResult:
    """What a real call gave: outcome ("allowed", "AccessDenied", "error", "not run") and detail."""

    outcome: str
    detail: str = ""
    command: str = ""

    def __str__(self):
        """'AccessDenied: ...' for tables and messages."""
        return f"{self.outcome}: {self.detail}" if self.detail else self.outcome


def s3_target(resource):
    """(bucket, key) of an S3 ARN (key "" for a bucket ARN), or None for anything else."""
    if not resource.startswith(S3_ARN):
        return None
    bucket, _, key = resource[len(S3_ARN):].partition("/")
    return bucket, key


def call_problem(action, resource):
    """Why `action` on `resource` cannot be made as a real request, or "" when it can."""
    call = CALLS.get(action)
    if call is None:
        return f"no real call for {action}: the playground makes {', '.join(CALLS)}"
    target = s3_target(resource)
    if call.acts_on == "any":
        return "" if resource == "*" else (
            f'{action} acts on no particular resource, so AWS checks it against "*": set the resource to *')
    if target is None or not target[0]:
        return f"{action} needs an S3 ARN such as {call.resource}"
    bucket, key = target
    if call.acts_on == "bucket" and key:
        return f"{action} acts on the bucket: use the bucket ARN {S3_ARN}{bucket} (no /...)"
    if call.acts_on == "object" and not key:
        return f"{action} acts on an object: name one, e.g. {S3_ARN}{bucket}/test.txt"
    if call.acts_on == "object" and ("*" in key or "?" in key):
        return (f"a request names one object, never a pattern: use e.g. {S3_ARN}{bucket}/test.txt "
                "(policies use /*, requests do not)")
    return ""


def _prepare(action, resource):
    """As the administrator: make sure the lab's bucket (and object, for GetObject) exist."""
    target = s3_target(resource)
    if target is None or target[0] not in KNOWN_BUCKETS:
        return
    bucket, key = target
    network.bucket(bucket)
    if action == "s3:GetObject":
        lab.client("s3").put_object(Bucket=bucket, Key=key, Body=BODY)


def _denied(error):
    """True when a ClientError is IAM's refusal (moto's CloudWatch says so only in its XML)."""
    code = error.response.get("Error", {}).get("Code", "")
    return code.startswith("AccessDenied") or "<Code>AccessDenied</Code>" in str(error)


def real_call(action, resource, instance_name=network.INSTANCE_NAME):
    """Make the call for `action` on `resource` as the instance, IAM enforced; never raises."""
    problem = call_problem(action, resource)
    if problem:
        return CallResult("not run", problem)
    target = s3_target(resource) or ("", "")
    command = CALLS[action].command.replace("BUCKET", target[0]).replace("KEY", target[1])
    try:
        _prepare(action, resource)
        session = instance.connect(instance_name)
    except (instance.LoginError, ClientError) as error:
        return CallResult("not run", f"cannot act as the instance: {error}", command)
    try:
        with moto_gaps.enforced():
            CALLS[action].function(session, *target)
        return CallResult("allowed", "", command)
    except ClientError as error:
        if _denied(error):
            return CallResult("AccessDenied", "", command)
        code = error.response.get("Error", {}).get("Code", "?")
        return CallResult("error", f"{code} (IAM let the call through; the service refused it)", command)
    finally:
        session.logout()


# --- predictions and comparisons ----------------------------------------------------------

def role_exists(role=ROLE):
    """True if the role is in the account; otherwise print how to rebuild it and return False."""
    if iam_steps.role_exists(lab.client("iam"), role):
        return True
    print(f"The role {role} does not exist yet: run `lab.start(chapter=7)` to rebuild the chapter's starting point.")
    return False


def predict(action, resource, policies=None, role=ROLE):
    """How IAM decides `action` on `resource` under `policies` (default: the role's, from the backend).

    None (with a message) when the role's policies are asked for and the role does not exist.
    """
    if policies is None:
        if not role_exists(role):
            return None
        policies = role_policies.documents(role)
    return explain.explain(action, resource, policies)


def agree(explanation, result):
    """'yes' / 'NO' when prediction and real call can be compared, else 'n/a'."""
    if result.outcome not in ("allowed", "AccessDenied"):
        return "n/a"
    return "yes" if explanation.allowed == (result.outcome == "allowed") else "NO"


def compare(action, resource=None, role=ROLE):
    """One row: the prediction from the role's policies beside the real call as the instance."""
    resource = resource or (CALLS[action].resource if action in CALLS else "*")
    explanation = predict(action, resource, role=role)
    if explanation is None:  # the role is missing; predict said how to rebuild it
        return None
    result = real_call(action, resource)
    return {"action": action, "resource": resource, "prediction": explanation.decision,
            "deciding statement": str(explanation.deciding or "-"),
            "real call": str(result), "agree": agree(explanation, result)}


class Comparison:
    """Rows of prediction beside real call, shown in full (no truncated cells) in notebooks."""

    def __init__(self, rows):
        """Keep the rows as a pandas DataFrame (`.frame`)."""
        self.frame = pd.DataFrame(rows)

    def __getitem__(self, column):
        """One column of the table."""
        return self.frame[column]

    def __repr__(self):
        """The whole table as text."""
        with pd.option_context("display.max_colwidth", None, "display.width", 250):
            return self.frame.to_string(index=False)

    def _repr_html_(self):
        """The whole table as HTML."""
        with pd.option_context("display.max_colwidth", None):
            return self.frame.to_html(index=False)


def predict_and_call(action=None, resource=None, role=ROLE):
    """A table comparing prediction and real call: for one action, or every supported one."""
    if not role_exists(role):
        return None
    pairs = [(action, resource)] if action else [(a, None) for a in CALLS]
    return Comparison([compare(a, r, role) for a, r in pairs])


# --- changing the role for real ----------------------------------------------------------

def attached_names(role=ROLE):
    """The names of the managed policies attached to the role now."""
    attached = lab.client("iam").list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    return {p["PolicyName"] for p in attached}


def set_attached(name, on, role=ROLE):
    """Attach (on=True) or detach one managed policy; return what happened, never raise."""
    iam = lab.client("iam")
    try:
        if on:
            iam.attach_role_policy(RoleName=role, PolicyArn=iam_steps.policy_arn(name))
            return f"Attached {name} to {role}."
        if name in attached_names(role):
            iam.detach_role_policy(RoleName=role, PolicyArn=iam_steps.policy_arn(name))
        return f"Detached {name} from {role}."
    except ClientError as error:
        return f"Not changed: {error.response['Error'].get('Message', error)}"


def _where(finding):
    """'line 3, col 5: message (hint)' for a lint finding."""
    hint = f" ({finding.hint})" if finding.hint else ""
    where = f"line {finding.line}, col {finding.col}: " if finding.line else ""
    return f"{finding.severity}: {where}{finding.message}{hint}"


def read_custom(text):
    """(document or None, lint messages) for a policy typed in the text area; never raises."""
    findings = lint.lint_text(text)
    messages = [_where(f) for f in findings]
    if any(f.code in ("json", "empty", "not-object") for f in findings):
        return None, messages
    return json.loads(text), messages


def put_custom(text, role=ROLE):
    """Put the text as the role's inline policy if it is valid JSON; return (done?, message)."""
    document, messages = read_custom(text)
    if document is None:
        return False, "Not applied (your text is kept): " + "; ".join(messages)
    try:
        lab.client("iam").put_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY,
                                          PolicyDocument=json.dumps(document))
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchEntity":
            return False, f"Not applied: the role {role} does not exist yet: run `lab.start(chapter=7)` to rebuild it."
        return False, f"Not applied: AWS refused the policy ({error.response['Error'].get('Message')})."
    note = f" The linter notes: {'; '.join(messages)}" if messages else ""
    return True, f"Put {CUSTOM_POLICY} on {role} as an inline policy.{note}"


def remove_custom(role=ROLE):
    """Delete the playground's inline policy from the role, if it is there; return a message."""
    iam = lab.client("iam")
    try:
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        return f"The role {role} does not exist yet: run `lab.start(chapter=7)` to rebuild it."
    if CUSTOM_POLICY in names:
        iam.delete_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY)
        return f"Removed the inline policy {CUSTOM_POLICY} from {role}."
    return f"{role} has no inline policy {CUSTOM_POLICY}."


def custom_on_role(role=ROLE):
    """The role's Playground-custom inline policy as indented JSON text, or None when it has none."""
    iam = lab.client("iam")
    if CUSTOM_POLICY not in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        return None
    document = iam.get_role_policy(RoleName=role, PolicyName=CUSTOM_POLICY)["PolicyDocument"]
    return json.dumps(tables.as_document(document), indent=2)


def policy_set(managed_names, custom_document=None):
    """{name: document} from chosen managed policies plus an optional custom document."""
    iam = lab.client("iam")
    chosen = {name: role_policies.managed_document(iam, iam_steps.policy_arn(name)) for name in managed_names}
    if custom_document is not None:
        chosen[f"{CUSTOM_POLICY} (inline)"] = custom_document
    return chosen


def _remember(text):
    """Keep the text area's text for the next playground built in this kernel."""
    global _last_text
    _last_text = text


def starting_text(custom_text, on_role):
    """The text area's first text: the given one, this kernel's last, the role's policy, or the starter."""
    for text in (custom_text, _last_text, on_role):
        if text is not None:
            return text
    return CUSTOM_STARTER


def differs_note(text, on_role, role=ROLE):
    """A one-line note when the role's Playground-custom is not the text shown, else ""."""
    if on_role is None or read_custom(text)[0] == json.loads(on_role):
        return ""
    return (f"Note: the {CUSTOM_POLICY} on {role} now is not the text below; the prediction counts "
            "the text, and the real-call button makes the role match it first.")


def decision_html(explanation):
    """The decision in colour and the deciding statement, as HTML."""
    decision, _, rest = explanation.summary().partition(": ")
    colour = explain.COLOURS[decision]
    return f'<b style="color:{colour}">{html.escape(decision)}</b>: {html.escape(rest)}'


# --- the widgets ---------------------------------------------------------------------------

class Playground:
    """The widget UI: action, resource, policy toggles, text area, live decision, real call."""

    def __init__(self, role=ROLE, custom_text=None):
        """Build the widgets from the role as it is in the backend now.

        Every checkbox shows the role's actual state (attached managed policies, the
        Playground-custom inline policy). The text area shows `custom_text` if given,
        else the last text shown in this kernel (see `show`), else the role's
        Playground-custom policy if it has one, else CUSTOM_STARTER.
        """
        import ipywidgets as widgets

        self.role = role
        self.action = widgets.Combobox(value="s3:PutObject", options=list(CALLS), description="Action",
                                       placeholder="service:Action", ensure_option=False).add_class("action")
        self.resource = widgets.Combobox(value=OBJECT_ARN, options=RESOURCES, description="Resource",
                                         ensure_option=False, layout=widgets.Layout(width="34em")).add_class("resource")
        attached = attached_names(role)
        self.toggles = {name: widgets.Checkbox(value=name in attached, description=name, indent=False)
                        for name in ARTICLE_POLICIES}
        on_role = custom_on_role(role)
        self.custom_on = widgets.Checkbox(value=on_role is not None, description=f"{CUSTOM_POLICY} (the text below)",
                                          indent=False)
        text = starting_text(custom_text, on_role)
        _remember(text)
        self.editor = widgets.Textarea(value=text, layout=widgets.Layout(width="40em", height="14em"))
        self.lint_note = widgets.HTML()
        self.decision = widgets.HTML().add_class("decision")
        self.table = widgets.HTML()
        self.button = widgets.Button(description="Real call as the instance", button_style="primary",
                                     layout=widgets.Layout(width="16em"))
        self.result = widgets.HTML("<i>Press the button to make the call.</i>").add_class("real-result")
        self.status = widgets.HTML(html.escape(differs_note(text, on_role, role)))
        self.box = widgets.VBox([
            widgets.HTML("<b>Request</b>"), self.action, self.resource,
            widgets.HTML(f"<b>Policies of {html.escape(role)}</b> (ticking really attaches/detaches)"),
            *self.toggles.values(), self.custom_on, self.editor, self.lint_note, self.status,
            widgets.HTML("<b>Prediction</b>"), self.decision,
            widgets.HBox([self.button, self.result]), self.table])
        self._wire()
        self.refresh()

    def _wire(self):
        """Connect every widget to its callback."""
        self.action.observe(self._on_action, "value")
        self.resource.observe(lambda change: self.refresh(), "value")
        for name, box in self.toggles.items():
            box.observe(lambda change, name=name: self._on_toggle(name, change["new"]), "value")
        self.custom_on.observe(lambda change: self._on_custom(), "value")
        self.editor.observe(self._on_edit, "value")
        self.button.on_click(lambda button: self.call())

    def _on_action(self, change):
        """A known action brings its usual resource along, unless the learner typed their own."""
        call = CALLS.get(change["new"])
        if call and self.resource.value in {c.resource for c in CALLS.values()}:
            self.resource.value = call.resource
        self.refresh()

    def _on_edit(self, change):
        """Remember the learner's text for the next `show()`, then update the prediction."""
        _remember(change["new"])
        self.refresh()

    def _on_toggle(self, name, on):
        """Attach or detach a policy for real, then update the prediction."""
        self.status.value = html.escape(set_attached(name, on, self.role))
        self.refresh()

    def _on_custom(self):
        """Put or remove the custom inline policy for real, then update the prediction."""
        self.status.value = html.escape(self.sync_custom())
        self.refresh()

    def sync_custom(self):
        """Make the role's inline policy match the checkbox and the text; return a message."""
        if self.custom_on.value:
            done, message = put_custom(self.editor.value, self.role)
            if not done:
                remove_custom(self.role)
                message += f" Until it is, {self.role} has no {CUSTOM_POLICY}."
            return message
        return remove_custom(self.role)

    def policies(self):
        """The documents the prediction uses: ticked policies plus the text area when usable."""
        names = [name for name, box in self.toggles.items() if box.value]
        document = read_custom(self.editor.value)[0] if self.custom_on.value else None
        return policy_set(names, document)

    def refresh(self):
        """Recompute the prediction and the linter's notes from the widgets; never raises."""
        try:
            document, messages = read_custom(self.editor.value)
            note = "<br>".join(html.escape(m) for m in messages) or "The linter finds no problems."
            if document is None and self.custom_on.value:
                note += "<br><i>Not counted until it is valid JSON (your text is kept).</i>"
            self.lint_note.value = f"<small>{note}</small>"
            explanation = predict(self.action.value.strip(), self.resource.value.strip(), self.policies())
            self.decision.value = decision_html(explanation)
            self.table.value = explanation.table.to_html(index=False)
            self.result.value = "<i>Press the button to make the call.</i>"
        except Exception as error:  # a widget callback must show, not raise
            self.decision.value = f"could not decide: {html.escape(str(error))}"

    def call(self):
        """Sync the custom policy, make the real call, show it beside the prediction."""
        try:
            self.status.value = html.escape(self.sync_custom())
            action, resource = self.action.value.strip(), self.resource.value.strip()
            explanation = predict(action, resource, self.policies())
            result = real_call(action, resource)
            verdict = {"yes": "matches the prediction", "NO": "differs from the prediction",
                       "n/a": ""}[agree(explanation, result)]
            colour = {"allowed": "#1a7f37", "AccessDenied": "#cf222e"}.get(result.outcome, "#57606a")
            self.result.value = (f'Real call: <b style="color:{colour}">{html.escape(str(result))}</b> '
                                 f"{verdict} <code>{html.escape(result.command)}</code>")
        except Exception as error:  # a widget callback must show, not raise
            self.result.value = f"could not call: {html.escape(str(error))}"


def show(role=ROLE, custom_text=None):
    """Display the playground for the role; return the Playground (its widgets are attributes), or None.

    The text area keeps the learner's text across re-runs of this cell, valid JSON or not,
    and across `lab.start`/`lab.reset` (they reset the account, not the learner's work);
    the checkboxes always show the role as it is in the account. A fresh kernel starts
    from the role's Playground-custom policy, or CUSTOM_STARTER;
    `show(custom_text=playground.CUSTOM_STARTER)` brings the starter back.
    """
    from IPython.display import display

    if not role_exists(role):
        return None
    playground = Playground(role, custom_text)
    display(playground.box)
    return playground
