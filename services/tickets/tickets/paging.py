"""Keyset paging for tickets' lists: a page is the rows after a cursor, in the list's one order.

A list is ordered by a key (``(updated_at, id)`` for tickets, ``(last_message_id, id)`` for chat threads, the id for
chat messages, ``(uploaded_at, id)`` for documents), newest first. A cursor is opaque to callers: the key of the last
row of the page before, as URL-safe text. A page asks the database for the rows whose key is below it (an index on
the list's filter columns and its key serves it however deep the page), so it costs the same on page 1 and page 900,
and rows added meanwhile never shift it. A cursor carries no business or account: the list it is used on filters by
the caller's, so a cursor from someone else's list only says where to start in the caller's own.
"""
import base64
import binascii
import json
from datetime import datetime, timezone

from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import Integer, bindparam, true, tuple_

from shared import keyset
from shared.errors import invalid
from shared.fields import MAX_ID, integer_field
from shared.i18n import _
from shared.message_size import MAX_MESSAGE_BYTES

# A page stays within three quarters of a message whatever its rows hold (a subject of 200 emoji takes 2,400 bytes
# as JSON): the rows that fit, and the next page starts after the last of them.
PAGE_BUDGET = MAX_MESSAGE_BYTES * 3 // 4 - 2_048
CURSOR_LENGTH = 120  # a cursor is two values: a time and an id take about 70 characters
TIME, ID = "time", "id"


def cursor_field():
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=CURSOR_LENGTH))


class PageInput(Schema):
    """Which page of a list: ``cursor`` (the ``next`` of the page before, or none) and how many rows."""

    class Meta:
        unknown = RAISE

    cursor = cursor_field()


def page_input(limit_default, limit_max):
    """The PageInput of a list whose pages hold 1 to ``limit_max`` rows, ``limit_default`` unless asked."""
    return PageInput.from_dict({"limit": integer_field(1, limit_max, load_default=limit_default)},
                               name=f"PageInput{limit_max}")


def encode(values):
    """The cursor after a row whose key is ``values``."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor, kinds):
    """The key a cursor names, each value of the kind ``kinds`` says; InvalidInput on ``cursor`` otherwise."""
    if cursor is None:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError("not a key of this list")
        return tuple(_value(value, kind) for value, kind in zip(values, kinds))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", _("This is not a cursor of this list: start again from the first page.")) from None


def _value(value, kind):
    if kind == TIME:
        moment = datetime.fromisoformat(value)  # TypeError or ValueError for anything else
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ValueError("not an id")
    return value


def before(columns, key):
    """Rows whose ``columns`` come after ``key`` in the newest-first order (their key is below it)."""
    if key is None:
        return true()
    if len(columns) == 1:
        return columns[0] < key[0]
    return tuple_(*columns) < tuple_(*key)  # a row value: one range of an index on the key


def built_page(query, columns, keyed):
    """``query``'s page newest first by ``columns``, built once and run with ``page_values``: after the key given as
    parameters when ``keyed``, as many rows as the parameter ``fetch``."""
    if keyed:
        key = [bindparam(f"key_{index}", type_=column.type) for index, column in enumerate(columns)]
        query = query.where(columns[0] < key[0] if len(columns) == 1 else tuple_(*columns) < tuple_(*key))
    return query.order_by(*(column.desc() for column in columns)).limit(bindparam("fetch", type_=Integer))


def page_values(key, limit):
    """The parameters of a ``built_page`` statement: the rows after ``key`` (a decoded cursor), one past ``limit``."""
    return {"fetch": limit + 1, **{f"key_{index}": value for index, value in enumerate(key or ())}}


def cut(rows, limit, key_of, describe, budget=PAGE_BUDGET):
    """``(the page's rows described, the next cursor or None)`` from ``limit + 1`` rows fetched: at most ``limit``
    of them, and no more than fit ``budget`` bytes once described (always one)."""
    described = keyset.fit(rows, limit, describe, budget)
    more = len(rows) > len(described)
    return described, (encode(key_of(rows[len(described) - 1])) if more else None)
