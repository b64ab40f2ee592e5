"""Staff API: the custom fields kept for every client."""
from gateway.api.blueprints import ApiBlueprint, staff_required
from gateway.features import custom_fields
from gateway.schemas.staff.clients import CustomFieldListSchema, CustomFieldSchema, NewCustomFieldSchema
from shared.errors import Conflict

blueprint = ApiBlueprint("custom_fields", __name__, tag="staff custom fields")


@blueprint.get("/custom-fields")
@staff_required
@blueprint.doc(summary="The custom fields kept for every client")
@blueprint.answers(200, CustomFieldListSchema)
def list_custom_fields():
    return {"items": custom_fields.list_custom_fields()}


@blueprint.post("/custom-fields")
@staff_required
@blueprint.doc(summary="Define a custom field: text, number, date or choice (409 when its key is taken)")
@blueprint.body(NewCustomFieldSchema)
@blueprint.answers(201, CustomFieldSchema)
@blueprint.raises(Conflict)
def create_custom_field(definition):
    return custom_fields.create_custom_field(definition), 201


@blueprint.delete("/custom-fields/<id:field_id>")
@staff_required
@blueprint.doc(summary="Delete a custom field and every client's value of it")
@blueprint.answers(204)
def delete_custom_field(field_id):
    custom_fields.delete_custom_field(field_id)
    return "", 204
