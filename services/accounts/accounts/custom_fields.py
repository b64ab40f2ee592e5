"""Custom fields: the staff define them and fill them in per client; clients see those the General tab lists."""
import re
from datetime import date

from sqlalchemy import delete, select

from accounts.models import CustomField, CustomFieldValue
from shared.errors import Conflict, InvalidInput, NotFound, invalid
from shared.i18n import _


def describe_field(field, visible_keys=()):
    """Return a custom field as the staff see it, saying whether clients see it."""
    return {"id": field.id, "key": field.key, "label": field.label, "type": field.type,
            "choices": field.choices, "visible": field.key in visible_keys}


def list_custom_fields(session, tenant_id):
    """Return the tenant's custom fields by label."""
    return session.scalars(select(CustomField).where(CustomField.tenant_id == tenant_id)
                           .order_by(CustomField.label)).all()


def create_custom_field(session, tenant_id, values):
    """Add a custom field; its key is unique in the tenant."""
    if values["type"] == "choice" and not values.get("choices"):
        raise invalid("choices", _("A choice field needs at least one choice."))
    if values["type"] != "choice":
        values["choices"] = None
    if session.scalar(select(CustomField.id).where(CustomField.tenant_id == tenant_id,
                                                   CustomField.key == values["key"])):
        message = _("A custom field already uses that key.")
        raise Conflict(message, {"key": [message]})
    field = CustomField(tenant_id=tenant_id, **values)
    session.add(field)
    session.flush()
    return field


def delete_custom_field(session, tenant_id, field_id):
    """Delete a custom field with every value stored for it."""
    field = session.get(CustomField, field_id) if isinstance(field_id, int) else None
    if field is None or field.tenant_id != tenant_id:
        raise NotFound(_("No such custom field."))
    session.execute(delete(CustomFieldValue).where(CustomFieldValue.field_id == field.id))
    session.delete(field)


def custom_field_values(session, tenant_id, client_id, only_keys=None):
    """List the client's value of each custom field (of ``only_keys`` when given)."""
    stored = dict(session.execute(select(CustomFieldValue.field_id, CustomFieldValue.value)
                                  .where(CustomFieldValue.account_id == client_id)).all())
    return [{"key": field.key, "label": field.label, "type": field.type, "choices": field.choices,
             "value": stored.get(field.id)}
            for field in list_custom_fields(session, tenant_id)
            if only_keys is None or field.key in only_keys]


def check_value(field, value):
    """Return ``value`` as stored text for ``field``'s type, or raise InvalidInput on its key."""
    if value is None or value == "":
        return None
    if field.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or \
                not re.fullmatch(r"-?\d{1,15}(\.\d{1,6})?", str(value)):
            raise invalid(field.key, _("Enter a number."))
        return str(value)
    if field.type == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise invalid(field.key, _("Enter a date as YYYY-MM-DD.")) from None
    if not isinstance(value, str):
        raise invalid(field.key, _("Enter text."))
    if field.type == "choice" and value not in (field.choices or []):
        raise invalid(field.key, _("Choose one of: %(choices)s.", choices=", ".join(field.choices or [])))
    if len(value) > 1000:
        raise invalid(field.key, _("Use at most %(count)s characters.", count=1000))
    return value


def set_custom_field_values(session, tenant_id, client_id, values, only_keys=None):
    """Store custom field values (``only_keys`` limits which a client may set); all or nothing."""
    if not isinstance(values, dict):
        raise invalid("custom_fields", _("Send an object of field keys and values."))
    fields = {field.key: field for field in list_custom_fields(session, tenant_id)
              if only_keys is None or field.key in only_keys}
    errors = {}
    checked = {}
    for key, value in values.items():
        if key not in fields:
            if only_keys is not None:  # a client may not even learn which hidden fields exist
                raise NotFound(_("No such custom field."))
            errors[key] = [_("There is no such field.")]
            continue
        try:
            checked[fields[key]] = check_value(fields[key], value)
        except InvalidInput as error:
            errors.update(error.fields)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors)
    for field, value in checked.items():
        session.execute(delete(CustomFieldValue).where(CustomFieldValue.account_id == client_id,
                                                       CustomFieldValue.field_id == field.id))
        if value is not None:
            session.add(CustomFieldValue(account_id=client_id, field_id=field.id, value=value))
