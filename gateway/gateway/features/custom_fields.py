"""The custom fields the business keeps for every client."""
from gateway.services import rpc, with_id
from shared.i18n import _


def list_custom_fields():
    return rpc().call("accounts", "list_custom_fields")


def find_custom_field(field_id):
    """Return the business's custom field ``field_id``; another id is simply not found."""
    return with_id(list_custom_fields(), field_id, _("No such custom field."))


def create_custom_field(definition):
    return rpc().call("accounts", "create_custom_field", definition)


def delete_custom_field(field_id):
    """Delete a custom field and every client's value of it."""
    rpc().call("accounts", "delete_custom_field", field_id)
