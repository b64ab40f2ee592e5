"""Request alerts: a client's reschedule, cancel or new-service request alerts the staff the Alerts tab names for
that kind of request, once per event."""
from shared.events import SERVICE_REQUEST_MADE

OWNER, COLLEAGUE, THIRD = 1, 2, 3


def request(**fields):
    return {"request_id": 4, "account_id": 7, "kind": "reschedule", "status": "pending",
            "subject": "Reschedule: Weekly mowing on Tue 8 Dec 2026, 09:00-11:00",
            "body": "Preferred dates: Thu 10 Dec 2026", "visit_id": 12, "actor": {"kind": "client", "id": 3},
            **fields}


def texts(notifications, staff_id):
    return [(alert["action"], alert["text"]) for alert in notifications.staff(staff_id).list_my_alerts()]


def test_each_kind_of_request_alerts_the_staff_chosen_for_it(notifications):
    notifications.staff().update_settings("alerts", {
        "reschedule_requested": [OWNER], "cancel_requested": [COLLEAGUE], "service_requested": [THIRD]})
    notifications.deliver(SERVICE_REQUEST_MADE, request())
    notifications.deliver(SERVICE_REQUEST_MADE, request(kind="cancel", subject="Cancel: Weekly mowing on Tue 8 Dec"))
    notifications.deliver(SERVICE_REQUEST_MADE, request(kind="new_service", visit_id=None,
                                                        subject="Service request: Hedge trimming"))
    assert texts(notifications, OWNER) == [
        ("reschedule_requested", "Account 7 asked to reschedule: Weekly mowing on Tue 8 Dec 2026, 09:00-11:00")]
    assert texts(notifications, COLLEAGUE) == [
        ("cancel_requested", "Account 7 asked to cancel: Weekly mowing on Tue 8 Dec")]
    assert texts(notifications, THIRD) == [("service_requested", "Account 7 requested a service: Hedge trimming")]


def test_a_redelivery_alerts_no_one_again_and_staff_not_chosen_hear_nothing(notifications):
    notifications.staff().update_settings("alerts", {"reschedule_requested": [OWNER]})
    first = notifications.deliver(SERVICE_REQUEST_MADE, request())
    notifications.deliver(SERVICE_REQUEST_MADE, request(), event_id=first["event_id"])
    assert len(texts(notifications, OWNER)) == 1
    assert texts(notifications, COLLEAGUE) == []
