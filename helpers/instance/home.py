"""The instance's home folder: where its shell's files live, and nowhere else (chapter 05).

On Amazon Linux the home folder is /home/ec2-user; in the lab it is a scratch folder
outside the repository, made per login. A path outside it is refused.
"""

from pathlib import Path, PurePosixPath

HOME = "/home/ec2-user"  # the home folder on Amazon Linux, which `pwd` shows


class ShellError(Exception):
    """A line the instance cannot run; the message says why and what to write instead."""


def inside(session, name):
    """The path of `name` in the instance's home folder; ShellError for a path outside it."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() and (path == PurePosixPath(HOME) or PurePosixPath(HOME) in path.parents):
        path = path.relative_to(HOME)
    if path.is_absolute() or ".." in path.parts:
        raise ShellError(f"{name}: the lab's instance only has its home folder; use a plain name such as test.txt.")
    return session.home / Path(*path.parts) if path.parts else session.home
