"""What tickets' document events become: alerts for the staff the Alerts tab names for "Document uploaded" and
"Done uploading". The events name the document and account, never the file's bytes (staff download it from
the client's Documents page). They name the client as accounts told tickets: the person who acted and, when it
differs, the account; an event from before names were sent (or that accounts could not name) gives the account's
number.
"""
from notifications import alerts, languages, messages, names
from shared.clock import occurred_at
from shared.events import DOCUMENT_UPLOADED, DONE_UPLOADING
from shared.i18n import N_, _, ngettext
from shared.messaging import on_event

VIA = {"button": N_("%(who)s pressed Done uploading (%(files)s)."),
       "checkbox": N_("%(who)s ticked \"I'm completely done uploading\" with their last file (%(files)s).")}
DONE = N_("%(who)s said they are done uploading (%(files)s).")


def who(data, known=None):
    """"Ann Client", "Ann Client for Smith Household", or the account's name as notifications knows it
    (``known``; "Account 42" before accounts told of it) when the event names no one."""
    person, account = data["portal_user_name"], data["client_name"] or known
    if person and account and person != account:
        return _("%(person)s for %(account)s", person=person, account=account)
    return person or account or _("Account %(id)s", id=data["account_id"])


def uploaded_text(data, known=None):
    return _("%(who)s sent a document: %(title)s (%(filename)s).", who=who(data, known), title=data["title"],
             filename=data["filename"])


def done_text(data, known=None):
    files = ngettext("%(num)d file sent so far", "%(num)d files sent so far", data["documents"])
    return _(VIA.get(data["via"], DONE), who=who(data, known), files=files)


def documents_link(data):
    """The client's Documents page for staff."""
    return f"/staff/clients/{int(data['account_id'])}/documents"


def known_name(session, event, data):
    """The account's name: the event's (kept, if accounts has not told it yet), else notifications' copy."""
    if data["client_name"]:
        names.remember_name(session, event["tenant_id"], data["account_id"], data["client_name"],
                            occurred_at(event))
        return data["client_name"]
    return names.account_name(session, event["tenant_id"], data["account_id"])


class DocumentAlertHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(DOCUMENT_UPLOADED)
    def handle_document_uploaded(self, event):
        data = messages.load_event(DOCUMENT_UPLOADED, event)
        with languages.to_business(self.db, event["tenant_id"]):
            alerts.raise_alerts(self.db, event["tenant_id"], "document_uploaded",
                                uploaded_text(data, known_name(self.db, event, data)), data["account_id"],
                                event["event_id"], link=documents_link(data))

    @on_event(DONE_UPLOADING)
    def handle_done_uploading(self, event):
        data = messages.load_event(DONE_UPLOADING, event)
        with languages.to_business(self.db, event["tenant_id"]):
            alerts.raise_alerts(self.db, event["tenant_id"], "upload_done",
                                done_text(data, known_name(self.db, event, data)), data["account_id"],
                                event["event_id"], link=documents_link(data))
