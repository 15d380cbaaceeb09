"""The policy playground of chapter 07: predict IAM's decision, then make the real call.

The logic is plain functions (tested in tests/test_playground.py); the widgets
of `show()` only wire them together.

    predict(action, resource, policies)   how IAM decides, and which statement decides
    compare / predict_and_call            the prediction beside the real call made as the
                                          instance (helpers.instance.calls), as a table
    show()                                the widgets: action, resource, the role's policies
                                          (changed for real by helpers.teach.playground_role),
                                          the live prediction and the real-call button

After `lab.reset()` (no role in the account), `predict`, `predict_and_call`,
`show` and `remove_custom` print that the role is missing and how to rebuild it,
and return None, instead of raising.
"""
import html
import json

import pandas as pd

from helpers.aws import backend
from helpers.course.article import POLICIES, ROLE
from helpers.instance.calls import CALLS, OBJECT_ARN, RESOURCES, real_call
from helpers.policy import explain
from helpers.steps import role_policies
from helpers.steps.iam import role_exists as role_in_account
from helpers.teach.playground_role import (CUSTOM_POLICY, attached_names, custom_on_role, policy_set, put_custom,
                                           read_custom, remove_custom, set_attached)

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
_last_text = None  # the text area's last text in this kernel (see show)


# --- predictions and comparisons ----------------------------------------------------------

def role_exists(role=ROLE):
    """True if the role is in the account; otherwise print how to rebuild it and return False."""
    if role_in_account(backend.client("iam"), role):
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
