"""What accounts prunes: expired sign-in secrets and sessions long unused; never what still works."""
from datetime import timedelta

from sqlalchemy import func, select, update

from accounts.models import ClientSession, SignInToken
from accounts.retention import RULES
from shared.clock import utcnow
from shared.retention import prune


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_old_secrets_and_sessions_go_and_live_ones_stay(accounts, tenant, signed_in):
    db = accounts.db
    accounts.anonymous(tenant).request_login_code({"login": "ann@example.com"}, "10.0.0.7")  # live: kept
    long_ago = utcnow() - timedelta(days=40)
    expired = db.scalars(select(SignInToken.id).where(SignInToken.purpose == "invitation")).all()
    db.execute(update(SignInToken).where(SignInToken.id.in_(expired)).values(expires_at=long_ago))
    db.execute(update(ClientSession).values(last_seen_at=long_ago))
    db.commit()
    tokens_before = count(db, SignInToken)
    db.rollback()  # hand SQLite's one connection to the pruning

    prune(db.get_bind(), [(rule, rule.days()) for rule in RULES])

    db.expire_all()
    assert count(db, SignInToken) == tokens_before - len(expired) and count(db, SignInToken) >= 1
    assert count(db, ClientSession) == 0
