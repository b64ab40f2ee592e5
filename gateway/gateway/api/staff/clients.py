"""Staff API: clients and their related properties, with their custom field values."""
from gateway.api.blueprints import ApiBlueprint, staff_required
from gateway.features import clients
from gateway.schemas.staff.clients import (CUSTOM_FIELD_VALUES_BODY, ClientChangesSchema, ClientListArgsSchema,
                                           ClientPageSchema, ClientSchema, CustomFieldValuesSchema, NewClientSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("clients", __name__, tag="staff clients")


@blueprint.get("/clients")
@staff_required
@blueprint.doc(summary="List clients and related properties, 50 a page")
@blueprint.query(ClientListArgsSchema)
@blueprint.answers(200, ClientPageSchema)
def list_clients(args):
    return clients.list_clients(args["q"], args["without_portal"], args["page"])


@blueprint.post("/clients")
@staff_required
@blueprint.doc(summary="Add a client; with parent_id, a related property of that account (404 when there is "
                       "no such account)")
@blueprint.body(NewClientSchema)
@blueprint.answers(201, ClientSchema)
@blueprint.raises(NotFound)
def create_client(client):
    return clients.create_client(client), 201


@blueprint.get("/clients/<id:client_id>")
@staff_required
@blueprint.doc(summary="One client with its related properties, portal user and custom field values")
@blueprint.answers(200, ClientSchema)
def get_client(client_id):
    return clients.find_client(client_id)


@blueprint.patch("/clients/<id:client_id>")
@staff_required
@blueprint.doc(summary="Change a client's contact details; invalid values change nothing")
@blueprint.body(ClientChangesSchema)
@blueprint.answers(200, ClientSchema)
def update_client(changes, client_id):
    return clients.change_client(client_id, changes)


@blueprint.put("/clients/<id:client_id>/custom-fields")
@staff_required
@blueprint.doc(summary="Set some of a client's custom field values, checked against each field's type; "
                       "one bad value changes nothing",
               requestBody={"content": {"application/json": {"schema": CUSTOM_FIELD_VALUES_BODY}}})
@blueprint.body(CustomFieldValuesSchema)
@blueprint.answers(200, ClientSchema)
def set_custom_field_values(values, client_id):
    return clients.set_custom_field_values(client_id, values)
