"""Acting as the EC2 instance, with IAM really enforced (chapter 05).

    me = instance.login("iamrole-test")

    %%instance
    touch test.txt
    aws s3 cp test.txt s3://ut-wordpress-s3

`login` does what EC2 does for a real instance: it follows instance -> instance
profile -> role, refuses unless the role's trust policy lets ec2.amazonaws.com
assume it, and obtains the role's temporary credentials with the instance id as
session name. From then on `%instance` / `%%instance` (registered by
`lab.start`) run the article's shell lines "on the instance": `aws ...` lines
through the real CLI with the instance's credentials and moto's IAM checks ON;
other lines (touch, ls, rm, cat, echo, pwd, and curl to the metadata service) by
helpers.instance_shell, in a scratch home folder under the system temp folder --
never as programs of your own computer.

Steps: find_instance -> profile_role -> check_trust -> credentials -> run
`expect_denied(command)` runs a command that must be refused, and raises
lab.CheckFailed (an AssertionError shown as one line) if it was allowed.

The instance's shell is no real shell: each line runs one program. Lines with
redirection, pipes, `&&`, `;` or command substitution are refused with a message
(rather than passing `>` to the program as a word). Outside a session, `%instance`
and `expect_denied` print how to log in instead of raising.
"""
import contextlib
import shlex
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from helpers import cli, explain, instance_shell, lab, magic, moto_gaps, network, sandbox, tables

EC2_SERVICE = "ec2.amazonaws.com"

_current = None

NO_SHELL = ("this lab's instance shell runs one program per line without redirection or pipes "
            "(no >, <, |, &&, ;, $( ) or backticks). Put each command on its own line.")


class _Tee:
    """A text stream that copies everything written to it into a list."""

    def __init__(self, stream):
        """Copy what is written to `stream`."""
        self.stream = stream
        self.seen = []

    def write(self, text):
        """Remember `text`, then write it to the stream."""
        self.seen.append(text)
        return self.stream.write(text)

    def __getattr__(self, name):
        """Everything else (flush, encoding, ...) as the stream has it."""
        return getattr(self.stream, name)


def shell_operator(line):
    """The first shell operator outside quotes in a line (">", "|", "&&", "$(", "`", ...), or None.

    Follows bash's quoting: nothing is special inside single quotes; inside double
    quotes only $( and backticks are; a # that starts a word begins a comment.
    """
    quote = None
    index = 0
    while index < len(line):
        char, pair = line[index], line[index:index + 2]
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


class LoginError(Exception):
    """The instance cannot get credentials: no such instance, no profile, or no role in it."""


