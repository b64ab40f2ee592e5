"""The inputs of the service list and job pages, and reading what staff type into what billing takes.

Several forms share the job page (one per visit), so each input's id carries its form's name (``FormField``);
what billing refuses comes back on the same names. Money is typed in dollars and sent in cents.
"""
from dataclasses import dataclass

from flask import request

from gateway.web.forms import Field, money_input
from gateway.web.staff.billing_inputs import WHOLE_NUMBER, read_date
from shared.i18n import N_, _
from shared.money import format_money

RECURRENCE_LABELS = {"once": N_("One-off"), "weekly": N_("Weekly"), "every_n_weeks": N_("Every few weeks"),
                     "monthly": N_("Monthly")}
# What clients read is stored as written (in English, these); each is shown to staff in their language.
PRESET_STATUSES = (N_("Scheduled"), N_("Work in progress"), N_("Completed"))
OTHER_STATUS = "other"
WINDOW_HINT = N_("Optional: when the crew arrives, such as 09:00 to 11:00 (the business's time zone).")
EVERY_HOW_MANY_WEEKS = N_("Enter every how many weeks, a whole number from %(smallest)s to %(largest)s.")


@dataclass
class FormField(Field):
    """An input of one of several forms on a page: its ids start with the form's name."""

    form: str = "form"

    @property
    def input_id(self):
        return f"{self.form}-{self.name}"

    @property
    def hint_id(self):
        return f"{self.form}-hint-{self.name}"

    @property
    def error_id(self):
        return f"{self.form}-error-{self.name}"


def recurrence_options(first=None):
    return ([first] if first else []) + [(value, _(label)) for value, label in RECURRENCE_LABELS.items()]


def describe_recurrence(item):
    if item["recurrence"] == "every_n_weeks":
        return _("Every %(weeks)s weeks", weeks=item['interval_weeks'])
    label = RECURRENCE_LABELS.get(item["recurrence"])
    return _(label) if label else item["recurrence"]


# --- the service list -------------------------------------------------------------------------------

def service_inputs(form="service", service=None):
    """Name, description, price, usual recurrence and whether clients may request it; filled from ``service``."""
    service = service or {"requestable": True, "recurrence": "once"}
    return [
        FormField("name", "text", _("Name"), _("Such as Weekly mowing."), required=True, form=form,
                  value=service.get("name", "")),
        FormField("description", "long_text", _("Description"), _("What the visit includes; clients read it."),
                  form=form, value=service.get("description", "")),
        FormField("price", "number", _("Price per visit ($)"), _("Such as 45.00."), required=True, form=form,
                  value=format_money(service["price"], for_input=True) if "price" in service else ""),
        FormField("recurrence", "select", _("Usual recurrence"), _("What a new job from it starts with."),
                  options=recurrence_options(), form=form, value=service["recurrence"]),
        FormField("interval_weeks", "number", _("Every how many weeks"), _("Only for Every few weeks: 2 to 52."),
                  form=form, value=str(service.get("interval_weeks") or "")),
        FormField("requestable", "checkbox", _("Clients may request it"), form=form,
                  value=bool(service.get("requestable"))),
    ]


def read_number(name, message, errors, smallest=2, largest=52):
    """The whole number typed in ``name``; else ``message`` (marked with N_: "... %(smallest)s to %(largest)s.")
    in ``errors``."""
    text = request.form.get(name, "").strip()
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text) or not smallest <= int(text) <= largest:
        errors[name] = [_(message, smallest=smallest, largest=largest)]
        return None
    return int(text)


def read_money(name, errors, required=False):
    amount = money_input(request.form, name, errors)
    if amount is None and required and name not in errors:
        errors[name] = [_("Enter the price, such as 45.00.")]
    return amount


def read_service():
    """``(values, errors)`` of the service form."""
    errors = {}
    values = {"name": request.form.get("name", "").strip(), "description": request.form.get("description", "").strip(),
              "price": read_money("price", errors, required=True),
              "recurrence": request.form.get("recurrence", "once"),
              "interval_weeks": read_number("interval_weeks", EVERY_HOW_MANY_WEEKS, errors),
              "requestable": "requestable" in request.form}
    if not values["name"]:
        errors["name"] = [_("Enter a name for the service.")]
    return values, errors


# --- dates and time windows ------------------------------------------------------------------------

