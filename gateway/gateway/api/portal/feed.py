"""Client portal API: the account's notification feed (newest first, unread count, marking read) and the
business's announcements live for the account, with the sign-in notice to dismiss."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import announcements, feed
from gateway.schemas.portal.feed import (ClientAnnouncementsSchema, FeedArgsSchema, FeedPageSchema, FeedReadResultSchema,
                                         FeedReadSchema, FeedUnreadSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("feed", __name__, tag="portal notifications", caller=CLIENT)


@blueprint.get("/feed")
@blueprint.operation("A page of the account's notifications, newest first (`next` is the `before_id` of the page "
                     "after), with the unread count", query=FeedArgsSchema, response=FeedPageSchema)
def list_feed(args):
    return feed.my_feed(args["limit"], args["before_id"])


@blueprint.get("/feed/unread")
@blueprint.operation("How many of the account's notifications are unread", response=FeedUnreadSchema)
def feed_unread():
    return {"unread": feed.unread_count()}


@blueprint.post("/feed/read")
@blueprint.operation("Mark some notifications read; an id that is not one of the account's is 404 and changes "
                     "nothing", body=FeedReadSchema, response=FeedReadResultSchema, raises=[NotFound])
def mark_feed_read(body):
    return feed.mark_read(body["item_ids"])


@blueprint.post("/feed/read-all")
@blueprint.operation("Mark every notification of the account read", response=FeedReadResultSchema)
def mark_all_feed_read():
    return feed.mark_all_read()


@blueprint.get("/announcements")
@blueprint.operation("The announcements live today for the account, and the sign-in notice not yet dismissed",
                     response=ClientAnnouncementsSchema)
def list_announcements():
    return announcements.my_announcements()


@blueprint.post("/announcements/<id:announcement_id>/dismiss")
@blueprint.operation("Dismiss an announcement's sign-in notice (for you, not for others of the account)",
                     raises=[NotFound], status=204)
def dismiss_announcement(announcement_id):
    announcements.dismiss_notice(announcement_id)
    return "", 204
