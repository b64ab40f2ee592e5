"""The staff API and pages for clients, properties, custom fields, portal users, logo, invitation email, outbox."""
import io
import itertools
import re

import pytest
from PIL import Image

from portico_testing import images, wait_for
from shared.blobs import blob_store
from shared.errors import NotFound
from shared.message_size import MAX_MESSAGE_BYTES

# Backends (docs/architecture.md, "Tests and backends"): PostgreSQL. What SQLite does differently here
# (lower() and LIKE, values of each custom field type, foreign keys, max() of a time)
# is checked by the in-process tests of services/accounts/tests.
pytestmark = pytest.mark.backends("postgresql")

API = "/api/v1/staff"
SESSIONS = f"{API}/sessions"
_addresses = (f"203.0.113.{n % 250 + 1}" for n in itertools.count())
INVITATION_TOKEN = re.compile(r"/invitation/([^\s/<>\"')]+)")


def from_new_address():
    """Sign-in throttling counts per address: give each sign-in its own."""
    return {"REMOTE_ADDR": next(_addresses)}


def sign_in(system, credentials):
    response = system.http.post(SESSIONS, json=credentials, environ_base=from_new_address())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class Staff:
    """One tenant's signed-in owner, calling the staff API with a bearer token."""

    def __init__(self, system, display_name="Green Acres Lawn Care"):
        self.system = system
        self.tenant, self.credentials = system.new_tenant(display_name=display_name)
        self.session = sign_in(system, self.credentials)
        self.headers = bearer(self.session["token"])

    def call(self, method, path, **kwargs):
        return self.system.http.open(f"{API}{path}", method=method, headers=self.headers, **kwargs)

    def ok(self, method, path, status=200, **kwargs):
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    def new_client(self, **fields):
        return self.ok("POST", "/clients", 201, json={"name": "Pat Client", **fields})

    def rpc(self, method, *args, **kwargs):
        return self.system.rpc.call("accounts", method, *args, context=self.system.context(self.tenant),
                                    **kwargs)


@pytest.fixture
def staff(system):
    return Staff(system)


def field_errors(response, status=400):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    error = response.get_json()["error"]
    assert error["code"] in ("invalid_input", "conflict")
    return error["fields"]


