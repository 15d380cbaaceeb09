"""Every notebook, run as a learner runs it: in JupyterLab, in a real (headless) browser.

JupyterLab starts on 127.0.0.1 with a token, serving a temporary copy of
notebooks/ and policies/ (so autosave never touches the stored outputs). For
each `notebooks/NN-Title.ipynb` found at run time, Debian's chromium (driven by
PyPI playwright; no browser download) opens it, runs "Run All Cells"
(`runmenu:run-all`), waits until every code cell has run and the status bar
says the kernel is Idle, saves a screenshot to artifacts/screenshots/, and checks:

- no cell produced an error output;
- pandas tables are rendered as HTML tables, as many as the stored outputs hold;
- Mermaid diagrams are rendered as images, as many as the stored outputs and
  Markdown cells hold;
- ipywidgets are rendered as widgets (not "Loading widget..." or an error).

In the policy playground (09-Policy-Playground.ipynb) it also changes the action
widget and checks that the shown decision changes. The playground's contract:
the action is an ipywidgets Combobox (the playground's), Dropdown or Text with the CSS class `action`
(`widget.add_class("action")`; failing that, the one whose label starts with
"Action"), and the decision is shown in an element with the CSS class
`decision` (e.g. `widgets.HTML(...).add_class("decision")`) whose text differs
between an allowed and a denied action.

Without chromium this module is skipped, unless the environment variable CI is
set: then it fails, so CI never passes without having run it.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PLAYGROUND = "09-Policy-Playground.ipynb"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IDLE = re.compile(r"\|\s*Idle")
# Actions typed into a Combobox or Text action widget until the decision changes
# (some allowed by the article's role, some not).
ACTIONS_TO_TRY = [
    "s3:DeleteBucket",
    "iam:CreateUser",
    "s3:GetObject",
    "cloudwatch:PutMetricData",
    "ec2:TerminateInstances",
    "s3:PutObject",
]

# JupyterLab settings for the test: every cell stays in the page (no windowing), no news or update pop-ups.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

ALL_CODE_CELLS_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
    return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
}"""

ERROR_OUTPUTS = """() => {
    const found = [];
    let index = 0;
    for (const cell of window.jupyterapp.shell.currentWidget.content.model.cells) {
        if (cell.type === 'code') {
            for (const out of cell.outputs.toJSON()) {
                if (out.output_type === 'error') found.push(`cell ${index}: ${out.ename}: ${out.evalue}`);
            }
        }
        index += 1;
    }
    return found;
}"""

RENDERED = """() => {
    const outputs = '.jp-Notebook .jp-OutputArea-output';
    const mermaid = [...document.querySelectorAll('.jp-Notebook .jp-RenderedMermaid')];
    const images = mermaid.flatMap(m => [...m.querySelectorAll('img')])
        .filter(img => img.src.startsWith('data:image/svg+xml') && img.complete && img.naturalWidth > 0);
    const widgetText = [...document.querySelectorAll(outputs)].map(o => o.textContent).join('\\n');
    return {
        tables: document.querySelectorAll(outputs + ' table.dataframe').length,
        mermaidBlocks: mermaid.length,
        mermaidImages: images.length,
        widgets: document.querySelectorAll(outputs + ' .jupyter-widgets').length,
        widgetProblems: (widgetText.match(/Error displaying widget|Loading widget\\.\\.\\./g) || []).length,
    };
}"""


def chromium_path():
    """Debian's chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def expected_renderings(path):
    """What the stored notebook says the browser must render: tables, Mermaid diagrams, widgets."""
    notebook = json.loads(path.read_text())
    tables = mermaid = widgets = 0
    uses_widgets = False
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            mermaid += source.count("```mermaid")
            continue
        if cell["cell_type"] != "code":
            continue
        uses_widgets |= bool(re.search(r"\bipywidgets\b|\binteract(ive)?\b", source))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            tables += 'class="dataframe' in "".join(data.get("text/html", ""))
            mermaid += "".join(data.get("text/markdown", "")).count("```mermaid")
            widgets += WIDGET_MIME in data
    return {"tables": tables, "mermaid": mermaid, "widgets": widgets or int(uses_widgets)}


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base, token, path, method="GET"):
    """Call JupyterLab's REST API; return the decoded JSON (or None)."""
    request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the course; yields (base URL, token)."""
    if chromium_path() is None:
        reason = "Debian's chromium is not installed (apt-get install -y chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("browser")
    course = work / "course"
    shutil.copytree(ROOT / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "policies", course / "policies")
    for name, value in SETTINGS.items():
        (work / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "settings" / name).write_text(json.dumps(value))
    port, token = free_port(), os.urandom(16).hex()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(work / "config"),
        JUPYTER_RUNTIME_DIR=str(work / "runtime"),
        IPYTHONDIR=str(work / "ipython"),
        BROWSER="true",
    )
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={course / 'notebooks'}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={work / 'settings'}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (work / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(work / 'jupyterlab.log').read_text()[-3000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(jupyterlab):
    """Headless Debian chromium, driven by playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, jupyterlab):
    """A fresh browser page; afterwards every kernel is shut down so the next notebook starts clean."""
    base, token = jupyterlab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
    for session in api(base, token, "/api/sessions") or []:
        api(base, token, f"/api/sessions/{session['id']}", method="DELETE")


