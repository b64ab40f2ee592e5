"""Client portal pages, Documents tab: what the business shared and what the client sent, downloads, the upload
form (with the "completely done" box when offered) and the "Done uploading" button when offered."""
from flask import Blueprint, request

from gateway.features import documents
from gateway.files import private_download
from gateway.portal_auth import client_required
from gateway.web.paging import cursor_page
from gateway.web.portal.base import go, page
from shared.errors import InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("documents", __name__)
PAGE_SIZE = 50  # documents a page shows; the API's answer holds up to 200
INPUTS = {"file": (N_("File"), "#document-file"), "title": (N_("Title"), "#document-title"),
          "folder": (N_("Folder"), "#document-folder"), "done": (N_("Completely done"), "#document-done")}
NOTICES = {"sent": N_("Your file was sent. Thank you!"),
           "done": N_("We let the business know you are done uploading.")}


@blueprint.app_context_processor
def documents_tab():
    return {"documents_shown": documents.documents_shown}


def grouped(items):
    """The documents by folder, those without one first, each folder in the order of its newest document."""
    folders = {}
    for item in items:
        folders.setdefault(item["folder"] or "", []).append(item)
    return sorted(folders.items(), key=lambda pair: pair[0] != "")


def render_documents(problems=None, sent=None, status=200):
    data = documents.my_documents(cursor_page(limit=PAGE_SIZE))
    summary = [(INPUTS.get(name, (None, None))[1], f"{_(INPUTS[name][0])}: {text}" if name in INPUTS else text)
               for name, texts in (problems or {}).items() for text in texts]
    notice = request.args.get("notice", "")
    return page("documents.html", status, tab="documents", data=data, folders=grouped(data["documents"]),
                features=data["features"], problems=problems or {}, summary=summary, sent=sent or {},
                notice=_(NOTICES[notice]) if notice in NOTICES else None)


@blueprint.get("/documents")
@client_required
def documents_tab_page():
    return render_documents()


@blueprint.get("/documents/<int:document_id>/file")
@client_required
def document_file(document_id):
    found = documents.my_document_file(document_id)
    return private_download(found["data"], found["content_type"], found["filename"])


@blueprint.post("/documents/upload")
@client_required
def upload():
    try:
        document, data = documents.uploaded_document(allow_done=True, from_page=True)
        documents.upload_my_document(document, data)
    except InvalidInput as error:
        fields = {name.split(".")[0]: texts for name, texts in (error.fields or {"file": [error.message]}).items()}
        if "upload_id" in fields:
            fields["file"] = fields.pop("upload_id")
        return render_documents(fields, {"title": request.form.get("title", ""),
                                         "folder": request.form.get("folder", "")}, status=400)
    return go("portal.documents.documents_tab_page", notice="sent")


@blueprint.post("/documents/done")
@client_required
def done():
    documents.done_uploading()
    return go("portal.documents.documents_tab_page", notice="done")


