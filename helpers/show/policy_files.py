"""The article's policy files, shown and checked as a notebook loads them (chapters 01-02).

`show("s3policy.json")` displays a file from policies/ as a JSON block and lints
it, so a typo in a learner's edit is reported with its line and column before
any command uses the file. `save("name.json", text)` does the same for a policy a
chapter writes itself (chapter 07), kept in the lab's scratch folder, never in the
repository, and returns its path for `file://$NAME`.
"""

import os

from IPython.display import Markdown, display

from helpers.aws import sandbox
from helpers.course.article import POLICY_DIR
from helpers.policy import lint


def path_of(filename):
    """The path of a file in the repository's policies/ folder."""
    return POLICY_DIR / filename


def show(filename):
    """Display one policy file with its path, then lint it."""
    path = path_of(filename)
    if not path.exists():
        names = ", ".join(sorted(p.name for p in POLICY_DIR.glob("*.json")))
        print(f"{filename} is not in policies/. The files there are: {names}")
        return
    display(Markdown(f"`policies/{filename}`\n```json\n{path.read_text().rstrip()}\n```"))
    check(path)


def check(path):
    """Lint a policy file and print the findings (or that it is clean), path relative to here."""
    lint.check_policy_file(os.path.relpath(path))


def save(filename, text):
    """Save a chapter's own policy JSON as a scratch file, display and lint it; return the path for file://."""
    folder = sandbox.scratch_folder() / "policies"
    folder.mkdir(exist_ok=True)
    path = folder / filename
    path.write_text(text.strip() + "\n", encoding="utf-8")
    display(Markdown(f"`{filename}` (saved in the lab's scratch folder)\n```json\n{text.strip()}\n```"))
    lint.check_policy_text(text, filename)
    return str(path)
