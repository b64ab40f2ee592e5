"""A call runs only while its caller still waits: a payment whose caller gave up is never made later.

The gateway gives each call a deadline (a header) and the broker an expiry; when billing comes
back after a caller's 504, the request it finds has expired and nothing is charged. What is checked
is the broker's and the entrypoint's handling of time, not a database behaviour, so one backend
(the embedded default) shows it.
"""
import json
import time
import urllib.request
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sandbox_processor.store import charges
from shared.errors import ServiceTimeout
from tests.portal_helpers import create_client

pytestmark = pytest.mark.backends("sqlite")


def card_token(system):
    details = {"kind": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": date.today().year + 2,
               "cvc": "123"}
    request = urllib.request.Request(f"{system.processor_url}/v1/tokens", data=json.dumps(details).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    return {key: answer[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


def processor_charges(system, key_prefix):
    store = system.processor_app.extensions["sandbox_store"]
    with store.engine.connect() as connection:
        return connection.execute(select(charges).where(
            charges.c.idempotency_key.startswith(key_prefix, autoescape=True))).all()


def test_a_payment_whose_caller_gave_up_while_billing_was_down_never_runs(system, tenant):
    tenant, _ = tenant
    account_id = create_client(system, tenant)["id"]
    staff, client = system.context(tenant), system.client_context(tenant, 1, account_id, "manage")
    invoice = system.rpc.call("billing", "create_invoice", {
        "account_id": account_id, "due_date": (date.today() + timedelta(days=10)).isoformat(),
        "lines": [{"description": "Hedge trimming", "unit_price": 7_500}]}, context=staff)
    method = system.rpc.call("billing", "add_payment_method", card_token(system), context=client)
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"], "receipt_to": "c@example.com"}

    system.services["billing"].stop()
    try:
        started = time.monotonic()
        with pytest.raises(ServiceTimeout):
            system.rpc.call("billing", "pay_invoices", "late-caller-0001", request, context=client, timeout=1)
        assert time.monotonic() - started < 3
    finally:
        system.services["billing"].start()
        system.wait_until_up("billing")

    # Billing is back and has taken what waited in its queue; a second, live call proves it answers.
    assert system.rpc.call("billing", "get_invoice", invoice["id"], context=staff)["status"] == "open"
    time.sleep(1)  # room for a wrongly kept request to run, were it still there
    after = system.rpc.call("billing", "get_invoice", invoice["id"], context=staff)
    assert (after["status"], after["balance"]) == ("open", 7_500)
    assert system.rpc.call("billing", "account_billing", account_id, context=staff)["history"] == []
    assert processor_charges(system, f"{tenant['id']}:") == []
