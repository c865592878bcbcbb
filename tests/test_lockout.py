"""The login throttle behind a proxy: a stranger cannot lock a teacher out of their account."""

import pytest
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, password, **meta):
    client.post(LOGIN, {"username": "teacher", "password": password}, **meta)
    return "_auth_user_id" in client.session


def fail_five_times(**meta):
    stranger = Client()
    for _ in range(5):
        assert not attempt(stranger, "wrong", **meta)
    return stranger


@pytest.fixture
def teacher(db):
    return f.make_user("teacher", "teacher")


def test_without_a_trusted_proxy_the_lockout_is_per_username_and_socket_address(teacher):
    stranger = fail_five_times(REMOTE_ADDR="203.0.113.7")
    # The stranger is locked out even with the right password, and a forged header does not help.
    assert not attempt(stranger, f.PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert not attempt(
        Client(), f.PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    # The teacher, from their own address, logs in.
    assert attempt(Client(), f.PASSWORD, REMOTE_ADDR="198.51.100.2")


def test_behind_the_trusted_proxy_the_clients_address_is_the_proxys_header(teacher, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # nginx appends the address it saw; whatever the client sent comes before it.
    stranger = fail_five_times(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.2, 203.0.113.7")
    assert not attempt(stranger, f.PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    # Same proxy address, same username: the teacher from home is not locked out.
    assert attempt(Client(), f.PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")


def test_the_header_of_an_untrusted_sender_is_ignored(teacher, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # Straight to gunicorn from elsewhere, with a header of its own choosing each time.
    for i in range(5):
        assert not attempt(
            Client(), "wrong", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"
        )
    assert not attempt(
        Client(), f.PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.99"
    )
