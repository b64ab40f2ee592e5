"""Staff API: announcements to every client or to chosen accounts, shown on the clients' Home, once at their next
sign-in and in their notification feed while live."""
from datetime import date

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import announcements
from gateway.schemas.staff.announcements import AnnouncementInputSchema, AnnouncementSchema
from shared.errors import NotFound

blueprint = ApiBlueprint("announcements", __name__, tag="staff announcements", caller=STAFF)


def as_json(body):
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in body.items()}


@blueprint.get("/announcements")
@blueprint.operation("Every announcement, the newest start first, each with its status",
                     response=AnnouncementSchema(many=True))
def list_announcements():
    return announcements.list_announcements()


@blueprint.post("/announcements")
@blueprint.operation("Publish an announcement (400 with a message on each wrong field: an end before the start, "
                     "`accounts` without `account_ids`, ...); a chosen client not of your business is 404",
                     body=AnnouncementInputSchema, status=201, response=AnnouncementSchema, raises=[NotFound])
def create_announcement(body):
    return announcements.create_announcement(as_json(body)), 201


@blueprint.get("/announcements/<id:announcement_id>")
@blueprint.operation("One announcement", response=AnnouncementSchema, raises=[NotFound])
def get_announcement(announcement_id):
    return announcements.get_announcement(announcement_id)


@blueprint.put("/announcements/<id:announcement_id>")
@blueprint.operation("Change an announcement (the whole of it, as when publishing)", body=AnnouncementInputSchema,
                     response=AnnouncementSchema, raises=[NotFound])
def update_announcement(body, announcement_id):
    return announcements.update_announcement(announcement_id, as_json(body))


@blueprint.delete("/announcements/<id:announcement_id>")
@blueprint.operation("Withdraw an announcement: it leaves Home, the sign-in notice and every feed", status=204,
                     raises=[NotFound])
def withdraw_announcement(announcement_id):
    announcements.withdraw_announcement(announcement_id)
    return "", 204