def wait_idle(page, timeout):
    """Wait until the status bar shows the kernel as Idle (not the toolbar's first 'idle')."""
    page.locator("#jp-main-statusbar").get_by_text(IDLE).wait_for(timeout=timeout)


def screenshot(page, path):
    """Save the whole notebook (the page made as tall as the notebook) as a PNG."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    height = page.evaluate("""() => {
        const scroller = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        return scroller ? scroller.scrollHeight : document.body.scrollHeight;
    }""")
    page.set_viewport_size({"width": 1280, "height": min(max(height + 150, 900), 16000)})
    page.wait_for_timeout(500)
    page.evaluate("""() => {
        const scroller = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        if (scroller) scroller.scrollTop = 0;
    }""")
    page.wait_for_timeout(200)
    target = SCREENSHOTS / f"{path.stem}.png"
    page.screenshot(path=str(target))
    return target


def settle(page, expected, timeout=30):
    """Wait until Mermaid images and widgets have rendered (both render after the output arrives)."""
    deadline = time.monotonic() + timeout
    while True:
        seen = page.evaluate(RENDERED)
        if (
            seen["mermaidImages"] >= expected["mermaid"]
            and seen["widgets"] >= expected["widgets"]
            and not seen["widgetProblems"]
        ) or time.monotonic() > deadline:
            return seen
        page.wait_for_timeout(250)


def change_action_and_check_decision(page):
    """Playground contract: changing the `action` widget changes the text of the `.decision` element."""
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output")
    action = outputs.locator(".jupyter-widgets.action")
    if not action.count():
        action = outputs.locator(".widget-dropdown, .widget-text, .widget-combobox").filter(
            has=page.locator("label.widget-label", has_text=re.compile(r"^\s*Action", re.I))
        )
    assert action.count(), (
        "the playground has no action widget: give the Combobox/Dropdown/Text the CSS class "
        "'action' (widget.add_class('action')) or the description 'Action'"
    )
    action = action.first
    decision = outputs.locator(".decision").first
    assert decision.count(), "the playground shows no element with the CSS class 'decision'"
    before = decision.inner_text().strip()
    select = action.locator("select")
    if select.count():
        current = select.input_value()
        choices = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v != current]
    else:
        choices = [a for a in ACTIONS_TO_TRY if a != action.locator("input").input_value()]
    tried = []
    for choice in choices:
        if select.count():
            select.select_option(choice)
        else:
            action.locator("input").fill(choice)
            action.locator("input").press("Enter")
        tried.append(choice)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if decision.inner_text().strip() != before:
                return before, decision.inner_text().strip()
            page.wait_for_timeout(200)
    pytest.fail(f"the decision stayed {before!r} after setting the action to each of {tried}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_renders_in_jupyterlab(page, jupyterlab, path):
    base, token = jupyterlab
    expected = expected_renderings(path)
    page.goto(f"{base}/lab/tree/{path.name}?token={token}&reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    wait_idle(page, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
    page.wait_for_function(ALL_CODE_CELLS_RAN, timeout=600_000, polling=250)
    wait_idle(page, timeout=600_000)
    seen = settle(page, expected)
    screenshot(page, path)

    errors = page.evaluate(ERROR_OUTPUTS)
    assert not errors, f"{path.name}: error output in the browser: " + "; ".join(errors)
    assert seen["tables"] >= expected["tables"], f"{path.name}: pandas tables rendered {seen} vs stored {expected}"
    assert seen["mermaidBlocks"] >= expected["mermaid"], f"{path.name}: Mermaid blocks {seen} vs {expected}"
    assert seen["mermaidImages"] >= expected["mermaid"], f"{path.name}: Mermaid not rendered as images: {seen}"
    if expected["widgets"]:
        assert seen["widgets"] >= 1 and not seen["widgetProblems"], f"{path.name}: widgets not rendered: {seen}"
    if path.name == PLAYGROUND:
        before, after = change_action_and_check_decision(page)
        assert before != after
