"""axe on every page: the gateway's route table walked in a real browser, at a phone's size and a computer's.

Every GET route outside the API is visited, its URL filled with one business's real objects (tests/http_routes.py
says what each argument names): the portal's as a signed-in client and as a visitor, the staff's as the owner and
as a visitor. Wherever a route leads (a page, or the sign-in page it sends a visitor to), a page is checked with
axe's WCAG 2.0/2.1/2.2 A and AA rules; a route that answers a file (a PDF, an image, a calendar, a script) is
checked to be one. A route this test cannot fill fails it, so a new page is never left unchecked. The walk is made
once by an English browser and once by a Spanish one, and every page checked must be in the browser's language.
"""
import pytest

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from portico_testing import images
from tests.browser import DESKTOP, PHONE, axe_violations, checked_page, frame_card_forms
from tests.http_routes import ID_ARGUMENTS, kind_of
from tests.portal_helpers import CLIENT_PASSWORD, change_general_settings, set_logo
from tests.test_http_isolation import business, business_objects, client_with_money

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

SLUG = "every-page"
# URL arguments that name no object, and the values walked for each.
NAMED = {"tab": ("general", "billing", "services", "tickets", "alerts"),
         "kind": ("receipt", "invoice", "visit_reminder"), "purpose": ("any",), "size": (192,), "colour": ("2e6b30",)}
LOCALES = {"en-US": "en", "es-US": "es"}  # the browser's locale, and the language its pages must be in
FILE_TYPES = ("application/pdf", "image/", "text/calendar", "text/csv", "text/javascript", "application/json",
              "application/manifest+json", "text/css", "image/svg+xml", "text/plain")


@pytest.fixture(scope="module")
def objects(system, site):
    frame_card_forms(system, site)  # the pages with a card form frame the processor's hosted form
    return one_of_everything(system)


def one_of_everything(system):
    """One business with one of everything a page can show, and the ids and secrets that name them."""
    tenant, credentials, staff = business(system, SLUG, "Every Page Lawns")
    set_logo(system, tenant, images.image("PNG", size=(32, 32)))
    change_general_settings(system, tenant, brand_colour="#2e6b30", welcome_message="Welcome, every page.")
    one = client_with_money(system, tenant, "Pat Pages")
    found = {**one, **business_objects(system, tenant, staff, one, "Sam Invited")}
    found["reset_link"] = staff_reset_link(system, credentials)
    calendar = system.http.post(f"/api/v1/portal/{SLUG}/services/calendar",
                                headers={"Authorization": f"Bearer {one['session']['token']}"}).get_json()
    found["feed_token"] = calendar["url"].rsplit("/", 1)[1].removesuffix(".ics")
    return tenant, credentials, found


def staff_reset_link(system, credentials):
    """The secret of a staff password reset link, as the owner's mailbox receives it."""
    system.app.test_client().post("/staff/forgot-password", data={"email": credentials["email"]})
    mail = system.mail.wait_for_message(credentials["email"], matching=lambda mail: "/staff/reset/" in mail.text)
    return mail.link("/staff/reset/").rsplit("/", 1)[1]


def addresses(app, audience, found):
    """The path of every GET route of ``audience`` outside the API, each argument filled (a route whose argument
    takes several values, once with each)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static/", "/healthz")):
            continue
        if ("portal" if rule.rule.startswith(("/p/", "/calendar/")) else "staff") != audience:
            continue
        choices = [{}]
        for name in sorted(rule.arguments - {"slug"}):
            if name in NAMED:
                values = NAMED[name]
            else:  # a KeyError here: teach objects() to make what this argument names
                values = (found[kind_of(name, rule.rule) if name in ID_ARGUMENTS else name],)
            choices = [{**chosen, name: value} for chosen in choices for value in values]
        for chosen in choices:
            yield rule.build({**chosen, "slug": SLUG}, append_unknown=False)[1]


def check(page, url, seen):
    """Visit ``url``; check the page it leads to with axe at both sizes (once per page reached), or that it
    answered a file. Return what is wrong."""
    answer = page.request.get(url)  # with the page's cookies: is it a page at all? (a file would download)
    kind = answer.headers.get("content-type", "")
    if not answer.ok:
        return [f"{url}: {answer.status}"]
    if not kind.startswith("text/html"):
        return [] if kind.startswith(FILE_TYPES) else [f"{url}: answered {kind}"]
    if "sandbox" in answer.headers.get("content-security-policy", ""):
        return []  # a stored email, shown only in a sandboxed frame of its page (which is checked)
    page.goto(url)
    if page.url in seen:
        return []
    seen.add(page.url)
    language = page.evaluate("document.documentElement.lang")
    problems = [] if language == seen.language else [f"{page.url}: in {language!r}, not {seen.language!r}"]
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        problems += [f"{page.url} at {size['width']} px: {violation}" for violation in axe_violations(page)]
    return problems


class Seen(set):
    """The pages checked so far, and the language they must be in."""

    def __init__(self, language):
        super().__init__()
        self.language = language


def walk(page, site, paths, language):
    seen, problems = Seen(language), []
    for path in paths:
        problems += check(page, site + path, seen)
    return seen, problems


def sign_in(page, url, login, password):
    """Sign in on the form at ``url`` by its inputs' names: the labels are in the page's language."""
    page.goto(url)
    page.locator("input[name=login], input[name=email]").first.fill(login)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_portal_page_passes_axe_signed_in_and_signed_out(system, chromium, site, objects, locale):
    _, _, found = objects
    paths = list(addresses(system.app, "portal", found))
    with checked_page(chromium, locale=locale) as page:
        # A visitor: the public pages, and the sign-in page for the rest.
        _, problems = walk(page, site, paths, LOCALES[locale])
        sign_in(page, f"{site}/p/{SLUG}/sign-in", found["email"], CLIENT_PASSWORD)
        assert page.url == f"{site}/p/{SLUG}/"
        signed_in, more = walk(page, site, [path for path in paths if "/reset/" not in path], LOCALES[locale])

    assert problems + more == []
    assert len(signed_in) > 20 and f"{site}/p/{SLUG}/billing" in signed_in, sorted(signed_in)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_staff_page_passes_axe_signed_in_and_signed_out(system, chromium, site, objects, locale):
    _, credentials, found = objects
    paths = list(addresses(system.app, "staff", found))
    with checked_page(chromium, locale=locale) as page:
        public = ["/staff/sign-in", "/staff/forgot-password"] + [path for path in paths if "/reset/" in path]
        _, problems = walk(page, site, public, LOCALES[locale])
        sign_in(page, f"{site}/staff/sign-in", credentials["email"], credentials["password"])
        signed_in, more = walk(page, site, [path for path in paths if "/reset/" not in path], LOCALES[locale])

    assert problems + more == []
    assert len(signed_in) > 40 and f"{site}/staff/invoices" in signed_in, sorted(signed_in)
