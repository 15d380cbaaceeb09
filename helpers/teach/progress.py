"""Post an exercise checker's verdict to the workshop's progress board, if there is one (chapter 01 on).

    from helpers.teach import progress
    progress.record(1, "01-read-only", verdict.ok)

Active only inside a learner's server on the workshop hub, which sets
$IAMLAB_BOARD_URL (workshop/jupyterhub_config.py) next to the hub's own
$JUPYTERHUB_API_TOKEN; anywhere else (JupyterLab on a laptop, Binder, the tests)
record() does nothing. The post runs in a daemon thread with a short timeout:
a cell never waits for the board and never fails when it is down. The board
counts attempts itself. Standard library only; imports no other helpers module.
"""

import json
import os
import threading
import urllib.request

TIMEOUT = 3  # seconds; the thread gives up after this, the cell never waited in the first place


def board_url():
    """The board's verdicts endpoint, or None when the board is off (no URL or no hub token)."""
    base, token = os.environ.get("IAMLAB_BOARD_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    if not base or not token:
        return None
    return base.rstrip("/") + "/api/verdicts"


def post(url, token, verdict):
    """Send one verdict; swallow every failure (the board is a convenience, never in the way)."""
    try:
        request = urllib.request.Request(
            url,
            data=json.dumps(verdict).encode(),
            method="POST",
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except Exception:  # down, slow, refused, malformed URL: the learner's cell is not affected
        pass


def record(chapter, exercise, passed):
    """Post (chapter, exercise, passed) in the background; return the thread, or None if the board is off."""
    try:
        url = board_url()
        if url is None:
            return None
        verdict = {"chapter": int(chapter), "exercise": str(exercise), "passed": bool(passed)}
        thread = threading.Thread(
            target=post, args=(url, os.environ["JUPYTERHUB_API_TOKEN"], verdict), name="iamlab-progress", daemon=True
        )
        thread.start()
        return thread
    except Exception:  # e.g. a chapter that is not a number: never raise into a checker
        return None
