"""What a session is: keys someone holds and the shell lines run with them (chapters 05, 07 and 08).

`Session` is being logged in to the instance with the role's keys (chapter 05), or
with the keys of a role it assumed (`assume_role`, chapter 08); `UserSession` is an
IAM user's long-term access key (chapter 07). helpers.instance.session keeps which
session the notebook's cells use.
"""

import contextlib
import io
import json
import shlex
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from helpers.aws import backend, moto_gaps, sandbox
from helpers.cli import awscli, commandline
from helpers.instance import shell


@dataclass
class Session:
    """Being logged in to one instance: its ids, the role's credentials and a home folder."""

    name: str
    instance_id: str
    profile_name: str
    role_name: str
    credentials: dict = field(repr=False)
    _home: tempfile.TemporaryDirectory = field(repr=False, default=None)
    _clients: dict = field(repr=False, default_factory=dict)
    session_name: str = None  # None: the instance id, the name EC2 gives the instance's session

    @property
    def home(self):
        """The instance's home folder (a scratch folder outside the repository, made on first use)."""
        if self._home is None:
            self._home = tempfile.TemporaryDirectory(prefix=f"{self.name}-home-", dir=sandbox.scratch_folder())
        return Path(self._home.name)

    @property
    def arn(self):
        """Who the instance is to AWS: the assumed-role session (named after the instance id, unless named)."""
        name = self.session_name or self.instance_id
        return f"arn:aws:sts::{backend.account_id()}:assumed-role/{self.role_name}/{name}"

    @property
    def env(self):
        """The environment variables an `aws` command on the instance sees."""
        return {
            "AWS_ACCESS_KEY_ID": self.credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": self.credentials["SessionToken"],
            "AWS_DEFAULT_REGION": backend.region(),
        }

    def client(self, service):
        """A boto3 client with the instance's credentials, one per service (call it inside moto_gaps.enforced())."""
        if service not in self._clients:
            env = self.env
            region = env.pop("AWS_DEFAULT_REGION")
            # boto3's keyword names are the variables' names in lower case (aws_access_key_id, ...)
            self._clients[service] = boto3.client(
                service, region_name=region, **{name.lower(): value for name, value in env.items()}
            )
        return self._clients[service]

    def tag(self, key):
        """One of the instance's own tags, read as the instance (needs ec2:DescribeTags)."""
        with moto_gaps.enforced():
            tags = self.client("ec2").describe_tags(
                Filters=[{"Name": "resource-id", "Values": [self.instance_id]}, {"Name": "key", "Values": [key]}]
            )["Tags"]
        return tags[0]["Value"] if tags else None

    def variables(self, namespace=None):
        """Names a command line may use as $NAME: the notebook's, plus $INSTANCE_ID."""
        return {**(namespace or {}), "INSTANCE_ID": self.instance_id}

    def run_line(self, number, line):
        """Run one logical line on the instance; return its exit code."""
        words = shlex.split(line, comments=True)
        if not words:
            return 0
        if words[0] == "aws":
            args = commandline.split_command(number, line)
            with moto_gaps.enforced():
                return awscli.run(args, env=self.env, cwd=self.home)
        try:
            return shell.run(self, words)
        except shell.ShellError as error:  # like a terminal: say why, go on with the next line
            print(f"Not run: {error}")
            return 127

    def run(self, text, namespace=None):
        """Run shell lines on the instance, each in turn, like a terminal; return the worst exit code.

        Nothing runs if any line uses a shell operator (see `shell_operator`).
        """
        lines = list(commandline.logical_lines(text))
        for number, line in lines:
            operator = shell.shell_operator(line)
            if operator:
                print(f"Not run: {shell.NO_SHELL} Line {number} uses {operator}: {line.strip()}")
                return None
        codes = []
        try:
            for number, line in lines:
                codes.append(self.run_line(number, commandline.expand_variables(line, self.variables(namespace))))
        except (commandline.CommandError, ValueError) as error:
            print(f"Not run: {error}")
            return None
        return max(codes, default=0)

    def assume_role(self, role_arn, session_name, policy=None):
        """Run `aws sts assume-role` on the instance (chapter 08), printing what the CLI prints.

        Return a Session on the same instance (same home folder) holding the credentials
        STS returned, or None when STS refuses (the CLI's error is printed). `use(it)` then
        runs `%instance` lines with them, as `export AWS_ACCESS_KEY_ID=...` and its two
        companions do in a real shell.
        """
        args = ["sts", "assume-role", "--role-arn", role_arn, "--role-session-name", session_name]
        if policy is not None:
            args += ["--policy", policy if isinstance(policy, str) else json.dumps(policy)]
        home = self.home  # made now, so that both sessions share it
        printed = io.StringIO()
        with moto_gaps.enforced(), contextlib.redirect_stdout(_Copy(sys.stdout, printed)):
            code = awscli.run(args, env=self.env, cwd=home)
        if code:
            return None
        keys = json.loads(printed.getvalue())["Credentials"]
        role_name = role_arn.rsplit("/", 1)[-1]
        return Session(self.name, self.instance_id, self.profile_name, role_name, keys, self._home,
                       session_name=session_name)  # fmt: skip

    def logout(self):
        """Forget the clients and remove the scratch home folder, if it was made."""
        self._clients.clear()
        if self._home is not None:
            self._home.cleanup()
            self._home = None


class UserSession(Session):
    """Signed in as an IAM user with one of its access keys (chapter 07): long-term keys, no session token."""

    @property
    def arn(self):
        """Who the user is to AWS."""
        return f"arn:aws:iam::{backend.account_id()}:user/{self.name}"

    @property
    def env(self):
        """The environment variables an `aws` command run as this user sees."""
        return {
            "AWS_ACCESS_KEY_ID": self.credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["SecretAccessKey"],
            "AWS_DEFAULT_REGION": backend.region(),
        }

    def variables(self, namespace=None):
        """Names a command line may use as $NAME: the notebook's."""
        return dict(namespace or {})


class _Copy:
    """A text stream that writes to `stream` and keeps a copy in `copy`."""

    def __init__(self, stream, copy):
        """Write to `stream`, copy to `copy`."""
        self.stream, self.copy = stream, copy

    def write(self, text):
        """Write `text` to both."""
        self.copy.write(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        """Everything else (flush, encoding, ...) as the stream has it."""
        return getattr(self.stream, name)
