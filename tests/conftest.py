"""Shared fixtures for the unit tests."""

import pytest


@pytest.fixture(autouse=True, scope="module")
def empty_emulated_aws():
    """Start every test module with an empty emulated account, whatever earlier modules left behind.

    moto keeps its data in process-wide backends, and the lab's own mock stays
    active once a test has called lab.start(), so a later `with mock_aws()`
    would otherwise see that data.
    """
    from moto.core.base_backend import BackendDict

    BackendDict.reset()
    yield


@pytest.fixture
def me(capsys):
    """Logged in to iamrole-test at chapter 06's starting point (tests of the instance)."""
    from helpers import lab
    from helpers.instance import session as instance

    lab.start(chapter=6)
    session = instance.login("iamrole-test")
    capsys.readouterr()
    yield session
    instance.logout()
