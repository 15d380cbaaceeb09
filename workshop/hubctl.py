"""Start and stop the class hub (JupyterHub + configurable-http-proxy), for the launcher, tests and the load test.

    hub = Hub(state=Path("/srv/iamlab"), port=8000)
    hub.start()          # checks, handout, instructor password, then jupyterhub; waits until it answers
    hub.api("POST", "/users/alice/server")
    hub.stop()           # the hub, its proxy and services, every learner's server

The hub runs in its own process group; stop() ends it with SIGTERM (JupyterHub then
stops learners' servers, which run in sessions of their own), then SIGKILL, then
kills whatever the named learners still run.
"""

import dbm
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "workshop"
PROXY = WORKSHOP / "node_modules" / ".bin" / "configurable-http-proxy"
JUPYTERHUB = ROOT / ".venv" / "bin" / "jupyterhub"


class HubError(Exception):
    """A problem the instructor can fix, said in one line."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_port(ip, port):
    """Raise HubError if ip:port is taken."""
    with socket.socket() as sock:
        try:
            sock.bind((ip, port))
        except OSError as error:
            raise HubError(f"port {port} on {ip} is in use ({error.strerror}); choose another with --port") from None


def ensure_proxy():
    """Install configurable-http-proxy from workshop/package-lock.json (npm ci) unless it is there."""
    if PROXY.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise HubError(
            "npm is not installed; the hub's proxy (configurable-http-proxy) comes from npm "
            "(Debian: apt-get install -y npm)"
        )
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WORKSHOP, capture_output=True, text=True
    )
    if done.returncode or not PROXY.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise HubError(f"npm ci in workshop/ failed: {last}")


def check_learners_can_run_the_course():
    """Learners' servers run .venv's Python as the learners: every folder above it must let them in."""
    if os.geteuid() != 0:
        raise HubError(
            "the class hub must run as root: it creates learners' accounts and starts each "
            "learner's server as that account (try: sudo python3 tasks.py workshop)"
        )
    if not JUPYTERHUB.exists():
        raise HubError(f"{JUPYTERHUB} is missing: build .venv first (python3 tasks.py test --co -q)")
    for folder in [ROOT, *ROOT.parents]:  # the notebooks import helpers/ from here
        if not folder.stat().st_mode & stat.S_IXOTH:
            raise HubError(
                f"learners cannot reach the course: {folder} is not searchable by others "
                f"(chmod o+x {folder}, or clone the course somewhere like /srv or /opt)"
            )


def prepare_machine():
    """What a hub needs once per machine: root, the proxy (npm ci), an environment learners can run."""
    check_learners_can_run_the_course()
    ensure_proxy()
    return load_tasks().learners_env()


def load_tasks():
    """tasks.py (the repository's commands, standard library only) as a module."""
    spec = importlib.util.spec_from_file_location("iamlab_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_admin_password(state, admin):
    """Set the instructor's first-use password before anyone can claim the name; return it if new."""
    import bcrypt  # installed with the first-use authenticator

    saved = state / "instructor-password"
    with dbm.open(str(state / "passwords.dbm"), "c", 0o600) as db:
        if admin.encode() in db:
            return None
        password = secrets.token_urlsafe(9)
        db[admin.encode()] = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
    saved.write_text(f"{admin} {password}\n")
    saved.chmod(0o600)
    return password


@dataclass
class Hub:
    """One class hub on this machine, configured by workshop/jupyterhub_config.py.

    Settings as the launcher's options name them (see `python3 tasks.py workshop --help`).
    """

    state: Path
    port: int = 8000
    ip: str = "127.0.0.1"
    admin: str = "instructor"
    mem_limit: str = "2G"
    board: bool = True
    cull_kernels: int = 1200
    cull_servers: int = 3600
    home_base: str = "/home"
    admin_token: str | None = None
    log: Path | None = None
    proc: object = field(default=None, init=False)
    learner_venv: Path = field(default=ROOT / ".venv", init=False)

    def __post_init__(self):
        """The state folder as a Path, and the hub's own address."""
        self.state = Path(self.state)
        self.url = f"http://127.0.0.1:{self.port}"

    def prepare(self):
        """Checks, the state folder (0700), a fresh learner handout; returns a new instructor password."""
        check_port(self.ip, self.port)
        self.learner_venv = prepare_machine()
        self.state.mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o700)
        course = self.state / "course"
        if course.exists():
            shutil.rmtree(course)
        load_tasks().write_handout(course, learner_copy_only=True)
        course.chmod(0o755)
        return seed_admin_password(self.state, self.admin)

    def environment(self):
        """The IAMLAB_WS_* settings jupyterhub_config.py reads."""
        env = dict(
            os.environ,
            IAMLAB_WS_STATE=str(self.state),
            IAMLAB_WS_IP=self.ip,
            IAMLAB_WS_PORT=str(self.port),
            IAMLAB_WS_HUB_PORT=str(free_port()),
            IAMLAB_WS_PROXY_API_PORT=str(free_port()),
            IAMLAB_WS_BOARD_PORT=str(free_port()),
            IAMLAB_WS_ADMIN=self.admin,
            IAMLAB_WS_LEARNER_VENV=str(self.learner_venv),
            IAMLAB_WS_MEM_LIMIT=self.mem_limit or "",
            IAMLAB_WS_BOARD="1" if self.board else "0",
            IAMLAB_WS_HOME_BASE=str(self.home_base),
            IAMLAB_WS_CULL_KERNELS=str(self.cull_kernels),
            IAMLAB_WS_CULL_SERVERS=str(self.cull_servers),
        )
        env.pop("JUPYTERHUB_API_TOKEN", None)
        if self.admin_token:
            env["IAMLAB_WS_ADMIN_TOKEN"] = self.admin_token
        return env

    def start(self, timeout=60):
        """Prepare, start jupyterhub in its own process group, wait until its API answers."""
        password = self.prepare()
        if isinstance(self.log, (str, Path)):
            self.log = self.opened_log = open(self.log, "ab")  # noqa: SIM115 (closed by stop())
        self.proc = subprocess.Popen(
            [str(JUPYTERHUB), "-f", str(WORKSHOP / "jupyterhub_config.py")],
            cwd=self.state,
            env=self.environment(),
            start_new_session=True,
            stdout=self.log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_until_up(timeout)
        except BaseException:  # Ctrl-C or a failed start: leave nothing running
            self.stop()
            raise
        return password

    def wait_until_up(self, timeout):
        """Wait until the hub's API answers through the proxy; HubError if it exits or stays silent."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(
                    f"jupyterhub exited with code {self.proc.returncode} while starting"
                    + (f" (its log: {self.log.name})" if self.log else "")
                )
            try:
                urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2).read()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise HubError(f"the hub did not answer on {self.url} within {timeout} s")

    def api(self, method, path, body=None, token=None, timeout=30):
        """Call the hub's REST API (/hub/api + path); return the decoded JSON (or None)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {token or self.admin_token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def stop(self, learners=(), grace=20):
        """End the hub (SIGTERM, then SIGKILL of its process group) and the named learners' processes."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        stop_proxy(self.state / "proxy.pid")
        kill_processes_of(learners)
        if getattr(self, "opened_log", None):
            self.opened_log.close()


def stop_proxy(pid_file):
    """End the proxy JupyterHub started, if it outlived the hub (it runs in a session of its own)."""
    try:
        pid = int(pid_file.read_text())
        if "configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_text():
            os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass


def kill_processes_of(names):
    """SIGKILL every process run by the named accounts (what their servers may leave behind)."""
    uids = set()
    for name in names:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            pass
    if not uids:
        return
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if proc.stat().st_uid in uids:
                    os.kill(int(proc.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def remove_accounts(names):
    """Delete the named learner accounts and their homes (tests and load tests clean up after themselves)."""
    kill_processes_of(names)
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
