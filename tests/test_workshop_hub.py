"""The class hub, for real: JupyterHub + configurable-http-proxy on 127.0.0.1, two learners, the board.

One hub for the module (workshop/hubctl.py, configured by workshop/jupyterhub_config.py),
on free ports, with two throw-away learner accounts. Each learner's server starts through
the hub's REST API; a kernel in each runs chapter 01's setup cell over the Jupyter
protocol, through the proxy, with the learner's own token. Checked: the server runs as
the learner's own account with the course handed out (no stored outputs), neither learner
reaches the other's server or files, the memory cap is a real cgroup, a first-use login
works, and the progress board records a verdict posted from a kernel, shows it, and
refuses another learner's token. The hub is torn down (process group, accounts, homes)
even when a test fails.

Needs root (accounts, setuid) and npm (the proxy); without them this module is skipped,
unless CI is set: then it fails.
"""

import json
import os
import secrets
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workshop import hubctl
from workshop.kernels import Kernel, rest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "iam-role-lab/notebooks/01-Policies.ipynb"
BOARD = "/services/progress-board"


def first_code_cell(name):
    """The setup cell of a chapter, as stored."""
    notebook = json.loads((ROOT / "notebooks" / name).read_text())
    return "".join(next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"])


def status_of(url, token=None, data=None):
    """HTTP status of a request (no redirects followed)."""
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A running class hub with two learners whose servers are up; yields (hub, {name: token})."""
    reason = (
        "the class hub needs root"
        if os.geteuid() != 0
        else "the class hub needs npm (configurable-http-proxy)"
        if not shutil.which("npm")
        else None
    )
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("hub-state")
    homes = Path(tempfile.mkdtemp(prefix="iamlab-homes-"))
    homes.chmod(0o755)
    tag = secrets.token_hex(3)
    learners = [f"la{tag}", f"lb{tag}"]
    extra = [f"lc{tag}", "instructor"]
    server = hubctl.Hub(
        state=state,
        port=hubctl.free_port(),
        admin_token=secrets.token_hex(24),
        home_base=homes,
        log=state / "jupyterhub.log",
    )
    try:
        server.start()
        server.api("POST", "/users", {"usernames": learners})
        with ThreadPoolExecutor(len(learners)) as pool:
            list(pool.map(lambda name: start_server(server, name), learners))
        tokens = {
            name: server.api("POST", f"/users/{name}/tokens", {"note": "smoke test"})["token"] for name in learners
        }
        yield server, tokens
    finally:
        server.stop(learners=learners + extra)
        hubctl.remove_accounts(learners + extra)
        shutil.rmtree(homes, ignore_errors=True)


def start_server(server, name, timeout=90):
    """Ask the hub to start name's server and wait until it is ready."""
    server.api("POST", f"/users/{name}/server")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.api("GET", f"/users/{name}")["servers"].get("", {}).get("ready"):
            return
        time.sleep(0.5)
    raise AssertionError(f"{name}'s server was not ready within {timeout} s")


@pytest.fixture(scope="module")
def kernels(hub):
    """A kernel in each learner's server (chapter 01's notebook), through the proxy with the learner's token."""
    server, tokens = hub
    started = {name: Kernel(f"{server.url}/user/{name}", token, CHAPTER) for name, token in tokens.items()}
    yield started
    for kernel in started.values():
        kernel.close()


def test_each_learner_runs_the_setup_cell_in_their_own_server(hub, kernels):
    setup = first_code_cell("01-Policies.ipynb")
    for name, kernel in kernels.items():
        result = kernel.execute(setup)
        assert result.ok, result.error or result.text
        assert "123456789012" in result.text  # the banner: the emulated account
        who = kernel.execute("import getpass, os; print(getpass.getuser(), os.getcwd())")
        assert who.text.split() == [name, str(Path(hub[0].home_base) / name / "iam-role-lab" / "notebooks")]


def test_the_course_is_handed_out_without_stored_outputs(hub):
    for name in hub[1]:
        folder = Path(hub[0].home_base) / name / "iam-role-lab" / "notebooks"
        notebooks = sorted(folder.glob("*.ipynb"))
        assert len(notebooks) == len(list((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")))
        for path in notebooks:
            cells = json.loads(path.read_text())["cells"]
            assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code"), path


def test_a_learner_cannot_reach_the_other_learners_server_or_files(hub, kernels):
    server, tokens = hub
    a, b = list(tokens)
    assert status_of(f"{server.url}/user/{a}/api/status", tokens[a]) == 200
    assert status_of(f"{server.url}/user/{b}/api/status", tokens[a]) == 403
    assert status_of(f"{server.url}/user/{b}/api/contents", tokens[a]) == 403
    other_home = Path(server.home_base) / b
    peek = kernels[a].execute(
        f"import os\ntry:\n    os.listdir({str(other_home)!r})\n"
        "except PermissionError as e:\n    print('refused', e.errno)"
    )
    assert peek.text.strip() == "refused 13"


def test_each_learner_has_a_memory_cap(hub, kernels):
    server, tokens = hub
    folder, version = hubctl_cgroup()
    if folder is None:
        pytest.skip(f"no writable memory cgroup on this machine ({version}): the cap is not enforced")
    for name in tokens:
        pid = server.api("GET", f"/users/{name}")["servers"][""]["state"]["pid"]
        cgroup = Path(f"/proc/{pid}/cgroup").read_text()
        assert f"iamlab-{name}" in cgroup
        limit = folder / f"iamlab-{name}" / ("memory.limit_in_bytes" if version == 1 else "memory.max")
        assert int(limit.read_text()) == 2 * 1024**3


def hubctl_cgroup():
    """The hub's memory cgroup (as the spawner finds it)."""
    from workshop.spawner import own_memory_cgroup

    return own_memory_cgroup()


def test_first_use_login_creates_the_account_and_then_checks_the_password(hub):
    server = hub[0]
    name = "lc" + next(iter(hub[1]))[2:]

    def login(who, password):
        """A fresh browser: the login page (for its _xsrf cookie), then the form."""
        jar = urllib.request.HTTPCookieProcessor()
        urllib.request.build_opener(jar).open(f"{server.url}/hub/login", timeout=30).read()
        xsrf = next(c.value for c in jar.cookiejar if c.name == "_xsrf")
        form = urllib.parse.urlencode({"username": who, "password": password, "_xsrf": xsrf}).encode()
        return post_form(jar, f"{server.url}/hub/login", form)

    assert login(name, "first-password") == 302  # signed up: redirected on to the server
    assert login(name, "another-password") == 403  # the name is taken, with the first password
    assert login(name, "first-password") == 302
    # The launcher set the instructor's password before the hub started: nobody else can claim the name.
    admin, password = (server.state / "instructor-password").read_text().split()
    assert login(admin, "a-learner-guessing") == 403
    assert login(admin, password) == 302


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them."""

    def redirect_request(self, *args, **kwargs):
        """Follow nothing."""
        return None


def post_form(jar, url, form):
    """Status of a form POST with the jar's cookies, redirects not followed."""
    try:
        with urllib.request.build_opener(NoRedirect, jar).open(url, data=form, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def board_api(server, path, token, body=None):
    """A call to the board's API through the proxy."""
    return rest("POST" if body is not None else "GET", f"{server.url}{BOARD}/api/{path}", token, body)


def test_the_board_records_a_verdict_posted_from_a_learners_kernel(hub, kernels):
    server, tokens = hub
    a, b = list(tokens)
    post = kernels[a].execute(
        "from helpers.teach import progress\n"
        "t = progress.record(1, '01-read-only', False); t.join(); "
        "t = progress.record(1, '01-read-only', True); t.join(); print(t is not None)"
    )
    assert post.ok and post.text.strip() == "True", post.error or post.text
    mine = board_api(server, f"verdicts/{a}", tokens[a])
    assert mine[a]["01-read-only"]["attempts"] == 2 and mine[a]["01-read-only"]["passed"] is True


def test_the_board_refuses_another_learners_token(hub, kernels):
    server, tokens = hub
    a, b = list(tokens)
    with pytest.raises(urllib.error.HTTPError) as refused:
        board_api(server, f"verdicts/{a}", tokens[b])
    assert refused.value.code == 403
    posted = board_api(server, "verdicts", tokens[b], {"chapter": 2, "exercise": "02-trust", "passed": False})
    assert posted["learner"] == b  # a verdict always counts for the token's owner
    assert "02-trust" not in board_api(server, f"verdicts/{a}", tokens[a])[a]
    assert status_of(f"{server.url}{BOARD}/api/verdicts/{a}", "not-a-token") in (302, 403)


def test_the_board_page_shows_everyone_to_the_instructor_and_a_learner_only_their_row(hub, kernels):
    server, tokens = hub
    a, b = list(tokens)
    instructor = server.api(
        "POST",
        "/users/instructor/tokens",
        {"note": "smoke test", "scopes": ["access:services!service=progress-board", "read:users:name!user"]},
    )
    page = (
        urllib.request.urlopen(
            urllib.request.Request(f"{server.url}{BOARD}/", headers={"Authorization": f"token {instructor['token']}"}),
            timeout=30,
        )
        .read()
        .decode()
    )
    assert a in page and b in page and "01-read-only" in page and "&#10004; 2" in page
    own = (
        urllib.request.urlopen(
            urllib.request.Request(f"{server.url}{BOARD}/", headers={"Authorization": f"token {tokens[b]}"}), timeout=30
        )
        .read()
        .decode()
    )
    assert b in own and a not in own
