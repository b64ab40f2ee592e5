"""A client's calendar address: a secret token in a URL that a calendar app reads without signing in.

The token is the whole credential, so only its SHA-256 is stored; it is shown once, when it is made. An account
has at most one live address: making a new one revokes the old, and revoking ends it. Reading a feed finds it by
the hash of the token (a unique index: nothing about the token itself is compared in the database), then checks
the hash again in constant time; a revoked or unknown token, or one of the wrong shape, is simply not found.
Plain functions over a session; the caller commits.
"""
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select, update

from billing import local_time
from billing.field_models import CalendarFeed, Visit
from billing.models import Job
from shared.clock import iso_utc, utcnow
from shared.errors import NotFound
from shared.i18n import N_, _

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes
FEED_LIMIT = 60  # visits in one feed: twelve weeks of several jobs, under a message's size with every text long
NOTES_IN_FEED = 300
NOT_FOUND = N_("No such calendar.")


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token):
    return isinstance(token, str) and TOKEN_SHAPE.fullmatch(token) is not None


def live_feed(session, tenant_id, account_id):
    return session.scalar(select(CalendarFeed).where(
        CalendarFeed.tenant_id == tenant_id, CalendarFeed.account_id == account_id,
        CalendarFeed.revoked_at.is_(None)).order_by(CalendarFeed.id.desc()).limit(1))


def revoke(session, tenant_id, account_id):
    """End every live address of the account; return how many there were."""
    result = session.execute(update(CalendarFeed).where(
        CalendarFeed.tenant_id == tenant_id, CalendarFeed.account_id == account_id,
        CalendarFeed.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return result.rowcount


def make(session, tenant_id, account_id, portal_user_id, business_name):
    """A new address for the account (the old one, if any, stops working); return its token, once."""
    revoke(session, tenant_id, account_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    name = business_name[:200] if isinstance(business_name, str) else ""
    feed = CalendarFeed(tenant_id=tenant_id, account_id=account_id, token_hash=token_hash(token),
                        business_name=name, created_by=portal_user_id, created_at=utcnow())
    session.add(feed)
    session.flush()
    return token, feed


def status(feed):
    """What the client's page says about the account's address (never the token: it is not kept)."""
    return {"active": feed is not None, "created_at": iso_utc(feed.created_at) if feed else None}


def find_by_token(session, token):
    """The live feed ``token`` opens; NotFound for anything else."""
    if not well_formed(token):
        raise NotFound(_(NOT_FOUND))
    wanted = token_hash(token)
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == wanted))
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted) or feed.revoked_at is not None:
        raise NotFound(_(NOT_FOUND))
    return feed


def feed_event(visit, job, settings):
    event = {"uid": f"visit-{visit.id}@portico", "title": job.title, "scheduled_on": visit.scheduled_on.isoformat(),
             "window_start": visit.window_start.strftime("%H:%M") if visit.window_start else None,
             "window_end": visit.window_end.strftime("%H:%M") if visit.window_end else None,
             "updated_at": iso_utc(visit.updated_at or visit.created_at)}
    if settings["show_service_notes"]:
        event["notes"] = visit.notes[:NOTES_IN_FEED] if visit.notes else None
    return event


def feed(session, feed_row, settings, now=None):
    """The account's upcoming scheduled visits for its calendar; not found while the business hides them."""
    if not settings["show_scheduled_visits"]:
        raise NotFound(_(NOT_FOUND))
    today = local_time.today(settings, now)
    rows = session.execute(
        select(Visit, Job).join(Job, Job.id == Visit.job_id)
        .where(Visit.tenant_id == feed_row.tenant_id, Visit.account_id == feed_row.account_id,
               Visit.status == "scheduled", Visit.scheduled_on >= today)
        .order_by(Visit.scheduled_on, Visit.window_start, Visit.id).limit(FEED_LIMIT)).all()
    return {"business_name": feed_row.business_name, "time_zone": settings["time_zone"],
            "events": [feed_event(visit, job, settings) for visit, job in rows]}