def window_inputs(form, first_label, first_name, values=None, required=True):
    values = values or {}
    hint = "" if required else _("Optional: leave empty to put the job on the waiting list.")
    return [FormField(first_name, "date", first_label, hint, required=required, form=form,
                      value=values.get(first_name) or ""),
            FormField("window_start", "time", _("Arrives from"), _(WINDOW_HINT), form=form,
                      value=values.get("window_start") or ""),
            FormField("window_end", "time", _("Arrives by"), form=form, value=values.get("window_end") or "")]


def read_window(first_name, errors, required=True):
    """``{first_name: ISO date, window_start, window_end}`` from the form, or None when no date was given."""
    text = request.form.get(first_name, "").strip()
    start, end = (request.form.get(name, "").strip() or None for name in ("window_start", "window_end"))
    if not text:
        if required:
            errors[first_name] = [_("Enter the date, such as 2026-06-01.")]
        elif start or end:
            errors[first_name] = [_("Give the date of the first visit, or leave the time window empty.")]
        return None
    try:
        day = read_date(text, N_("Enter the date as a date, such as %(example)s."))
    except ValueError as error:
        errors[first_name] = [str(error)]
        return None
    return {first_name: day, "window_start": start, "window_end": end}


# --- a new job ----------------------------------------------------------------------------------------

def new_job_inputs(services, form="job"):
    """From the service list or by hand; one-off or recurring; optionally its first visit."""
    offered = [(str(row["id"]), f"{row['name']} ({format_money(row['price'])}, "
                                f"{describe_recurrence(row)})")
               for row in services if row["active"]]
    return [
        FormField("service_id", "select", _("Service"),
                  _("Choose from the service list, or give a title and price below."),
                  options=[("", _("Not from the list"))] + offered, form=form),
        FormField("title", "text", _("Title"), _("Needed when no service is chosen."), form=form),
        FormField("price", "number", _("Price per visit ($)"), _("Leave empty to use the service's price."),
                  form=form),
        FormField("recurrence", "select", _("Recurrence"),
                  options=recurrence_options(("", _("As the service (one-off by hand)"))), form=form),
        FormField("interval_weeks", "number", _("Every how many weeks"), _("Only for Every few weeks: 2 to 52."),
                  form=form),
        FormField("bills_per_visit", "checkbox", _("Each completed visit raises its invoice"), form=form,
                  value=True),
        FormField("notes", "long_text", _("Notes for the crew"), _("Gate codes, pets, what to bring."), form=form),
    ] + window_inputs(form, _("First visit"), "start_on", required=False)


def read_new_job(account_id):
    errors = {}
    service = request.form.get("service_id", "").strip()
    values = {"account_id": account_id, "service_id": int(service) if WHOLE_NUMBER.fullmatch(service) else None,
              "bills_per_visit": "bills_per_visit" in request.form,
              "notes": request.form.get("notes", "").strip() or None}
    title = request.form.get("title", "").strip()
    price = read_money("price", errors)
    recurrence = request.form.get("recurrence", "")
    interval = read_number("interval_weeks", EVERY_HOW_MANY_WEEKS, errors)
    values.update({key: value for key, value in (("title", title), ("price", price), ("recurrence", recurrence),
                                                 ("interval_weeks", interval)) if value not in (None, "")})
    if values["service_id"] is None and not title:
        errors["title"] = [_("Choose a service from the list or give the job a title.")]
    values["schedule"] = read_window("start_on", errors, required=False)
    return values, errors


# --- the status clients read -----------------------------------------------------------------------

def status_inputs(job, form="status"):
    current = job.get("client_status")
    choice = current if current in PRESET_STATUSES else (OTHER_STATUS if current else "")
    return [FormField("status_choice", "select", _("Status the client reads"),
                      options=[("", _("None shown"))] + [(text, _(text)) for text in PRESET_STATUSES]
                      + [(OTHER_STATUS, _("Other: in your own words"))], form=form, value=choice),
            FormField("status_text", "text", _("Your own words"), _("Only for Other, such as Waiting for parts."),
                      form=form, value=current if choice == OTHER_STATUS else "")]


def read_status():
    choice, text = request.form.get("status_choice", ""), request.form.get("status_text", "").strip()
    if choice == OTHER_STATUS:
        return (text, {}) if text else (None, {"status_text": [_("Write the status in your own words.")]})
    if choice and choice not in PRESET_STATUSES:
        return None, {"status_choice": [_("Choose one of the statuses shown.")]}
    return choice or None, {}
