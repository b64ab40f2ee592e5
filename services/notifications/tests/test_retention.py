"""What notifications prunes: old sent or failed messages, old alerts and old read feed items; a pending message never."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.models import Base, FeedItem, Message, StaffAlert
from notifications.retention import RULES
from shared.clock import utcnow
from shared.db import make_engine
from shared.retention import prune


def message(subject, status, days_ago):
    moment = utcnow() - timedelta(days=days_ago)
    return Message(tenant_id=1, kind="payment_receipt", channel="email", recipient="ann@client.example",
                   subject=subject, text="Thanks", status=status, attempts=1, next_attempt_at=moment,
                   created_at=moment)


def test_old_finished_messages_and_old_alerts_go_pending_and_recent_ones_stay(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([message("old sent", "sent", 400), message("old failed", "failed", 400),
                         message("old pending", "pending", 400), message("recent sent", "sent", 10)])
        for days_ago in (400, 10):
            session.add(StaffAlert(tenant_id=1, staff_user_id=1, action="payment", text=f"{days_ago} days",
                                   created_at=utcnow() - timedelta(days=days_ago)))
        session.commit()

    prune(engine, [(rule, rule.days()) for rule in RULES])

    with Session(engine) as session:
        assert sorted(session.scalars(select(Message.subject))) == ["old pending", "recent sent"]
        assert list(session.scalars(select(StaffAlert.text))) == ["10 days"]
    engine.dispose()


def test_old_read_feed_items_go_and_unread_ones_and_announcements_stay(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    old, recent = utcnow() - timedelta(days=400), utcnow() - timedelta(days=10)
    items = {"old read": ("receipt", old, old), "old unread": ("receipt", old, None),
             "recent read": ("receipt", recent, recent), "old read announcement": ("announcement", old, old)}
    with Session(engine) as session:
        session.add_all(FeedItem(tenant_id=1, account_id=1, kind=kind, title=title, source_event_id=title,
                                 created_at=created, read_at=read) for title, (kind, created, read) in items.items())
        session.commit()

    prune(engine, [(rule, rule.days()) for rule in RULES])

    with Session(engine) as session:
        assert sorted(session.scalars(select(FeedItem.title))) == ["old read announcement", "old unread",
                                                                   "recent read"]
    engine.dispose()
