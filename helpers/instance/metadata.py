"""The instance metadata service as the instance's `curl` reaches it (chapter 05).

On a real instance, http://169.254.169.254 answers the instance's id, its instance
profile (`iam/info`) and the role's temporary credentials
(`iam/security-credentials/ROLE`). The lab's service answers the same paths from the
login session. It accepts requests with or without an IMDSv2 token, like an
instance launched with `--metadata-options HttpTokens=optional` (chapter 05 shows
the token's two steps).
"""

import datetime
import json
import posixpath
import sys

from helpers.aws import backend
from helpers.instance.home import ShellError, inside

CURL_VALUE_OPTIONS = {
    "-X": "method",
    "--request": "method",
    "-o": "output",
    "--output": "output",
    "-H": None,
    "--header": None,
    "-m": None,
    "--max-time": None,
}


IMDS = "http://169.254.169.254"


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
            rest = arg[arg.index(letter) + 1 :]
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
        raise ShellError(
            f"curl {url}: the lab's instance reaches only its metadata service ({IMDS}/...) "
            f"and, through `aws`, the emulated AWS; it has no internet."
        )
    path = posixpath.normpath(url[len(IMDS) :])
    answer = metadata(session, path, put=method == "PUT")
    if answer is None:
        known = " (it needs -X PUT)" if path == "/latest/api/token" else f"; try {IMDS}/latest/meta-data/"
        print(
            f"curl: (22) The requested URL returned error: 404 ({url}: not something the lab's "
            f"metadata service answers{known})",
            file=sys.stderr,
        )
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
        "/latest/meta-data/iam/info": json.dumps(
            {"Code": "Success", "InstanceProfileArn": profile_arn(session)}, indent=2
        ),
        role_path: session.role_name,
        f"{role_path}/{session.role_name}": credentials_document(session.credentials),
    }
    if path == "/latest/api/token":
        return f"lab-imds-token-{session.instance_id}" if put else None
    return answers.get(path)


def profile_arn(session):
    """The ARN of the instance profile the instance was launched with."""
    return f"arn:aws:iam::{backend.account_id()}:instance-profile/{session.profile_name}"


def credentials_document(credentials):
    """The role's temporary credentials as the metadata service shows them."""
    expiration = credentials.get("Expiration")
    if isinstance(expiration, datetime.datetime):
        expiration = expiration.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(
        {
            "Code": "Success",
            "LastUpdated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Type": "AWS-HMAC",
            "AccessKeyId": credentials["AccessKeyId"],
            "SecretAccessKey": credentials["SecretAccessKey"],
            "Token": credentials["SessionToken"],
            "Expiration": expiration,
        },
        indent=2,
    )
