"""Chat threads: a conversation on one topic between a client account and the business.

Plain rules over a session, no nameko. A thread belongs to one account of one business; every query
filters by both (a client) or by the business (its staff). Each side has a read marker: the id of the
last message it has seen; the other side's messages after it are that side's unread ones.
"""
import functools

from sqlalchemy import bindparam, func, select

from shared.clock import utcnow
from shared.errors import NotFound, PermissionDenied
from shared.fields import MAX_ID
from shared.i18n import _
from tickets import paging
from tickets.models import ChatMessage, ChatThread

CLIENT, STAFF = "client", "staff"
EXCERPT_LENGTH = 300
MESSAGES_PER_PAGE = 200  # the newest messages shown with a thread; older ones a page at a time
THREADS_PER_PAGE, THREADS_MAX = 50, 100
THREAD_ORDER = (ChatThread.last_message_id, ChatThread.id)  # newest activity first
SINCE_LIMIT = 100


def _other(side):
    return STAFF if side == CLIENT else CLIENT


def _unread_filter(side):
    """Messages of the other side after ``side``'s read marker."""
    marker = ChatThread.client_read_id if side == CLIENT else ChatThread.staff_read_id
    return (ChatMessage.thread_id == ChatThread.id, ChatMessage.author_kind == _other(side), ChatMessage.id > marker)


def find_thread(session, tenant_id, thread_id, account_id=None):
    """The business's thread ``thread_id`` (for a client: only one of their account); NotFound otherwise."""
    valid = isinstance(thread_id, int) and not isinstance(thread_id, bool) and 0 < thread_id <= MAX_ID
    thread = session.get(ChatThread, thread_id) if valid else None
    if thread is None or thread.tenant_id != tenant_id or (account_id is not None and thread.account_id != account_id):
        raise NotFound(_("No such chat thread."))
    return thread


def start_thread(session, tenant_id, account_id, side, author_id, subject, body, client_name=None):
    """Open a thread for ``account_id`` (named ``client_name`` by accounts) with its first message; return
    ``(thread, message)``."""
    moment = utcnow()
    thread = ChatThread(tenant_id=tenant_id, account_id=account_id, subject=subject, started_by=side,
                        created_at=moment, last_message_id=0, last_message_at=moment, client_read_id=0,
                        staff_read_id=0, client_name=client_name)
    session.add(thread)
    session.flush()
    return thread, add_message(session, thread, side, author_id, body)


def add_message(session, thread, side, author_id, body):
    """Add ``body`` to ``thread`` by ``side``; the author has read everything up to their own message."""
    message = ChatMessage(tenant_id=thread.tenant_id, thread_id=thread.id, author_kind=side, author_id=author_id,
                          body=body, created_at=utcnow())
    session.add(message)
    session.flush()
    thread.last_message_id, thread.last_message_at = message.id, message.created_at
    _mark_read(thread, side, message.id)
    return message


def refuse_client_start(settings):
    if not settings["allow_new_chat_threads"]:
        raise PermissionDenied(_("This business does not take new chats; reply in a conversation its team started."),
                               {"subject": [_("New chats are turned off; reply in an existing conversation.")]})


def _mark_read(thread, side, message_id):
    """Move ``side``'s read marker up to ``message_id``; return whether it moved."""
    name = "client_read_id" if side == CLIENT else "staff_read_id"
    if (getattr(thread, name) or 0) >= message_id:
        return False
    setattr(thread, name, message_id)
    return True


def mark_read(thread, side):
    """``side`` has now seen everything in ``thread``; return whether that is news (something to commit)."""
    return _mark_read(thread, side, thread.last_message_id)


def messages(session, thread, after_id=0, limit=MESSAGES_PER_PAGE, cursor=None):
    """``(messages, next)``: the newest ``limit`` messages of ``thread`` after ``after_id`` and before ``cursor``,
    oldest first, and the cursor of the page of older ones (None when there are none)."""
    key = paging.decode(cursor, (paging.ID,))
    rows = session.scalars(select(ChatMessage).where(ChatMessage.thread_id == thread.id, ChatMessage.id > after_id,
                                                     paging.before((ChatMessage.id,), key))
                           .order_by(ChatMessage.id.desc()).limit(limit + 1)).all()
    shown, next_cursor = paging.cut(rows, limit, lambda row: (row.id,), describe_message)
    return list(reversed(shown)), next_cursor


def unread_counts(session, thread_ids, side):
    """``{thread_id: unread}`` for ``side`` over ``thread_ids`` (threads with none are left out)."""
    if not thread_ids:
        return {}
    rows = session.execute(select(ChatMessage.thread_id, func.count(ChatMessage.id)).join(
        ChatThread, ChatThread.id == ChatMessage.thread_id).where(
        ChatThread.id.in_(thread_ids), *_unread_filter(side)).group_by(ChatMessage.thread_id))
    return dict(rows.all())


def total_unread(session, tenant_id, side, account_id=None):
    """How many of the other side's messages ``side`` has not seen, over all the threads it sees."""
    values = {"tenant_id": tenant_id, **({"account_id": account_id} if account_id is not None else {})}
    return session.connection().execute(_total_unread_statement(side, account_id is not None), values).scalar() or 0


@functools.cache
def _total_unread_statement(side, of_an_account):
    """Built once: the portal's tab bar shows the client's count on every page."""
    query = select(func.count(ChatMessage.id)).join(ChatThread, ChatThread.id == ChatMessage.thread_id).where(
        ChatThread.tenant_id == bindparam("tenant_id"), *_unread_filter(side))
    return query.where(ChatThread.account_id == bindparam("account_id")) if of_an_account else query


def list_threads(session, tenant_id, side, page, account_id=None, unread_only=False):
    """A page (``{cursor, limit}``) of threads, newest activity first, each with its unread count for ``side``:
    ``(threads, total there are, next cursor)``."""
    query = select(ChatThread).where(ChatThread.tenant_id == tenant_id)
    if account_id is not None:
        query = query.where(ChatThread.account_id == account_id)
    if unread_only:
        query = query.where(select(ChatMessage.id).where(*_unread_filter(side)).exists())
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    key = paging.decode(page["cursor"], (paging.ID, paging.ID))
    rows = session.scalars(query.where(paging.before(THREAD_ORDER, key))
                           .order_by(*(column.desc() for column in THREAD_ORDER)).limit(page["limit"] + 1)).all()
    unread = unread_counts(session, [thread.id for thread in rows[:page["limit"]]], side)
    threads, next_cursor = paging.cut(rows, page["limit"], lambda row: (row.last_message_id, row.id),
                                      lambda thread: describe_thread(thread, unread.get(thread.id, 0)))
    return threads, total, next_cursor


def describe_thread(thread, unread):
    return {"id": thread.id, "account_id": thread.account_id, "subject": thread.subject,
            "started_by": thread.started_by, "created_at": thread.created_at.isoformat(),
            "last_message_at": thread.last_message_at.isoformat(), "last_message_id": thread.last_message_id,
            "unread": unread}


def describe_message(message):
    return {"id": message.id, "author_kind": message.author_kind, "author_id": message.author_id,
            "body": message.body, "created_at": message.created_at.isoformat()}


def event_data(thread, message, new_thread, actor):
    return {"thread_id": thread.id, "message_id": message.id, "account_id": thread.account_id,
            "subject": thread.subject, "author_kind": message.author_kind, "author_id": message.author_id,
            "excerpt": message.body[:EXCERPT_LENGTH], "new_thread": new_thread, "actor": actor,
            "client_name": thread.client_name}

