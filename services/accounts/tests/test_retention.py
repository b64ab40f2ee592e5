"""What accounts prunes: expired sign-in secrets, sessions long unused, old failed sign-ins; never what still works."""
from datetime import timedelta

from sqlalchemy import func, select, update

from accounts.models import ClientSession, SignInFailure, SignInToken
from accounts.retention import RULES
from shared.clock import utcnow
from shared.retention import prune


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_old_secrets_sessions_and_failures_go_and_live_ones_stay(accounts, tenant, signed_in):
    db = accounts.db
    accounts.anonymous(tenant).request_login_code({"login": "ann@example.com"}, "10.0.0.7")  # live: kept
    long_ago = utcnow() - timedelta(days=40)
    expired = db.scalars(select(SignInToken.id).where(SignInToken.purpose == "invitation")).all()
    db.execute(update(SignInToken).where(SignInToken.id.in_(expired)).values(expires_at=long_ago))
    db.execute(update(ClientSession).values(last_seen_at=long_ago))
    db.add(SignInFailure(key="old", at=utcnow() - timedelta(days=2)))
    db.add(SignInFailure(key="recent", at=utcnow()))
    db.commit()
    tokens_before, failures_before = count(db, SignInToken), count(db, SignInFailure)
    db.rollback()  # hand SQLite's one connection to the pruning

    prune(db.get_bind(), [(rule, rule.days()) for rule in RULES])

    db.expire_all()
    assert count(db, SignInToken) == tokens_before - len(expired) and count(db, SignInToken) >= 1
    assert count(db, ClientSession) == 0
    assert count(db, SignInFailure) == failures_before - 1
    assert db.scalar(select(SignInFailure.key).where(SignInFailure.key == "recent")) == "recent"
