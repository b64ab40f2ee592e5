"""The client's Account tab: contact details (the account's phone and mobile numbers), username, custom fields,
password and email address."""
from sqlalchemy import func, select

from accounts import access, audit_facts, client_sessions, throttling, tokens
from accounts.clients import announce_client, portal_user_of
from accounts.custom_fields import custom_field_values, set_custom_field_values
from accounts.models import ClientAccount, PortalLink, PortalUser, SignInToken
from accounts.passwords import hash_client_password, require_current_password
from accounts.portal_users import greeting_name, own_account, set_username
from accounts.security_questions import questions_of
from shared.errors import PermissionDenied, Unauthenticated, invalid
from shared.events import EMAIL_CHANGE_CODE_ISSUED
from shared.i18n import N_, _

NUMBERS_NOT_YOURS = N_("Only the account holder can change this account's phone numbers (its mobile number takes "
                       "their sign-in codes). Ask them, or the business.")


def describe(session, user, account_id, settings, rights):
    """Return the Account tab of ``user`` acting for ``account_id`` with ``rights``: the phone numbers are the
    account's; ``sign_in_codes_here`` says whether its mobile number is the one ``user``'s sign-in codes go to, and
    ``numbers_editable`` whether ``user`` may change the numbers."""
    account, own = session.get(ClientAccount, account_id), own_account(session, user)
    return {
        "email": user.email, "username": user.username, "phone": account.phone, "language": user.language,
        "mobile_phone": account.mobile_phone, "sign_in_codes_here": own is not None and own.id == account_id,
        "numbers_editable": numbers_editable(session, user, account, rights),
        "use_usernames": settings["use_usernames"],
        "security_questions_enabled": settings["security_questions_enabled"],
        "security_questions": questions_of(user, settings),
        "custom_fields": custom_field_values(session, user.tenant_id, account_id,
                                             settings["custom_fields_visible"]),
    }


def names(session, user, account_id):
    """How staff see who acts: ``{account_id, account_name, portal_user_id, portal_user_name}``."""
    return {"account_id": account_id, "account_name": session.get(ClientAccount, account_id).name,
            "portal_user_id": user.id, "portal_user_name": greeting_name(session, user)}


def numbers_editable(session, user, account, rights):
    """Whether ``user`` may change ``account``'s phone numbers: with the right to manage it and, on a main account,
    only as its first portal user (the account holder), since its mobile number takes their sign-in codes."""
    if rights != "manage":
        return False
    holder = portal_user_of(session, account) if account.parent_id is None else None
    return holder is None or holder.PortalUser.id == user.id


def update(session, outbox, user, account_id, rights, values, settings, by):
    """Apply the Account tab's changes; custom fields need the right to manage the account, its phone numbers the
    account holder's own (``numbers_editable``). What changed is an ``account_details_updated`` fact of ``by``."""
    before = audit_facts.account_tab(session, user, account_id, settings)
    if "custom_fields" in values:
        access.require_manage_rights(rights)
        set_custom_field_values(session, user.tenant_id, account_id, values["custom_fields"],
                                settings["custom_fields_visible"])
    if "username" in values:
        set_username(session, user, values["username"], required=settings["use_usernames"])
    account = session.get(ClientAccount, account_id)
    if ("phone" in values or "mobile_phone" in values) and not numbers_editable(session, user, account, rights):
        raise PermissionDenied(_(NUMBERS_NOT_YOURS))
    for name in ("phone", "mobile_phone"):  # the account's numbers, as the staff's client page edits them
        if name in values:
            setattr(account, name, values[name])
    after = audit_facts.account_tab(session, user, account_id, settings)
    audit_facts.details_updated(session, outbox, user, account_id, before, after, by)
    if "language" in values and values["language"] != user.language:
        choose_language(session, outbox, user, values["language"])


def choose_language(session, outbox, user, language):
    """Keep ``user``'s language; the accounts they hold announce it, so their messages go out in it."""
    user.language = language
    for account in session.scalars(select(ClientAccount).join(PortalLink, PortalLink.account_id == ClientAccount.id)
                                   .where(PortalLink.portal_user_id == user.id)):
        holder = portal_user_of(session, account)
        if holder is not None and holder.PortalUser.id == user.id:
            announce_client(outbox, session, account)


def change_password(session, outbox, user, values, settings, by, keep_token=None):
    """Replace the client's password, given the current one; end their other sessions and reset links."""
    new_hash = hash_client_password(values["new_password"], settings, "new_password")  # a weak one is no guess
    require_current_password(session, user, values["current_password"],
                             throttling.client_buckets(user.tenant_id, f"user:{user.id}", by_address=False))
    user.password_hash = new_hash
    credentials_changed(session, user, keep_token)
    audit_facts.for_user(session, outbox, user, "password_changed", "Changed their password", by)


def credentials_changed(session, user, keep_token):
    """After a new password or email: only the session of ``keep_token`` stays, no reset link still works."""
    client_sessions.end_others(session, user, keep_token)
    tokens.revoke_unused(session, user, "reset")


def request_email_change(session, outbox, user, values):
    """Send a code to the new address; answer the same whether or not another user has it."""
    throttling.count(session, throttling.EMAIL_CODE_SEND, _own_bucket(user))
    new_email = values["new_email"].lower()
    taken = session.scalar(select(PortalUser.id).where(
        PortalUser.tenant_id == user.tenant_id, func.lower(PortalUser.email) == new_email,
        PortalUser.id != user.id))
    code = tokens.new_code()
    row = tokens.issue(session, user.tenant_id, user, "email_change", tokens.CODE_TTL, code, new_email=new_email)
    if not taken:  # the answer is the same either way; only a free address gets a code
        outbox.add(session, EMAIL_CHANGE_CODE_ISSUED, {
            "portal_user_id": user.id, "channel": "email", "to": new_email, "code": code,
            "expires_at": row.expires_at.isoformat()}, tenant_id=user.tenant_id)
    return {}


def confirm_email_change(session, outbox, user, values, by, keep_token=None):
    """Move the client to the new address when ``values`` hold the code sent there."""
    row = session.scalar(select(SignInToken).where(
        SignInToken.portal_user_id == user.id, SignInToken.purpose == "email_change",
        SignInToken.used_at.is_(None), SignInToken.revoked_at.is_(None))
        .order_by(SignInToken.id.desc()))
    with throttling.attempt(session, throttling.EMAIL_CODE_CHECK, _own_bucket(user)):
        try:
            tokens.check_code(session, row, values["code"])
        except Unauthenticated as error:  # the client is signed in: this is a form error, not a 401
            raise invalid("code", error.message) from None
    before, user.email = user.email, row.new_email
    credentials_changed(session, user, keep_token)
    audit_facts.for_user(session, outbox, user, "email_changed", "Changed their sign-in email", by,
                         {"email": [before, user.email]})
    return {"email": user.email}


def _own_bucket(user):
    """The signed-in client's own bucket: their requests count against them, wherever they come from."""
    return throttling.client_buckets(user.tenant_id, f"user:{user.id}", by_address=False)
