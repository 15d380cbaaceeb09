"""`python3 tasks.py workshop`: start the class hub on this machine and keep it running until Ctrl-C.

    python3 tasks.py workshop                         http://127.0.0.1:8000, board on, culling on
    python3 tasks.py workshop --ip 0.0.0.0 --port 80  open to the room
    python3 tasks.py workshop --reset alice           next start of alice's server hands out a fresh course
    python3 tasks.py workshop --reset all             the same for every learner

Every bad option is one line on stderr and exit code 2.
"""

import argparse
import datetime
import grp
import pwd
import re
import signal
import sys
from pathlib import Path

from workshop import hubctl
from workshop.spawner import COURSE_DIR

SIZE = re.compile(r"^\d+(\.\d+)?[KMGT]?$")


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad option in one line (no usage block)."""

    def error(self, message):
        """One line, exit code 2."""
        self.exit(2, f"tasks.py workshop: {message} (see python3 tasks.py workshop --help)\n")


def seconds(text):
    """A whole number of seconds >= 0."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds")
    return int(text)


def port(text):
    """A TCP port number."""
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def memory(text):
    """A size like 2G or 1500M, or 0 for no limit."""
    if text != "0" and not SIZE.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 2G or 1500M (0: no limit)")
    return "" if text == "0" else text


def parse(argv):
    """The launcher's options."""
    parser = Parser(prog="python3 tasks.py workshop", description="Start the IAM Role Lab class hub.")
    parser.add_argument("--ip", default="127.0.0.1", help="address learners connect to (0.0.0.0: every interface)")
    parser.add_argument("--port", type=port, default=8000, help="port learners connect to (default 8000)")
    parser.add_argument(
        "--state",
        type=Path,
        default=hubctl.ROOT / ".workshop",
        help="folder for the hub's database, passwords, board and handout (default .workshop/)",
    )
    parser.add_argument("--admin", default="instructor", help="the instructor's (admin) user name")
    parser.add_argument("--mem-limit", type=memory, default="2G", help="memory cap per learner (default 2G)")
    parser.add_argument(
        "--cull-kernels", type=seconds, default=1200, help="idle seconds before a kernel is culled (0: never)"
    )
    parser.add_argument(
        "--cull-servers", type=seconds, default=3600, help="idle seconds before a server is stopped (0: never)"
    )
    parser.add_argument("--no-board", action="store_true", help="run without the progress board")
    parser.add_argument("--home-base", default="/home", help="where learners' home folders are made")
    parser.add_argument("--reset", metavar="NAME|all", help="hand NAME (or every learner) a fresh course, then exit")
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="install the proxy and the learners' environment, then exit (CI does this first)",
    )
    return parser.parse_args(argv)


def reset(name, home_base):
    """Move a learner's course aside (kept as a backup); their next server start copies a fresh one."""
    try:
        members = [a for a in pwd.getpwall() if a.pw_gid == grp.getgrnam("iamlab-learners").gr_gid]
    except KeyError:
        members = []
    chosen = members if name == "all" else [a for a in members if a.pw_name == name]
    if not chosen:
        sys.exit(f"tasks.py workshop: no learner account named {name!r}")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for account in chosen:
        course = Path(account.pw_dir) / COURSE_DIR
        if course.exists():
            course.rename(course.with_name(f"{COURSE_DIR}.before-reset-{stamp}"))
        print(f"{account.pw_name}: fresh course at the next server start (stop it from the hub's Admin page)")


def main(argv=None):
    """Start the hub, print how to reach it, wait for Ctrl-C, stop it."""
    options = parse(sys.argv[1:] if argv is None else argv)
    if options.reset:
        return reset(options.reset, options.home_base)
    if options.prepare_only:
        try:
            print(f"Ready: the proxy, and learners' servers from {hubctl.prepare_machine()}")
        except hubctl.HubError as error:
            sys.exit(f"tasks.py workshop: {error}")
        return 0
    hub = hubctl.Hub(
        state=options.state,
        port=options.port,
        ip=options.ip,
        admin=options.admin,
        mem_limit=options.mem_limit,
        board=not options.no_board,
        home_base=options.home_base,
        cull_kernels=options.cull_kernels,
        cull_servers=options.cull_servers,
        log=options.state / "jupyterhub.log",
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        password = hub.start()
    except hubctl.HubError as error:
        sys.exit(f"tasks.py workshop: {error}")
    except KeyboardInterrupt:  # hub.start() has stopped what it started
        return 130
    shown = options.ip if options.ip != "0.0.0.0" else "<this machine's address>"
    print(f"Class hub: http://{shown}:{options.port}  (learners pick a name and a password at first login)")
    print(
        f"Instructor: {options.admin}, password "
        + (password if password else f"as set before (first one saved in {options.state / 'instructor-password'})")
    )
    if not options.no_board:
        print(f"Progress board: http://{shown}:{options.port}/services/progress-board/")
    print(f"Hub log: {options.state / 'jupyterhub.log'}. Ctrl-C stops the hub and every learner's server.", flush=True)
    try:
        hub.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