def png_bytes(size=(8, 8), colour=(20, 120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(data, filename="logo.png", content_type="image/png", field="logo"):
    """Test-client arguments for a multipart upload (a new stream each time: a read one is spent)."""
    return {"data": {field: (io.BytesIO(data), filename, content_type)}, "content_type": "multipart/form-data"}


def outbox_messages_to(staff, address, count=1):
    """Wait until the outbox holds ``count`` messages to ``address``; return them in full, oldest first."""
    def arrived():
        items = [item for item in staff.ok("GET", "/outbox")["items"] if item["to"] == address]
        return items if len(items) >= count else None

    items = wait_for(arrived, timeout=20, message=f"{count} message(s) to {address} in the outbox")
    return [staff.ok("GET", f"/outbox/{item['id']}") for item in sorted(items, key=lambda item: item["id"])]


def invitation_token(text):
    found = INVITATION_TOKEN.search(text or "")
    assert found, text
    return found.group(1)


# --- clients and related properties ------------------------------------------------------------

def test_a_client_is_created_read_and_edited(staff):
    created = staff.new_client(name="Ada Lovelace", email="Ada@Example.com", phone="+1 555 010 0101",
                               address="12 Analytical Way")

    assert created["id"] and created["name"] == "Ada Lovelace"
    assert created["email"] == "ada@example.com"
    assert created["parent_id"] is None and created["properties"] == [] and created["portal_user"] is None

    edited = staff.ok("PATCH", f"/clients/{created['id']}",
                      json={"phone": "+1 555 010 0199", "mobile_phone": None})
    assert edited["phone"] == "+1 555 010 0199"
    assert edited["name"] == "Ada Lovelace"
    assert staff.ok("GET", f"/clients/{created['id']}")["phone"] == "+1 555 010 0199"


def test_a_related_property_belongs_to_its_main_account(staff):
    main = staff.new_client(name="Grace Hopper", email="grace@example.com")

    lake_house = staff.new_client(name="Lake house", address="1 Shore Rd", parent_id=main["id"])

    assert lake_house["parent_id"] == main["id"] and lake_house["parent_name"] == "Grace Hopper"
    main_again = staff.ok("GET", f"/clients/{main['id']}")
    assert main_again["properties"] == [{"id": lake_house["id"], "name": "Lake house"}]
    listed = {item["id"]: item for item in staff.ok("GET", "/clients")["items"]}
    assert len(listed[main["id"]]["properties"]) == 1
    # A property of a property is refused.
    response = staff.call("POST", "/clients", json={"name": "Boathouse", "parent_id": lake_house["id"]})
    assert set(field_errors(response)) == {"parent_id"}


def test_clients_are_searched_by_name_email_or_phone_and_paged(staff):
    staff.new_client(name="Zed Searchable", email="zed@search.example", phone="+1 555 777 0001")
    staff.new_client(name="Other Person", email="other@elsewhere.example")
    for number in range(50):
        staff.new_client(name=f"Filler {number:02d}")

    def names(query):
        return [item["name"] for item in staff.ok("GET", "/clients", query_string=query)["items"]]

    assert names({"q": "zed sea"}) == ["Zed Searchable"]
    assert names({"q": "SEARCH.EXAMPLE"}) == ["Zed Searchable"]
    assert names({"q": "777"}) == ["Zed Searchable"]
    assert names({"q": "nobody at all"}) == []
    first = staff.ok("GET", "/clients")
    second = staff.ok("GET", "/clients", query_string={"page": 2})
    assert first["total"] == second["total"] == 52
    assert (len(first["items"]), len(second["items"])) == (50, 2)
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}


@pytest.mark.parametrize("query, field", [
    ({"page": "0"}, "page"),
    ({"page": "two"}, "page"),
    ({"q": "x" * 101}, "q"),
], ids=["page zero", "page not a number", "search too long"])
def test_bad_list_parameters_are_refused(staff, query, field):
    assert set(field_errors(staff.call("GET", "/clients", query_string=query))) == {field}


@pytest.mark.parametrize("body, field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": 42}, "name"),
    ({"name": "Pat", "email": "not-an-email"}, "email"),
    ({"name": "Pat", "email": "a" * 250 + "@x.example"}, "email"),
    ({"name": "Pat", "phone": "call me maybe"}, "phone"),
    ({"name": "Pat", "phone": "1" * 40}, "phone"),
    ({"name": "Pat", "mobile_phone": "12"}, "mobile_phone"),
    ({"name": "Pat", "address": "x" * 301}, "address"),
    ({"name": "Pat", "parent_id": "1"}, "parent_id"),
    ({"name": "Pat", "favourite_colour": "green"}, "favourite_colour"),
], ids=["missing name", "empty name", "long name", "name not text", "malformed email", "long email",
        "malformed phone", "long phone", "short mobile", "long address", "parent id as text", "unknown field"])
def test_invalid_new_clients_are_refused_and_nothing_is_created(staff, body, field):
    response = staff.call("POST", "/clients", json=body)

    assert set(field_errors(response)) == {field}
    assert staff.ok("GET", "/clients")["total"] == 0


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"email": "nope@"}, "email"),
    ({"phone": "+1 555 010 0199", "mobile_phone": "letters only"}, "mobile_phone"),
    ({"parent_id": None}, "parent_id"),
], ids=["empty name", "malformed email", "one good one bad", "parent cannot change"])
def test_invalid_client_changes_change_nothing(staff, changes, field):
    client = staff.new_client(name="Unchanged", email="unchanged@example.com")

    response = staff.call("PATCH", f"/clients/{client['id']}", json=changes)

    assert set(field_errors(response)) == {field}
    stored = staff.ok("GET", f"/clients/{client['id']}")
    assert (stored["name"], stored["email"], stored["phone"]) == ("Unchanged", "unchanged@example.com", None)


def test_a_body_that_is_not_a_json_object_is_refused(staff):
    response = staff.call("POST", "/clients", data="name=Pat", content_type="application/x-www-form-urlencoded")
    assert set(field_errors(response)) == {"_schema"}


# --- custom fields ------------------------------------------------------------------------------

FIELD_DEFINITIONS = (
    {"key": "gate_code", "label": "Gate code", "type": "text"},
    {"key": "dogs", "label": "Dogs", "type": "number"},
    {"key": "since", "label": "Client since", "type": "date"},
    {"key": "visit_day", "label": "Visit day", "type": "choice", "choices": ["Monday", "Friday"]},
)


def define_fields(staff):
    """Define one custom field of each type; return them by key."""
    return {definition["key"]: staff.ok("POST", "/custom-fields", 201, json=definition)
            for definition in FIELD_DEFINITIONS}


def values_of(client):
    return {item["key"]: item["value"] for item in client["custom_fields"]}


