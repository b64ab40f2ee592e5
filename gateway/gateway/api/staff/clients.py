"""Staff API: clients and their related properties, with their custom field values."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import clients
from gateway.schemas.staff.clients import (CUSTOM_FIELD_VALUES_BODY, ClientChangesSchema, ClientListArgsSchema,
                                           ClientPageSchema, ClientSchema, CustomFieldValuesSchema, NewClientSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("clients", __name__, tag="staff clients", caller=STAFF)


@blueprint.get("/clients")
@blueprint.operation("List clients and related properties, 50 a page", query=ClientListArgsSchema,
                     response=ClientPageSchema)
def list_clients(args):
    return clients.list_clients(args["q"], args["without_portal"], args["page"])


@blueprint.post("/clients")
@blueprint.operation("Add a client; with parent_id, a related property of that account (404 when there is no such "
                     "account)", body=NewClientSchema, status=201, response=ClientSchema, raises=[NotFound])
def create_client(client):
    return clients.create_client(client), 201


@blueprint.get("/clients/<id:client_id>")
@blueprint.operation("One client with its related properties, portal user and custom field values",
                     response=ClientSchema)
def get_client(client_id):
    return clients.find_client(client_id)


@blueprint.patch("/clients/<id:client_id>")
@blueprint.operation("Change a client's contact details; invalid values change nothing", body=ClientChangesSchema,
                     response=ClientSchema)
def update_client(changes, client_id):
    return clients.change_client(client_id, changes)


@blueprint.put("/clients/<id:client_id>/custom-fields")
@blueprint.operation("Set some of a client's custom field values, checked against each field's type; one bad value "
                     "changes nothing", body=CustomFieldValuesSchema, response=ClientSchema,
                     requestBody={"content": {"application/json": {"schema": CUSTOM_FIELD_VALUES_BODY}}})
def set_custom_field_values(values, client_id):
    return clients.set_custom_field_values(client_id, values)
