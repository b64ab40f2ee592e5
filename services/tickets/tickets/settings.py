"""Settings of the Tickets tab, owned by tickets: tickets, chat and documents."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.fields import TRIMMED, id_field, switch, unique
from shared.i18n import N_, _

CATEGORY_NAME = [validate.Length(min=1, max=100), TRIMMED]


class TicketSettingsSchema(Schema):
    """Settings of the Tickets tab: opening and viewing tickets, chat threads and shared documents."""

    class Meta:
        unknown = RAISE

    tickets_enabled = switch(True, N_("Clients can open tickets"),
                             N_("Shows the open-a-ticket button and lets clients raise a ticket, also from a visit."))
    show_open_tickets = switch(True, N_("View open tickets"),
                               N_("Clients see unresolved tickets (open, pending or on hold, all shown as open)."))
    show_closed_tickets = switch(True, N_("View closed tickets"),
                                 N_("Clients see the tickets that have been closed."))
    ticket_categories = fields.List(
        fields.String(validate=CATEGORY_NAME),
        # Clients need a category to pick; the tickets service seeds General, Reschedule, Cancel and Service request.
        load_default=lambda: ["General"],
        validate=[validate.Length(max=50), unique],
        metadata={"label": N_("Ticket categories shown to clients"),
                  "help": N_("Categories a client picks from when opening a ticket.")})
    ticket_assignee_id = id_field(
        allow_none=True,
        load_default=None,
        metadata={"label": N_("Ticket assignment"),
                  "help": N_("Staff member who receives every new client ticket; empty leaves them unassigned.")})
    reschedule_category = fields.String(
        load_default="Reschedule",
        validate=CATEGORY_NAME,
        metadata={"label": N_("Reschedule request category"),
                  "help": N_("Category given to tickets created when a client asks to move a visit.")})
    cancel_category = fields.String(
        load_default="Cancel",
        validate=CATEGORY_NAME,
        metadata={"label": N_("Cancel request category"),
                  "help": N_("Category given to tickets created when a client asks to cancel a visit.")})
    service_request_category = fields.String(
        load_default="Service request",
        validate=CATEGORY_NAME,
        metadata={"label": N_("Service request category"),
                  "help": N_("Category given to tickets created when a client asks for a new service.")})
    allow_new_chat_threads = switch(True, N_("Clients can start chats"),
                                    N_("When off, clients can only reply in chat threads your team started."))
    documents_enabled = switch(True, N_("Documents"),
                               N_("Clients see and download the documents you share with them."))
    allow_client_uploads = switch(True, N_("Client uploads"),
                                  N_("Clients may send you files."))
    done_uploading_button = switch(False, N_("Done uploading button"), N_(
        "Clients can press a button to tell you they have sent everything you asked for."))
    done_uploading_checkbox = switch(False, N_("Completely done uploading checkbox"),
                                     N_("Clients can tick a box in the upload window to say this is their last file."))

    @validates_schema
    def check_consistency(self, data, **kwargs):
        errors = {}
        # Without a category to pick, the open-a-ticket form could never be submitted.
        if data.get("tickets_enabled") and data.get("ticket_categories") == []:
            errors["ticket_categories"] = [_("Choose at least one category while clients can open tickets.")]
        if data.get("allow_client_uploads") is False:
            for name in ("done_uploading_button", "done_uploading_checkbox"):
                if data.get(name):
                    errors[name] = [_("Needs client uploads to be on.")]
        if errors:
            raise ValidationError(errors)


TABS = {"tickets": TicketSettingsSchema}
