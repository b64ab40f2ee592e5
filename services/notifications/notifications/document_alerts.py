"""What tickets' document events become: alerts for the staff the Alerts tab names for "Document uploaded" and
"Done uploading". The events name the document and account, never the file's bytes (staff download it from
the client's Documents page). They name the client as accounts told tickets: the person who acted and, when it
differs, the account; an event from before names were sent (or that accounts could not name) gives the account's
number.
"""
from notifications import alerts, messages
from shared.events import DOCUMENT_UPLOADED, DONE_UPLOADING
from shared.messaging import on_event

VIA = {"button": "pressed Done uploading", "checkbox": "ticked \"I'm completely done uploading\" with their last file"}


def who(data):
    """"Ann Client", "Ann Client for Smith Household", or "Account 42" when the event names no one."""
    person, account = data["portal_user_name"], data["client_name"]
    if person and account and person != account:
        return f"{person} for {account}"
    return person or account or f"Account {data['account_id']}"


def uploaded_text(data):
    return f"{who(data)} sent a document: {data['title']} ({data['filename']})."


def done_text(data):
    sent = data["documents"]
    files = f"{sent} file{'s' if sent != 1 else ''} sent so far"
    return f"{who(data)} {VIA.get(data['via'], 'said they are done uploading')} ({files})."


class DocumentAlertHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(DOCUMENT_UPLOADED)
    def handle_document_uploaded(self, event):
        data = messages.load_event(DOCUMENT_UPLOADED, event)
        alerts.raise_alerts(self.db, event["tenant_id"], "document_uploaded", uploaded_text(data),
                            data["account_id"], event["event_id"])

    @on_event(DONE_UPLOADING)
    def handle_done_uploading(self, event):
        data = messages.load_event(DONE_UPLOADING, event)
        alerts.raise_alerts(self.db, event["tenant_id"], "upload_done", done_text(data), data["account_id"],
                            event["event_id"])