class TrustError(LoginError):
    """The role's trust policy does not let EC2 assume it."""


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

    @property
    def home(self):
        """The instance's home folder (a scratch folder outside the repository, made on first use)."""
        if self._home is None:
            self._home = tempfile.TemporaryDirectory(prefix=f"{self.name}-home-", dir=sandbox.scratch_folder())
        return Path(self._home.name)

    @property
    def arn(self):
        """Who the instance is to AWS: the assumed-role session named after the instance id."""
        return f"arn:aws:sts::{lab.account_id()}:assumed-role/{self.role_name}/{self.instance_id}"

    @property
    def env(self):
        """The environment variables an `aws` command on the instance sees."""
        return {"AWS_ACCESS_KEY_ID": self.credentials["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": self.credentials["SecretAccessKey"],
                "AWS_SESSION_TOKEN": self.credentials["SessionToken"],
                "AWS_DEFAULT_REGION": lab.region()}

    def client(self, service):
        """A boto3 client with the instance's credentials, one per service (call it inside moto_gaps.enforced())."""
        if service not in self._clients:
            env = self.env
            region = env.pop("AWS_DEFAULT_REGION")
            # boto3's keyword names are the variables' names in lower case (aws_access_key_id, ...)
            self._clients[service] = boto3.client(service, region_name=region,
                                                  **{name.lower(): value for name, value in env.items()})
        return self._clients[service]

    def tag(self, key):
        """One of the instance's own tags, read as the instance (needs ec2:DescribeTags)."""
        with moto_gaps.enforced():
            tags = self.client("ec2").describe_tags(Filters=[
                {"Name": "resource-id", "Values": [self.instance_id]},
                {"Name": "key", "Values": [key]}])["Tags"]
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
            args = magic.split_command(number, line)
            with moto_gaps.enforced():
                return cli.run(args, env=self.env, cwd=self.home)
        try:
            return instance_shell.run(self, words)
        except instance_shell.ShellError as error:  # like a terminal: say why, go on with the next line
            print(f"Not run: {error}")
            return 127

    def run(self, text, namespace=None):
        """Run shell lines on the instance, each in turn, like a terminal; return the worst exit code.

        Nothing runs if any line uses a shell operator (see `shell_operator`).
        """
        lines = list(magic.logical_lines(text))
        for number, line in lines:
            operator = shell_operator(line)
            if operator:
                print(f"Not run: {NO_SHELL} Line {number} uses {operator}: {line.strip()}")
                return None
        codes = []
        try:
            for number, line in lines:
                codes.append(self.run_line(number, magic.expand_variables(line, self.variables(namespace))))
        except (magic.CommandError, ValueError) as error:
            print(f"Not run: {error}")
            return None
        return max(codes, default=0)

    def logout(self):
        """Forget the clients and remove the scratch home folder, if it was made."""
        self._clients.clear()
        if self._home is not None:
            self._home.cleanup()
            self._home = None


def find_instance(name):
    """The running instance with this Name tag; LoginError if there is none."""
    found = network.find_instance(name)
    if found is None:
        raise LoginError(f"There is no instance named {name}: launch it first "
                         f"(the run-instances step of chapter 05).")
    return found


def profile_role(instance):
    """(profile name, role) of an instance; LoginError if it has no profile or the profile no role."""
    name = instance_name(instance)
    profile = instance.get("IamInstanceProfile")
    if not profile:
        raise LoginError(f"Instance {name} was launched without an instance profile, so EC2 has no role "
                         f"to get credentials for: every `aws` command on it would find no credentials. "
                         f"Launch it with --iam-instance-profile Name={network.PROFILE}.")
    profile_name = profile["Arn"].split("/")[-1]
    roles = lab.client("iam").get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]["Roles"]
    if not roles:
        raise LoginError(f"Instance profile {profile_name} holds no role, so EC2 has nothing to assume for "
                         f"{name}. Put the role in it: aws iam add-role-to-instance-profile (chapter 04).")
    return profile_name, roles[0]


def instance_name(instance):
    """The Name tag of an instance description."""
    return next((t["Value"] for t in instance.get("Tags", []) if t["Key"] == "Name"), instance["InstanceId"])


def trusts(trust_document, service=EC2_SERVICE):
    """True if a trust policy lets `service` call sts:AssumeRole (an explicit Deny wins)."""
    allowed = denied = False
    for st in tables.statements_of(trust_document):
        actions = explain.as_list(st.get("Action", []))
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = st.get("Principal", {})
        services = ["*"] if principal == "*" else explain.as_list(principal.get("Service", []))
        if service in services or "*" in services:
            if st.get("Effect") == "Deny":
                denied = True
            elif st.get("Effect") == "Allow":
                allowed = True
    return allowed and not denied


def check_trust(role):
    """Refuse (TrustError) unless the role's trust policy lets EC2 assume it."""
    document = tables.as_document(role["AssumeRolePolicyDocument"])
    if not trusts(document):
        who = ", ".join(tables.trusted_principals(document)) or "nobody"
        raise TrustError(f"Role {role['RoleName']} does not trust {EC2_SERVICE} (its trust policy allows: {who}), "
                         f"so EC2 cannot get credentials for the instance. The permission policies do not matter "
                         f"here: without trust the role cannot be assumed at all. Fix the trust policy "
                         f"(aws iam update-assume-role-policy, chapter 02's trustpolicy.json).")


def connect(name=network.INSTANCE_NAME):
    """Log in to an instance as EC2 would provide its credentials; raise LoginError/TrustError."""
    instance = find_instance(name)
    profile_name, role = profile_role(instance)
    check_trust(role)
    credentials = moto_gaps.instance_credentials(lab.client("sts"), role["Arn"], instance["InstanceId"])
    return Session(name, instance["InstanceId"], profile_name, role["RoleName"], credentials)


