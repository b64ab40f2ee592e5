"""Signing in and out, for staff and for clients: passwords, one-time codes, invitations and resets."""
from flask import request

from gateway.services import rpc


def accounts(method, *args, **kwargs):
    return rpc().call("accounts", method, *args, **kwargs)


# --- staff ------------------------------------------------------------------------------------

def sign_in_staff(credentials):
    """Return a new staff session for ``{"email", "password"}``; failures count against the caller's address."""
    return accounts("sign_in_staff", credentials, address=request.remote_addr)


def sign_out_staff(token):
    accounts("sign_out_staff", token)


# --- clients ----------------------------------------------------------------------------------

def sign_in_client(credentials):
    return accounts("sign_in_client", credentials, request.remote_addr)


def sign_out_client(token):
    accounts("sign_out_client", token)


def request_login_code(login):
    """Send a one-time code to the login's phone or email; return the attempt the code works with."""
    return accounts("request_login_code", login, request.remote_addr)


def verify_login_code(attempt, code):
    return accounts("verify_login_code", attempt, code, request.remote_addr)


def check_invitation(token):
    return accounts("check_invitation", token)


def accept_invitation(token, registration):
    return accounts("accept_invitation", token, registration)


def request_password_reset(login):
    accounts("request_password_reset", login, request.remote_addr)


def check_reset(token):
    return accounts("check_reset", token)


def reset_password(token, reset):
    return accounts("reset_password", token, reset, request.remote_addr)


def switch_account(token, account_id):
    """Make ``account_id``, one of the client's linked accounts, the one the session views."""
    return accounts("switch_account", token, account_id)
