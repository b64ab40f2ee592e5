"""Documents API schemas, for staff and clients: what a document looks like and what an upload sends."""
from marshmallow import Schema, fields

from gateway.features.documents import FOLDER
from gateway.schemas.common import NEXT, page_args
from shared.fields import TRIMMED

UPLOAD_FIELDS = {
    "file": {"type": "string", "format": "binary",
             "description": "The file, at most 10 MB: a PDF, a PNG, JPEG, GIF or WebP image (re-encoded), a Word, "
                            "Excel or PowerPoint file (.docx, .xlsx, .pptx, no macros) or plain text (UTF-8). "
                            "Its content decides, never its name."},
    "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": TRIMMED.regex.pattern,
              "description": "What the document is called; no spaces around it. Defaults to the file's name."},
    "folder": {"type": "string", "maxLength": 100, "pattern": FOLDER.regex.pattern,
               "description": "An optional folder to file it under; no spaces around it."},
}
DONE_FIELD = {"done": {"type": "string", "enum": ["true", "on", "1", "false", ""],
                       "description": "\"I'm completely done uploading\": only when the business offers the box."}}


def upload_body(with_done):
    properties = {**UPLOAD_FIELDS, **(DONE_FIELD if with_done else {})}
    return {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": properties, "additionalProperties": False}}}}


# Every kind a document can be (tickets/document_files.py), always sent as an attachment with nosniff.
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/vnd.openxmlformats-officedocument.presentationml.presentation")
FILE_ANSWER = {200: {"description": "The file, as an attachment (Content-Disposition) with X-Content-Type-Options: "
                                    "nosniff and the content type its content showed",
                     "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in FILE_TYPES}}}


class UploaderSchema(Schema):
    kind = fields.String(metadata={"description": "`staff` or `client`."})
    id = fields.Integer(allow_none=True, metadata={"description": "The staff member's or portal user's id."})
    name = fields.String(allow_none=True, metadata={
        "description": "Their name when they uploaded it, as the business's records had it; null for older ones."})


class DocumentSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    folder = fields.String(allow_none=True)
    filename = fields.String(metadata={"description": "The name it downloads as."})
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "Bytes."})
    uploaded_at = fields.String(metadata={"description": "ISO 8601, UTC."})
    shared_by = fields.String(metadata={"description": "`business` or `client`."})


class StaffDocumentSchema(DocumentSchema):
    account_id = fields.Integer()
    uploaded_by = fields.Nested(UploaderSchema)


class DoneUploadingStateSchema(Schema):
    at = fields.String(metadata={"description": "When the client said they had sent everything (ISO 8601, UTC)."})
    portal_user_id = fields.Integer(allow_none=True)
    portal_user_name = fields.String(allow_none=True)


MORE = "True when there are older documents: ask for them with `next`."


class AccountDocumentsSchema(Schema):
    documents = fields.List(fields.Nested(StaffDocumentSchema), metadata={"description": "Newest first."})
    more = fields.Boolean(metadata={"description": MORE})
    next = fields.String(allow_none=True, metadata=NEXT)
    done_uploading = fields.Nested(DoneUploadingStateSchema, allow_none=True)


class DocumentFeaturesSchema(Schema):
    allow_client_uploads = fields.Boolean()
    done_uploading_button = fields.Boolean()
    done_uploading_checkbox = fields.Boolean()


class MyDocumentsSchema(Schema):
    documents = fields.List(fields.Nested(DocumentSchema), metadata={"description": "Newest first."})
    more = fields.Boolean(metadata={"description": MORE})
    next = fields.String(allow_none=True, metadata=NEXT)
    done_uploading = fields.Nested(DoneUploadingStateSchema, allow_none=True)
    features = fields.Nested(DocumentFeaturesSchema, metadata={"description": "What the business allows."})


MyDocumentsArgsSchema = page_args(200, 200)


class DoneUploadingSchema(Schema):
    done_uploading = fields.Nested(DoneUploadingStateSchema)
