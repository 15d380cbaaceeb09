"""The board's HTML page: learners x exercises, each cell passed or not and after how many attempts."""

import html
import time

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: center; }
td.passed { background: #d8f5d0; } td.failing { background: #fde2e1; } td.learner { text-align: left; }
"""


def cell(result):
    """One table cell for one learner and exercise."""
    if result is None:
        return '<td class="none">&middot;</td>'
    tries = result["attempts"]
    if result["passed"]:
        return f'<td class="passed" title="passed after {tries} attempt(s)">&#10004; {tries}</td>'
    return f'<td class="failing" title="not passed yet, {tries} attempt(s)">&#10008; {tries}</td>'


def last_seen(results, now):
    """'3 min ago' for the learner's latest verdict, or 'no verdict yet'."""
    if not results:
        return "no verdict yet"
    minutes = int((now - max(r["last"] for r in results.values())) // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago"


def render(table, learners, exercises, *, viewer, admin, now=None):
    """The whole page: one row per learner shown (only the viewer's own for a learner)."""
    now = now or time.time()
    head = "".join(f'<th title="chapter {c:02d}">{html.escape(e)}</th>' for c, e in exercises)
    body = []
    for learner in learners:
        results = table.get(learner, {})
        cells = "".join(cell(results.get(exercise)) for _, exercise in exercises)
        body.append(
            f'<tr><td class="learner">{html.escape(learner)}</td>{cells}<td>{last_seen(results, now)}</td></tr>'
        )
    scope = "every learner" if admin else "your own exercises"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Progress board</title>"
        f"<meta http-equiv='refresh' content='30'><style>{STYLE}</style></head><body>"
        f"<h1>Progress board</h1><p>Signed in as <b>{html.escape(viewer)}</b>: {scope}. "
        f"&#10004; passed, &#10008; not yet, with the number of attempts; refreshes every 30 s.</p>"
        f"<table><tr><th>learner</th>{head}<th>last verdict</th></tr>{''.join(body)}</table>"
        "</body></html>"
    )
