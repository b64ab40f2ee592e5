"""The notifications service's entrypoints for the client's notification feed (a mixin of NotificationsService,
which provides ``db`` and ``ctx``). Every call acts on the account the client's passport names, never on an id
the caller sends: an item id that is not that account's is NotFound."""
from notifications import announcements, feed
from notifications.announcement_schemas import FeedArgsSchema, FeedReadSchema
from shared.batch import batchable
from shared.context import client_account, tenant_rpc
from shared.validation import load_or_raise


class FeedEntrypoints:

    def _my_feed_account(self, catch_up=False):
        tenant_id, account_id = client_account(self.ctx)
        if catch_up:
            missing = feed.missing_announcements(self.db, tenant_id, account_id, announcements.today())
            if missing:  # most reads find the feed caught up: then nothing is written
                feed.catch_up_announcements(self.db, tenant_id, account_id, missing)
                self.db.commit()
        return tenant_id, account_id

    @batchable
    @tenant_rpc
    def my_feed(self, limit=20, before_id=None):
        """``{"items", "next", "unread"}``: the account's feed, newest first, ``limit`` items older than
        ``before_id`` (``next``: the ``before_id`` of the page after, None on the last)."""
        args = load_or_raise(FeedArgsSchema, {"limit": limit, "before_id": before_id})
        tenant_id, account_id = self._my_feed_account(catch_up=args["before_id"] is None)
        return feed.page(self.db, tenant_id, account_id, args["limit"], args["before_id"])

    @batchable
    @tenant_rpc
    def my_feed_unread_count(self):
        """How many of the account's feed items are unread (an integer)."""
        tenant_id, account_id = self._my_feed_account(catch_up=True)
        return feed.unread_count(self.db, tenant_id, account_id)

    @tenant_rpc
    def mark_feed_read(self, item_ids):
        """Mark some of the account's items read; ``{"marked", "unread"}``."""
        tenant_id, account_id = client_account(self.ctx)
        ids = load_or_raise(FeedReadSchema, {"item_ids": item_ids})["item_ids"]
        marked = feed.mark_read(self.db, tenant_id, account_id, ids)
        self.db.commit()
        return {"marked": marked, "unread": feed.unread_count(self.db, tenant_id, account_id)}

    @tenant_rpc
    def mark_all_feed_read(self):
        tenant_id, account_id = client_account(self.ctx)
        marked = feed.mark_all_read(self.db, tenant_id, account_id)
        self.db.commit()
        return {"marked": marked, "unread": 0}
