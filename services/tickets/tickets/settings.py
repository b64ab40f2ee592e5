"""Settings of the Tickets tab, owned by tickets: tickets, chat and documents."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.fields import TRIMMED, id_field, switch, unique

CATEGORY_NAME = [validate.Length(min=1, max=100), TRIMMED]


class TicketSettingsSchema(Schema):
    """Settings of the Tickets tab: opening and viewing tickets, chat threads and shared documents."""

    class Meta:
        unknown = RAISE

    tickets_enabled = switch(True, "Clients can open tickets",
                             "Shows the open-a-ticket button and lets clients raise a ticket, also from a visit.")
    show_open_tickets = switch(True, "View open tickets",
                               "Clients see unresolved tickets (open, pending or on hold, all shown as open).")
    show_closed_tickets = switch(True, "View closed tickets",
                                 "Clients see the tickets that have been closed.")
    ticket_categories = fields.List(
        fields.String(validate=CATEGORY_NAME),
        # Clients need a category to pick; the tickets service seeds General, Reschedule, Cancel and Service request.
        load_default=lambda: ["General"],
        validate=[validate.Length(max=50), unique],
        metadata={"label": "Ticket categories shown to clients",
                  "help": "Categories a client picks from when opening a ticket."})
    ticket_assignee_id = id_field(
        allow_none=True,
        load_default=None,
        metadata={"label": "Ticket assignment",
                  "help": "Staff member who receives every new client ticket; empty leaves them unassigned."})
    reschedule_category = fields.String(
        load_default="Reschedule",
        validate=CATEGORY_NAME,
        metadata={"label": "Reschedule request category",
                  "help": "Category given to tickets created when a client asks to move a visit."})
    cancel_category = fields.String(
        load_default="Cancel",
        validate=CATEGORY_NAME,
        metadata={"label": "Cancel request category",
                  "help": "Category given to tickets created when a client asks to cancel a visit."})
    service_request_category = fields.String(
        load_default="Service request",
        validate=CATEGORY_NAME,
        metadata={"label": "Service request category",
                  "help": "Category given to tickets created when a client asks for a new service."})
    allow_new_chat_threads = switch(True, "Clients can start chats",
                                    "When off, clients can only reply in chat threads your team started.")
    documents_enabled = switch(True, "Documents",
                               "Clients see and download the documents you share with them.")
    allow_client_uploads = switch(True, "Client uploads",
                                  "Clients may send you files.")
    done_uploading_button = switch(False, "Done uploading button",
                                   "Clients can press a button to tell you they have sent everything you asked for.")
    done_uploading_checkbox = switch(False, "Completely done uploading checkbox",
                                     "Clients can tick a box in the upload window to say this is their last file.")

    @validates_schema
    def check_consistency(self, data, **kwargs):
        errors = {}
        # Without a category to pick, the open-a-ticket form could never be submitted.
        if data.get("tickets_enabled") and data.get("ticket_categories") == []:
            errors["ticket_categories"] = ["Choose at least one category while clients can open tickets."]
        if data.get("allow_client_uploads") is False:
            for name in ("done_uploading_button", "done_uploading_checkbox"):
                if data.get(name):
                    errors[name] = ["Needs client uploads to be on."]
        if errors:
            raise ValidationError(errors)


TABS = {"tickets": TicketSettingsSchema}
