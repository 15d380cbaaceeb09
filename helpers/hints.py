"""One-line hints printed after a failed `%aws` command (introduced in chapter 01).

The CLI's own error is always printed first, unchanged; a hint only adds what a
learner needs next: is it safe to continue, which chapter makes the missing
thing, what to fix in a policy file.
"""
import difflib
import re

RESET_ADVICE = "`lab.start(chapter=N)` rebuilds this chapter's starting point; `lab.reset()` empties the account."

# Which chapter creates each of the course's resources, for "not found" errors.
MADE_IN = {
    "CloudWatch-Wordpress-ut": "01-Policies",
    "S3-Wordpress-ut": "01-Policies",
    "umemoto-wordpress-role": "02-Role",
    "umemoto-wordpress-profile": "04-Instance-Profile",
    "ut-wordpress-s3": "05-Verification",
}


def made_in(message):
    """Name the chapter that creates a resource mentioned in an error message."""
    for name, chapter in MADE_IN.items():
        if name in message:
            return f"`{name}` is created in chapter {chapter}: run that chapter's cells first (or `lab.start(chapter=N)` past it)."
    for word in re.findall(r"[\w.-]+", message):
        close = difflib.get_close_matches(word, MADE_IN, n=1, cutoff=0.85)
        if close:
            return f"`{word}` does not exist. Did you mean `{close[0]}`?"
    return "it has not been created yet, or its name is misspelled: compare it with the article's names."


def hint_for(stderr_text):
    """The hint for a CLI error text, or None when there is nothing useful to add."""
    text = stderr_text
    if "(EntityAlreadyExists)" in text or "BucketAlreadyOwnedByYou" in text:
        return f"Already created (perhaps by an earlier run of this cell); safe to continue. {RESET_ADVICE}"
    if "(NoSuchEntity)" in text or "NoSuchBucket" in text:
        return "Not found: " + made_in(text)
    if "(LimitExceeded)" in text and "InstanceSessionsPerInstanceProfile" in text:
        return "An instance profile holds exactly one role, and this one already has it; safe to continue."
    if "Unable to load paramfile" in text:
        match = re.search(r"file://(\S+?)[,:\s]", text)
        name = re.split(r"[\\/]", match.group(1))[-1] if match else "FILE.json"
        return (f"The file was not found. In this lab the policy files live in ../policies/: "
                f"use file://../policies/{name} (the article's C:\\policies\\ path is on the author's PC).")
    if "(MalformedPolicyDocument)" in text or "Invalid JSON" in text:
        return ("The policy document is not valid: check its JSON (commas, quotes, brackets) and "
                "its elements. `python -m helpers lint FILE` shows the exact line and column.")
    if "(AccessDenied)" in text or "AccessDenied" in text:
        return ("Denied by IAM: no attached policy allows this action on this resource "
                "(or one denies it). `helpers.explain` shows which statement decided.")
    if "(InvalidClientTokenId)" in text or "Unable to locate credentials" in text:
        return "These credentials are not valid here. Run `lab.start(chapter=N)` in this notebook first."
    if re.search(r"Invalid choice|the following arguments are required|Unknown options", text):
        return "Check the command's spelling against the article; `%aws iam help` lists IAM's commands."
    return None
