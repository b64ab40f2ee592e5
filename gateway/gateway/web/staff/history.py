"""Staff page: a client account's history (who did what, when, from where, what changed), with its filters, older
entries a page at a time, and the same history as a CSV download."""
from datetime import date

from flask import Blueprint, Response, render_template, request, stream_with_context

from gateway.features import history
from gateway.web.staff.base import staff_page
from shared.fields import MAX_ID
from shared.i18n import N_, _

blueprint = Blueprint("history", __name__)
ACTOR_CHOICES = [("", N_("Anyone")), ("client", N_("The client")), ("staff", N_("Staff")), ("system", N_("System"))]
FILTER_NAMES = ("action", "actor_kind", "since", "until")


def _day(name, message, errors):
    """The ISO date typed in ``name``; else ``message`` (marked with N_, its example a date) in ``errors``."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        errors[name] = _(message, example=date.today().isoformat())
        return None


def read_filters():
    """``(notifications' filters, what was typed, errors)`` from the query string."""
    errors = {}
    sent = {name: request.args.get(name, "").strip() for name in FILTER_NAMES}
    action = sent["action"] if sent["action"] in history.ACTIONS else None
    actor_kind = sent["actor_kind"] if sent["actor_kind"] in history.ACTOR_KINDS else None
    since = _day("since", N_("Enter the first day as a date, such as %(example)s."), errors)
    until = _day("until", N_("Enter the last day as a date, such as %(example)s."), errors)
    if since and until and since > until:
        errors["until"] = _("Choose a last day on or after the first day.")
    cursor = request.args.get("cursor", "")
    filters = {"actions": [action] if action else [], "actor_kind": actor_kind, "since": since, "until": until,
               "cursor": int(cursor) if cursor.isdigit() and 0 < int(cursor) <= MAX_ID else None,
               "limit": history.PAGE}
    return filters, sent, errors


@blueprint.get("/clients/<int:client_id>/history")
@staff_page
def client_history(client_id):
    filters, sent, errors = read_filters()
    if errors:
        filters = {"limit": history.PAGE}
    page = history.history(client_id, filters)
    return render_template("staff/history.html", client=page["client"], page=page, sent=sent, errors=errors,
                           summary=[(f"#{name}", text) for name, text in errors.items()],
                           actions=sorted(history.action_labels().items(), key=lambda item: item[1]),
                           actor_choices=[(value, _(label)) for value, label in ACTOR_CHOICES],
                           filtered={k: v for k, v in sent.items() if v}), \
        400 if errors else 200


@blueprint.get("/clients/<int:client_id>/history.csv")
@staff_page
def client_history_csv(client_id):
    filters, __, errors = read_filters()
    filters = {**filters, "cursor": None} if not errors else {}
    response = Response(stream_with_context(history.csv_lines(client_id, filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="client-{client_id}-history.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
