"""Where the lab's AWS lives, and the one backend the lab uses now (chapter 00 explains the choice).

Today there is one backend: moto, running inside this kernel. Every layer asks this
module for the active backend (`current()`) and its administrator's clients
(`client(service)`); the backend object has a small interface (`start`, `reset`,
`client`, `name`, `region`, `account_id`), so a moto server or a real account can
be added later as another class without touching a notebook.
"""

import boto3

from helpers.aws import decisions, moto_gaps, moto_speed, organization, sandbox
from helpers.course.article import EMULATED_ACCOUNT

ACCOUNT_ID = EMULATED_ACCOUNT  # moto's fixed account id
SEED = 20220520  # the article's date; seeds moto's id generator so ids repeat


class MotoBackend:
    """Emulated AWS inside the kernel: offline, free, resettable."""

    name = "moto (emulated AWS inside this kernel; offline)"
    account_id = ACCOUNT_ID

    def __init__(self, region=sandbox.REGION):
        """A backend for `region`; moto starts with `start` (or the first `reset`)."""
        self.region = region
        self._mock = None
        self._clients = {}

    def start(self):
        """Start moto (once per kernel) and (re-)isolate the environment every time."""
        if self._mock is None:
            sandbox.isolate(self.region)
            moto_speed.install()  # before moto's EC2 module is first imported
            from moto import mock_aws

            self._mock = mock_aws()
            self._mock.start()
            moto_gaps.refuse_deleting_attached_policies()
            moto_gaps.let_the_lab_decide()
        sandbox.isolate(self.region)  # mock_aws sets its own fake keys; keep ours

    def reset(self):
        """Empty the emulated account and re-seed ids so outputs repeat."""
        from moto.core.base_backend import BackendDict
        from moto.moto_api._internal import mock_random

        self.start()
        used = list(BackendDict._instances)
        self._mock.reset()
        # Resetting one service can re-create another's backend before the seed below
        # (after a terminated instance, Auto Scaling's reset makes EC2's), which shifts
        # every later id. Drop those, so every backend is created after seeding.
        for backends in used:
            backends.clear()
        mock_random.seed(SEED)
        organization.leave()
        decisions.clear()

    def client(self, service):
        """A boto3 client for this backend, as the administrator (one per service, reused).

        Clients hold no state of the account, so one per service is enough, and
        building one (EC2's has ~700 methods) costs up to 0.1 s. The fake keys are
        passed explicitly, so a client first made while an instance's credentials
        are in the environment is still the administrator's.
        """
        if self._mock is None:
            self.start()  # never a client for real AWS
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                region_name=self.region,
                aws_access_key_id=sandbox.FAKE_ACCESS_KEY,
                aws_secret_access_key=sandbox.FAKE_SECRET_KEY,
            )
        return self._clients[service]


_current = None


def current():
    """The active backend (moto in this kernel unless another is chosen)."""
    global _current
    if _current is None:
        _current = MotoBackend()
    return _current


def client(service):
    """A boto3 client for the active backend, as the course's administrator."""
    return current().client(service)


def account_id():
    """The account id of the active backend (moto's is always 123456789012)."""
    return current().account_id


def region():
    """The region every lab command uses."""
    return current().region
