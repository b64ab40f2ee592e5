"""What staff type in the billing forms, read into what billing takes: whole numbers and dates (amounts go
through shared.money.parse_money); and the choice of a client, by name while the list is short enough.

Money is integer cents here too: what staff type in dollars is read as text into cents, and
cents are shown as dollars only when a page is drawn.
"""
import re
from datetime import date

from flask import request

from gateway.features.clients import CLIENTS_IN_A_LIST
from gateway.web.forms import Field
from shared.i18n import _

WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(text, message, smallest=1, largest=10 ** 9):
    if not WHOLE_NUMBER.fullmatch(text) or not smallest <= int(text) <= largest:
        raise ValueError(message)
    return int(text)


def read_date(text, message):
    """The ISO date in ``text``; else ValueError saying ``message`` (marked with N_, its example a date:
    "Enter the due date as a date, such as %(example)s.")."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(_(message, example=date.today().isoformat())) from None


def read_fields(inputs, readers):
    """Read each input's text with its reader; return ``(values, errors)`` keyed by input name."""
    values, errors = {}, {}
    for item in inputs:
        text = request.values.get(item.name, "").strip()
        try:
            values[item.name] = readers[item.name](text) if text else None
        except ValueError as error:
            errors[item.name] = [str(error)]
    return values, errors


def chosen_ids(name):
    """Return the ids ticked in the form's ``name`` checkboxes (anything else is ignored)."""
    return [int(value) for value in request.form.getlist(name) if WHOLE_NUMBER.fullmatch(value)]


def client_input(name, label, listing, chosen=""):
    """Return a select of clients, or a box for the client's number when there are too many to list."""
    if listing["total"] <= CLIENTS_IN_A_LIST:
        options = [(str(client["id"]), client["name"] + (f" ({client['parent_name']})" if client.get("parent_name")
                                                        else "")) for client in listing["items"]]
        return Field(name, "select", label, options=[("", _("Choose a client") if name == "account_id"
                                                      else _("Any client"))] + options, value=chosen)
    return Field(name, "number", _("%(label)s number", label=label),
                 _("The number at the end of the client's page address."), value=chosen)
