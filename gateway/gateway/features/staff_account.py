"""A staff member's own credentials: the password (changed or reset by email) and two-step sign-in."""
from flask import g, request

from gateway.services import rpc


def accounts(method, *args, **kwargs):
    return rpc().call("accounts", method, *args, **kwargs)


def verify_code(pending_token, code):
    """Complete a two-step sign-in; return the new session (its token replaces the pending one)."""
    return accounts("verify_staff_code", pending_token, code, address=request.remote_addr)


def begin_two_step(token):
    """The secret to enter in an authenticator app (as text and as an otpauth:// URI)."""
    return accounts("begin_staff_totp", token)


def confirm_two_step(token, code):
    """Turn two-step sign-in on with a first code: the recovery codes, and at sign-in the new session."""
    return accounts("confirm_staff_totp", token, code, address=request.remote_addr)


def security():
    return accounts("get_staff_security")


def turn_two_step_off(password):
    accounts("disable_staff_totp", {"password": password})


def change_password(change):
    """Change the password; the staff member's other sessions end, this one (``g.session_token``) stays."""
    accounts("change_staff_password", change, g.session_token)


def request_reset(email):
    """Email a reset link if a staff member has ``email``; the answer never says whether one does."""
    accounts("request_staff_password_reset", {"email": email}, address=request.remote_addr)


def check_reset(token):
    return accounts("check_staff_reset", token)


def reset_password(token, password):
    accounts("reset_staff_password", token, {"password": password})
