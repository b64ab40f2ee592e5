"""What accounts deletes once it has served (shared.retention): spent sign-in secrets and old sessions.

Sign-in secrets are stored as hashes only; these rules bound how long even those are kept. Throttling
counters go when their window ends (accounts/throttling.py prunes them).
"""
from accounts.models import ClientSession, SignInToken, StaffSession
from shared.retention import Rule

RULES = (
    # Days after a code or link expired (used or not): it can no longer be used by then.
    Rule("expired sign-in codes and links", SignInToken.__table__, "expires_at", "SIGN_IN_TOKEN_RETENTION_DAYS", 30),
    # Days after a session was last used: past its idle and absolute limits long before.
    Rule("staff sessions", StaffSession.__table__, "last_seen_at", "SESSION_RETENTION_DAYS", 30),
    Rule("client sessions", ClientSession.__table__, "last_seen_at", "SESSION_RETENTION_DAYS", 30),
)
