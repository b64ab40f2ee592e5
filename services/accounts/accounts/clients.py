"""Clients, their related properties and custom fields: plain functions over a session."""
import re
from datetime import date

from sqlalchemy import delete, func, or_, select

from accounts.models import ClientAccount, CustomField, CustomFieldValue, PortalLink, PortalUser
from accounts.schemas import ClientChangesSchema, NewClientSchema, NewCustomFieldSchema
from accounts.tenants import load, utcnow
from shared.errors import Conflict, InvalidInput, NotFound, invalid


def find_client(session, tenant_id, client_id):
    """Return the tenant's client ``client_id``; any other id is simply not found."""
    client = session.get(ClientAccount, client_id) if isinstance(client_id, int) else None
    if client is None or client.tenant_id != tenant_id:
        raise NotFound("No such client.")
    return client


def create_client(session, tenant_id, data):
    values = load(NewClientSchema, data)
    if values["parent_id"] is not None:
        parent = find_client(session, tenant_id, values["parent_id"])
        if parent.parent_id is not None:
            raise invalid("parent_id", "A related property cannot have properties of its own.")
    client = ClientAccount(tenant_id=tenant_id, created_at=utcnow(), updated_at=utcnow(),
                           **{**values, "email": (values["email"] or None) and values["email"].lower()})
    session.add(client)
    session.flush()
    return client


def update_client(session, tenant_id, client_id, changes):
    client = find_client(session, tenant_id, client_id)
    values = load(ClientChangesSchema, changes, partial=True)
    if "email" in values and values["email"]:
        values["email"] = values["email"].lower()
    for key, value in values.items():
        setattr(client, key, value)
    client.updated_at = utcnow()
    return client


def portal_user_of(session, client):
    """The portal user with full rights on ``client`` (the one invited for it), if any."""
    return session.execute(
        select(PortalUser, PortalLink.rights).join(PortalLink, PortalLink.portal_user_id == PortalUser.id)
        .where(PortalLink.account_id == client.id).order_by(PortalUser.id)).first()


def describe_client(session, client, with_custom_fields=True):
    properties = session.scalars(select(ClientAccount).where(ClientAccount.parent_id == client.id)
                                 .order_by(ClientAccount.name)).all()
    parent = session.get(ClientAccount, client.parent_id) if client.parent_id else None
    linked = portal_user_of(session, client)
    answer = {
        "id": client.id, "name": client.name, "email": client.email, "phone": client.phone,
        "mobile_phone": client.mobile_phone, "address": client.address,
        "parent_id": client.parent_id, "parent_name": parent.name if parent else None,
        "properties": [{"id": item.id, "name": item.name} for item in properties],
        "portal_user": None if linked is None else {
            "id": linked.PortalUser.id, "email": linked.PortalUser.email,
            "username": linked.PortalUser.username,
            "activated": linked.PortalUser.activated_at is not None, "rights": linked.rights},
    }
    if with_custom_fields:
        answer["custom_fields"] = custom_field_values(session, client.tenant_id, client.id)
    return answer


def list_clients(session, tenant_id, query=None, without_portal=False, page=1, per_page=50):
    if not isinstance(page, int) or page < 1:
        raise invalid("page", "Must be a whole number of at least 1.")
    if not isinstance(per_page, int) or not 1 <= per_page <= 200:
        raise invalid("per_page", "Must be between 1 and 200.")
    statement = select(ClientAccount).where(ClientAccount.tenant_id == tenant_id)
    if query:
        if not isinstance(query, str) or len(query) > 100:
            raise invalid("q", "Search with at most 100 characters.")
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(ClientAccount.name).like(pattern),
                                        func.lower(ClientAccount.email).like(pattern),
                                        ClientAccount.phone.like(f"%{query}%")))
    if without_portal:  # as on the Portal users page: invited but not registered still counts
        registered = select(PortalLink.account_id).join(PortalUser, PortalUser.id == PortalLink.portal_user_id) \
            .where(PortalUser.activated_at.is_not(None))
        statement = statement.where(ClientAccount.id.not_in(registered))
    total = session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = session.scalars(statement.order_by(ClientAccount.name, ClientAccount.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return {"items": [describe_client(session, row, with_custom_fields=False) for row in rows],
            "total": total, "page": page, "per_page": per_page}


# --- custom fields ---------------------------------------------------------------------------

def describe_field(field, visible_keys=()):
    return {"id": field.id, "key": field.key, "label": field.label, "type": field.type,
            "choices": field.choices, "visible": field.key in visible_keys}


def list_custom_fields(session, tenant_id):
    return session.scalars(select(CustomField).where(CustomField.tenant_id == tenant_id)
                           .order_by(CustomField.label)).all()


def create_custom_field(session, tenant_id, data):
    values = load(NewCustomFieldSchema, data)
    if values["type"] == "choice" and not values.get("choices"):
        raise invalid("choices", "A choice field needs at least one choice.")
    if values["type"] != "choice":
        values["choices"] = None
    if session.scalar(select(CustomField.id).where(CustomField.tenant_id == tenant_id,
                                                   CustomField.key == values["key"])):
        raise Conflict("A custom field already uses that key.", {"key": ["A custom field already uses that key."]})
    field = CustomField(tenant_id=tenant_id, **values)
    session.add(field)
    session.flush()
    return field


def delete_custom_field(session, tenant_id, field_id):
    field = session.get(CustomField, field_id) if isinstance(field_id, int) else None
    if field is None or field.tenant_id != tenant_id:
        raise NotFound("No such custom field.")
    session.execute(delete(CustomFieldValue).where(CustomFieldValue.field_id == field.id))
    session.delete(field)


def custom_field_values(session, tenant_id, client_id, only_keys=None):
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
            raise invalid(field.key, "Enter a number.")
        return str(value)
    if field.type == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise invalid(field.key, "Enter a date as YYYY-MM-DD.") from None
    if not isinstance(value, str):
        raise invalid(field.key, "Enter text.")
    if field.type == "choice" and value not in (field.choices or []):
        raise invalid(field.key, f"Choose one of: {', '.join(field.choices or [])}.")
    if len(value) > 1000:
        raise invalid(field.key, "Use at most 1000 characters.")
    return value


def set_custom_field_values(session, tenant_id, client_id, values, only_keys=None):
    """Store custom field values (``only_keys`` limits which a client may set); all or nothing."""
    if not isinstance(values, dict):
        raise invalid("custom_fields", "Send an object of field keys and values.")
    fields = {field.key: field for field in list_custom_fields(session, tenant_id)
              if only_keys is None or field.key in only_keys}
    errors = {}
    checked = {}
    for key, value in values.items():
        if key not in fields:
            if only_keys is not None:  # a client may not even learn which hidden fields exist
                raise NotFound("No such custom field.")
            errors[key] = ["There is no such field."]
            continue
        try:
            checked[fields[key]] = check_value(fields[key], value)
        except InvalidInput as error:
            errors.update(error.fields)
    if errors:
        raise InvalidInput("Some fields are not valid.", errors)
    for field, value in checked.items():
        session.execute(delete(CustomFieldValue).where(CustomFieldValue.account_id == client_id,
                                                       CustomFieldValue.field_id == field.id))
        if value is not None:
            session.add(CustomFieldValue(account_id=client_id, field_id=field.id, value=value))
