"""Two-step sign-in for staff: a TOTP secret set up from an authenticator app, and single-use recovery codes.

The secret is shown only while it is being set up; once confirmed no call returns it. It rests sealed
(``box``: accounts/secret_box.py), bound to its staff member. A code is taken at
most once: the time step it was accepted for is kept, and a code of that step or an earlier one is refused.
Wrong codes count against the staff member and the address (accounts/throttling.py, the code-check buckets).
"""
import hashlib
import secrets

import pyotp
from sqlalchemy import delete, select

from accounts import throttling
from accounts.models import StaffRecoveryCode
from accounts.passwords import require_current_password
from shared.clock import utcnow
from shared.errors import Conflict, PermissionDenied, Unauthenticated, invalid
from shared.i18n import N_, _

ISSUER = "Portico"
RECOVERY_CODES = 10
WRONG_CODE = N_("That code is not correct.")


def _binding(user):
    """What a TOTP secret is sealed for: this staff member's, so a copy in another row does not open."""
    return ["staff-totp", user.id]


def enabled(user):
    return user.totp_secret is not None


def begin(user, box):
    """Return the secret being set up for ``user`` (a new one if none is), as text and as an otpauth URI."""
    if enabled(user):
        raise Conflict(_("Two-step sign-in is already on."))
    if user.totp_pending_secret:
        secret = box.open(user.totp_pending_secret, _binding(user))
    else:
        secret = pyotp.random_base32()
        user.totp_pending_secret = box.seal(secret, _binding(user))
    totp = pyotp.TOTP(secret)
    return {"secret": secret, "otpauth_uri": totp.provisioning_uri(name=user.email, issuer_name=ISSUER)}


def confirm(session, user, code, address, box):
    """Turn two-step sign-in on when ``code`` comes from the secret being set up; return new recovery codes."""
    if enabled(user) or not user.totp_pending_secret:
        raise Conflict(_("Start setting up two-step sign-in first."))
    with throttling.attempt(session, throttling.CODE_CHECK, _buckets(user, address)):
        step = accepted_step(box.open(user.totp_pending_secret, _binding(user)), code, None)
        if step is None:
            raise invalid("code", _(WRONG_CODE))
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = user.totp_pending_secret, None, step
    return new_recovery_codes(session, user)


def check(session, user, code, address, box):
    """Accept a code from the app or an unused recovery code at sign-in; raise Unauthenticated otherwise."""
    code = (code or "").strip().replace(" ", "")
    with throttling.attempt(session, throttling.CODE_CHECK, _buckets(user, address)):
        step = accepted_step(box.open(user.totp_secret, _binding(user)), code, user.totp_last_step) if code.isdigit() else None
        if step is not None:
            user.totp_last_step = step
        elif not use_recovery_code(session, user, code):
            raise Unauthenticated(_(WRONG_CODE))


def disable(session, user, password, required):
    """Turn two-step sign-in off, given the password; refused while the business requires it."""
    if required:
        raise PermissionDenied(_("Your business requires two-step sign-in for staff."))
    require_current_password(session, user, password, throttling.staff_buckets(user.id, by_address=False),
                             field="password")
    user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.user_id == user.id))


def accepted_step(secret, code, last_step, now=None):
    """Return the time step ``code`` belongs to (now, or one step either side), if later than ``last_step``."""
    if not secret or not code or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes(session, user):
    """Replace ``user``'s recovery codes with RECOVERY_CODES new ones; return them (the only time they are shown)."""
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for __ in range(RECOVERY_CODES)]
    session.add_all(StaffRecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def recovery_codes_left(session, user):
    return len(session.scalars(select(StaffRecoveryCode.id).where(
        StaffRecoveryCode.user_id == user.id, StaffRecoveryCode.used_at.is_(None))).all())


def use_recovery_code(session, user, code):
    """Spend one of ``user``'s unused recovery codes if ``code`` is one; tell whether it was."""
    normalised = code.strip().lower().replace("-", "")
    if len(normalised) != 16:
        return False
    wanted = _hash(f"{normalised[:8]}-{normalised[8:]}")
    row = session.scalar(select(StaffRecoveryCode).where(
        StaffRecoveryCode.user_id == user.id, StaffRecoveryCode.used_at.is_(None),
        StaffRecoveryCode.code_hash == wanted))
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def _hash(code):
    return hashlib.sha256(code.encode()).hexdigest()


def _buckets(user, address):
    """A staff member's code checks count against them (wherever they come from) and against the address."""
    return throttling.staff_buckets(f"user:{user.id}", address)
