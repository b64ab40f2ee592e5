"""Staff alerts from tickets' document events: a client's upload and "done uploading", to the staff chosen."""
from shared.events import DOCUMENT_UPLOADED, DONE_UPLOADING

OWNER, COLLEAGUE = 1, 2


def texts(notifications, staff_id):
    return [(alert["action"], alert["text"]) for alert in notifications.staff(staff_id).list_my_alerts()]


def test_an_upload_and_done_uploading_alert_the_staff_chosen_for_each(notifications):
    notifications.staff().update_settings("alerts", {"document_uploaded": [OWNER], "upload_done": [OWNER, COLLEAGUE]})
    notifications.deliver(DOCUMENT_UPLOADED, {"document_id": 5, "account_id": 7, "title": "W-2", "filename": "w2.pdf",
                                              "portal_user_id": 3, "done": False})
    notifications.deliver(DONE_UPLOADING, {"account_id": 7, "portal_user_id": 3, "via": "button", "documents": 2})
    assert texts(notifications, OWNER) == [
        ("upload_done", "Account 7 pressed Done uploading (2 files sent so far)."),
        ("document_uploaded", "Account 7 sent a document: W-2 (w2.pdf).")]
    assert texts(notifications, COLLEAGUE) == [("upload_done", "Account 7 pressed Done uploading (2 files sent so far).")]


def test_a_redelivered_event_alerts_once_and_nobody_chosen_means_no_alert(notifications):
    data = {"account_id": 7, "portal_user_id": 3, "via": "checkbox", "documents": 1}
    notifications.deliver(DONE_UPLOADING, data, event_id="evt-done-1")
    assert texts(notifications, OWNER) == []
    notifications.staff().update_settings("alerts", {"upload_done": [OWNER]})
    notifications.deliver(DONE_UPLOADING, data, event_id="evt-done-2")
    notifications.deliver(DONE_UPLOADING, data, event_id="evt-done-2")
    assert len(texts(notifications, OWNER)) == 1


def test_alerts_name_who_sent_and_for_which_account_when_the_event_says(notifications):
    notifications.staff().update_settings("alerts", {"document_uploaded": [OWNER], "upload_done": [OWNER]})
    notifications.deliver(DOCUMENT_UPLOADED, {"document_id": 5, "account_id": 7, "title": "W-2", "filename": "w2.pdf",
                                              "portal_user_id": 3, "client_name": "Smith Household",
                                              "portal_user_name": "Ann Smith"})
    notifications.deliver(DONE_UPLOADING, {"account_id": 7, "portal_user_id": 3, "via": "button", "documents": 1,
                                           "client_name": "Ann Smith", "portal_user_name": "Ann Smith"})
    assert texts(notifications, OWNER) == [
        ("upload_done", "Ann Smith pressed Done uploading (1 file sent so far)."),
        ("document_uploaded", "Ann Smith for Smith Household sent a document: W-2 (w2.pdf).")]
