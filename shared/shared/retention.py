"""Retention: rows that have done their work are deleted after a while, in every service.

Each service prunes, on a timer, the outbox rows sent more than ``OUTBOX_RETENTION_DAYS`` ago and
the processed-event (inbox) rows older than ``PROCESSED_EVENTS_RETENTION_DAYS``; a service adds its
own rules (``retention_rules`` on the service class: spent sign-in secrets, old sessions, sent
messages...). A rule's days come from its environment variable; ``forever`` keeps its rows.
Rows still at work are never touched: an unsent outbox row has no ``sent_at``, and a rule's
``only`` condition narrows it further (say, messages no longer pending).
What is kept, and for how long: docs/security.md.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import eventlet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.config import env
from shared.db import service_engine
from shared.loops import BackgroundLoop

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 3600
BATCH = 1000
FOREVER = "forever"


@dataclass(frozen=True)
class Rule:
    """Delete rows of ``table`` whose ``column`` (a time) is older than the rule's days, and ``only`` allows."""

    name: str
    table: object  # a Table, or a model's __table__
    column: str
    variable: str  # the environment variable with the days
    default_days: float
    only: Callable | None = None  # (table) -> a further condition

    def days(self):
        """The days from the environment (None keeps the rows for ever); a bad value is a start-up error."""
        value = env(self.variable, str(self.default_days)).strip().lower()
        if value == FOREVER:
            return None
        try:
            days = float(value)
        except ValueError:
            days = -1
        if days < 0:
            raise ValueError(f"{self.variable} must be a number of days (0 or more) or '{FOREVER}', not {value!r}")
        return days


def platform_rules(tables):
    """The rules of every service: its outbox and its processed events."""
    return (Rule("sent events", tables.outbox, "sent_at", "OUTBOX_RETENTION_DAYS", 7),
            Rule("processed events", tables.processed_events, "processed_at", "PROCESSED_EVENTS_RETENTION_DAYS", 30))


def prune_rule(session, rule, days, now, batch=BATCH):
    """Delete up to ``batch`` rows that ``rule`` lets go of at ``now``; return how many went."""
    table = rule.table
    condition = table.c[rule.column] < now - timedelta(days=days)
    if rule.only is not None:
        condition = condition & rule.only(table)
    ids = session.scalars(select(table.c.id).where(condition).order_by(table.c.id).limit(batch)).all()
    if ids:
        session.execute(delete(table).where(table.c.id.in_(ids)))
    return len(ids)


def prune(engine, rules_with_days, now=None, batch=BATCH):
    """Apply each (rule, days) once, a batch each; return True while some rule has more to delete."""
    now = now or utcnow()
    more = False
    for rule, days in rules_with_days:
        if days is None:
            continue
        with Session(engine) as session, session.begin():
            deleted = prune_rule(session, rule, days, now, batch)
        if deleted:
            log.info("retention: deleted %d %s older than %g days", deleted, rule.name, days)
        more = more or deleted == batch
        eventlet.sleep(0)  # let the service's workers in between batches
    return more


class Retention(BackgroundLoop):
    """Prune the service's rows every ``RETENTION_INTERVAL_SECONDS`` (an hour), and once at start."""

    def __init__(self):
        super().__init__(poll_seconds=DEFAULT_INTERVAL_SECONDS, max_backoff=60.0)
        self.engine = None
        self.rules = ()

    def setup(self):
        service_cls = self.container.service_cls
        rules = platform_rules(service_cls.tables) + tuple(getattr(service_cls, "retention_rules", ()))
        self.rules = tuple((rule, rule.days()) for rule in rules)
        self.poll_seconds = env("RETENTION_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS, float)
        self.engine = service_engine(self.container)

    def work_once(self):
        return prune(self.engine, self.rules)
