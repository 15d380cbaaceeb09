"""The programs the lab's instance has besides `aws` (chapter 05): touch, ls, rm, cat, echo, pwd, curl.

They are small Python functions working in the instance's scratch home folder
(helpers.instance.home), never programs of your own computer: a path outside the
home folder is refused, your environment variables are never read, and `curl`
answers only the instance metadata service (helpers.instance.metadata).

The instance's shell is no real shell: each line runs one program. `shell_operator`
finds redirection, pipes, `&&`, `;` or command substitution, which are refused.
"""

import os
import sys

from helpers.instance.home import HOME, ShellError, inside
from helpers.instance.metadata import curl

NO_SHELL = (
    "this lab's instance shell runs one program per line without redirection or pipes "
    "(no >, <, |, &&, ;, $( ) or backticks). Put each command on its own line."
)


def shell_operator(line):
    """The first shell operator outside quotes in a line (">", "|", "&&", "$(", "`", ...), or None.

    Follows bash's quoting: nothing is special inside single quotes; inside double
    quotes only $( and backticks are; a # that starts a word begins a comment.
    """
    quote = None
    index = 0
    while index < len(line):
        char, pair = line[index], line[index : index + 2]
        if quote == "'":
            quote = None if char == "'" else quote
        elif char == "\\":
            index += 1  # an escaped character is literal
        elif pair == "$(" or char == "`":
            return pair if pair == "$(" else char
        elif quote == '"':
            quote = None if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return None
        elif pair in ("&&", "||", ">>", "<<"):
            return pair
        elif char in "><|;&":
            return char
        index += 1
    return None


def run(session, words):
    """Run one program line (words[0] is the program) on the instance; return its exit code."""
    program, args = words[0], words[1:]
    if program not in PROGRAMS:
        raise ShellError(
            f"{program} is not a program on this lab's instance; its programs are aws, "
            f"{', '.join(PROGRAMS)} (working in its home folder)."
        )
    try:
        return PROGRAMS[program](session, args)
    except OSError as error:  # e.g. touch sub/x.txt without sub/, a name too long
        name = os.path.relpath(error.filename, session.home) if error.filename else "?"
        print(f"{program}: {name}: {error.strerror or error}", file=sys.stderr)
        return 1


def operands(args):
    """The arguments that are not options (-x)."""
    return [a for a in args if not a.startswith("-") or a == "-"]


def touch(session, args):
    """Create each file (or update its time)."""
    for name in operands(args):
        inside(session, name).touch()
    return 0


def ls(session, args):
    """List the home folder (or the named files), one name per line."""
    code = 0
    for name in operands(args) or ["."]:
        path = inside(session, name)
        if path.is_dir():
            for entry in sorted(p.name for p in path.iterdir()):
                print(entry)
        elif path.exists():
            print(name)
        else:
            print(f"ls: cannot access '{name}': No such file or directory", file=sys.stderr)
            code = 2
    return code


def rm(session, args):
    """Delete each file (-f: say nothing about missing ones)."""
    force = any(a.startswith("-") and "f" in a for a in args)
    code = 0
    for name in operands(args):
        path = inside(session, name)
        if path.is_file():
            path.unlink()
        elif path.is_dir():
            print(f"rm: cannot remove '{name}': Is a directory", file=sys.stderr)
            code = 1
        elif not force:
            print(f"rm: cannot remove '{name}': No such file or directory", file=sys.stderr)
            code = 1
    return code


def cat(session, args):
    """Print each file."""
    code = 0
    for name in operands(args):
        path = inside(session, name)
        if path.is_file():
            print(path.read_text(errors="replace"), end="")
        else:
            print(f"cat: {name}: {'Is a directory' if path.is_dir() else 'No such file or directory'}", file=sys.stderr)
            code = 1
    return code


def echo(session, args):
    """Print the words."""
    print(" ".join(args))
    return 0


def pwd(session, args):
    """Print the home folder's name on the instance."""
    print(HOME)
    return 0


PROGRAMS = {"touch": touch, "ls": ls, "rm": rm, "cat": cat, "echo": echo, "pwd": pwd, "curl": curl}