def test_custom_fields_of_each_type_are_defined_listed_and_filled_in(staff):
    defined = define_fields(staff)
    client = staff.new_client(name="Custom Carol")

    listed = staff.ok("GET", "/custom-fields")["items"]
    assert {item["key"]: item["type"] for item in listed} == {
        "gate_code": "text", "dogs": "number", "since": "date", "visit_day": "choice"}
    assert defined["visit_day"]["choices"] == ["Monday", "Friday"]
    assert not any(item["visible"] for item in listed)

    updated = staff.ok("PUT", f"/clients/{client['id']}/custom-fields",
                       json={"gate_code": "#4521", "dogs": 2, "since": "2024-03-01", "visit_day": "Friday"})

    assert values_of(updated) == {
        "gate_code": "#4521", "dogs": "2", "since": "2024-03-01", "visit_day": "Friday"}
    cleared = staff.ok("PUT", f"/clients/{client['id']}/custom-fields", json={"gate_code": None})
    assert values_of(cleared)["gate_code"] is None
    assert values_of(cleared)["visit_day"] == "Friday"  # keys not sent are left alone


@pytest.mark.parametrize("values, field", [
    ({"dogs": "two"}, "dogs"),
    ({"since": "2024-13-40"}, "since"),
    ({"visit_day": "Sunday"}, "visit_day"),
    ({"gate_code": ["a", "b"]}, "gate_code"),
    ({"gate_code": True}, "gate_code"),
    ({"gate_code": "x" * 1001}, "gate_code"),
    ({"no_such_field": "x"}, "no_such_field"),
    ({"gate_code": "fine", "dogs": "many"}, "dogs"),
], ids=["number as words", "impossible date", "not a choice", "a list", "a boolean", "too long",
        "unknown key", "one good one bad"])
def test_bad_custom_field_values_are_refused_and_change_nothing(staff, values, field):
    define_fields(staff)
    client = staff.new_client(name="Valued Val")
    staff.ok("PUT", f"/clients/{client['id']}/custom-fields", json={"gate_code": "1234", "dogs": 1})

    response = staff.call("PUT", f"/clients/{client['id']}/custom-fields", json=values)

    assert set(field_errors(response)) == {field}
    assert values_of(staff.ok("GET", f"/clients/{client['id']}")) == {
        "gate_code": "1234", "dogs": "1", "since": None, "visit_day": None}


@pytest.mark.parametrize("body, field, status", [
    ({"key": "Gate Code", "label": "Gate code", "type": "text"}, "key", 400),
    ({"key": "gate_code", "label": "", "type": "text"}, "label", 400),
    ({"key": "gate_code", "label": "Gate code", "type": "colour"}, "type", 400),
    ({"key": "day", "label": "Day", "type": "choice"}, "choices", 400),
    ({"key": "day", "label": "Day", "type": "choice", "choices": "Monday"}, "choices", 400),
    ({"key": "gate_code", "label": "Gate code", "type": "text", "secret": True}, "secret", 400),
    ({"key": "dogs", "label": "Dogs again", "type": "text"}, "key", 409),
], ids=["bad key", "empty label", "unknown type", "choice without choices", "choices not a list",
        "unknown field", "key in use"])
def test_invalid_custom_field_definitions_are_refused(staff, body, field, status):
    staff.ok("POST", "/custom-fields", 201, json={"key": "dogs", "label": "Dogs", "type": "number"})

    response = staff.call("POST", "/custom-fields", json=body)

    assert set(field_errors(response, status)) == {field}
    assert [item["key"] for item in staff.ok("GET", "/custom-fields")["items"]] == ["dogs"]


def test_deleting_a_custom_field_removes_it_and_its_values(staff):
    fields = define_fields(staff)
    client = staff.new_client(name="Deleted Dave")
    staff.ok("PUT", f"/clients/{client['id']}/custom-fields", json={"dogs": 3})

    response = staff.call("DELETE", f"/custom-fields/{fields['dogs']['id']}")

    assert response.status_code == 204
    assert "dogs" not in {item["key"] for item in staff.ok("GET", "/custom-fields")["items"]}
    assert "dogs" not in values_of(staff.ok("GET", f"/clients/{client['id']}"))
    assert staff.call("DELETE", f"/custom-fields/{fields['dogs']['id']}").status_code == 404


# --- portal users -------------------------------------------------------------------------------

