"""Staff API: the custom fields kept for every client."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import custom_fields
from gateway.schemas.staff.clients import (NEW_CUSTOM_FIELD_BODY, CustomFieldListSchema, CustomFieldSchema,
                                           NewCustomFieldSchema)
from shared.errors import Conflict

blueprint = ApiBlueprint("custom_fields", __name__, tag="staff custom fields", caller=STAFF)


@blueprint.get("/custom-fields")
@blueprint.operation("The custom fields kept for every client", response=CustomFieldListSchema)
def list_custom_fields():
    return {"items": custom_fields.list_custom_fields()}


@blueprint.post("/custom-fields")
@blueprint.operation("Define a custom field: text, number, date or choice (409 when its key is taken)",
                     body=NewCustomFieldSchema, status=201, response=CustomFieldSchema, raises=[Conflict],
                     requestBody={"content": {"application/json": {"schema": NEW_CUSTOM_FIELD_BODY}}})
def create_custom_field(definition):
    return custom_fields.create_custom_field(definition), 201


@blueprint.delete("/custom-fields/<id:field_id>")
@blueprint.operation("Delete a custom field and every client's value of it", status=204)
def delete_custom_field(field_id):
    custom_fields.delete_custom_field(field_id)
    return "", 204
