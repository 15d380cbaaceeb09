"""The programs the lab's instance has besides `aws` (chapter 05): touch, ls, rm, cat, echo, pwd, curl.

They are small Python functions working in the instance's scratch home folder,
never programs of your own computer: a path outside the home folder is refused,
your environment variables are never read, and `curl` answers only the instance
metadata service (http://169.254.169.254), from the lab's login session. The
metadata service accepts requests with or without an IMDSv2 token, like an
instance launched with `--metadata-options HttpTokens=optional`; current Amazon
Linux images require the token (chapter 05 shows the two steps).
"""
import datetime
import json
import os
import posixpath
import sys
from pathlib import Path, PurePosixPath

CURL_VALUE_OPTIONS = {"-X": "method", "--request": "method", "-o": "output", "--output": "output",
                      "-H": None, "--header": None, "-m": None, "--max-time": None}
HOME = "/home/ec2-user"  # the home folder on Amazon Linux, which `pwd` shows
IMDS = "http://169.254.169.254"


class ShellError(Exception):
    """A line the instance cannot run; the message says why and what to write instead."""


def run(session, words):
    """Run one program line (words[0] is the program) on the instance; return its exit code."""
    program, args = words[0], words[1:]
    if program not in PROGRAMS:
        raise ShellError(f"{program} is not a program on this lab's instance; its programs are aws, "
                         f"{', '.join(PROGRAMS)} (working in its home folder).")
    try:
        return PROGRAMS[program](session, args)
    except OSError as error:  # e.g. touch sub/x.txt without sub/, a name too long
        name = os.path.relpath(error.filename, session.home) if error.filename else "?"
        print(f"{program}: {name}: {error.strerror or error}", file=sys.stderr)
        return 1


def inside(session, name):
    """The path of `name` in the instance's home folder; ShellError for a path outside it."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() and (path == PurePosixPath(HOME) or PurePosixPath(HOME) in path.parents):
        path = path.relative_to(HOME)
    if path.is_absolute() or ".." in path.parts:
        raise ShellError(f"{name}: the lab's instance only has its home folder; "
                         f"use a plain name such as test.txt.")
    return session.home / Path(*path.parts) if path.parts else session.home


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
            print(f"cat: {name}: {'Is a directory' if path.is_dir() else 'No such file or directory'}",
                  file=sys.stderr)
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


def curl_request(args):
    """(method, url, output file or None) from curl's arguments: -X PUT, -XPUT, -sX PUT, --request=PUT, -o FILE."""
    found, url, args = {"method": "GET", "output": None}, None, list(args)
    while args:
        arg = args.pop(0)
        if arg.startswith("--") and "=" in arg:  # --request=PUT
            arg, value = arg.split("=", 1)
            args.insert(0, value)
        elif arg.startswith("-") and not arg.startswith("--") and len(arg) > 2:  # -sX PUT, -XPUT, -sS
            letter = next((c for c in arg[1:] if f"-{c}" in CURL_VALUE_OPTIONS), None)
            if letter is None:
                continue
            rest = arg[arg.index(letter) + 1:]
            if rest:
                args.insert(0, rest)
            arg = f"-{letter}"
        if arg in CURL_VALUE_OPTIONS:
            value = args.pop(0) if args else ""
            if CURL_VALUE_OPTIONS[arg]:
                found[CURL_VALUE_OPTIONS[arg]] = value
        elif not arg.startswith("-"):
            url = arg
    return found["method"].upper(), url, found["output"]


def curl(session, args):
    """Answer a request to the instance metadata service; anything else has no network here."""
    method, url, output = curl_request(args)
    if url is None:
        raise ShellError("curl needs an address, e.g. curl -s http://169.254.169.254/latest/meta-data/instance-id")
    if not url.startswith(IMDS + "/"):
        raise ShellError(f"curl {url}: the lab's instance reaches only its metadata service ({IMDS}/...) "
                         f"and, through `aws`, the emulated AWS; it has no internet.")
    path = posixpath.normpath(url[len(IMDS):])
    answer = metadata(session, path, put=method == "PUT")
    if answer is None:
        known = " (it needs -X PUT)" if path == "/latest/api/token" else f"; try {IMDS}/latest/meta-data/"
        print(f"curl: (22) The requested URL returned error: 404 ({url}: not something the lab's "
              f"metadata service answers{known})", file=sys.stderr)
        return 22
    if output:
        inside(session, output).write_text(answer + "\n")
    else:
        print(answer)
    return 0


def metadata(session, path, put=False):
    """The metadata service's answer for a path, or None for 404."""
    role_path = "/latest/meta-data/iam/security-credentials"
    answers = {
        "/latest/meta-data": "iam/\ninstance-id",
        "/latest/meta-data/instance-id": session.instance_id,
        "/latest/meta-data/iam": "info\nsecurity-credentials/",
        "/latest/meta-data/iam/info": json.dumps({"Code": "Success", "InstanceProfileArn": profile_arn(session)},
                                                 indent=2),
        role_path: session.role_name,
        f"{role_path}/{session.role_name}": credentials_document(session.credentials),
    }
    if path == "/latest/api/token":
        return f"lab-imds-token-{session.instance_id}" if put else None
    return answers.get(path)


def profile_arn(session):
    """The ARN of the instance profile the instance was launched with."""
    from helpers import lab

    return f"arn:aws:iam::{lab.account_id()}:instance-profile/{session.profile_name}"


def credentials_document(credentials):
    """The role's temporary credentials as the metadata service shows them."""
    expiration = credentials.get("Expiration")
    if isinstance(expiration, datetime.datetime):
        expiration = expiration.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"Code": "Success", "LastUpdated": datetime.datetime.now(datetime.timezone.utc)
                       .strftime("%Y-%m-%dT%H:%M:%SZ"), "Type": "AWS-HMAC",
                       "AccessKeyId": credentials["AccessKeyId"],
                       "SecretAccessKey": credentials["SecretAccessKey"],
                       "Token": credentials["SessionToken"], "Expiration": expiration}, indent=2)


PROGRAMS = {"touch": touch, "ls": ls, "rm": rm, "cat": cat, "echo": echo, "pwd": pwd, "curl": curl}
