"""Being logged in to the EC2 instance, with IAM really enforced (chapter 05).

    me = session.login("iamrole-test")

    %%instance
    touch test.txt
    aws s3 cp test.txt s3://ut-wordpress-s3

`login` gets the instance's credentials as EC2 does (helpers.instance.credentials)
and keeps the session for the following cells. `%instance` / `%%instance`
(helpers.instance.magics) then run shell lines "on the instance": `aws ...` lines
through the real CLI with the instance's credentials and IAM checks ON (the lab's
evaluator decides each request, helpers.aws.moto_gaps);
other lines (touch, ls, rm, cat, echo, pwd, and curl to the metadata service) by
helpers.instance.shell, in a scratch home folder under the system temp folder --
never as programs of your own computer. Lines using shell operators are refused
with a message, and outside a session every call prints how to log in.

`sign_in("developer")` (chapter 07) is the same for an IAM user a chapter creates:
a new access key of theirs, and `%%as developer` cells run `aws ...` lines with it,
IAM checks on -- as the user would from their own PC with a CLI profile.
"""

import json

from botocore.exceptions import ClientError

from helpers.aws import backend, moto_gaps
from helpers.course.article import INSTANCE_NAME
from helpers.instance import credentials
from helpers.instance.credentials import LoginError
from helpers.instance.sessions import Session, UserSession

_current = None  # the Session %instance cells use
_users = {}  # user name -> UserSession, for %%as


def sign_in(user_name):
    """Sign in as IAM user `user_name` with a new access key (their old keys are deleted); LoginError if none."""
    iam = backend.client("iam")
    try:
        old = iam.list_access_keys(UserName=user_name)["AccessKeyMetadata"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        raise LoginError(
            f"There is no IAM user {user_name}: create it first (aws iam create-user --user-name {user_name})."
        ) from None
    for key in old:
        iam.delete_access_key(UserName=user_name, AccessKeyId=key["AccessKeyId"])
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    user = UserSession(user_name, "-", "-", "-", {k: key[k] for k in ("AccessKeyId", "SecretAccessKey")})
    _users[user_name] = user
    print(
        f"Signed in as IAM user {user_name} ({user.arn}) with a new access key of theirs.\n"
        f"  IAM checks are ON for every `aws` command in a `%%as {user_name}` cell."
    )
    return user


def run_as(user_name, text, namespace=None):
    """Run shell lines as a signed-in IAM user; return the exit code (None, with a message, if not signed in)."""
    user = _users.get(user_name)
    if user is None:
        print(f'Not signed in as {user_name or "anyone"}: run `user = session.sign_in("{user_name or "NAME"}")` first.')
        return None
    return user.run(text, namespace)


POLICY_SESSION = "playground-session"  # a session of the role made with a session policy (chapter 09)


def policy_session(role_name, session_policy):
    """A session of the role made with a session policy, as `aws sts assume-role --policy` makes one.

    EC2 never gives an instance such credentials; the playground makes this session
    itself (with IAM checks paused, as EC2 makes the instance's) to show what a session
    policy does.
    """
    role = backend.client("iam").get_role(RoleName=role_name)["Role"]
    with moto_gaps.paused_checks():
        keys = backend.client("sts").assume_role(
            RoleArn=role["Arn"], RoleSessionName=POLICY_SESSION, Policy=json.dumps(session_policy)
        )["Credentials"]
    return Session(POLICY_SESSION, "-", "-", role_name, keys)


def connect(name=INSTANCE_NAME):
    """A session on the instance, with the credentials EC2 would give it; raise LoginError/TrustError."""
    instance, profile_name, role, keys = credentials.obtain(name)
    return Session(name, instance["InstanceId"], profile_name, role["RoleName"], keys)


def login(name=INSTANCE_NAME):
    """Log in to an instance for the following cells and print who we are; LoginError (one line) if EC2 cannot."""
    global _current
    if not isinstance(name, str) or not name.strip():
        raise LoginError(f'login takes the instance\'s Name tag, e.g. session.login("{INSTANCE_NAME}"), not {name!r}.')
    end_current()
    _current = connect(name)
    where = name if name == _current.instance_id else f"{name} ({_current.instance_id})"
    print(
        f"Logged in to {where} with the credentials EC2 gives it:\n"
        f"  role {_current.role_name} (from instance profile {_current.profile_name}), "
        f"session name {_current.instance_id}.\n"
        f"  IAM checks are ON for every `aws` command in %instance / %%instance cells; "
        f"the home folder is a scratch folder outside the repository."
    )
    return _current


def use(other):
    """Run the following `%instance` lines with another session's keys, as `export AWS_...` does (chapter 08).

    `other` is a Session, e.g. from `me.assume_role(...)`; `use(me)` goes back to the instance's own keys.
    """
    global _current
    if not isinstance(other, Session):
        raise LoginError(f"use takes a session, e.g. session.use(me.assume_role(...)), not {other!r}.")
    _current = other
    print(f"%instance now runs with the keys of {other.arn}.")


def logout():
    """End the current session, if any, and forget every signed-in user (lab.start and lab.reset do)."""
    for user in _users.values():
        user.logout()
    _users.clear()
    end_current()


def end_current():
    """End the current instance session, if any (signed-in users stay)."""
    global _current
    if _current is not None:
        _current.logout()
        _current = None


def current():
    """The current session; LoginError if nobody is logged in."""
    if _current is None:
        raise LoginError('Not logged in to an instance: run `me = session.login("iamrole-test")` first.')
    return _current


def run(text, session=None, namespace=None):
    """Run shell lines on the instance (the current session unless given); return the exit code."""
    try:
        session = session or current()
    except LoginError as error:
        print(error)
        return None
    return session.run(text, namespace)
