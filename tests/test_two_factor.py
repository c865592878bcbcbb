"""Two-factor login: who is asked for a code after the password, enrolment and recovery codes."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.CASEWORK = {**settings.CASEWORK, "TWO_FACTOR": True}


def logged_in(username):
    """A client that logged in through the admin's login form, with the password only."""
    client = Client()
    response = client.post(
        reverse("wagtailadmin_login"), {"username": username, "password": f.PASSWORD}
    )
    assert response.status_code == 302, "the password was accepted"
    return client


def code_of(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client):
    """Enrol through the setup page as the user would; return the device and recovery codes."""
    setup = reverse("casework_twofactor_setup")
    assert client.get(setup).status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(setup, {"code": code_of(device)})
    assert response.status_code == 200
    codes = list(StaticToken.objects.values_list("token", flat=True))
    for code in codes:
        assert code in response.content.decode()
    device.refresh_from_db()
    return device, codes


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "leader_wan", "manager_a"])
def test_a_privileged_role_must_enrol_before_using_the_admin(two_schools, role):
    client = logged_in(role)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("casework_twofactor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page, "the QR code for the phone app"
    assert "需要第二重验证" in page
    # Nothing of the casework admin opens before the code is given.
    cases = reverse("wagtailsnippets_casework_case:list")
    assert client.get(cases).status_code == 302


@pytest.mark.django_db
def test_a_superuser_must_enrol_too(two_schools, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", f.PASSWORD)
    response = logged_in("root").get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith(reverse("casework_twofactor_setup"))


@pytest.mark.django_db
def test_a_teacher_is_not_asked_unless_they_enrol(two_schools):
    client = logged_in("teacher_a")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    enrol(client)
    again = logged_in("teacher_a")
    response = again.get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith(reverse("casework_twofactor_verify"))


@pytest.mark.django_db
def test_after_the_password_the_code_is_asked_and_a_wrong_one_refused_in_chinese(two_schools):
    device, _codes = enrol(logged_in("office"))
    client = logged_in("office")
    cases = reverse("wagtailsnippets_casework_case:list")
    response = client.get(cases)
    verify = response["Location"]
    assert verify.startswith(reverse("casework_twofactor_verify"))
    wrong = client.post(verify, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert client.get(cases).status_code == 302
    # A code is good once: the one of enrolment is spent, the phone's next one is asked.
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=31)):
        right = client.post(verify, {"code": code_of(device)})
        assert right.status_code == 302 and right["Location"] == cases
        assert client.get(cases).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_logs_in_once(two_schools):
    _device, codes = enrol(logged_in("manager_a"))
    assert len(codes) == 10
    home = reverse("wagtailadmin_home")
    first = logged_in("manager_a")
    verify = first.get(home)["Location"]
    assert first.post(verify, {"code": codes[0]}).status_code == 302
    assert first.get(home).status_code == 200
    second = logged_in("manager_a")
    refused = second.post(second.get(home)["Location"], {"code": codes[0]})
    assert "验证码不正确或已过期" in refused.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("debug, asked", [(True, False), (False, True)])
def test_demo_accounts_are_exempt_only_while_debug_is_on(two_schools, settings, debug, asked):
    office = two_schools["users"]["office"]
    office.email = "office@demo.invalid"
    office.save()
    settings.DEBUG = debug
    response = logged_in("office").get(reverse("wagtailadmin_home"))
    assert (response.status_code == 302) is asked


@pytest.mark.django_db
def test_the_password_alone_cannot_enrol_a_new_phone_over_the_old_one(two_schools):
    # An enrolled user's password in someone else's hands must not let them enrol their own
    # phone: the setup page would replace the real phone and log them in with it.
    device, _codes = enrol(logged_in("office"))
    attacker = logged_in("office")
    setup = reverse("casework_twofactor_setup")
    response = attacker.get(setup)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("casework_twofactor_verify"))
    assert attacker.post(setup, {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=device.user, confirmed=True)) == [device]
    assert attacker.get(reverse("wagtailadmin_home")).status_code == 302


@pytest.mark.django_db
def test_a_verified_user_may_enrol_a_new_phone(two_schools):
    old, _codes = enrol(logged_in("office"))
    client = logged_in("office")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=31)):
        verify = client.get(reverse("wagtailadmin_home"))["Location"]
        assert client.post(verify, {"code": code_of(old)}).status_code == 302
        new, _codes = enrol(client)
    assert list(TOTPDevice.objects.filter(user=old.user)) == [new], "no spare device left"
