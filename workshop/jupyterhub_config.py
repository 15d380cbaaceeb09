"""JupyterHub configuration for a class on one machine (started by `python3 tasks.py workshop`).

The launcher (workshop/hubctl.py) sets the IAMLAB_WS_* variables read below from
its command-line options; every setting is explained where it is made. Run by
hand: `IAMLAB_WS_STATE=/srv/iamlab .venv/bin/jupyterhub -f workshop/jupyterhub_config.py`
(then the defaults below apply; the launcher also seeds the instructor's password
and builds the learner handout, which this file only points at).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so that `workshop.spawner` imports from the repository

VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
STATE = Path(os.environ.get("IAMLAB_WS_STATE", ROOT / ".workshop"))
c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)


def setting(name, default):
    """One IAMLAB_WS_<NAME> variable from the launcher, or its default."""
    return os.environ.get(f"IAMLAB_WS_{name}", default)


# --- Where the hub listens -------------------------------------------------------------------
# Learners' browsers reach the proxy at bind_url; 127.0.0.1 keeps a test hub off the network.
# For a class, the launcher's --ip 0.0.0.0 opens it to the room (put HTTPS in front, see README).
c.JupyterHub.bind_url = f"http://{setting('IP', '127.0.0.1')}:{setting('PORT', '8000')}"
# The hub's own API and the proxy's API stay on loopback, on ports the launcher picked free.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('PROXY_API_PORT', '8001')}"
# configurable-http-proxy comes from npm (workshop/package.json, installed with `npm ci`).
c.ConfigurableHTTPProxy.command = [str(ROOT / "workshop" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# --- The hub's own state: all in one folder (0700), so a class can be wiped by removing it ------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
# Stop every learner's server when the hub stops (a workshop hub is not left running unattended).
c.JupyterHub.cleanup_servers = True

# --- Who may log in -----------------------------------------------------------------------------
# First-use accounts: a learner picks a name and a password at the first login; that password is
# theirs from then on (bcrypt hash in passwords.dbm). No accounts to prepare before class.
c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
c.FirstUseAuthenticator.dbm_path = str(STATE / "passwords.dbm")
c.FirstUseAuthenticator.create_users = True
c.FirstUseAuthenticator.min_password_length = 8
c.Authenticator.allow_all = True  # JupyterHub 5+ wants this said: anyone in the room may sign up
# Names become Unix account names: lower-case letters, digits and '-', starting with a letter.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9-]{1,30}$"
c.Authenticator.blocked_users = {"root"}
# The instructor is the hub's admin (the launcher set their password before anyone could claim the name).
c.Authenticator.admin_users = {setting("ADMIN", "instructor")}

# --- Every learner's server -----------------------------------------------------------------------
# Each learner's server runs as their own Unix account (OS-level separation), from the course's .venv.
c.JupyterHub.spawner_class = "workshop.spawner.WorkshopSpawner"
# .venv itself, or .venv-class (same lock) where learners cannot run .venv's Python (tasks.learners_env).
LEARNER_BIN = Path(setting("LEARNER_VENV", ROOT / ".venv")) / "bin"
c.Spawner.cmd = [str(LEARNER_BIN / "jupyterhub-singleuser")]
c.WorkshopSpawner.course = str(STATE / "course")  # the handout: notebooks without stored outputs
c.WorkshopSpawner.home_base = setting("HOME_BASE", "/home")
c.Spawner.default_url = "/lab/tree/iam-role-lab/notebooks/00-Introduction.ipynb"
c.Spawner.environment = {"PATH": f"{LEARNER_BIN}:/usr/local/bin:/usr/bin:/bin"}
# The memory cap per learner (server + all its kernels), enforced by a cgroup (see spawner.py).
c.Spawner.mem_limit = setting("MEM_LIMIT", "2G") or None
# A class starts at once: allow slow starts on a busy machine rather than failing them.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = 100

# --- Culling: an idle kernel holds ~230-300 MB, an idle server ~90 MB -------------------------------
KERNEL_IDLE = int(setting("CULL_KERNELS", "1200"))  # seconds a kernel may sit idle; 0 = never culled
SERVER_IDLE = int(setting("CULL_SERVERS", "3600"))  # seconds a server may sit idle; 0 = never culled
if KERNEL_IDLE:
    # jupyter-server culls kernels idle this long, even with a notebook tab still open on them
    # (cull_connected): re-running a chapter's setup cell brings its state back in a second or two.
    c.Spawner.args = [
        f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE}",
        f"--MappingKernelManager.cull_interval={max(5, min(60, KERNEL_IDLE // 4))}",
        "--MappingKernelManager.cull_connected=True",
        "--MappingKernelManager.cull_busy=False",
    ]
c.JupyterHub.services = []
c.JupyterHub.load_roles = []
if SERVER_IDLE:
    # jupyterhub-idle-culler stops whole servers nobody used for SERVER_IDLE seconds (files are kept).
    c.JupyterHub.services.append(
        {
            "name": "idle-culler",
            "command": [
                PYTHON,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={SERVER_IDLE}",
                f"--cull-every={max(10, min(300, SERVER_IDLE // 6))}",
            ],
        }
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    )

# --- The progress board (workshop/board): exercise verdicts, learners x exercises ------------------
BOARD = "progress-board"
if setting("BOARD", "1") == "1":
    public = f"http://127.0.0.1:{setting('PORT', '8000')}"
    c.JupyterHub.services.append(
        {
            "name": BOARD,
            "url": f"http://127.0.0.1:{setting('BOARD_PORT', '8099')}",
            "command": [PYTHON, "-m", "workshop.board", "--db", str(STATE / "board.sqlite")],
            "cwd": str(ROOT),
            "display": True,  # listed in the hub's Services menu
            "oauth_no_confirm": True,  # learners and the instructor are not asked to authorize it
        }
    )
    # It lists the hub's users, so that a learner who has posted nothing yet still has a row.
    c.JupyterHub.load_roles.append({"name": BOARD, "scopes": ["list:users", "read:users:name"], "services": [BOARD]})
    # Every user may use the board (it shows a learner only their own row) ...
    c.JupyterHub.load_roles.append({"name": "user", "scopes": ["self", f"access:services!service={BOARD}"]})
    # ... and the token in each learner's server (which their kernels inherit) may post to it.
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", f"access:services!service={BOARD}"]
    # helpers/teach/progress.py posts each checker's verdict here, through the proxy.
    c.Spawner.environment["IAMLAB_BOARD_URL"] = f"{public}/services/{BOARD}/"

# --- Automation (the smoke test, the load test): a service token with just the scopes they need -----
if os.environ.get("IAMLAB_WS_ADMIN_TOKEN"):
    c.JupyterHub.services.append({"name": "workshop-admin", "api_token": os.environ["IAMLAB_WS_ADMIN_TOKEN"]})
    c.JupyterHub.load_roles.append(
        {
            "name": "workshop-admin",
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
            "services": ["workshop-admin"],
        }
    )
