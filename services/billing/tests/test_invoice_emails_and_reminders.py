"""Emailing invoices (staff ask, or every new invoice when the Billing tab says so) and the visit reminders of the
day before (the Services tab's switch, the business's time zone, once per visit whichever instance ticks)."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from billing import visit_reminders, visits
from billing.field_models import Visit
from billing.models import Base, platform
from portico_testing.inprocess import outbox_writer, postgresql_session, sqlite_session
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .conftest import ACCOUNT, STAFF_ID, Business

EMAIL, REMINDER, AUDIT = "invoice_email_requested", "visit_reminder_due", "audit_fact"
# 10:00 in Chicago on 5 Jan 2030 (UTC-6); tomorrow there is 6 Jan.
TEN_IN_CHICAGO = datetime(2030, 1, 5, 16, 0, tzinfo=timezone.utc)
TOMORROW = date(2030, 1, 6)


# --- invoice emails -------------------------------------------------------------------------

def test_staff_email_an_open_invoice_and_the_event_names_who_asked(business):
    invoice = business.invoice(12_000)
    answer = business.staff().email_invoice(invoice["id"], "billing@client.example")
    assert answer == {"invoice_id": invoice["id"], "to": "billing@client.example", "queued": True}
    [(_, event)] = business.events(EMAIL)
    assert (event["invoice_id"], event["number"], event["balance"], event["to_email"], event["reason"]) == (
        invoice["id"], invoice["number"], 12_000, "billing@client.example", "staff")
    assert event["actor"] == {"kind": "staff", "id": STAFF_ID}
    [fact] = [fact for _, fact in business.events(AUDIT) if fact["action"] == "invoice_emailed"]
    assert (fact["action"], fact["account_id"], fact["link"]) == (
        "invoice_emailed", ACCOUNT, f"/staff/invoices/{invoice['id']}")


def test_without_an_address_the_email_goes_to_the_accounts_contact(business):
    invoice = business.invoice(5_000)
    business.staff().email_invoice(invoice["id"])
    [(_, event)] = business.events(EMAIL)
    assert event["to_email"] is None


def test_only_an_open_invoice_of_the_business_can_be_emailed(business, other_business):
    invoice = business.invoice(5_000)
    with pytest.raises(NotFound):
        other_business.staff().email_invoice(invoice["id"])
    business.staff().void_invoice(invoice["id"], "Entered twice")
    with pytest.raises(Conflict):
        business.staff().email_invoice(invoice["id"])
    with pytest.raises(InvalidInput) as refused:
        business.staff().email_invoice(business.invoice(5_000)["id"], "not an address")
    assert list(refused.value.fields) == ["to"]
    with pytest.raises(PermissionDenied):
        business.client().email_invoice(invoice["id"])
    assert business.events(EMAIL) == []


def test_new_invoices_are_emailed_only_when_the_business_says_so(business):
    business.invoice(5_000)
    assert business.events(EMAIL) == []  # off by default
    business.settings(email_new_invoices=True)
    invoice = business.invoice(7_000)
    business.invoice(0)  # nothing due: nothing to pay, no email
    [(_, event)] = business.events(EMAIL)
    assert (event["invoice_id"], event["reason"], event["to_email"]) == (invoice["id"], "issued", None)


def test_an_invoice_a_completed_visit_raises_is_emailed_when_the_business_says_so(business):
    business.settings(email_new_invoices=True)
    job = business.staff().create_job({"account_id": ACCOUNT, "title": "Hedge trim", "price": 6_000,
                                       "schedule": {"start_on": date.today().isoformat()}})
    done = business.staff().complete_visit(job["visits"][0]["id"])
    [(_, event)] = business.events(EMAIL)
    assert (event["invoice_id"], event["reason"], event["total"]) == (done["invoice_id"], "issued", 6_000)


def test_the_setting_is_refused_when_not_a_switch(business):
    with pytest.raises(InvalidInput):
        business.settings(email_new_invoices="yes")


# --- visit reminders ------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def session(request):
    opened = sqlite_session if request.param == "sqlite" else postgresql_session
    with opened(Base.metadata) as session:
        yield session


@pytest.fixture
def chicago(session, processor, blobs):
    business = Business(session, processor, blobs)
    business.staff().update_settings("services", {"time_zone": "America/Chicago"})
    session.commit()
    return business


def visit_on(business, day, start=time(9, 0), end=time(11, 0)):
    job = business.staff().create_job({"account_id": ACCOUNT, "title": "Weekly mowing"})
    row = Visit(tenant_id=business.tenant_id, account_id=ACCOUNT, job_id=job["id"], scheduled_on=day,
                window_start=start, window_end=end, status="scheduled", created_at=TEN_IN_CHICAGO)
    business.session.add(row)
    business.session.commit()
    return row.id


def tick(session, now=TEN_IN_CHICAGO):
    return visit_reminders.tick(session, outbox_writer(platform), now)


def test_tomorrows_visits_are_reminded_once_in_the_business_time(session, chicago):
    tomorrow = visit_on(chicago, TOMORROW)
    visit_on(chicago, TOMORROW + timedelta(days=1))  # the day after: not yet
    untimed = visit_on(chicago, TOMORROW, None, None)
    assert tick(session, TEN_IN_CHICAGO.replace(hour=13)) == 0  # 07:00 there: too early
    assert tick(session) == 2
    assert tick(session) == 0
    events = {event["visit_id"]: event for _, event in chicago.events(REMINDER)}
    assert set(events) == {tomorrow, untimed}
    assert (events[tomorrow]["service"], events[tomorrow]["starts_at"], events[tomorrow]["ends_at"]) == (
        "Weekly mowing", "2030-01-06T09:00:00-06:00", "2030-01-06T11:00:00-06:00")
    assert (events[untimed]["starts_at"], events[untimed]["ends_at"]) == ("2030-01-06T00:00:00-06:00", None)


def test_a_second_instance_finds_the_visit_claimed(session, chicago):
    visit_id = visit_on(chicago, TOMORROW)
    settings = {"time_zone": "America/Chicago"}
    assert visit_reminders.claim(session, outbox_writer(platform), visit_id, settings, TEN_IN_CHICAGO)
    session.rollback()
    with Session(session.get_bind()) as other:
        assert not visit_reminders.claim(other, outbox_writer(platform), visit_id, settings, TEN_IN_CHICAGO)
    assert len(chicago.events(REMINDER)) == 1


def test_no_reminders_when_the_business_turned_them_off(session, chicago):
    chicago.staff().update_settings("services", {"send_visit_reminders": False})
    session.commit()
    visit_on(chicago, TOMORROW)
    assert tick(session) == 0 and chicago.events(REMINDER) == []


def test_a_moved_visit_is_reminded_again_before_its_new_day(session, chicago):
    visit_id = visit_on(chicago, TOMORROW)
    tick(session)
    assert session.get(Visit, visit_id).reminded_at is not None
    visits.move(session, chicago.tenant_id, visit_id, {"scheduled_on": date.today().isoformat()}, date.today())
    session.commit()
    assert session.get(Visit, visit_id).reminded_at is None


def test_the_switch_is_on_by_default_and_shown_on_the_services_tab(business):
    assert business.staff().get_settings("services")["send_visit_reminders"] is True
    assert business.staff().get_settings("billing")["email_new_invoices"] is False


def test_a_cancelled_visit_is_not_reminded(session, chicago):
    visit_id = visit_on(chicago, TOMORROW)
    session.get(Visit, visit_id).status = "cancelled"
    session.commit()
    assert tick(session) == 0

