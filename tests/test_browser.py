"""Every notebook, run as a learner runs it: in JupyterLab, in a real (headless) browser.

JupyterLab starts as `python3 tasks.py lab` starts it (tasks.lab_arguments: rooted
at the course, opening chapter 00, with the course's jupyter/overrides.json as its
setting defaults), on 127.0.0.1 with a token, serving a temporary copy of
notebooks/, policies/ and helpers/ (so autosave never touches the stored outputs).
For each `notebooks/NN-Title.ipynb` found at run time, Debian's chromium (driven by
PyPI playwright; no browser download) opens it, runs "Run All Cells"
(`runmenu:run-all`), waits until every code cell has run and the status bar
says the kernel is Idle, saves a screenshot to artifacts/screenshots/, and checks:

- no cell produced an error output;
- pandas tables are rendered as HTML tables, as many as the stored outputs hold;
- Mermaid diagrams are rendered as images, as many as the stored outputs and
  Markdown cells hold, and every label in them is drawn at least 11 px high with
  the window 1280 px wide and the file browser open (see "Label sizes" below);
- ipywidgets are rendered as widgets (not "Loading widget..." or an error).

Label sizes. JupyterLab shows a Mermaid diagram as an <img> whose source is the
SVG Mermaid drew, scaled down to fit the output area (CSS max-width: 100%), so the
text cannot be measured in place. For each image the test loads the same SVG into
a hidden iframe at exactly the image's rendered width and height, so the browser
maps the SVG's viewBox onto the same pixels the image shows, and for each text
node of a label takes its computed font size times the on-screen scale of the
coordinate system it is drawn in (getScreenCTM of the enclosing <text> or
<foreignObject>). That product is the label's em size in CSS pixels as the learner
sees it (the height of the box its letters are drawn in); it must be ≥ 11 px.

Around the notebooks it checks that JupyterLab opens chapter 00 by default
without the news pop-up, that every file the notebooks name (policies/*.json,
helpers/...) can be opened from the file browser, and that a Japanese font is
installed for the screenshots.

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

import importlib.util
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
_spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
tasks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tasks)
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

# The test's own JupyterLab user setting: every cell stays in the page (no windowing). The news and update
# pop-ups are turned off by the course's jupyter/overrides.json, which the test serves as JupyterLab's
# application settings (what tasks.py installs into .venv/share/jupyter/lab/settings/).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
MIN_LABEL_PX = 11
WINDOW = {"width": 1280, "height": 900}
COPIED = ("notebooks", "policies", "helpers")
# Files the notebooks' text names: helpers/... and policies/... paths, and the article's policy files by name.
NAMED_FILE = re.compile(r"(?<![\w/.])(?:\.\./)?((?:helpers|policies)/[\w/.-]*\w|[\w-]+policy\.json)\b")

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


# For each Mermaid image: its rendered size and the on-screen em size of each label (see "Label sizes" above).
MERMAID_LABELS = """() => {
    const found = [];
    for (const img of document.querySelectorAll('.jp-Notebook .jp-RenderedMermaid img')) {
        const rect = img.getBoundingClientRect();
        const source = decodeURIComponent(img.src.slice(img.src.indexOf(',') + 1));
        const frame = document.createElement('iframe');
        frame.style.cssText = 'position:fixed;left:0;top:0;border:0;visibility:hidden;'
            + `width:${Math.ceil(rect.width) + 20}px;height:${Math.ceil(rect.height) + 20}px`;
        document.body.appendChild(frame);
        const doc = frame.contentDocument;
        doc.open();
        doc.write('<!DOCTYPE html><html><body style="margin:0"></body></html>');
        doc.close();
        const svg = doc.importNode(new DOMParser().parseFromString(source, 'image/svg+xml').documentElement, true);
        svg.setAttribute('width', rect.width);
        svg.setAttribute('height', rect.height);
        svg.style.maxWidth = 'none';
        doc.body.appendChild(svg);
        const labels = [];
        const walker = doc.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            const host = element.closest('foreignObject') || element.closest('text');
            const range = doc.createRange();
            range.selectNodeContents(node);
            if (!node.textContent.trim() || !host || range.getBoundingClientRect().width === 0) continue;
            const ctm = host.getScreenCTM();
            const px = parseFloat(frame.contentWindow.getComputedStyle(element).fontSize) * Math.hypot(ctm.a, ctm.b);
            labels.push({text: node.textContent.trim(), px: Math.round(px * 10) / 10});
        }
        frame.remove();
        found.push({width: Math.round(rect.width), natural: Math.round(svg.viewBox.baseVal.width), labels});
    }
    return found;
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
    for folder in COPIED:
        shutil.copytree(
            ROOT / folder, course / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        )
    (work / "app-settings").mkdir()
    shutil.copy(tasks.LAB_SETTINGS, work / "app-settings" / "overrides.json")
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
    test_only = [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.app_settings_dir={work / 'app-settings'}",
        f"--LabApp.user_settings_dir={work / 'settings'}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    command = [sys.executable, "-m", *tasks.lab_arguments(course, test_only)]
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
    context = browser.new_context(viewport=WINDOW)
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


def mermaid_labels(page):
    """Every Mermaid image's labels with their on-screen size, at a 1280-px window with the file browser open."""
    page.set_viewport_size(WINDOW)
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    page.wait_for_function("() => !window.jupyterapp.shell.leftCollapsed", timeout=10_000)
    page.wait_for_timeout(500)  # let the notebook re-lay out at its narrower width
    return page.evaluate(MERMAID_LABELS)


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
    page.goto(f"{base}/lab/tree/notebooks/{path.name}?token={token}&reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    wait_idle(page, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
    page.wait_for_function(ALL_CODE_CELLS_RAN, timeout=600_000, polling=250)
    wait_idle(page, timeout=600_000)
    seen = settle(page, expected)
    diagrams = mermaid_labels(page)
    screenshot(page, path)

    errors = page.evaluate(ERROR_OUTPUTS)
    assert not errors, f"{path.name}: error output in the browser: " + "; ".join(errors)
    assert seen["tables"] >= expected["tables"], f"{path.name}: pandas tables rendered {seen} vs stored {expected}"
    assert seen["mermaidBlocks"] >= expected["mermaid"], f"{path.name}: Mermaid blocks {seen} vs {expected}"
    assert seen["mermaidImages"] >= expected["mermaid"], f"{path.name}: Mermaid not rendered as images: {seen}"
    small = [
        f"diagram {n} ({d['width']} px wide, drawn {d['natural']} px): {min(d['labels'], key=lambda x: x['px'])}"
        for n, d in enumerate(diagrams)
        if not d["labels"] or min(label["px"] for label in d["labels"]) < MIN_LABEL_PX
    ]
    assert not small, (
        f"{path.name}: Mermaid labels under {MIN_LABEL_PX} px (or none) at 1280 px with the file browser open: {small}"
    )
    if expected["widgets"]:
        assert seen["widgets"] >= 1 and not seen["widgetProblems"], f"{path.name}: widgets not rendered: {seen}"
    if path.name == PLAYGROUND:
        before, after = change_action_and_check_decision(page)
        assert before != after


def test_jupyterlab_opens_chapter_00_without_the_news_pop_up(page, jupyterlab):
    """`python3 tasks.py lab`'s JupyterLab: chapter 00 opens by default, and no toast asks about Jupyter news."""
    base, token = jupyterlab
    page.goto(f"{base}/?token={token}")
    assert "/lab/tree/notebooks/00-Introduction.ipynb" in page.url
    # (The notebook earlier tests opened may be restored beside it, from the workspace.)
    page.wait_for_function(
        """() => window.jupyterapp && [...window.jupyterapp.shell.widgets('main')]
            .some(w => w.context && w.context.path === 'notebooks/00-Introduction.ipynb')""",
        timeout=120_000,
    )
    schema = api(base, token, "/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]
    defaults = {key: schema["properties"][key]["default"] for key in ("fetchNews", "checkForUpdates")}
    assert defaults == {"fetchNews": "false", "checkForUpdates": False}  # jupyter/overrides.json, not JupyterLab's
    page.wait_for_timeout(3000)  # the news question would be asked shortly after start
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not [t for t in toasts if "news" in t.lower()], toasts


def files_the_notebooks_name():
    """Repository paths of the files the notebooks' text names (a bare *policy.json is in policies/)."""
    named = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            for name in NAMED_FILE.findall("".join(cell["source"])):
                named.add(name if "/" in name else f"policies/{name}")
    return sorted(named)


def test_every_file_the_notebooks_name_opens_from_the_file_browser(jupyterlab):
    base, token = jupyterlab
    named = files_the_notebooks_name()
    assert {"policies/s3policy.json", "helpers/aws/moto_gaps.py"} <= set(named), named
    for name in named:
        assert (ROOT / name).is_file(), f"the notebooks name {name}, which is not in the repository"
        assert api(base, token, f"/api/contents/{name}?content=0")["type"] == "file", name


def test_screenshots_can_draw_the_articles_japanese_headings():
    """A CJK font (Debian's fonts-noto-cjk, installed by .ci/run) so chapter 00's headings are not empty boxes."""
    listed = shutil.which("fc-list") and subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True
    )
    if not (listed and listed.stdout.strip()):
        reason = "no Japanese font is installed (apt-get install -y fonts-noto-cjk); screenshots show boxes"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
