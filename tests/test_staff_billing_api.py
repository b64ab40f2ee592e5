"""Staff billing over HTTP: invoices and PDFs, jobs, a client's billing, prepayments, autopay locks, charge runs.

Also the server-drawn staff billing pages, through the test client with a session cookie.
"""
import itertools
import re
import uuid

import pytest
import requests
import sqlalchemy as sa
from alembic import command

from portico_testing import Databases, wait_for
from portico_testing.pdfs import pdf_content
from shared.blobs import blob_store
from shared.errors import PermissionDenied
from tests.portal_helpers import bearer, portal_api, registered_client

# Backends (docs/architecture.md, "Tests and backends"): PostgreSQL; those in both also on SQLite.
pytestmark = pytest.mark.backends("postgresql", both=(
    "test_invoices_are_numbered_per_business_with_totals_exact_in_cents",  # a locked counter row
    "test_invoice_filters",  # date comparisons in SQL
    "test_a_charge_run_reaches_100_percent_with_a_result_per_invoice_and_nothing_is_left",  # workers at once
    "test_voiding_a_partly_paid_invoice_gives_what_was_paid_back_as_credit",  # locks, times without a zone
))

API = "/api/v1/staff"
# Sign-in throttling counts per address: every sign-in here comes from an address of its own.
_addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count())
APPROVED_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
DUE = "2031-01-31"


def line(description="Lawn mowing", quantity=1, unit_price=4500):
    return {"description": description, "quantity": quantity, "unit_price": unit_price}


