"""The API reference (/api/docs) in a real browser: a reader tries calls from it and sees the answers."""
import json

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import axe_violations

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def try_call(page, method, path, **fields):
    """Open an operation's "Try it" form, fill in ``fields`` (label -> text), send it; return its answer area."""
    form = page.locator(f'form.try-call-form[data-method="{method}"][data-path="{path}"]')
    form.locator("xpath=..").locator("summary").click()
    for label, text in fields.items():
        form.get_by_label(label, exact=True).fill(text)
    form.get_by_role("button", name=f"Send {method}").click()
    return form.locator(".call-result")


def test_a_reader_signs_in_and_tries_calls_from_the_reference(system, page, site):
    _, owner = system.new_tenant(display_name="Docs Lawn Care")
    token = system.staff_token(owner)
    client = system.http.post("/api/v1/staff/clients", json={"name": "Tried Client"},
                               headers={"Authorization": f"Bearer {token}"}).get_json()
    page.goto(f"{site}/api/docs")

    expect(try_call(page, "GET", "/healthz")).to_contain_text("answered 200")
    signed_in = try_call(page, "POST", "/api/v1/staff/sessions", **{"Body (JSON)": json.dumps(owner)})
    expect(signed_in).to_contain_text("answered 201")
    expect(page.get_by_label("Bearer token")).not_to_have_value("")

    me = try_call(page, "GET", "/api/v1/staff/me")
    expect(me).to_contain_text("answered 200")
    expect(me).to_contain_text("Docs Lawn Care")
    found = try_call(page, "GET", "/api/v1/staff/clients/{client_id}",
                     **{"client_id (path, required)": str(client["id"])})
    expect(found).to_contain_text(f"GET /api/v1/staff/clients/{client['id']} answered 200")
    expect(found).to_contain_text("Tried Client")
    assert axe_violations(page) == []