def test_portal_users_list_main_accounts_with_and_without_portal_accounts(staff):
    invited = staff.new_client(name="Ivy Invited", email="ivy@example.com")
    waiting = staff.new_client(name="Walt Waiting", email="walt@example.com")
    staff.new_client(name="Ivy's cabin", parent_id=invited["id"])
    staff.ok("POST", "/portal-users/invitations", json={"client_ids": [invited["id"]]})

    rows = {row["client_name"]: row for row in staff.ok("GET", "/portal-users")["items"]}
    without = staff.ok("GET", "/portal-users", query_string={"without_portal": "1"})["items"]

    assert set(rows) == {"Ivy Invited", "Walt Waiting"}  # not the related property
    ivy, walt = rows["Ivy Invited"], rows["Walt Waiting"]
    assert ivy["portal_user_id"] and ivy["invited_at"] and ivy["email"] == "ivy@example.com"
    # Invited is not yet an account: the client has still to register.
    assert not ivy["has_account"] and not ivy["activated"]
    assert (walt["portal_user_id"], walt["invited_at"], walt["has_account"]) == (None, None, False)
    assert {row["client_id"] for row in without} == {invited["id"], waiting["id"]}
    found = staff.ok("GET", "/portal-users", query_string={"q": "walt"})["items"]
    assert [row["client_name"] for row in found] == ["Walt Waiting"]
    clients_without = staff.ok("GET", "/clients", query_string={"without_portal": "1"})["items"]
    assert waiting["id"] in {item["id"] for item in clients_without}


def test_bulk_invitation_reports_a_result_per_client(staff):
    with_email = staff.new_client(name="Eve Email", email="eve@example.com")
    without_email = staff.new_client(name="Noel Noemail")

    body = staff.ok("POST", "/portal-users/invitations",
                    json={"client_ids": [with_email["id"], without_email["id"]]})

    results = {result["client_id"]: result for result in body["results"]}
    assert results[with_email["id"]]["status"] == "invited"
    assert results[without_email["id"]]["status"] == "error"
    assert results[without_email["id"]]["message"]
    portal_user = staff.ok("GET", f"/clients/{with_email['id']}")["portal_user"]
    assert portal_user["email"] == "eve@example.com" and not portal_user["activated"]
    assert staff.ok("GET", f"/clients/{without_email['id']}")["portal_user"] is None


def test_a_resent_invitation_replaces_the_earlier_link(staff):
    client = staff.new_client(name="Rex Resend", email="rex@example.com")
    first = staff.ok("POST", "/portal-users/invitations", json={"client_ids": [client["id"]]})["results"][0]
    first_mail = staff.system.mail.wait_for_message("rex@example.com")  # as the client gets it

    second = staff.ok("POST", "/portal-users/invitations", json={"client_ids": [client["id"]]})["results"][0]
    second_mail = staff.system.mail.wait_for_message("rex@example.com")

    assert (first["status"], second["status"]) == ("invited", "resent")
    old_token, new_token = invitation_token(first_mail.text), invitation_token(second_mail.text)
    assert old_token != new_token
    with pytest.raises(NotFound):
        staff.rpc("check_invitation", old_token)
    assert staff.rpc("check_invitation", new_token)["email"] == "rex@example.com"


def test_password_resets_report_a_result_per_client(staff):
    client = staff.new_client(name="Rita Reset", email="rita@example.com")
    no_email = staff.new_client(name="Nina Noemail")
    staff.ok("POST", "/portal-users/invitations", json={"client_ids": [client["id"]]})

    body = staff.ok("POST", "/portal-users/password-resets",
                    json={"client_ids": [client["id"], no_email["id"]]})

    results = {result["client_id"]: result for result in body["results"]}
    assert set(results) == {client["id"], no_email["id"]}
    assert results[no_email["id"]]["status"] == "error" and results[no_email["id"]]["message"]
    assert results[client["id"]]["status"] in ("sent", "error")


@pytest.mark.parametrize("body, field", [
    ({}, "client_ids"),
    ({"client_ids": []}, "client_ids"),
    ({"client_ids": ["1"]}, "client_ids.0"),
    ({"client_ids": [1], "dry_run": True}, "dry_run"),
], ids=["missing", "empty", "ids as text", "unknown field"])
def test_bulk_actions_refuse_bad_bodies(staff, body, field):
    for path in ("/portal-users/invitations", "/portal-users/password-resets"):
        assert set(field_errors(staff.call("POST", path, json=body))) == {field}


