"""Estimates in-process on a real database: staff prepare and send them, the client decides, an approval becomes a
job on the waiting list, and every refusal (settings, rights, other accounts, deciding twice, expiry) holds."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from billing import estimates
from billing.field_models import Estimate
from billing.models import Job
from portico_testing.pdfs import pdf_content
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size

BUSINESS = "Green Acres Lawn Care"
ACCOUNT, OTHER_BUSINESS_ACCOUNT = 42, 9_999  # as conftest's Business and Clients play them
VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
LINES = [{"description": "Core aeration", "quantity": 1, "unit_price": 12000},
         {"description": "Overseeding (per 1,000 sq ft)", "quantity": 4, "unit_price": 2500}]


def new_estimate(business, account_id=ACCOUNT, valid_until=None, **changes):
    valid_until = valid_until or date.today() + timedelta(days=30)
    return business.staff().create_estimate({
        "account_id": account_id, "title": "Spring aeration and overseeding", "message": "As discussed.",
        "valid_until": valid_until.isoformat(), "lines": LINES, **changes})


def sent_estimate(business, **options):
    return business.staff().send_estimate(new_estimate(business, **options)["id"])


def test_staff_create_edit_and_send_an_estimate_numbered_per_business(business):
    first = new_estimate(business)
    second = new_estimate(business, title="Gutter cleaning")
    assert (first["status"], first["total"], first["number"], second["number"]) == ("draft", 22000, 1001, 1002)
    assert [line["amount"] for line in first["lines"]] == [12000, 10000]

    edited = business.staff().update_estimate(first["id"], {"lines": LINES[:1], "title": " Aeration only "})
    assert (edited["title"], edited["total"], edited["message"]) == ("Aeration only", 12000, "As discussed.")
    sent = business.staff().send_estimate(first["id"])
    assert sent["status"] == "sent" and sent["sent_at"]

    with pytest.raises(Conflict):
        business.staff().update_estimate(first["id"], {"title": "Too late"})
    with pytest.raises(Conflict):
        business.staff().send_estimate(first["id"])
    assert [item["number"] for item in business.staff().list_estimates({"status": "sent"})["items"]] == [1001]
    assert [item["number"] for item in business.staff().list_estimates({"account_id": ACCOUNT})["items"]] == [
        1002, 1001]
    first = business.staff().list_estimates({"account_id": ACCOUNT, "limit": 1})
    second = business.staff().list_estimates({"account_id": ACCOUNT, "limit": 1, "cursor": first["next"]})
    assert [item["number"] for item in first["items"] + second["items"]] == [1002, 1001] and second["next"] is None
    with pytest.raises(InvalidInput) as refused:  # a cursor made under other filters
        business.staff().list_estimates({"status": "sent", "cursor": first["next"]})
    assert list(refused.value.fields) == ["cursor"]


def test_bad_input_is_refused_field_by_field_and_another_business_client_is_not_found(business):
    for bad, field in (({"lines": []}, "lines"), ({"title": "  "}, "title"),
                       ({"valid_until": date.today() - timedelta(days=1)}, "valid_until"),
                       ({"lines": [{"description": "x", "unit_price": -1}]}, "lines.0.unit_price")):
        with pytest.raises(InvalidInput) as refused:
            new_estimate(business, **bad)
        assert field in refused.value.fields
    with pytest.raises(NotFound):
        new_estimate(business, account_id=OTHER_BUSINESS_ACCOUNT)
    assert business.session.scalar(select(Estimate.id)) is None


def test_a_client_sees_only_sent_estimates_of_their_own_account(business):
    draft = new_estimate(business)
    sent = sent_estimate(business)
    other = sent_estimate(business, account_id=ACCOUNT + 1)
    client = business.client()

    listed = client.my_estimates()
    assert [item["id"] for item in listed["items"]] == [sent["id"]] and listed["can_decide"] is True
    assert client.get_my_estimate(sent["id"])["can_decide"] is True
    for hidden in (draft["id"], other["id"], "1", None):
        with pytest.raises(NotFound):
            client.get_my_estimate(hidden)
        with pytest.raises(NotFound):
            client.decide_estimate(hidden, {"decision": "approved"})


def test_approving_puts_a_job_on_the_waiting_list_and_deciding_twice_is_a_conflict(business):
    business.settings(autopay_enabled=True)
    client = business.client()
    client.enroll_autopay(client.add_payment_method(VISA)["id"], True)
    estimate = sent_estimate(business)

    approved = client.decide_estimate(estimate["id"], {"decision": "approved", "note": "  Go ahead in April. "})
    assert (approved["status"], approved["decision_note"], approved["can_decide"]) == ("approved",
                                                                                      "Go ahead in April.", False)
    job = business.session.get(Job, approved["job_id"])
    assert (job.status, job.origin, job.title, job.price, job.recurrence, job.bills_per_visit, job.autopay) == (
        "unscheduled", "estimate", "Spring aeration and overseeding", 22000, "once", True, True)
    [(_, event)] = business.events("estimate_decided")
    assert (event["decision"], event["job_id"], event["number"], event["note"], event["actor"]["kind"]) == (
        "approved", job.id, estimate["number"], "Go ahead in April.", "client")

    with pytest.raises(Conflict) as again:
        client.decide_estimate(estimate["id"], {"decision": "declined"})
    assert "already approved" in again.value.message
    assert len(business.session.scalars(select(Job)).all()) == 1 and len(business.events("estimate_decided")) == 1


def test_declining_makes_no_job_and_a_note_is_at_most_1000_characters(business):
    estimate = sent_estimate(business)
    client = business.client()
    with pytest.raises(InvalidInput) as refused:
        client.decide_estimate(estimate["id"], {"decision": "declined", "note": "x" * 1001})
    assert list(refused.value.fields) == ["note"]
    with pytest.raises(InvalidInput):
        client.decide_estimate(estimate["id"], {"decision": "maybe"})
    declined = client.decide_estimate(estimate["id"], {"decision": "declined", "note": ""})
    assert (declined["status"], declined["job_id"], declined["decision_note"]) == ("declined", None, None)
    assert business.session.scalar(select(Job.id)) is None


def test_a_sent_estimate_past_its_date_reads_as_expired_and_cannot_be_decided(business):
    estimate = sent_estimate(business)
    row = business.session.get(Estimate, estimate["id"])
    row.valid_until = date.today() - timedelta(days=2)
    business.session.commit()
    client = business.client()
    assert client.get_my_estimate(estimate["id"])["status"] == "expired"
    assert [item["id"] for item in client.my_estimates({"status": "expired"})["items"]] == [estimate["id"]]
    assert client.my_estimates({"status": "sent"})["items"] == []
    with pytest.raises(Conflict) as refused:
        client.decide_estimate(estimate["id"], {"decision": "approved"})
    assert "expired" in refused.value.message
    assert business.events("estimate_decided") == []


def test_settings_hide_estimates_or_only_decisions(business):
    estimate = sent_estimate(business)
    business.settings(allow_estimate_decisions=False)
    client = business.client()
    assert client.my_estimates()["can_decide"] is False
    assert client.get_my_estimate(estimate["id"])["can_decide"] is False
    with pytest.raises(PermissionDenied):
        client.decide_estimate(estimate["id"], {"decision": "approved"})

    business.settings(show_estimates=False)
    for call in (client.my_estimates, lambda: client.get_my_estimate(estimate["id"]),
                 lambda: client.my_estimate_pdf(estimate["id"], BUSINESS)):
        with pytest.raises(PermissionDenied):
            call()
    assert business.staff().get_estimate(estimate["id"])["status"] == "sent"  # staff keep theirs


def test_a_client_who_may_only_view_cannot_decide_and_clients_cannot_call_staff_rpcs(business):
    estimate = sent_estimate(business)
    with pytest.raises(PermissionDenied):
        business.client(rights="view").decide_estimate(estimate["id"], {"decision": "approved"})
    client = business.client()
    for call in (lambda: client.list_estimates(), lambda: client.get_estimate(estimate["id"]),
                 lambda: client.send_estimate(estimate["id"]), lambda: client.create_estimate({})):
        with pytest.raises(PermissionDenied):
            call()


def test_the_pdf_says_estimate_its_lines_and_the_decision(business, blobs):
    estimate = sent_estimate(business)
    staff_pdf = business.staff().estimate_pdf(estimate["id"], BUSINESS, "Jordan Rivera")
    assert staff_pdf["filename"] == f"estimate-{estimate['number']}.pdf"
    content = pdf_content(blobs.get(staff_pdf["blob_id"]).data)
    for words in (b"ESTIMATE #1001", b"Core aeration", b"220.00", b"Valid until", b"Prepared for: Jordan Rivera"):
        assert words in content
    business.client().decide_estimate(estimate["id"], {"decision": "declined", "note": "Too dear"})
    client_pdf = business.client().my_estimate_pdf(estimate["id"], BUSINESS)
    content = pdf_content(blobs.get(client_pdf["blob_id"]).data)
    assert b"DECLINED by the client" in content and b"Too dear" in content and b"Prepared for" not in content


def test_the_longest_lists_of_estimates_stay_under_three_quarters_of_a_message(business):
    business.settings(show_estimates=True)
    for _ in range(estimates.PAGE_MAX + 3):
        sent_estimate(business, title="T" * 200, message="M" * 2000)
    listed = business.staff().list_estimates({"limit": estimates.PAGE_MAX})
    mine = business.client().my_estimates({"limit": estimates.PAGE_MAX})
    assert len(listed["items"]) == len(mine["items"]) == estimates.PAGE_MAX and listed["next"] and mine["next"]
    assert encoded_size(listed) < MAX_MESSAGE_BYTES * 3 // 4 and encoded_size(mine) < MAX_MESSAGE_BYTES * 3 // 4


def test_sending_an_estimate_tells_notifications_for_the_clients_feed(business):
    sent = sent_estimate(business, valid_until=date(2031, 5, 1))
    assert business.events("estimate_sent") == [("estimate_sent", {
        "estimate_id": sent["id"], "account_id": ACCOUNT, "number": sent["number"],
        "title": "Spring aeration and overseeding", "total": 22000, "expires_on": "2031-05-01",
        "actor": {"kind": "staff", "id": 7}})]
