"""One mobile number per client: sign-in codes go to the account's ``mobile_phone`` (the Account tab's and the staff's
"Mobile phone"), and the portal user's own ``phone``, where they went before, is dropped.

A portal user's number moves to their own account (a main account of which they are the first portal user, the
oldest if several) where that account has no mobile number yet; where it has one, that one stays: it is the number
the client saw on their Account tab as "Mobile phone". Mobile numbers written in international form (+ and the
country code) are kept in E.164 form from now on (``+1 555 010 0199`` becomes ``+15550100199``); others stay as they
are and the client or staff are asked for the country code at the next edit.

Revision ID: 0007_mobile_for_codes
Revises: 0006
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0007_mobile_for_codes"
down_revision = "0006"
branch_labels = None
depends_on = None

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
SEPARATORS = re.compile(r"[ ().-]")

accounts = sa.table("client_accounts", sa.column("id", sa.Integer), sa.column("parent_id", sa.Integer),
                    sa.column("mobile_phone", sa.String))
users = sa.table("portal_users", sa.column("id", sa.Integer), sa.column("phone", sa.String))
links = sa.table("portal_links", sa.column("portal_user_id", sa.Integer), sa.column("account_id", sa.Integer))


def e164(number):
    """``number`` in E.164 form when it is written in international form, else as it is."""
    compact = SEPARATORS.sub("", number or "")
    return compact if E164.fullmatch(compact) else number


def own_accounts(connection):
    """{portal user id: their own account's id}: the oldest main account of which they are the first portal user."""
    first_users = dict(connection.execute(
        sa.select(links.c.account_id, sa.func.min(links.c.portal_user_id)).group_by(links.c.account_id)).all())
    main = set(connection.scalars(sa.select(accounts.c.id).where(accounts.c.parent_id.is_(None))).all())
    own = {}
    for account_id, user_id in sorted(first_users.items()):
        if account_id in main:
            own.setdefault(user_id, account_id)
    return own


def upgrade():
    connection = op.get_bind()
    mobiles = dict(connection.execute(sa.select(accounts.c.id, accounts.c.mobile_phone)).all())
    for account_id, number in mobiles.items():
        if number and e164(number) != number:
            connection.execute(accounts.update().where(accounts.c.id == account_id).values(mobile_phone=e164(number)))
    phones = dict(connection.execute(sa.select(users.c.id, users.c.phone).where(users.c.phone.is_not(None))).all())
    for user_id, account_id in own_accounts(connection).items():
        if phones.get(user_id) and not mobiles.get(account_id):
            connection.execute(accounts.update().where(accounts.c.id == account_id)
                               .values(mobile_phone=e164(phones[user_id])))
    # ALTER TABLE ... DROP COLUMN on both backends (SQLite 3.35+): a batch copy of the table would trip the
    # foreign keys of the links pointing at it.
    op.drop_column("portal_users", "phone")


def downgrade():
    op.add_column("portal_users", sa.Column("phone", sa.String(32)))
    connection = op.get_bind()
    mobiles = dict(connection.execute(sa.select(accounts.c.id, accounts.c.mobile_phone)).all())
    for user_id, account_id in own_accounts(connection).items():
        if mobiles.get(account_id):
            connection.execute(users.update().where(users.c.id == user_id).values(phone=mobiles[account_id]))
