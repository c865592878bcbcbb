"""A bureau office user enrols a phone app, logs out, and logs in with the password and a code."""

import re
import time

import pytest
from django_otp.oath import totp

from tests.browser.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

STEP = 30
LOG_OUT_JS = """() => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/admin/logout/";
    const token = document.createElement("input");
    token.name = "csrfmiddlewaretoken";
    token.value = document.cookie.match(/csrftoken=([^;]+)/)[1];
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
}"""


def device_key(live_site, username):
    return live_site.python(
        "from django_otp.plugins.otp_totp.models import TOTPDevice;"
        f"print(TOTPDevice.objects.get(user__username={username!r}).key)"
    )


def code_now(hex_key):
    return f"{totp(bytes.fromhex(hex_key), step=STEP):06d}"


def test_enrol_log_out_and_log_in_with_a_code(page, live_site, shot):
    # Not a demo account: those are exempt while DEBUG is on, as `make run` serves the site.
    live_site.python(
        "from django.contrib.auth.models import User; from casework.access.roles import Role, group_for;"
        "from casework.models import Profile;"
        "u = User.objects.create_user('office_2fa', 'office_2fa@example.org', "
        f"{DEFAULT_PASSWORD!r}, first_name='科员', last_name='赵');"
        "u.groups.add(group_for(Role.OFFICE)); Profile.objects.create(user=u)"
    )
    page.goto("/admin/login/")
    page.fill("#id_username", "office_2fa")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/casework/two-factor/setup/"))
    assert page.locator("svg").count() >= 1
    shot(page, "enrol")
    key = device_key(live_site, "office_2fa")
    enrolled_at = time.time() // STEP
    page.fill("#id_code", code_now(key))
    page.click("main button:has-text('开启双因素登录')")
    page.wait_for_selector(".cw-recovery-codes")
    assert page.locator(".cw-recovery-codes li").count() == 10
    shot(page, "recovery-codes")
    page.click("main a.button:has-text('继续')")
    page.wait_for_url(re.compile(r"/admin/$"))

    # Log out as the account menu does: a POST with the CSRF token.
    page.evaluate(LOG_OUT_JS)
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", "office_2fa")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/casework/two-factor/verify/"))
    shot(page, "code-asked")
    # The code of enrolment is spent: wait for the phone's next one.
    while time.time() // STEP == enrolled_at:
        time.sleep(1)
    page.fill("#id_code", code_now(key))
    page.click("main button[type=submit]:has-text('登录')")
    page.wait_for_url(re.compile(r"/admin/$"))
    shot(page, "dashboard")
