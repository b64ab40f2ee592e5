"""The client's Account tab: contact details, username, custom fields, password, email and security answers."""
from flask import g

from gateway.features import business
from gateway.services import first_error, rpc


def accounts(method, *args):
    return rpc().call("accounts", method, *args)


def my_account():
    return accounts("get_my_account")


def my_account_with_business():
    """Return the client's Account tab, asking accounts for it and (unless kept) the business's settings at once."""
    calls = {**business.portal_config_calls(), "mine": ("accounts", "get_my_account", ())}
    results = first_error(rpc().call_parallel(calls))
    business.portal_config_answered(results)
    return results["mine"]


def change_my_account(changes):
    accounts("update_my_account", changes)


def change_password(change):
    """Change the password; the client's other sessions end, this one (``g.client_token``) stays."""
    accounts("change_my_password", change, g.client_token)


def request_email_change(new_email):
    """Send a code to the new address; the change takes effect once it is confirmed."""
    accounts("request_email_change", new_email)


def confirm_email_change(confirmation):
    """Confirm the new address; the client's other sessions end, this one stays."""
    return accounts("confirm_email_change", confirmation, g.client_token)


def set_security_answers(answers):
    accounts("set_security_answers", answers)
