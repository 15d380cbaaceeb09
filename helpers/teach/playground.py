"""The policy playground of chapter 07: the role's policies as widgets, the live prediction, the real call.

The logic lives in plain functions (helpers.teach.compare for predictions beside real
calls, helpers.teach.playground_role for changing the role for real); the widgets of
`show()` only wire them together. The text area keeps the learner's text across re-runs.
"""

import html
import json

from helpers.course.article import POLICIES, ROLE
from helpers.instance.calls import CALLS, OBJECT_ARN, RESOURCES, real_call
from helpers.teach.compare import agree, decision_html, predict, role_exists
from helpers.teach.playground_role import (
    CUSTOM_POLICY,
    attached_names,
    custom_on_role,
    policy_set,
    put_custom,
    read_custom,
    remove_custom,
    set_attached,
)

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
    return (
        f"Note: the {CUSTOM_POLICY} on {role} now is not the text below; the prediction counts "
        "the text, and the real-call button makes the role match it first."
    )


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
        attached = attached_names(role)
        self.toggles = {
            name: widgets.Checkbox(value=name in attached, description=name, indent=False) for name in ARTICLE_POLICIES
        }
        on_role = custom_on_role(role)
        self.custom_on = widgets.Checkbox(
            value=on_role is not None, description=f"{CUSTOM_POLICY} (the text below)", indent=False
        )
        text = starting_text(custom_text, on_role)
        _remember(text)
        self.editor = widgets.Textarea(value=text, layout=widgets.Layout(width="40em", height="14em"))
        self.lint_note = widgets.HTML()
        self.decision = widgets.HTML().add_class("decision")
        self.table = widgets.HTML()
        self.button = widgets.Button(
            description="Real call as the instance", button_style="primary", layout=widgets.Layout(width="16em")
        )
        self.result = widgets.HTML("<i>Press the button to make the call.</i>").add_class("real-result")
        self.status = widgets.HTML(html.escape(differs_note(text, on_role, role)))
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Request</b>"),
                self.action,
                self.resource,
                widgets.HTML(f"<b>Policies of {html.escape(role)}</b> (ticking really attaches/detaches)"),
                *self.toggles.values(),
                self.custom_on,
                self.editor,
                self.lint_note,
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
            verdict = {"yes": "matches the prediction", "NO": "differs from the prediction", "n/a": ""}[
                agree(explanation, result)
            ]
            colour = {"allowed": "#1a7f37", "AccessDenied": "#cf222e"}.get(result.outcome, "#57606a")
            self.result.value = (
                f'Real call: <b style="color:{colour}">{html.escape(str(result))}</b> '
                f"{verdict} <code>{html.escape(result.command)}</code>"
            )
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