def login(name=network.INSTANCE_NAME):
    """Log in to an instance for the following cells; print who we are, or why EC2 cannot."""
    global _current
    logout()
    try:
        _current = connect(name)
    except LoginError as error:
        print(f"Login refused: {error}")
        return None
    print(f"Logged in to {name} ({_current.instance_id}) with the credentials EC2 gives it:\n"
          f"  role {_current.role_name} (from instance profile {_current.profile_name}), "
          f"session name {_current.instance_id}.\n"
          f"  IAM checks are ON for every `aws` command in %instance / %%instance cells; "
          f"the home folder is a scratch folder outside the repository.")
    return _current


def logout():
    """End the current session, if any."""
    global _current
    if _current is not None:
        _current.logout()
        _current = None


def current():
    """The current session; LoginError if nobody is logged in."""
    if _current is None:
        raise LoginError("Not logged in to an instance: run `me = instance.login(\"iamrole-test\")` first.")
    return _current


def run(text, session=None, namespace=None):
    """Run shell lines on the instance (the current session unless given); return the exit code."""
    try:
        session = session or current()
    except LoginError as error:
        print(error)
        return None
    return session.run(text, namespace)


def expect_denied(command, session=None, namespace=None):
    """Run a command on the instance that IAM must refuse; raise lab.CheckFailed if it is not refused.

    Prints the CLI's output as usual, then what was checked. Outside a session it
    prints how to log in and returns None: nothing was checked.
    """
    try:
        session = session or current()
    except LoginError as error:
        print(f"Nothing checked. {error}")
        return None
    if not command.strip().startswith("aws "):
        raise lab.CheckFailed(f"expect_denied checks an `aws ...` command (only those reach IAM), not: {command}")
    seen = _Tee(sys.stderr)
    with contextlib.redirect_stderr(seen):
        code = session.run(command, namespace)
    text = "".join(seen.seen)
    if code is None:
        raise lab.CheckFailed(f"This did not run, so nothing was denied: {command} (see the message above).")
    if not code:
        raise lab.CheckFailed(f"Expected AccessDenied, but this was allowed: {command}. The role's policies "
                              f"allow it now: perhaps they changed since (another cell or the playground), "
                              f"or the command is one they do allow.")
    if "AccessDenied" not in text:
        raise lab.CheckFailed(f"This failed, but not because access was denied (exit code {code}): {command}. "
                              f"The CLI's message above says why (a missing bucket or file, a typo?).")
    print("Denied, as expected: AccessDenied from IAM.")


def sequence_diagram(session=None):
    """What happened in chapter 05, as a Mermaid sequence diagram."""
    from helpers import diagrams

    instance_id = session.instance_id if session else "i-..."
    return diagrams.mermaid(f"""
sequenceDiagram
    participant You as You (notebook, administrator)
    participant EC2
    participant IAM
    participant STS
    participant I as Instance iamrole-test ({instance_id})
    participant S3
    You->>EC2: run-instances --iam-instance-profile Name={network.PROFILE}
    EC2->>IAM: profile → role umemoto-wordpress-role. Does its trust policy allow ec2.amazonaws.com?
    IAM-->>EC2: yes
    EC2->>STS: AssumeRole(role, session name {instance_id})
    STS-->>EC2: temporary key id, secret, session token
    EC2-->>I: credentials via instance metadata (169.254.169.254)
    I->>S3: PutObject test.txt, signed with the temporary keys
    S3->>IAM: may assumed-role/umemoto-wordpress-role/{instance_id} do s3:PutObject on ut-wordpress-s3/test.txt?
    IAM-->>S3: allowed by S3-Wordpress-ut (anything not allowed: AccessDenied)
    S3-->>I: upload: ./test.txt to s3://ut-wordpress-s3/test.txt
""")


def load_ipython_extension(ipython):
    """Register %instance / %%instance (called by login)."""
    from IPython.core.magic import no_var_expand, register_line_cell_magic

    @register_line_cell_magic
    @no_var_expand
    def instance(line, cell=None):
        """Run shell lines on the logged-in instance: aws commands with its credentials, IAM enforced."""
        run(line if cell is None else line + "\n" + cell, namespace=ipython.user_ns)


def load_magic():
    """Register the lab's magics, %instance / %%instance among them, in the running IPython, if any.

    They need no session: before `login`, they print how to log in (see `run`).
    """
    lab.load_magic()
