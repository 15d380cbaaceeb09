"""The policy playground of chapter 09: every policy in force as widgets, the live prediction, the real call.

The logic lives in plain functions (helpers.teach.compare for predictions beside real
calls, helpers.teach.playground_policies for changing the account for real); the widgets
of `show()` only wire them together. Every change is made in the account at once, and
the prediction is always the lab's decision for the account as it is, so prediction,
status line and account agree. The text areas keep the learner's text across re-runs.
"""

import html
import json

from helpers.course.article import BUCKET, POLICIES, ROLE
from helpers.instance.calls import CALLS, OBJECT_ARN, RESOURCES, real_call
from helpers.teach import playground_policies as policies
from helpers.teach.compare import agree, decision_html, predict, role_exists

ARTICLE_POLICIES = tuple(POLICIES)  # CloudWatch-Wordpress-ut, S3-Wordpress-ut
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
STARTERS = {
    "custom": CUSTOM_STARTER,
    "bucket": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "NoUploadsByTheRole",
                    "Effect": "Deny",
                    "Principal": {"AWS": f"arn:aws:iam::123456789012:role/{ROLE}"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/*",
                }
            ],
        },
        indent=2,
    ),
    "boundary": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "OnlyS3AndCloudWatch", "Effect": "Allow", "Action": ["s3:*", "cloudwatch:*"], "Resource": "*"}
            ],
        },
        indent=2,
    ),
    "session": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReadOnly", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
            ],
        },
        indent=2,
    ),
}
LABELS = {**policies.KINDS, "session": "a session policy (the real call is made by a session created with it)"}
_last_texts = {}  # kind -> the text area's last text in this kernel (see show)


def starting_text(kind, given=None):
    """A text area's first text: the given one, this kernel's last, what the account holds, or the starter."""
    held = policies.in_account(kind) if kind != "session" else None
    for text in (given, _last_texts.get(kind), held):
        if text is not None:
            return text
    return STARTERS[kind]


def status(session_on):
    """One line from the account: which of the playground's policies are in force now."""
    held = [policies.KINDS[kind] for kind in policies.KINDS if policies.in_account(kind) is not None]
    held += ["a session policy"] if session_on else []
    return "In force besides the checked managed policies: " + (", ".join(held) if held else "nothing else") + "."


class PolicyArea:
    """One policy as a checkbox (in force or not) and a text area, kept in step with the account."""

    def __init__(self, kind, text, on):
        """The widgets for one kind of policy ("custom", "bucket", "boundary", "session")."""
        import ipywidgets as widgets

        self.kind = kind
        self.on = widgets.Checkbox(value=on, description=LABELS[kind], indent=False, layout={"width": "44em"})
        self.editor = widgets.Textarea(value=text, continuous_update=False, layout={"width": "44em", "height": "10em"})
        self.note = widgets.HTML()
        self.box = widgets.VBox([self.on, self.editor, self.note])
        _last_texts[kind] = text

    def document(self):
        """The text area's policy as a dict, or None when it is not valid JSON."""
        return policies.read_custom(self.editor.value, self.kind)[0]

    def sync(self):
        """Make the account match the checkbox and the text; return a message."""
        _last_texts[self.kind] = self.editor.value
        if self.kind == "session":
            valid = self.document() is not None
            return "" if valid or not self.on.value else "Not used until the session policy is valid JSON."
        if self.on.value:
            return policies.put(self.kind, self.editor.value)[1]
        return policies.remove(self.kind)

    def session_policy(self):
        """The session policy the real call and the prediction use, or None."""
        return self.document() if self.kind == "session" and self.on.value else None


class Playground:
    """The widget UI: request, the role's policies, the other policies in force, live decision, real call."""

    def __init__(self, role=ROLE):
        """Build the widgets from the account as it is now (every checkbox shows the account's state)."""
        import ipywidgets as widgets

        self.role = role
        self.action = widgets.Combobox(
            value="s3:PutObject",
            options=list(CALLS),
            description="Action",
            placeholder="service:Action",
            ensure_option=False,
        ).add_class("action")
        self.resource = widgets.Combobox(
            value=OBJECT_ARN,
            options=RESOURCES,
            description="Resource",
            ensure_option=False,
            layout=widgets.Layout(width="34em"),
        ).add_class("resource")
        attached = policies.attached_names(role)
        self.toggles = {
            name: widgets.Checkbox(value=name in attached, description=name, indent=False) for name in ARTICLE_POLICIES
        }
        self.areas = {
            kind: PolicyArea(kind, starting_text(kind), kind != "session" and policies.in_account(kind) is not None)
            for kind in LABELS
        }
        self.status = widgets.HTML()
        self.decision = widgets.HTML().add_class("decision")
        self.table = widgets.HTML()
        self.button = widgets.Button(
            description="Real call as the instance", button_style="primary", layout=widgets.Layout(width="16em")
        )
        self.result = widgets.HTML("<i>Press the button to make the call.</i>").add_class("real-result")
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Request</b>"),
                self.action,
                self.resource,
                widgets.HTML(f"<b>Managed policies of {html.escape(role)}</b> (ticking really attaches/detaches)"),
                *self.toggles.values(),
                widgets.HTML("<b>More policies in force</b> (ticked and valid: in force)"),
                *(area.box for area in self.areas.values()),
                self.status,
                widgets.HTML("<b>Prediction</b>"),
                self.decision,
                widgets.HBox([self.button, self.result]),
                self.table,
            ]
        )
        self._wire()
        self.refresh()

    def _wire(self):
        """Connect every widget to its callback."""
        self.action.observe(self._on_action, "value")
        self.resource.observe(lambda change: self.refresh(), "value")
        for name, box in self.toggles.items():
            box.observe(lambda change, name=name: self._on_toggle(name, change["new"]), "value")
        for area in self.areas.values():
            area.on.observe(lambda change, area=area: self._on_area(area), "value")
            area.editor.observe(lambda change, area=area: self._on_area(area), "value")
        self.button.on_click(lambda button: self.call())

    def _on_action(self, change):
        """A known action brings its usual resource along, unless the learner typed their own."""
        call = CALLS.get(change["new"])
        if call and self.resource.value in {c.resource for c in CALLS.values()}:
            self.resource.value = call.resource
        self.refresh()

    def _on_toggle(self, name, on):
        """Attach or detach a policy for real, then update the prediction."""
        self.status.value = html.escape(policies.set_attached(name, on, self.role))
        self.refresh()

    def _on_area(self, area):
        """Put the area's policy in force (or take it out) for real, then update the prediction."""
        area.note.value = f"<small>{html.escape(area.sync())}</small>"
        self.refresh()

    def session_policy(self):
        """The session policy in use, or None."""
        return self.areas["session"].session_policy()

    def refresh(self):
        """Recompute the status line and the prediction from the account; never raises."""
        try:
            self.status.value = f"<small>{html.escape(status(self.session_policy() is not None))}</small>"
            action, resource = self.action.value.strip(), self.resource.value.strip()
            if not action or not resource:
                self.decision.value = "<i>Type an action (e.g. s3:GetObject) and a resource (an ARN, or *).</i>"
                return
            explanation = predict(action, resource, role=self.role, session_policy=self.session_policy())
            self.decision.value = decision_html(explanation)
            self.table.value = explanation.table.to_html(index=False)
            self.result.value = "<i>Press the button to make the call.</i>"
        except Exception as error:  # a widget callback must show, not raise
            self.decision.value = f"could not decide: {html.escape(str(error))}"

    def call(self):
        """Make the real call, show it beside the prediction."""
        try:
            action, resource = self.action.value.strip(), self.resource.value.strip()
            explanation = predict(action, resource, role=self.role, session_policy=self.session_policy())
            result = real_call(action, resource, session_policy=self.session_policy())
            verdict = {"yes": "matches the prediction", "NO": "differs from the prediction", "n/a": ""}
            colour = {"allowed": "#1a7f37", "AccessDenied": "#cf222e"}.get(result.outcome, "#57606a")
            self.result.value = (
                f'Real call: <b style="color:{colour}">{html.escape(str(result))}</b> '
                f"{verdict[agree(explanation, result)]} <code>{html.escape(result.command)}</code>"
            )
        except Exception as error:  # a widget callback must show, not raise
            self.result.value = f"could not call: {html.escape(str(error))}"


def show(role=ROLE):
    """Display the playground for the role; return the Playground (its widgets are attributes), or None.

    The text areas keep the learner's text across re-runs of this cell, valid JSON or not,
    and across `lab.start`/`lab.reset` (they reset the account, not the learner's work);
    the checkboxes always show the account as it is.
    """
    from IPython.display import display

    if not role_exists(role):
        return None
    playground = Playground(role)
    display(playground.box)
    return playground