class Staff:
    """One business's signed-in owner, calling the staff API with a bearer token."""

    def __init__(self, system, display_name="Green Acres Lawn Care"):
        self.system = system
        self.tenant, self.credentials = system.new_tenant(display_name=display_name)
        response = system.http.post(f"{API}/sessions", json=self.credentials,
                                    environ_base={"REMOTE_ADDR": next(_addresses)})
        assert response.status_code == 201, response.get_json()
        self.session = response.get_json()
        self.headers = {"Authorization": f"Bearer {self.session['token']}"}

    def call(self, method, path, **kwargs):
        return self.system.http.open(f"{API}{path}", method=method, headers=self.headers, **kwargs)

    def ok(self, method, path, status=200, **kwargs):
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    def new_client(self, name="Pat Client"):
        return self.system.rpc.call("accounts", "create_client", {"name": name},
                                    context=self.system.context(self.tenant))

    def invoice(self, account_id, *unit_prices, due=DUE, **fields):
        lines = [line(f"Visit {index + 1}", 1, price) for index, price in enumerate(unit_prices or (4500,))]
        return self.ok("POST", "/invoices", 201, json={"account_id": account_id, "due_date": due, "lines": lines,
                                                       **fields})

    def billing_settings(self, **changes):
        return self.ok("PATCH", "/settings/billing", json=changes)

    def as_client(self, account_id, method, *args, rights="manage"):
        """Call billing as the client of ``account_id`` (a portal user with ``rights``)."""
        return self.system.rpc.call("billing", method, *args,
                                    context=self.system.client_context(self.tenant, 1, account_id, rights))

    def card_on_file(self, account_id, number=APPROVED_CARD):
        """Give the processor a card number (as its hosted fields would) and keep only its token on file."""
        answer = requests.post(f"{self.system.processor_url}/v1/tokens", timeout=10, json={
            "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
        assert answer.status_code == 201, answer.text
        token = answer.json()
        return self.as_client(account_id, "add_payment_method", {
            key: token[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")})

    def enrol_in_autopay(self, account_id, number=APPROVED_CARD):
        method = self.card_on_file(account_id, number)
        return self.as_client(account_id, "enroll_autopay", method["id"], True)

    def finished_run(self, run_id):
        return wait_for(lambda: (run := self.ok("GET", f"/charge-runs/{run_id}"))["finished"] and run,
                        timeout=30, message=f"charge run {run_id} to finish")


@pytest.fixture
def staff(system):
    return Staff(system)


def field_errors(response, status=400):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json()["error"]["fields"]


# --- invoices -------------------------------------------------------------------------------------

def test_invoices_are_numbered_per_business_with_totals_exact_in_cents(system, staff):
    other = Staff(system, display_name="Blue Lagoon Pools")
    client = staff.new_client("Ada Lovelace")

    response = staff.call("POST", "/invoices", json={
        "account_id": client["id"], "issue_date": "2030-12-01", "due_date": DUE,
        "lines": [line("Mowing", 3, 1999), line("Edging", 1, 1), line("Leaf blowing", 7, 333)]})
    second = staff.invoice(client["id"], 100)
    first_elsewhere = other.invoice(other.new_client()["id"], 100)

    created = response.get_json()
    assert response.status_code == 201, created
    assert response.headers["Location"].endswith(f"{API}/invoices/{created['id']}")
    assert (created["number"], second["number"], first_elsewhere["number"]) == (1001, 1002, 1001)
    assert created["total"] == 3 * 1999 + 1 + 7 * 333 == 8329
    assert created["balance"] == 8329 and created["paid"] == 0 and created["status"] == "open"
    assert [item["amount"] for item in created["lines"]] == [5997, 1, 2331]
    assert (created["issue_date"], created["due_date"]) == ("2030-12-01", DUE)
    shown = staff.ok("GET", f"/invoices/{created['id']}")
    assert shown["total"] == 8329 and shown["lines"] == created["lines"] and shown["payments"] == []
    assert [item["number"] for item in staff.ok("GET", "/invoices")["items"]] == [1001, 1002]


BAD_INVOICES = [
    ({"lines": [line(unit_price=12.5)]}, "lines.0.unit_price"),
    ({"lines": [line(unit_price=12.0)]}, "lines.0.unit_price"),
    ({"lines": [line(unit_price="12.50")]}, "lines.0.unit_price"),
    ({"lines": [line(unit_price=-1)]}, "lines.0.unit_price"),
    ({"lines": [line(unit_price=10 ** 12 + 1)]}, "lines.0.unit_price"),
    ({"lines": [line(quantity=0)]}, "lines.0.quantity"),
    ({"lines": [line(quantity=1.5)]}, "lines.0.quantity"),
    ({"lines": [line(unit_price=10 ** 12), line(unit_price=1)]}, "lines"),
    ({"lines": [{**line(), "tax": 100}]}, "lines.0.tax"),
    ({"lines": [line(description="")]}, "lines.0.description"),
    ({"lines": []}, "lines"),
    ({"lines": None}, "lines"),
    ({"discount": 500}, "discount"),
    ({"issue_date": "2031-02-01"}, "due_date"),
    ({"due_date": "31/01/2031"}, "due_date"),
    ({"account_id": "7"}, "account_id"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INVOICES, ids=[field + str(index) for index, (_, field)
                                                                 in enumerate(BAD_INVOICES)])
def test_bad_invoice_input_names_the_field_and_changes_nothing(staff, change, field):
    client = staff.new_client()
    body = {"account_id": client["id"], "due_date": DUE, "lines": [line()], **change}

    fields = field_errors(staff.call("POST", "/invoices", json=body))

    assert field in fields, fields
    assert staff.ok("GET", "/invoices")["items"] == []


def test_an_invoice_body_must_be_a_json_object_and_lines_are_required(staff):
    client = staff.new_client()
    assert "_schema" in field_errors(staff.call("POST", "/invoices", data="lines=1"))
    assert "lines" in field_errors(staff.call("POST", "/invoices", json={"account_id": client["id"], "due_date": DUE}))


def test_invoices_and_jobs_for_a_client_of_another_business_are_not_found(system, staff):
    elsewhere = Staff(system).new_client("Someone Else")

    for path, body in (("/invoices", {"account_id": elsewhere["id"], "due_date": DUE, "lines": [line()]}),
                       ("/invoices", {"account_id": 10 ** 9, "due_date": DUE, "lines": [line()]}),
                       ("/jobs", {"account_id": elsewhere["id"], "title": "Spring clean-up"})):
        response = staff.call("POST", path, json=body)
        assert response.status_code == 404, (path, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"
    assert staff.ok("GET", "/invoices")["items"] == []


def test_invoice_filters(staff):
    ada, bob = staff.new_client("Ada"), staff.new_client("Bob")
    small = staff.invoice(ada["id"], 1000, issue_date="2030-01-10", due="2030-02-10")
    large = staff.invoice(bob["id"], 250000, issue_date="2030-03-10", due="2030-04-10")
    free = staff.invoice(ada["id"], 0, issue_date="2030-05-10", due="2030-06-10")

    def numbers(**query):
        return [item["number"] for item in staff.ok("GET", "/invoices", query_string=query)["items"]]

    assert numbers() == [free["number"], large["number"], small["number"]]  # newest issued first
    assert numbers(number=large["number"]) == [large["number"]]
    assert numbers(account_id=ada["id"]) == [free["number"], small["number"]]
    assert numbers(amount_min=1000, amount_max=1000) == [small["number"]]
    assert numbers(amount_min=1001) == [large["number"]]
    assert numbers(date_from="2030-02-01", date_to="2030-04-01") == [large["number"]]
    assert numbers(status="paid") == [free["number"]]  # nothing to pay: paid at once
    assert numbers(status="unpaid", autopay="false") == [large["number"], small["number"]]
    assert "amount_min" in field_errors(staff.call("GET", "/invoices", query_string={"amount_min": "10.50"}))
    assert "status" in field_errors(staff.call("GET", "/invoices", query_string={"status": "lost"}))
    assert "date_from" in field_errors(staff.call("GET", "/invoices", query_string={
        "date_from": "2030-05-01", "date_to": "2030-01-01"}))


def test_the_pdf_of_an_invoice_is_a_real_pdf(staff):
    invoice = staff.invoice(staff.new_client("Ada Lovelace")["id"], 4500, 1250)

    response = staff.call("GET", f"/invoices/{invoice['id']}/pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and b"Bill to: Ada Lovelace" in pdf_content(response.data)
    assert response.headers["Content-Disposition"] == f'attachment; filename="invoice-{invoice["number"]}.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_job_is_on_autopay_only_when_created_after_enrolment(staff):
    staff.billing_settings(autopay_enabled=True)
    client = staff.new_client()
    before = staff.ok("POST", "/jobs", 201, json={"account_id": client["id"], "title": "Weekly mowing"})
    staff.enrol_in_autopay(client["id"])
    after = staff.ok("POST", "/jobs", 201, json={"account_id": client["id"], "title": "Hedge trimming"})

    assert (before["autopay"], after["autopay"]) == (False, True)
    assert after["status"] == "unscheduled" and after["title"] == "Hedge trimming"
    assert "title" in field_errors(staff.call("POST", "/jobs", json={"account_id": client["id"], "title": ""}))
    on_autopay = staff.invoice(client["id"], 9000, job_id=after["id"])
    assert on_autopay["autopay"] is True and on_autopay["job_id"] == after["id"]


# --- autopay: invoices to charge and charge runs ----------------------------------------------------

def test_invoices_to_charge_lists_only_open_invoices_of_enrolled_clients(staff):
    staff.billing_settings(autopay_enabled=True)
    enrolled, not_enrolled = staff.new_client("Ena Enrolled"), staff.new_client("Nora Not")
    before_enrolment = staff.invoice(enrolled["id"], 1000)
    staff.enrol_in_autopay(enrolled["id"])
    staff.card_on_file(not_enrolled["id"])
    awaiting = staff.invoice(enrolled["id"], 2000)
    staff.invoice(not_enrolled["id"], 3000)

    listed = staff.ok("GET", "/invoices-to-charge")["items"]

    assert [item["id"] for item in listed] == [awaiting["id"]]
    assert listed[0]["autopay"] is True and listed[0]["balance"] == 2000
    assert before_enrolment["autopay"] is False
    assert [item["id"] for item in staff.ok("GET", "/invoices", query_string={"autopay": "true"})["items"]] == [
        awaiting["id"]]


def test_a_charge_run_reaches_100_percent_with_a_result_per_invoice_and_nothing_is_left(staff):
    staff.billing_settings(autopay_enabled=True)
    ada, bob = staff.new_client("Ada"), staff.new_client("Bob")
    staff.enrol_in_autopay(ada["id"])
    staff.enrol_in_autopay(bob["id"])
    invoices = [staff.invoice(ada["id"], 4500), staff.invoice(ada["id"], 1999, 1), staff.invoice(bob["id"], 12000)]

    response = staff.call("POST", "/charge-runs", json={})

    started = response.get_json()
    assert response.status_code == 202, started
    assert response.headers["Location"].endswith(f"{API}/charge-runs/{started['id']}")
    assert started["total"] == 3 and "items" not in started
    run = staff.finished_run(started["id"])
    assert (run["done"], run["succeeded"], run["failed"], run["percent"]) == (3, 3, 0, 100)
    assert sorted((item["invoice_id"], item["state"]) for item in run["items"]) == sorted(
        (invoice["id"], "succeeded") for invoice in invoices)
    assert {item["invoice_number"] for item in run["items"]} == {invoice["number"] for invoice in invoices}
    brief = staff.ok("GET", f"/charge-runs/{started['id']}", query_string={"with_items": "0"})
    assert "items" not in brief and brief["percent"] == 100
    for invoice in invoices:
        paid = staff.ok("GET", f"/invoices/{invoice['id']}")
        assert (paid["status"], paid["balance"], paid["paid"]) == ("paid", 0, invoice["total"])
        assert [(payment["source"], payment["applied"]) for payment in paid["payments"]] == [
            ("autopay", invoice["total"])]
    assert staff.ok("GET", "/invoices-to-charge")["items"] == []
    again = staff.call("POST", "/charge-runs", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_invoices_to_charge_and_a_runs_results_come_a_page_at_a_time_with_every_one_once(staff):
    staff.billing_settings(autopay_enabled=True)
    client = staff.new_client("Paula Paged")
    staff.enrol_in_autopay(client["id"])
    invoices = [staff.invoice(client["id"], 1000 + index) for index in range(5)]

    first = staff.ok("GET", "/invoices-to-charge", query_string={"limit": 2})
    second = staff.ok("GET", "/invoices-to-charge", query_string={"limit": 2, "cursor": first["next"]})
    last = staff.ok("GET", "/invoices-to-charge", query_string={"limit": 2, "cursor": second["next"]})
    assert (first["count"], first["total"], len(first["items"])) == (5, 5010, 2) and last["next"] is None
    assert sorted(item["id"] for page in (first, second, last) for item in page["items"]) == sorted(
        invoice["id"] for invoice in invoices)
    assert "cursor" in field_errors(staff.call("GET", "/invoices-to-charge", query_string={"cursor": "bm90LWEtY3Vyc29y"}))

    run_id = staff.ok("POST", "/charge-runs", 202)["id"]
    staff.finished_run(run_id)
    page = staff.ok("GET", f"/charge-runs/{run_id}", query_string={"limit": 3})
    rest = staff.ok("GET", f"/charge-runs/{run_id}", query_string={"limit": 3, "cursor": page["items_next"]})
    assert len(page["items"]) == 3 and rest["items_next"] is None
    assert sorted(item["invoice_id"] for item in page["items"] + rest["items"]) == sorted(
        invoice["id"] for invoice in invoices)
    assert "cursor" in field_errors(staff.call("GET", f"/charge-runs/{run_id}", query_string={"cursor": first["next"]}))


def test_a_declined_autopay_charge_is_reported_and_the_invoice_still_awaits_a_charge(staff):
    staff.billing_settings(autopay_enabled=True)
    good, bad = staff.new_client("Good Card"), staff.new_client("Bad Card")
    staff.enrol_in_autopay(good["id"])
    staff.enrol_in_autopay(bad["id"], DECLINED_CARD)
    paid, declined = staff.invoice(good["id"], 5000), staff.invoice(bad["id"], 7000)

    run = staff.finished_run(staff.ok("POST", "/charge-runs", 202)["id"])

    results = {item["invoice_id"]: item for item in run["items"]}
    assert (run["succeeded"], run["failed"], run["percent"]) == (1, 1, 100)
    assert results[paid["id"]]["state"] == "succeeded" and results[paid["id"]]["message"] is None
    assert results[declined["id"]]["state"] == "failed" and "declined" in results[declined["id"]]["message"]
    assert staff.ok("GET", f"/invoices/{declined['id']}")["balance"] == 7000
    assert [item["id"] for item in staff.ok("GET", "/invoices-to-charge")["items"]] == [declined["id"]]


def test_a_charge_run_of_chosen_invoices_charges_only_those(system, staff):
    staff.billing_settings(autopay_enabled=True)
    client = staff.new_client()
    staff.enrol_in_autopay(client["id"])
    chosen, left = staff.invoice(client["id"], 1000), staff.invoice(client["id"], 2000)
    not_awaiting = staff.invoice(staff.new_client()["id"], 3000)

    assert "invoice_ids" in field_errors(staff.call("POST", "/charge-runs", json={"invoice_ids": [not_awaiting["id"]]}))
    assert "invoice_ids" in field_errors(staff.call("POST", "/charge-runs", json={"invoice_ids": []}))
    assert "invoice_ids.0" in field_errors(staff.call("POST", "/charge-runs", json={"invoice_ids": ["1"]}))
    assert "everything" in field_errors(staff.call("POST", "/charge-runs", json={"everything": True}))
    run = staff.finished_run(staff.ok("POST", "/charge-runs", 202, json={"invoice_ids": [chosen["id"]]})["id"])

    assert [item["invoice_id"] for item in run["items"]] == [chosen["id"]]
    assert [item["id"] for item in staff.ok("GET", "/invoices-to-charge")["items"]] == [left["id"]]


# --- a client's billing, prepayments and the autopay lock -----------------------------------------

def test_staff_apply_a_prepayment_to_invoices_by_hand(staff):
    staff.billing_settings(prepayments_enabled=True)
    client = staff.new_client("Petra Prepaid")
    card = staff.card_on_file(client["id"])
    prepayment = staff.as_client(client["id"], "make_prepayment", f"prepay-{uuid.uuid4().hex}",
                                 {"amount": 5000, "payment_method_id": card["id"]}, rights="pay")["payment"]
    first, second = staff.invoice(client["id"], 3000), staff.invoice(client["id"], 4000)

    account = staff.ok("GET", f"/accounts/{client['id']}/billing")
    assert account["credit"] == 5000 and account["summary"]["total_due"] == 7000
    assert [(item["kind"], item["unapplied"]) for item in account["history"]] == [("prepayment", 5000)]
    assert [method["last4"] for method in account["payment_methods"]] == ["4242"]
    too_much = staff.call("POST", "/prepayments/apply", json={"payment_id": prepayment["id"], "allocations": [
        {"invoice_id": first["id"], "amount": 3000}, {"invoice_id": second["id"], "amount": 2001}]})
    assert "allocations" in field_errors(too_much)
    assert "allocations.0.amount" in field_errors(staff.call("POST", "/prepayments/apply", json={
        "payment_id": prepayment["id"], "allocations": [{"invoice_id": first["id"], "amount": 30.0}]}))
    assert "note" in field_errors(staff.call("POST", "/prepayments/apply", json={
        "payment_id": prepayment["id"], "allocations": [{"invoice_id": first["id"], "amount": 1}], "note": "x"}))

    applied = staff.ok("POST", "/prepayments/apply", json={"payment_id": prepayment["id"], "allocations": [
        {"invoice_id": first["id"], "amount": 3000}, {"invoice_id": second["id"], "amount": 2000}]})

    assert applied["id"] == prepayment["id"] and applied["unapplied"] == 0
    assert staff.ok("GET", f"/invoices/{first['id']}")["status"] == "paid"
    partly = staff.ok("GET", f"/invoices/{second['id']}")
    assert (partly["balance"], partly["paid"]) == (2000, 2000)
    assert [(payment["kind"], payment["applied"]) for payment in partly["payments"]] == [("prepayment", 2000)]
    after = staff.ok("GET", f"/accounts/{client['id']}/billing")
    assert after["credit"] == 0 and after["summary"]["total_due"] == 2000
    assert after["history"][0]["applied_to"] == [{"invoice_number": first["number"], "amount": 3000},
                                                 {"invoice_number": second["number"], "amount": 2000}]


def test_a_locked_autopay_cannot_be_cancelled_by_the_client(staff):
    staff.billing_settings(autopay_enabled=True)
    client = staff.new_client()
    staff.enrol_in_autopay(client["id"])

    locked = staff.ok("PUT", f"/accounts/{client['id']}/autopay-lock", json={"locked": True})

    assert locked == {"account_id": client["id"], "locked": True, "enrolled": True}
    assert staff.ok("GET", f"/accounts/{client['id']}/billing")["autopay"]["locked"] is True
    with pytest.raises(PermissionDenied):
        staff.as_client(client["id"], "cancel_autopay")
    for bad in ({"locked": "yes"}, {"locked": 1}, {}, {"locked": False, "reason": "x"}):
        field_errors(staff.call("PUT", f"/accounts/{client['id']}/autopay-lock", json=bad))
    staff.ok("PUT", f"/accounts/{client['id']}/autopay-lock", json={"locked": False})
    assert staff.as_client(client["id"], "cancel_autopay")["enrolled"] is False


# --- every route keeps to its own business -----------------------------------------------------------

def another_business_with_everything(system):
    """A second business with a client on autopay, an invoice, a prepayment and a finished charge run."""
    other = Staff(system, display_name="Blue Lagoon Pools")
    other.billing_settings(autopay_enabled=True, prepayments_enabled=True)
    client = other.new_client("Bea Beta")
    method = other.card_on_file(client["id"])
    other.as_client(client["id"], "enroll_autopay", method["id"], True)
    invoice = other.invoice(client["id"], 1500)
    prepayment = other.as_client(client["id"], "make_prepayment", f"prepay-{uuid.uuid4().hex}",
                                 {"amount": 500, "payment_method_id": method["id"]})["payment"]
    run = other.finished_run(other.ok("POST", "/charge-runs", 202)["id"])
    unpaid = other.invoice(client["id"], 2500)
    return other, {"client": client["id"], "invoice": invoice["id"], "unpaid": unpaid["id"],
                   "prepayment": prepayment["id"], "run": run["id"]}


def test_another_business_ids_are_not_found_on_every_route(system, staff):
    other, ids = another_business_with_everything(system)
    own_client = staff.new_client()
    own_invoice = staff.invoice(own_client["id"], 1000)
    before = other.ok("GET", f"/accounts/{ids['client']}/billing")

    attempts = [
        ("GET", f"/invoices/{ids['invoice']}", None),
        ("GET", f"/invoices/{ids['invoice']}/pdf", None),
        ("GET", f"/accounts/{ids['client']}/billing", None),
        ("PUT", f"/accounts/{ids['client']}/autopay-lock", {"locked": True}),
        ("GET", f"/charge-runs/{ids['run']}", None),
        ("POST", "/invoices", {"account_id": ids["client"], "due_date": DUE, "lines": [line()]}),
        ("POST", "/jobs", {"account_id": ids["client"], "title": "Takeover"}),
        ("POST", "/prepayments/apply", {"payment_id": ids["prepayment"],
                                        "allocations": [{"invoice_id": own_invoice["id"], "amount": 100}]}),
        ("POST", "/prepayments/apply", {"payment_id": ids["prepayment"],
                                        "allocations": [{"invoice_id": ids["unpaid"], "amount": 100}]}),
        ("POST", f"/invoices/{ids['unpaid']}/void", {"reason": "Not yours"}),
        ("POST", "/invoices/not-a-number/void", {}),
        ("GET", "/invoices/not-a-number", None),
        ("GET", "/charge-runs/99999999999999999999", None),
    ]
    for method, path, body in attempts:
        response = staff.call(method, path, json=body) if body is not None else staff.call(method, path)
        assert response.status_code == 404, (method, path, response.get_data(as_text=True))
        assert response.get_json()["error"]["code"] == "not_found"

    assert [item["id"] for item in staff.ok("GET", "/invoices")["items"]] == [own_invoice["id"]]
    assert staff.ok("GET", "/invoices", query_string={"account_id": ids["client"]})["items"] == []
    assert staff.ok("GET", "/invoices-to-charge")["items"] == []
    # Another business's invoices are never "awaiting a charge" here either.
    assert "invoice_ids" in field_errors(staff.call("POST", "/charge-runs", json={"invoice_ids": [ids["unpaid"]]}))
    assert other.ok("GET", f"/accounts/{ids['client']}/billing") == before


def test_every_billing_route_needs_a_staff_session(system):
    for method, path in (("POST", "/invoices"), ("GET", "/invoices"), ("GET", "/invoices/1"),
                         ("GET", "/invoices/1/pdf"), ("POST", "/invoices/1/void"), ("POST", "/jobs"),
                         ("GET", "/accounts/1/billing"),
                         ("PUT", "/accounts/1/autopay-lock"), ("POST", "/prepayments/apply"),
                         ("GET", "/invoices-to-charge"), ("POST", "/charge-runs"), ("GET", "/charge-runs/1")):
        response = system.http.open(f"{API}{path}", method=method, json={})
        assert response.status_code == 401, (method, path)


def test_the_billing_routes_are_in_the_openapi_document(system):
    paths = system.http.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in ((f"{API}/invoices", "post"), (f"{API}/invoices", "get"),
                         (f"{API}/invoices/{{invoice_id}}/pdf", "get"), (f"{API}/charge-runs", "post"),
                         (f"{API}/charge-runs/{{run_id}}", "get"), (f"{API}/prepayments/apply", "post"),
                         (f"{API}/accounts/{{account_id}}/autopay-lock", "put"),
                         (f"{API}/invoices/{{invoice_id}}/void", "post")):
        assert method in paths[path], (path, method)
    schema = paths[f"{API}/invoices"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/StaffNewInvoice")


# --- the staff billing pages, without a browser ------------------------------------------------------

@pytest.fixture
def pages(system, staff):
    """A test client carrying the staff member's session cookie, its CSRF token and the staff member."""
    client = system.app.test_client()
    client.set_cookie("__Host-portico_staff", staff.session["token"])
    return client, staff.session["csrf_token"], staff


def invoice_form(csrf, account_id, *lines, due=DUE, **extra):
    form = {"csrf_token": csrf, "account_id": str(account_id), "issue_date": "", "due_date": due, **extra}
    for index, (description, quantity, unit_price) in enumerate(lines):
        form.update({f"line-{index}-description": description, f"line-{index}-quantity": quantity,
                     f"line-{index}-unit_price": unit_price})
    return form


def test_the_new_invoice_form_reads_dollars_exactly(pages):
    client, csrf, staff = pages
    customer = staff.new_client("Dora Dollars")

    refused = client.post("/staff/invoices", data=invoice_form(csrf, customer["id"], ("Mowing", "1", "12.345"),
                                                               ("Edging", "2", "-3"), ("Raking", "x", "1")))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="error-line-0-unit_price"' in body and "at most 2 decimal places" in body
    assert 'id="error-line-1-unit_price"' in body and "zero or more" in body
    assert 'id="error-line-2-quantity"' in body
    assert 'value="12.345"' in body  # what was typed is shown again
    assert staff.ok("GET", "/invoices")["items"] == []

    created = client.post("/staff/invoices", data=invoice_form(
        csrf, customer["id"], ("Mowing", "3", "19.99"), ("", "1", ""), ("Edging", "", "$1,000.1"), ("Tip", "1", ".01")))
    assert created.status_code == 303, created.get_data(as_text=True)
    [invoice] = staff.ok("GET", "/invoices")["items"]
    assert invoice["total"] == 3 * 1999 + 100010 + 1
    assert [item["unit_price"] for item in staff.ok("GET", f"/invoices/{invoice['id']}")["lines"]] == [1999, 100010, 1]
    shown = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Invoice created." in shown and "$1,060.08" in shown and "Dora Dollars" in shown


def test_the_new_invoice_form_explains_what_is_missing(pages):
    client, csrf, staff = pages
    customer = staff.new_client()

    nothing = client.post("/staff/invoices", data={"csrf_token": csrf, "account_id": "", "due_date": "",
                                                   "line-0-description": "", "line-0-quantity": "1",
                                                   "line-0-unit_price": ""})
    body = nothing.get_data(as_text=True)
    assert nothing.status_code == 400
    assert "Choose a client." in body and "Enter the due date." in body and "Add at least one line" in body

    early = client.post("/staff/invoices", data=invoice_form(csrf, customer["id"], ("Mowing", "1", "10"),
                                                             due="2030-01-01", issue_date="2030-02-01"))
    assert early.status_code == 400 and 'id="error-due_date"' in early.get_data(as_text=True)
    elsewhere = client.post("/staff/invoices", data=invoice_form(csrf, 10 ** 9, ("Mowing", "1", "10")))
    assert elsewhere.status_code == 400 and "There is no such client" in elsewhere.get_data(as_text=True)
    assert staff.ok("GET", "/invoices")["items"] == []


def test_add_a_line_works_without_scripts(pages):
    client, csrf, staff = pages
    customer = staff.new_client()

    response = client.post("/staff/invoices", data=invoice_form(csrf, customer["id"], ("Mowing", "1", "45"),
                                                                add_line="1"))

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count("data-invoice-line>") == 3  # two rows and the template for scripts
    assert 'name="line-1-description"' in body and 'value="Mowing"' in body
    assert staff.ok("GET", "/invoices")["items"] == []


def test_invoice_pages_of_another_business_are_not_found(system, pages):
    client, _, _ = pages
    _, ids = another_business_with_everything(system)
    for path in (f"/staff/invoices/{ids['invoice']}", f"/staff/invoices/{ids['invoice']}/pdf",
                 f"/staff/clients/{ids['client']}/billing", f"/staff/charge-runs/{ids['run']}"):
        assert client.get(path).status_code == 404, path


def test_charging_from_the_page_without_scripts(pages):
    client, csrf, staff = pages
    staff.billing_settings(autopay_enabled=True)
    customer = staff.new_client("Carl Charged")
    staff.enrol_in_autopay(customer["id"])
    invoice = staff.invoice(customer["id"], 2500)

    listing = client.get("/staff/invoices-to-charge").get_data(as_text=True)
    assert f'value="{invoice["id"]}" checked' in listing and "Carl Charged" in listing
    nothing = client.post("/staff/charge-runs", data={"csrf_token": csrf})
    assert nothing.status_code == 400 and "Tick at least one invoice" in nothing.get_data(as_text=True)
    started = client.post("/staff/charge-runs", data={"csrf_token": csrf, "invoice_ids": [str(invoice["id"])]})
    assert started.status_code == 303
    run_page = started.headers["Location"]

    def finished_page():
        body = client.get(run_page).get_data(as_text=True)
        return body if "Result per invoice" in body else None

    body = wait_for(finished_page, timeout=30, message="the charge run page to show results")
    assert "Finished: 1 charged, 0 failed." in body and "Charged" in body and "Carl Charged" in body
    assert 'value="1" max="1"' in body
    again = client.post("/staff/charge-runs", data={"csrf_token": csrf, "invoice_ids": [str(invoice["id"])]})
    assert again.status_code == 400  # already charged: no longer awaiting


def test_a_client_billing_page_applies_a_prepayment_and_toggles_the_lock(pages):
    client, csrf, staff = pages
    staff.billing_settings(prepayments_enabled=True, autopay_enabled=True)
    customer = staff.new_client("Penny Prepaid")
    card = staff.card_on_file(customer["id"])
    payment = staff.as_client(customer["id"], "make_prepayment", f"prepay-{uuid.uuid4().hex}",
                              {"amount": 2000, "payment_method_id": card["id"]})["payment"]
    invoice = staff.invoice(customer["id"], 3000)
    page = f"/staff/clients/{customer['id']}/billing"

    shown = client.get(page).get_data(as_text=True)
    assert "Apply prepayment" in shown and "$20.00 unapplied" in shown and "Visa ending 4242" in shown
    refused = client.post(f"{page}/prepayment", data={"csrf_token": csrf, "payment_id": str(payment["id"]),
                                                      f"apply-{invoice['id']}": "20.001"})
    assert refused.status_code == 400 and f'id="error-apply-{invoice["id"]}"' in refused.get_data(as_text=True)
    too_much = client.post(f"{page}/prepayment", data={"csrf_token": csrf, "payment_id": str(payment["id"]),
                                                       f"apply-{invoice['id']}": "25"})
    assert too_much.status_code == 400
    assert "Only $20.00 of this payment is unapplied." in too_much.get_data(as_text=True)
    applied = client.post(f"{page}/prepayment", data={"csrf_token": csrf, "payment_id": str(payment["id"]),
                                                      f"apply-{invoice['id']}": "12.50"})
    assert applied.status_code == 303
    assert staff.ok("GET", f"/invoices/{invoice['id']}")["balance"] == 1750
    assert "Prepayment applied." in client.get(applied.headers["Location"]).get_data(as_text=True)

    locked = client.post(f"{page}/autopay-lock", data={"csrf_token": csrf, "locked": "true"})
    assert locked.status_code == 303
    assert staff.ok("GET", f"/accounts/{customer['id']}/billing")["autopay"]["locked"] is True
    assert "Unlock autopay" in client.get(page).get_data(as_text=True)
    forged = client.post(f"{page}/autopay-lock", data={"csrf_token": "stale", "locked": "false"})
    assert forged.status_code == 403
    assert staff.ok("GET", f"/accounts/{customer['id']}/billing")["autopay"]["locked"] is True


def test_portal_users_show_autopay_and_the_client_page_links_to_billing(pages):
    client, _, staff = pages
    staff.billing_settings(autopay_enabled=True)
    enrolled = staff.new_client("Ena Enrolled")
    staff.new_client("Otto Off")
    staff.enrol_in_autopay(enrolled["id"])

    listing = client.get("/staff/portal-users").get_data(as_text=True)

    assert '<th scope="col">Autopay</th>' in listing
    assert re.search(r"Ena Enrolled.*?badge-ok\">On</span>", listing, re.S)
    assert re.search(r"Otto Off.*?class=\"badge\">Off</span>", listing, re.S)
    assert f'href="/staff/clients/{enrolled["id"]}/billing"' in client.get(
        f"/staff/clients/{enrolled['id']}").get_data(as_text=True)


# --- voiding invoices --------------------------------------------------------------------------------

def pay_part(staff, account_id, invoice, amount):
    """The client pays ``amount`` of ``invoice`` with a card (partial payments turned on)."""
    staff.billing_settings(allow_partial_payments=True)
    card = staff.card_on_file(account_id)
    return staff.as_client(account_id, "pay_invoices", f"pay-{uuid.uuid4().hex}", {
        "invoice_ids": [invoice["id"]], "payment_method_id": card["id"], "amount": amount}, rights="pay")


def test_staff_void_an_open_invoice_which_stays_on_record_owing_nothing(staff):
    client = staff.new_client("Vic Voided")
    invoice = staff.invoice(client["id"], 4500, 500)
    kept = staff.invoice(client["id"], 2000)

    voided = staff.ok("POST", f"/invoices/{invoice['id']}/void", json={"reason": "  Duplicate of #1002 "})

    assert (voided["id"], voided["status"], voided["total"], voided["balance"], voided["paid"]) == (
        invoice["id"], "void", 5000, 0, 0)
    assert voided["void_reason"] == "Duplicate of #1002" and voided["voided_at"]
    assert voided["voided_by"] == staff.session["user"]["id"]
    assert voided["credit_released"] == 0 and voided["payments"] == [] and len(voided["lines"]) == 2
    assert staff.ok("GET", f"/invoices/{invoice['id']}") == {
        key: value for key, value in voided.items() if key != "credit_released"}

    def numbers(**query):
        return [item["number"] for item in staff.ok("GET", "/invoices", query_string=query)["items"]]

    assert numbers(status="unpaid") == numbers(status="open") == [kept["number"]]
    assert numbers(status="void") == [invoice["number"]]
    assert numbers() == [kept["number"], invoice["number"]]
    assert staff.ok("GET", f"/accounts/{client['id']}/billing")["summary"]["total_due"] == 2000
    # The client sees it too, as void, when asking for void invoices; never among the unpaid ones.
    assert [item["status"] for item in staff.as_client(client["id"], "my_invoices", {"status": "void"})[
        "items"]] == ["void"]
    assert [item["id"] for item in staff.as_client(client["id"], "my_invoices", {"status": "unpaid"})[
        "items"]] == [kept["id"]]
    summary = staff.as_client(client["id"], "my_summary")
    assert (summary["total_due"], summary["open_count"]) == (2000, 1)
    pdf = staff.call("GET", f"/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and b"(VOID) Tj" in pdf_content(pdf.data)
    assert b"(VOID) Tj" not in pdf_content(staff.call("GET", f"/invoices/{kept['id']}/pdf").data)
    client_pdf = staff.as_client(client["id"], "my_invoice_pdf", invoice["id"], "Green Acres Lawn Care")
    assert b"(VOID) Tj" in pdf_content(blob_store(staff.system.blob_store_url).get(client_pdf["blob_id"]).data)


def test_the_reason_is_optional_and_the_body_may_be_left_out(staff):
    client = staff.new_client()
    first, second, third = (staff.invoice(client["id"], 1000) for _ in range(3))

    assert staff.ok("POST", f"/invoices/{first['id']}/void")["void_reason"] is None
    assert staff.ok("POST", f"/invoices/{second['id']}/void", json={"reason": "   "})["void_reason"] is None
    assert staff.ok("POST", f"/invoices/{third['id']}/void", json={"reason": "r" * 200})["void_reason"] == "r" * 200


def test_voiding_a_partly_paid_invoice_gives_what_was_paid_back_as_credit(staff):
    client = staff.new_client("Paula Partial")
    invoice, other = staff.invoice(client["id"], 10_000), staff.invoice(client["id"], 2_500)
    payment = pay_part(staff, client["id"], invoice, 3_000)["payment"]
    before = staff.ok("GET", f"/accounts/{client['id']}/billing")
    assert (before["credit"], before["summary"]["total_due"]) == (0, 9_500)

    voided = staff.ok("POST", f"/invoices/{invoice['id']}/void", json={"reason": "Work cancelled"})

    assert voided["credit_released"] == 3_000
    assert (voided["status"], voided["balance"], voided["paid"]) == ("void", 0, 0)
    assert [(item["id"], item["applied"], item["released"]) for item in voided["payments"]] == [
        (payment["id"], 0, 3_000)]
    account = staff.ok("GET", f"/accounts/{client['id']}/billing")
    assert (account["credit"], account["summary"]["total_due"]) == (3_000, 2_500)
    [entry] = account["history"]
    # The history stays true: the payment went to the invoice, then came back when it was voided.
    assert (entry["id"], entry["amount"], entry["unapplied"], entry["applied_to"]) == (payment["id"], 3_000, 3_000, [])
    assert [(part["invoice_number"], part["amount"]) for part in entry["released"]] == [(invoice["number"], 3_000)]
    assert entry["released"][0]["released_at"]

    # The credit is real: staff can apply it to another invoice by hand ...
    applied = staff.ok("POST", "/prepayments/apply", json={"payment_id": payment["id"], "allocations": [
        {"invoice_id": other["id"], "amount": 1_000}]})
    assert applied["unapplied"] == 2_000
    # ... and the client can spend the rest at checkout; nothing can be applied to the void invoice.
    paid = staff.as_client(client["id"], "pay_invoices", f"credit-{uuid.uuid4().hex}", {
        "invoice_ids": [other["id"]], "credit": 1_500}, rights="pay")
    assert [(item["status"], item["balance"]) for item in paid["invoices"]] == [("paid", 0)]
    refused = staff.call("POST", "/prepayments/apply", json={"payment_id": payment["id"], "allocations": [
        {"invoice_id": invoice["id"], "amount": 100}]})
    assert "void" in field_errors(refused)["allocations"][0]
    after = staff.ok("GET", f"/accounts/{client['id']}/billing")
    assert (after["credit"], after["summary"]["total_due"]) == (500, 0)


def test_a_paid_invoice_cannot_be_voided_nor_a_void_one_again(staff):
    client = staff.new_client()
    invoice = staff.invoice(client["id"], 4_000)
    pay_part(staff, client["id"], invoice, 4_000)
    once = staff.invoice(client["id"], 1_000)
    staff.ok("POST", f"/invoices/{once['id']}/void", json={"reason": "First"})

    paid = staff.call("POST", f"/invoices/{invoice['id']}/void", json={})
    twice = staff.call("POST", f"/invoices/{once['id']}/void", json={"reason": "Second"})

    assert paid.status_code == 409 and paid.get_json()["error"]["code"] == "conflict"
    assert paid.get_json()["error"]["message"] == f"Invoice #{invoice['number']} is paid, so it cannot be voided."
    assert twice.status_code == 409
    assert twice.get_json()["error"]["message"] == f"Invoice #{once['number']} is already void."
    shown = staff.ok("GET", f"/invoices/{invoice['id']}")
    assert (shown["status"], shown["paid"], shown["void_reason"]) == ("paid", 4_000, None)
    assert staff.ok("GET", f"/invoices/{once['id']}")["void_reason"] == "First"
    assert staff.ok("GET", f"/accounts/{client['id']}/billing")["credit"] == 0


BAD_VOIDS = [
    ({"reason": "x" * 201}, "reason"),
    ({"reason": 5}, "reason"),
    ({"reason": ["Duplicate"]}, "reason"),
    ({"reason": "Two\nlines"}, "reason"),
    ({"reason": "Duplicate", "refund": True}, "refund"),
]


@pytest.mark.parametrize(("body", "field"), BAD_VOIDS, ids=[str(index) for index in range(len(BAD_VOIDS))])
def test_a_bad_void_request_names_the_field_and_changes_nothing(staff, body, field):
    invoice = staff.invoice(staff.new_client()["id"], 1_000)

    assert field in field_errors(staff.call("POST", f"/invoices/{invoice['id']}/void", json=body))

    assert staff.ok("GET", f"/invoices/{invoice['id']}")["status"] == "open"


def test_a_void_body_must_be_a_json_object(staff):
    invoice = staff.invoice(staff.new_client()["id"], 1_000)
    assert "_schema" in field_errors(staff.call("POST", f"/invoices/{invoice['id']}/void", data="reason=x"))
    assert staff.ok("GET", f"/invoices/{invoice['id']}")["status"] == "open"


def test_another_business_cannot_void_an_invoice(system, staff):
    other = Staff(system, display_name="Blue Lagoon Pools")
    theirs = other.invoice(other.new_client()["id"], 1_500)

    for path in (f"/invoices/{theirs['id']}/void", "/invoices/99999999999/void", "/invoices/1.5/void"):
        response = staff.call("POST", path, json={"reason": "Mine now"})
        assert response.status_code == 404, (path, response.get_data(as_text=True))
        assert response.get_json()["error"]["code"] == "not_found"
    shown = other.ok("GET", f"/invoices/{theirs['id']}")
    assert (shown["status"], shown["balance"], shown["void_reason"]) == ("open", 1_500, None)


def test_a_client_cannot_pay_a_voided_invoice(system, staff):
    record, session = registered_client(system, staff.tenant, name="Vic Voided")
    voided, open_one = staff.invoice(record["id"], 4_500), staff.invoice(record["id"], 1_000)
    card = staff.card_on_file(record["id"])
    staff.ok("POST", f"/invoices/{voided['id']}/void", json={"reason": "Sent twice"})
    portal = portal_api(staff.tenant)

    def post(path, body):
        return system.http.post(portal + path, json=body, headers={
            **bearer(session["token"]), "Idempotency-Key": f"pay-{uuid.uuid4().hex}"})

    for path in ("/payments", "/payments/quote"):
        response = post(path, {"invoice_ids": [open_one["id"], voided["id"]], "payment_method_id": card["id"]})
        assert response.status_code == 409, (path, response.get_data(as_text=True))
        error = response.get_json()["error"]
        assert error["code"] == "conflict"
        assert error["message"].startswith(f"Invoice #{voided['number']} was voided, so it cannot be paid.")
    assert staff.ok("GET", f"/invoices/{open_one['id']}")["balance"] == 1_000  # nothing paid, nothing reserved
    listed = system.http.get(portal + "/invoices", query_string={"status": "void"},
                             headers=bearer(session["token"])).get_json()["items"]
    assert [(item["number"], item["status"], item["balance"]) for item in listed] == [(voided["number"], "void", 0)]
    assert listed[0]["voided_at"] and "void_reason" not in listed[0]  # the reason is for staff only
    unpaid = system.http.get(portal + "/invoices", headers=bearer(session["token"])).get_json()["items"]
    assert [item["id"] for item in unpaid] == [open_one["id"]]
    pay_open = post("/payments", {"invoice_ids": [open_one["id"]], "payment_method_id": card["id"]})
    assert pay_open.status_code == 201, pay_open.get_json()


def test_a_voided_invoice_leaves_invoices_to_charge_and_is_never_charged(staff):
    staff.billing_settings(autopay_enabled=True)
    client = staff.new_client("Otto Autopay")
    staff.enrol_in_autopay(client["id"])
    voided, charged = staff.invoice(client["id"], 3_000), staff.invoice(client["id"], 2_000)
    assert {item["id"] for item in staff.ok("GET", "/invoices-to-charge")["items"]} == {voided["id"], charged["id"]}

    shown = staff.ok("POST", f"/invoices/{voided['id']}/void", json={})

    assert shown["autopay"] is False
    assert [item["id"] for item in staff.ok("GET", "/invoices-to-charge")["items"]] == [charged["id"]]
    assert "invoice_ids" in field_errors(staff.call("POST", "/charge-runs", json={"invoice_ids": [voided["id"]]}))
    run = staff.finished_run(staff.ok("POST", "/charge-runs", 202, json={})["id"])
    assert [(item["invoice_id"], item["state"]) for item in run["items"]] == [(charged["id"], "succeeded")]
    account = staff.ok("GET", f"/accounts/{client['id']}/billing")
    assert [entry["amount"] for entry in account["history"]] == [2_000]
    assert staff.ok("GET", f"/invoices/{voided['id']}")["status"] == "void"


def test_the_void_route_documents_its_body(system):
    operation = system.http.get("/api/v1/openapi.json").get_json()["paths"][f"{API}/invoices/{{invoice_id}}/void"]
    schema = operation["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/StaffVoidInvoice")
    assert operation["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/StaffVoidedInvoice")


# --- voiding from the invoice page ---------------------------------------------------------------------

def test_voiding_from_the_invoice_page_asks_first_and_works_without_scripts(pages):
    client, csrf, staff = pages
    customer = staff.new_client("Vera Void")
    invoice = staff.invoice(customer["id"], 10_000)
    pay_part(staff, customer["id"], invoice, 2_500)
    page = f"/staff/invoices/{invoice['id']}"

    shown = client.get(page).get_data(as_text=True)
    assert f'action="{page}/void#void-heading"' in shown and 'name="reason"' in shown
    assert "$25.00 already paid on it becomes credit" in shown

    too_long = client.post(f"{page}/void", data={"csrf_token": csrf, "reason": "x" * 201})
    body = too_long.get_data(as_text=True)
    assert too_long.status_code == 400
    assert 'id="error-reason"' in body and "Use at most 200 characters" in body and "There is a problem" in body
    assert 'href="#field-reason"' in body

    asked = client.post(f"{page}/void", data={"csrf_token": csrf, "reason": "Client moved away"})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert f"Void invoice #{invoice['number']}?" in body and 'name="confirm" value="yes"' in body
    assert 'name="reason" value="Client moved away"' in body and "$25.00 already paid on it becomes credit" in body
    assert staff.ok("GET", f"/invoices/{invoice['id']}")["status"] == "open"  # asking changes nothing

    forged = client.post(f"{page}/void", data={"csrf_token": "stale", "reason": "x", "confirm": "yes"})
    assert forged.status_code == 403 and staff.ok("GET", f"/invoices/{invoice['id']}")["status"] == "open"

    done = client.post(f"{page}/void", data={"csrf_token": csrf, "reason": "Client moved away", "confirm": "yes"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{page}?done=voided")
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Invoice voided." in after and "Client moved away" in after and "Void</span>" in after
    assert "Payments returned to credit" in after and "$25.00" in after and 'name="reason"' not in after
    assert staff.ok("GET", f"/accounts/{customer['id']}/billing")["credit"] == 2_500
    billing_page = client.get(f"/staff/clients/{customer['id']}/billing").get_data(as_text=True)
    assert f"#{invoice['number']}: $25.00 returned to credit (invoice voided)" in billing_page

    again = client.post(f"{page}/void", data={"csrf_token": csrf, "confirm": "yes"})
    assert again.status_code == 409 and "is already void" in again.get_data(as_text=True)
    not_asked = client.post(f"{page}/void", data={"csrf_token": csrf})
    assert not_asked.status_code == 409 and "is already void" in not_asked.get_data(as_text=True)


def test_a_paid_invoice_page_offers_no_void_and_refuses_one(pages, system):
    client, csrf, staff = pages
    customer = staff.new_client()
    invoice = staff.invoice(customer["id"], 1_000)
    pay_part(staff, customer["id"], invoice, 1_000)
    page = f"/staff/invoices/{invoice['id']}"

    assert 'name="reason"' not in client.get(page).get_data(as_text=True)
    refused = client.post(f"{page}/void", data={"csrf_token": csrf, "confirm": "yes"})
    assert refused.status_code == 409 and "is paid, so it cannot be voided" in refused.get_data(as_text=True)
    _, ids = another_business_with_everything(system)
    elsewhere = client.post(f"/staff/invoices/{ids['unpaid']}/void", data={"csrf_token": csrf, "confirm": "yes"})
    assert elsewhere.status_code == 404


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_void_migration_upgrades_and_downgrades(tmp_path, backend):
    databases = Databases(backend, tmp_path, services=("billing",))
    config = databases.alembic_config("billing")
    engine = sa.create_engine(databases.urls["billing"])

    def columns(table):
        with engine.connect() as connection:
            return {column["name"] for column in sa.inspect(connection).get_columns(table)}

    try:
        command.upgrade(config, "head")
        assert {"void_reason", "voided_by", "voided_at"} <= columns("invoices")
        assert "released_at" in columns("allocations")
        command.downgrade(config, "0002")
        assert not {"void_reason", "voided_by"} & columns("invoices") and "voided_at" in columns("invoices")
        assert "released_at" not in columns("allocations")
        command.upgrade(config, "head")
        assert "released_at" in columns("allocations")
    finally:
        engine.dispose()
        databases.drop()


def test_the_invoices_to_charge_page_pages_counts_them_all_and_charges_all_of_them(pages):
    web, csrf, member = pages
    member.billing_settings(autopay_enabled=True)
    client = member.new_client("Paula Paged")
    member.enrol_in_autopay(client["id"])
    invoices = [member.invoice(client["id"], 1000) for _ in range(3)]
    listed = member.ok("GET", "/invoices-to-charge", query_string={"limit": 2})  # the page shows 100 at a time

    second = web.get("/staff/invoices-to-charge", query_string={"cursor": listed["next"]}).get_data(as_text=True)
    assert "3 invoices awaiting a charge, $30.00 in all; this page lists 1" in second
    assert f"#{invoices[2]['number']}" in second and f"#{invoices[0]['number']}" not in second
    assert ">First page</a>" in second and "Charge all 3 ($30.00)" in second
    bad = web.get("/staff/invoices-to-charge", query_string={"cursor": listed["next"][:-4] + "AAAA"})
    assert bad.status_code == 400 and "start again from the first page" in bad.get_data(as_text=True)

    started = web.post("/staff/charge-runs", data={"csrf_token": csrf, "all": "1"})
    assert started.status_code == 303
    run = member.finished_run(int(started.headers["Location"].rsplit("/", 1)[1]))
    assert run["total"] == 3 and run["succeeded"] == 3