def test_a_portal_user_is_linked_to_one_more_account(staff):
    owner = staff.new_client(name="Olga Owner", email="olga@example.com")
    other = staff.new_client(name="Olga's shop")
    staff.ok("POST", "/portal-users/invitations", json={"client_ids": [owner["id"]]})
    portal_user_id = staff.ok("GET", f"/clients/{owner['id']}")["portal_user"]["id"]

    staff.ok("POST", "/portal-users/links", 201,
             json={"portal_user_id": portal_user_id, "account_id": other["id"], "rights": "pay"})

    linked = staff.ok("GET", f"/clients/{other['id']}")["portal_user"]
    assert (linked["id"], linked["rights"]) == (portal_user_id, "pay")
    response = staff.call("POST", "/portal-users/links",
                          json={"portal_user_id": portal_user_id, "account_id": other["id"], "rights": "own"})
    assert set(field_errors(response)) == {"rights"}


# --- the logo -----------------------------------------------------------------------------------

def has_logo(staff):
    return staff.ok("GET", "/settings/general").get("has_logo")


def blob_ids(system):
    """The ids of the blobs in the System's store (the services' and the gateway's)."""
    return {path.name for path in blob_store(system.blob_store_url).root.iterdir() if "." not in path.name}


def pixels(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size, image.convert("RGB").getpixel((0, 0))


def assert_served_safely(response, content_type):
    """A file served back: its checked type, never sniffed, under a policy that runs and frames nothing."""
    assert response.mimetype == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "frame-ancestors 'none'" in policy


def test_a_small_png_logo_is_stored_by_reference_served_and_removed(system, staff):
    before = blob_ids(system)

    assert staff.ok("PUT", "/logo", **upload(png_bytes()))["has_logo"] is True

    [kept] = blob_ids(system) - before  # the re-encoded copy only: the upload itself is gone
    served = staff.call("GET", "/logo")
    assert served.status_code == 200 and pixels(served.get_data()) == ("PNG", (8, 8), (20, 120, 40))
    assert_served_safely(served, "image/png")
    assert served.headers["Content-Disposition"] == 'inline; filename="logo.png"'
    assert kept not in served.headers["ETag"]  # the blob's id stays inside
    assert staff.system.http.get(f"{API}/logo", headers={**staff.headers, "If-None-Match": served.headers["ETag"]}
                                 ).status_code == 304
    assert has_logo(staff) is True
    assert staff.call("DELETE", "/logo").status_code == 204
    assert staff.call("GET", "/logo").status_code == 404
    assert has_logo(staff) is False
    assert kept not in blob_ids(system)


def test_a_logo_may_be_sent_as_the_raw_body(staff):
    staff.ok("PUT", "/logo", data=png_bytes(colour=(200, 10, 10)), content_type="image/png")

    assert pixels(staff.call("GET", "/logo").get_data()) == ("PNG", (8, 8), (200, 10, 10))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAD_LOGOS = {
    "text file": lambda: upload(b"just some words, not a picture", "notes.txt", "text/plain"),
    "text named .png": lambda: upload(b"just some words, with a .png name", "logo.png", "image/png"),
    "HTML named .png": lambda: upload(images.HTML, "logo.png", "image/png"),
    "SVG": lambda: upload(images.SVG, "logo.svg", "image/svg+xml"),
    "SVG named .png": lambda: upload(images.SVG, "logo.png", "image/png"),
    "over 512 KB": lambda: upload(PNG_SIGNATURE + b"\0" * (600 * 1024)),
    "over 1 MB": lambda: upload(PNG_SIGNATURE + b"\0" * (1024 * 1024)),
    "over 2000 pixels wide": lambda: upload(images.image("PNG", size=(2100, 10))),
    "empty": lambda: upload(b""),
    "wrong field name": lambda: upload(png_bytes(), field="picture"),
    "raw text body": lambda: {"data": b"plain words", "content_type": "text/plain"},
    "raw body over 1 MB": lambda: {"data": b"x" * (1024 * 1024 + 1), "content_type": "image/png"},
}


@pytest.mark.parametrize("bad_logo", BAD_LOGOS.values(), ids=BAD_LOGOS.keys())
def test_a_bad_logo_is_refused_on_the_logo_field_and_changes_nothing(system, staff, bad_logo):
    staff.ok("PUT", "/logo", **upload(png_bytes()))
    served, before = staff.call("GET", "/logo").get_data(), blob_ids(system)

    response = staff.call("PUT", "/logo", **bad_logo())

    assert set(field_errors(response)) == {"logo"}
    assert staff.call("GET", "/logo").get_data() == served
    assert blob_ids(system) == before  # no upload is left behind


DISGUISED = {
    "PNG with an HTML page after its end": (images.with_trailing(images.image("PNG")), "image/png"),
    "PNG with an HTML page in a text chunk": (images.png_with_text(), "image/png"),
    "JPEG with HTML in its comment and EXIF": (images.jpeg_with_metadata(), "image/jpeg"),
    "GIF with an HTML page after its end": (images.with_trailing(images.image("GIF")), "image/gif"),
}


@pytest.mark.parametrize("data, content_type", DISGUISED.values(), ids=DISGUISED.keys())
def test_a_page_hidden_in_a_real_image_is_not_served(staff, data, content_type):
    staff.ok("PUT", "/logo", **upload(data, "logo.png", "image/png"))

    for served in (staff.call("GET", "/logo"), staff.system.http.get(f"/p/{staff.tenant['slug']}/logo")):
        assert served.status_code == 200 and b"<script" not in served.get_data()
        assert_served_safely(served, content_type)


def test_a_request_too_large_for_a_message_is_refused_with_413(staff):
    client = staff.new_client()
    before = staff.ok("GET", f"/clients/{client['id']}")
    # Each value within the field's own limit of 1000 characters; together more than a message holds.
    values = {f"field_{n}": "x" * 1000 for n in range(MAX_MESSAGE_BYTES // 1000 + 1)}

    response = staff.call("PUT", f"/clients/{client['id']}/custom-fields", json=values)

    assert response.status_code == 413 and response.get_json()["error"]["code"] == "message_too_large"
    assert staff.ok("GET", f"/clients/{client['id']}") == before


# --- the invitation email and the outbox --------------------------------------------------------

def test_the_invitation_email_is_sanitised_and_a_sample_goes_to_the_staff_member(staff):
    default = staff.ok("GET", "/invitation-template")
    assert default["subject"] and default["html"]

    stored = staff.ok("PUT", "/invitation-template", json={
        "subject": "Welcome to our portal",
        "html": '<p onclick="steal()">Hello <strong>there</strong></p><script>alert(1)</script>'
                '<a href="javascript:alert(1)">bad</a>'})

    assert stored["subject"] == "Welcome to our portal"
    assert "<strong>there</strong>" in stored["html"]
    assert "script" not in stored["html"] and "onclick" not in stored["html"]
    assert "javascript:" not in stored["html"]
    assert staff.ok("GET", "/invitation-template") == stored

    sent = staff.ok("POST", "/invitation-template/sample", 202)

    assert sent == {"sent_to": staff.credentials["email"]}
    [sample] = outbox_messages_to(staff, staff.credentials["email"])
    assert "Welcome to our portal" in sample["subject"]
    assert "/invitation/" not in (sample["text"] or "")


@pytest.mark.parametrize("body, field", [
    ({"html": "<p>Hi</p>"}, "subject"),
    ({"subject": "Hi", "html": "<p>Hi</p>", "from": "me"}, "from"),
    ({"subject": ["Hi"], "html": "<p>Hi</p>"}, "subject"),
    ({"subject": "x" * 1001, "html": "<p>Hi</p>"}, "subject"),
], ids=["missing subject", "unknown field", "subject not text", "subject too long"])
def test_an_invalid_invitation_email_changes_nothing(staff, body, field):
    before = staff.ok("GET", "/invitation-template")

    assert set(field_errors(staff.call("PUT", "/invitation-template", json=body))) == {field}
    assert staff.ok("GET", "/invitation-template") == before


def test_the_outbox_lists_messages_and_shows_one(staff):
    client = staff.new_client(name="Olive Outbox", email="olive.outbox@example.com")
    staff.ok("POST", "/portal-users/invitations", json={"client_ids": [client["id"]]})

    [message] = outbox_messages_to(staff, "olive.outbox@example.com")

    listing = staff.ok("GET", "/outbox")
    assert listing["total"] >= 1 and listing["page"] == 1
    assert {"id", "channel", "to", "subject", "status", "attempts", "created_at", "sent_at"} <= set(
        listing["items"][0])
    assert message["channel"] == "email" and message["html"] and message["text"]
    assert staff.call("GET", "/outbox/999999999").status_code == 404
    assert staff.call("GET", "/outbox/not-a-number").status_code == 404
    assert set(field_errors(staff.call("GET", "/outbox", query_string={"page": "0"}))) == {"page"}


# --- who may call -------------------------------------------------------------------------------

ROUTES = [
    ("GET", "/clients"), ("POST", "/clients"), ("GET", "/clients/1"), ("PATCH", "/clients/1"),
    ("PUT", "/clients/1/custom-fields"), ("GET", "/custom-fields"), ("POST", "/custom-fields"),
    ("DELETE", "/custom-fields/1"), ("GET", "/portal-users"), ("POST", "/portal-users/invitations"),
    ("POST", "/portal-users/password-resets"), ("POST", "/portal-users/links"), ("GET", "/logo"),
    ("PUT", "/logo"), ("DELETE", "/logo"), ("GET", "/invitation-template"), ("PUT", "/invitation-template"),
    ("POST", "/invitation-template/sample"), ("GET", "/outbox"), ("GET", "/outbox/1"),
]


@pytest.mark.parametrize("method, path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_needs_a_signed_in_staff_member(system, method, path):
    response = system.http.open(f"{API}{path}", method=method, json={})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_a_cookie_session_must_send_its_csrf_token(system, staff):
    browser = system.app.test_client()
    browser.set_cookie("__Host-portico_staff", staff.session["token"])

    refused = browser.post(f"{API}/clients", json={"name": "Forged"})
    accepted = browser.post(f"{API}/clients", json={"name": "Genuine"},
                            headers={"X-CSRF-Token": staff.session["csrf_token"]})

    assert refused.status_code == 403 and accepted.status_code == 201
    assert [item["name"] for item in staff.ok("GET", "/clients")["items"]] == ["Genuine"]


def test_the_openapi_document_describes_the_new_routes(system):
    paths = system.http.get("/api/v1/openapi.json").get_json()["paths"]

    assert {"get", "patch"} <= set(paths[f"{API}/clients/{{client_id}}"])
    assert "requestBody" in paths[f"{API}/clients/{{client_id}}/custom-fields"]["put"]
    assert {"get", "put", "delete"} <= set(paths[f"{API}/logo"])
    assert "post" in paths[f"{API}/portal-users/invitations"]
    assert "get" in paths[f"{API}/outbox/{{message_id}}"]


# --- tenant isolation ---------------------------------------------------------------------------

@pytest.fixture
def two_tenants(system):
    """Tenant A's staff; tenant B's staff with a client, a property, a field, a portal user and a message."""
    alpha, beta = Staff(system, "Alpha Lawns"), Staff(system, "Beta Pools")
    main = beta.new_client(name="Bea Beta", email="bea@beta.example")
    beta.new_client(name="Bea's pool house", parent_id=main["id"])
    field = beta.ok("POST", "/custom-fields", 201,
                    json={"key": "pool_size", "label": "Pool size", "type": "number"})
    beta.ok("PUT", f"/clients/{main['id']}/custom-fields", json={"pool_size": 40})
    beta.ok("POST", "/portal-users/invitations", json={"client_ids": [main["id"]]})
    [message] = outbox_messages_to(beta, "bea@beta.example")
    ids = {"client": main["id"], "field": field["id"], "message": message["id"],
           "portal_user": beta.ok("GET", f"/clients/{main['id']}")["portal_user"]["id"]}
    return alpha, beta, ids


def beta_state(beta, ids):
    return {"client": beta.ok("GET", f"/clients/{ids['client']}"),
            "fields": beta.ok("GET", "/custom-fields"),
            "message": beta.ok("GET", f"/outbox/{ids['message']}"),
            "portal_users": beta.ok("GET", "/portal-users")}


def test_another_tenants_ids_are_not_found_on_every_route(two_tenants):
    alpha, beta, ids = two_tenants
    before = beta_state(beta, ids)
    own_client = alpha.new_client(name="Al Alpha", email="al@alpha.example")
    alpha.ok("POST", "/portal-users/invitations", json={"client_ids": [own_client["id"]]})
    own_portal_user = alpha.ok("GET", f"/clients/{own_client['id']}")["portal_user"]["id"]

    attempts = [
        ("GET", f"/clients/{ids['client']}", None),
        ("PATCH", f"/clients/{ids['client']}", {"name": "Taken over"}),
        ("PUT", f"/clients/{ids['client']}/custom-fields", {"pool_size": 1}),
        ("DELETE", f"/custom-fields/{ids['field']}", None),
        ("GET", f"/outbox/{ids['message']}", None),
        ("POST", "/clients", {"name": "Squatter", "parent_id": ids["client"]}),
        ("POST", "/portal-users/links", {"portal_user_id": ids["portal_user"], "account_id": own_client["id"],
                                         "rights": "manage"}),
        ("POST", "/portal-users/links", {"portal_user_id": own_portal_user, "account_id": ids["client"],
                                         "rights": "manage"}),
    ]
    for method, path, body in attempts:
        response = alpha.call(method, path, json=body) if body is not None else alpha.call(method, path)
        assert response.status_code == 404, (method, path, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"

    for path in ("/portal-users/invitations", "/portal-users/password-resets"):
        [result] = alpha.ok("POST", path, json={"client_ids": [ids["client"]]})["results"]
        assert result["status"] == "error"
    assert ids["client"] not in {item["id"] for item in alpha.ok("GET", "/clients")["items"]}
    assert ids["client"] not in {row["client_id"] for row in alpha.ok("GET", "/portal-users")["items"]}
    assert ids["message"] not in {item["id"] for item in alpha.ok("GET", "/outbox")["items"]}
    assert "pool_size" not in {item["key"] for item in alpha.ok("GET", "/custom-fields")["items"]}
    after = beta_state(beta, ids)
    # Only the outbox may have moved on (delivery attempts), never by alpha's hand.
    assert {key: value for key, value in after.items() if key != "message"} == {
        key: value for key, value in before.items() if key != "message"}
    # No second invitation went out to tenant B's client.
    assert [item["to"] for item in beta.ok("GET", "/outbox")["items"]].count("bea@beta.example") == 1


# --- pages --------------------------------------------------------------------------------------

@pytest.fixture
def browser(system, staff):
    """A test client signed in by cookie, as a browser is; returns (client, csrf token, staff)."""
    client = system.app.test_client()
    client.set_cookie("__Host-portico_staff", staff.session["token"])
    return client, staff.session["csrf_token"], staff


def test_client_pages_create_show_and_protect(browser):
    client, csrf, staff = browser

    listing = client.get("/staff/clients")
    assert listing.status_code == 200
    assert "script-src 'self'" in listing.headers["Content-Security-Policy"]
    assert listing.headers["Cache-Control"] == "no-store"

    created = client.post("/staff/clients",
                          data={"csrf_token": csrf, "name": "Paula Page", "email": "paula@example.com"})
    assert created.status_code == 303
    page = client.get(created.headers["Location"])
    assert page.status_code == 200 and "Paula Page" in page.get_data(as_text=True)
    assert "Client added." in page.get_data(as_text=True)

    blank = client.post("/staff/clients", data={"csrf_token": csrf, "name": " "})
    assert blank.status_code == 400 and "Enter the name." in blank.get_data(as_text=True)
    refused = client.post("/staff/clients", data={"csrf_token": csrf, "name": "Valid Name", "email": "nope"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'aria-describedby="hint-email error-email"' in body and "There is a problem" in body
    assert 'value="Valid Name"' in body  # what was typed is shown again
    assert staff.ok("GET", "/clients")["total"] == 1

    forged = client.post("/staff/clients", data={"csrf_token": "stale", "name": "Forged"})
    assert forged.status_code == 403
    assert client.get("/staff/clients/999999").status_code == 404


def test_the_portal_users_page_shows_a_result_per_client(browser):
    client, csrf, staff = browser
    emailed = staff.new_client(name="Mia Mail", email="mia@example.com")
    silent = staff.new_client(name="Sid Silent")

    response = client.post("/staff/portal-users", data={
        "csrf_token": csrf, "action": "invite", "client_ids": [str(emailed["id"]), str(silent["id"])]})

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sent 1 of 2." in body and "Invitation sent" in body and "Not sent" in body
    listing = client.get("/staff/portal-users").get_data(as_text=True)
    assert re.search(r"Mia Mail.*?Invited [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d\s[AP]M UTC, not registered", listing, re.S)


def test_the_logo_form_on_the_general_tab_shows_errors_in_place(browser):
    client, csrf, staff = browser

    refused = client.post("/staff/settings/logo", content_type="multipart/form-data", data={
        "csrf_token": csrf, "logo": (io.BytesIO(b"not an image"), "logo.png", "image/png")})
    accepted = client.post("/staff/settings/logo", content_type="multipart/form-data", data={
        "csrf_token": csrf, "logo": (io.BytesIO(png_bytes()), "logo.png", "image/png")})

    assert refused.status_code == 400
    assert 'id="error-logo"' in refused.get_data(as_text=True)
    assert accepted.status_code == 303
    assert 'alt="Current logo"' in client.get(accepted.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert has_logo(staff) is True


def test_email_previews_are_framed_under_a_policy_that_runs_nothing(browser):
    client, csrf, _ = browser
    saved = client.post("/staff/settings/invitation", data={
        "csrf_token": csrf, "subject": "Hello", "html": "<p>Hi <em>you</em></p><img src=x onerror=alert(1)>"})
    assert saved.status_code == 303

    preview = client.get("/staff/settings/invitation/preview")

    assert preview.status_code == 200
    policy = preview.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "onerror" not in preview.get_data(as_text=True)
    assert '<iframe src="/staff/settings/invitation/preview" sandbox' in client.get(
        "/staff/settings/invitation").get_data(as_text=True)
