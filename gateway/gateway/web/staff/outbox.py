"""Staff pages: the outbox of emails and text messages, and one message with its parts."""
import math

from flask import Blueprint, render_template

from gateway.features import outbox
from gateway.schemas.staff.outbox import OutboxArgsSchema
from gateway.web import forms
from gateway.web.policy import email_document
from gateway.web.staff.base import staff_page

blueprint = Blueprint("outbox", __name__)


@blueprint.get("/outbox")
@staff_page
def message_list():
    listing = outbox.list_outbox(forms.query_values(OutboxArgsSchema)["page"])
    return render_template("staff/outbox.html", listing=listing, page_number=listing["page"],
                           pages_total=max(1, math.ceil((listing["total"] or 0) / listing["per_page"])))


@blueprint.get("/outbox/<int:message_id>")
@staff_page
def outbox_message(message_id):
    return render_template("staff/outbox_message.html", message=outbox.outbox_message(message_id))


@blueprint.get("/outbox/<int:message_id>/html")
@staff_page
def outbox_message_html(message_id):
    return email_document(outbox.outbox_message(message_id).get("html") or "")
