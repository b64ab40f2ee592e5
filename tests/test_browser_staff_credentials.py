"""Staff credentials in a real browser: the __Host- Secure cookie on http://127.0.0.1, the origin check letting
the browser's own forms through, and two-step sign-in set up and used, with the pages accessible."""
import re
from datetime import datetime, timezone

import pyotp
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")
from tests.browser import axe_violations  # noqa: E402
from tests.test_browser_staff import fill_in_sign_in, sign_in, submit  # noqa: E402

pytest_plugins = ("tests.browser",)
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]


def code_now(secret, steps_ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(timezone.utc)) + steps_ahead)


def test_the_secure_host_cookie_works_on_this_machine_and_two_step_sign_in_too(system, page, site):
    _, owner = system.new_tenant()
    sign_in(page, site, owner)
    [cookie] = [cookie for cookie in page.context.cookies() if cookie["name"].startswith("__Host-portico_staff")]
    assert (cookie["name"], cookie["secure"], cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (
        "__Host-portico_staff", True, True, "Lax", "/")

    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Set up two-step sign-in").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert axe_violations(page) == []
    page.get_by_label("6-digit code").fill(code_now(secret))
    assert submit(page, "Turn on two-step sign-in").status == 200
    expect(page.get_by_role("heading", name="Two-step sign-in is on")).to_be_visible()
    assert len(re.findall(r"[0-9a-f]{8}-[0-9a-f]{8}", page.locator(".recovery-codes").inner_text())) == 10

    page.get_by_role("link", name="Continue").click()
    submit(page, "Sign out")
    sign_in(page, site, owner)
    expect(page).to_have_url(re.compile(r"/staff/sign-in/code"))
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(code_now(secret, 1))
    assert submit(page, "Sign in").status == 303
    expect(page).to_have_url(f"{site}/staff/settings")


def test_a_forgotten_password_page_answers_without_saying_who_exists(system, page, site):
    page.goto(f"{site}/staff/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email address").fill("nobody@nowhere.example")
    assert submit(page, "Send the link").status == 200
    expect(page.get_by_role("status")).to_contain_text("If a staff member has that email address")
    assert axe_violations(page) == []
