"""Staff alerts from billing's estimate decisions: only the staff the Alerts tab names, worded with the note."""
from shared.events import ESTIMATE_DECIDED

OWNER, COLLEAGUE = 1, 2


def decided(**fields):
    return {"estimate_id": 5, "account_id": 7, "number": 1001, "title": "Spring aeration and overseeding",
            "total": 22_000, "decision": "approved", "note": None, "job_id": 12,
            "actor": {"kind": "client", "id": 3}, **fields}


def alerts_of(notifications, staff_id):
    return [(alert["action"], alert["text"], alert["link"])
            for alert in notifications.staff(staff_id).list_my_alerts()]


def test_an_estimate_decision_alerts_the_staff_chosen_for_it_once(notifications):
    notifications.staff().update_settings("alerts", {"estimate_decided": [COLLEAGUE]})
    first = notifications.deliver(ESTIMATE_DECIDED, decided())
    notifications.deliver(ESTIMATE_DECIDED, decided(), event_id=first["event_id"])
    notifications.deliver(ESTIMATE_DECIDED, decided(estimate_id=6, number=1002, decision="declined", job_id=None,
                                                    note="  Too dear\nthis year. "))
    assert alerts_of(notifications, COLLEAGUE) == [
        ("estimate_decided", "Account 7 declined estimate #1002, \u201cSpring aeration and overseeding\u201d "
                             "($220.00). Note: Too dear this year.", "/staff/estimates/6"),
        ("estimate_decided", "Account 7 approved estimate #1001, \u201cSpring aeration and overseeding\u201d "
                             "($220.00). It is on the waiting list as a new job.", "/staff/estimates/5")]
    assert alerts_of(notifications, OWNER) == []
