"""Keyset paging with opaque cursors: a page is the rows after the last one the caller saw, in the list's one order.

A list is ordered by a unique key (for invoices, ``(issue_date, number)`` newest first). A page asks the database
for the rows whose key comes after the cursor's, so an index on the list's filter columns and its key serves it in
the same few reads on page 1 and page 9,000, and rows added meanwhile never shift or repeat a row already shown.

A cursor is the key of the last row shown plus a check digest over that key and the list's *scope* (the list's
name, the business, and the filters it was made under). The digest is not a secret signature: a cursor grants
nothing, since the list it is used on still filters by the verified caller's business and account. It tells an
edited, truncated or foreign cursor (another list, other filters) from a good one, so that is a 400 on ``cursor``
instead of a page that silently starts somewhere else.
"""
import base64
import binascii
import hashlib
import json
from datetime import date, datetime, timezone

from marshmallow import fields, validate
from sqlalchemy import true, tuple_

from shared.errors import invalid
from shared.fields import MAX_ID
from shared.i18n import N_, _
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size

CURSOR_LENGTH = 120  # a key of two values and the digest take about 50 characters
DIGEST_BYTES = 8
# A page stays within three quarters of a message whatever its rows hold.
PAGE_BUDGET = MAX_MESSAGE_BYTES * 3 // 4 - 2_048
DATE, TIME, ID = "date", "time", "id"
NOT_A_CURSOR = N_("This is not a cursor of this list: start again from the first page.")


def cursor_field():
    """The ``cursor`` a service takes: the ``next`` of the page before, or none for the first page."""
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=CURSOR_LENGTH))


def _digest(plain, scope):
    # The scope's JSON is canonical (sorted keys), so the same filters always give the same digest.
    text = json.dumps([plain, scope], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=DIGEST_BYTES).hexdigest()


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def encode(values, scope):
    """The cursor after a row whose key is ``values``, good only for a list of ``scope``."""
    plain = [_plain(value) for value in values]
    body = json.dumps([plain, _digest(plain, scope)], separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def decode(cursor, kinds, scope):
    """The key a cursor names, each value of the kind ``kinds`` says; InvalidInput on ``cursor`` otherwise."""
    if cursor is None:
        return None
    try:
        if not isinstance(cursor, str) or len(cursor) > CURSOR_LENGTH:
            raise ValueError("too long")
        plain, digest = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(plain, list) or len(plain) != len(kinds) or digest != _digest(plain, scope):
            raise ValueError("not a key of this list")
        return tuple(_value(value, kind) for value, kind in zip(plain, kinds))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", _(NOT_A_CURSOR)) from None


def _value(value, kind):
    if kind == DATE:
        return date.fromisoformat(value)  # TypeError or ValueError for anything else
    if kind == TIME:
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ValueError("not an id")
    return value


def after(columns, key, descending=True):
    """Rows whose ``columns`` come after ``key`` in the list's order (newest first unless ``descending`` is off)."""
    if key is None:
        return true()
    if len(columns) == 1:
        return columns[0] < key[0] if descending else columns[0] > key[0]
    # A row value: PostgreSQL and SQLite both read it as one range of an index on the columns, however many rows
    # share the first column's value (an expanded OR would scan those).
    return tuple_(*columns) < tuple_(*key) if descending else tuple_(*columns) > tuple_(*key)


def fit(rows, limit, describe, budget=PAGE_BUDGET):
    """The first of ``rows`` described: at most ``limit``, and no more than fit ``budget`` bytes (always one)."""
    described, used = [], 0
    for row in rows[:limit]:
        used += encoded_size(item := describe(row)) + 2
        if used > budget and described:
            break
        described.append(item)
    return described


def cut(rows, limit, key_of, describe, scope, budget=PAGE_BUDGET):
    """``(the page's rows described, the next cursor or None)`` from ``limit + 1`` rows fetched (see ``fit``)."""
    described = fit(rows, limit, describe, budget)
    more = len(rows) > len(described)
    return described, (encode(key_of(rows[len(described) - 1]), scope) if more else None)
