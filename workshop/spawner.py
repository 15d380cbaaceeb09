"""The class hub's spawner: each learner's server as its own system user, with the course and a memory cap.

JupyterHub's LocalProcessSpawner already runs every learner's server as the
learner's own Unix account (setuid before exec), so the operating system keeps
learners' files and processes apart. This subclass adds what a workshop needs
on one machine:

- the account: created on first start (`useradd`, group `iamlab-learners`, home
  0700); an existing account outside that group (root, daemon, a colleague) is
  refused, so a learner can never start a server as someone else;
- the course: a copy of the learner handout (notebooks without stored outputs,
  the article's policies) in `~/iam-role-lab`, copied once, on first start;
- the memory cap: `Spawner.mem_limit` is only advisory in LocalProcessSpawner
  (it sets $MEM_LIMIT). Here it is enforced by a memory cgroup per learner,
  made under the hub's own cgroup (v1 `memory.limit_in_bytes` or v2
  `memory.max`); the server joins it before it drops root, so its kernels,
  which are its children, are counted too. Where no writable memory cgroup
  exists (and systemd, which systemdspawner needs, does not run in this
  container) the hub logs that the cap is not enforced.
"""

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

COURSE_DIR = "iam-role-lab"  # the learner's copy, in their home


def own_memory_cgroup():
    """(folder, version) of this process's memory cgroup if it is writable; (None, reason) if not."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError as error:
        return None, f"no /proc/self/cgroup ({error})"
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            folder = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
            if (folder / "memory.limit_in_bytes").exists() and os.access(folder, os.W_OK):
                return folder, 1
    for line in lines:
        if line.startswith("0::"):
            folder = Path("/sys/fs/cgroup") / line[3:].lstrip("/")
            controllers = Path("/sys/fs/cgroup/cgroup.controllers")
            if controllers.exists() and "memory" in controllers.read_text().split() and os.access(folder, os.W_OK):
                return folder, 2
    return None, "no writable memory cgroup (v1 or v2) for this process"


def make_cgroup(name, limit):
    """A memory cgroup for one learner capped at `limit` bytes; its folder, or None with the reason."""
    parent, version = own_memory_cgroup()
    if parent is None:
        return None, version
    folder = parent / f"iamlab-{name}"
    try:
        folder.mkdir(exist_ok=True)
        if version == 1:
            (folder / "memory.limit_in_bytes").write_text(str(limit))
        else:
            (parent / "cgroup.subtree_control").write_text("+memory")
            (folder / "memory.max").write_text(str(limit))
    except OSError as error:
        return None, f"cannot make {folder}: {error}"
    return folder, f"cgroup v{version} {folder}"


class WorkshopSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that creates the learner's account, hands out the course and caps memory."""

    course = Unicode(help="Folder holding the learner copy (notebooks/, policies/) to hand out").tag(config=True)
    learners_group = Unicode("iamlab-learners", help="Unix group of the accounts the hub made").tag(config=True)
    home_base = Unicode("/home", help="Where learners' home folders are made").tag(config=True)
    cgroup = None  # the learner's memory cgroup folder while a server runs

    def ensure_account(self):
        """Create the learner's Unix account on first start; refuse an account the hub did not make."""
        name = self.user.name
        try:
            group = grp.getgrnam(self.learners_group)
        except KeyError:
            subprocess.run(["groupadd", "--system", self.learners_group], check=True)
            group = grp.getgrnam(self.learners_group)
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            home = Path(self.home_base) / name
            subprocess.run(
                [
                    "useradd",
                    "--create-home",
                    "--home-dir",
                    str(home),
                    "--gid",
                    self.learners_group,
                    "--shell",
                    "/bin/bash",
                    "--comment",
                    "IAM Role Lab learner",
                    name,
                ],
                check=True,
                capture_output=True,
            )
            account = pwd.getpwnam(name)
            home.chmod(0o700)
        if account.pw_gid != group.gr_gid:
            raise RuntimeError(
                f"refusing to start a server as the existing account {name!r}: "
                f"it is not a learner account (group {self.learners_group})"
            )
        return account

    def hand_out_course(self, account):
        """Copy the course into the learner's home once (a later start keeps the learner's work)."""
        target = Path(account.pw_dir) / COURSE_DIR
        if target.exists() or not self.course:
            return
        shutil.copytree(self.course, target)
        for path in [target, *target.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)

    def make_preexec_fn(self, name):
        """Join the learner's memory cgroup (while still root), then become the learner."""
        become_learner = super().make_preexec_fn(name)
        procs = self.cgroup / "cgroup.procs" if self.cgroup else None

        def preexec():
            if procs is not None:
                procs.write_text(str(os.getpid()))
            become_learner()

        return preexec

    async def start(self):
        """Account, course and cgroup first; then LocalProcessSpawner's start."""
        account = self.ensure_account()
        self.hand_out_course(account)
        self.cgroup, how = make_cgroup(self.user.name, self.mem_limit) if self.mem_limit else (None, "no limit set")
        self.log.info(
            "memory limit for %s: %s (%s)",
            self.user.name,
            self.mem_limit or "none",
            how if self.cgroup else f"not enforced: {how}",
        )
        return await super().start()

    async def stop(self, now=False):
        """Stop the server, then remove its cgroup if it is empty."""
        await super().stop(now=now)
        cgroup = getattr(self, "cgroup", None)
        if cgroup is not None:
            try:
                cgroup.rmdir()
            except OSError:
                pass  # a process still in it (it leaves when it exits); the next start reuses the folder
