"""Portal users and how they get in: invitations, passwords, one-time codes, resets, sessions.

Plain functions over a session and an outbox writer. ``settings`` is the tenant's General tab.
No answer here tells a caller whether a login exists.
"""
import secrets
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from accounts import auth
from accounts.auth import aware
from accounts.clients import find_client
from accounts.models import (ClientAccount, ClientSession, PortalLink, PortalUser, SignInFailure,
                             SignInToken, Tenant)
from accounts.schemas import (AcceptInvitationSchema, ChangePasswordSchema, CodeSchema,
                              EmailChangeSchema, LinkSchema, LoginSchema, PasswordSignInSchema,
                              ResetPasswordSchema, SecurityAnswersSchema)
from accounts.tenants import load, utcnow
from shared.errors import NotFound, PermissionDenied, RateLimited, Unauthenticated, invalid
from shared.events import (EMAIL_CHANGE_CODE_ISSUED, LOGIN_CODE_ISSUED, PASSWORD_RESET_ISSUED,
                           PORTAL_INVITATION_ISSUED)

INVITATION_TTL = timedelta(days=7)
RESET_TTL = timedelta(hours=1)
CODE_TTL = timedelta(minutes=10)
CODE_GUESSES = 5
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])

WRONG_CREDENTIALS = "The email or password is not correct."
WRONG_CODE = "That code is not correct."
SPENT_CODE = "This code can no longer be used. Ask for a new one."
DEAD_LINK = "This link is no longer valid. Ask for a new one."
LOGINS_OFF = "Signing in to this portal is turned off. Please contact the business."


# --- passwords ---------------------------------------------------------------------------------

SEQUENCES = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")


def is_predictable(password):
    """True for a password on the common list (give or take digits and symbols around it),
    a run of one or two characters, or a keyboard or alphabet sequence."""
    lowered = password.lower()
    core = lowered.strip("0123456789!@#$%^&*()-_=+.,?/ ")
    return (lowered in COMMON_PASSWORDS or core in COMMON_PASSWORDS or len(set(lowered)) <= 2
            or any(lowered in sequence or lowered in sequence[::-1] for sequence in SEQUENCES))


def password_problem(password, settings):
    """Return what is wrong with a new client password, or None (no composition rules)."""
    problem = auth.password_problem(password, settings["min_password_length"])
    if problem:
        return problem
    if is_predictable(password):
        return "This password is too common or predictable. Choose another."
    return None


def check_new_password(password, settings, field="password"):
    problem = password_problem(password, settings)
    if problem:
        raise invalid(field, problem)
    return auth.hash_password(password)


# --- finding people ----------------------------------------------------------------------------

def find_by_login(session, tenant_id, login, settings):
    """The tenant's portal user whose email (or username, where used) is ``login``."""
    login = login.strip().lower()
    match = func.lower(PortalUser.email) == login
    if settings["use_usernames"]:
        match = or_(match, func.lower(PortalUser.username) == login)
    return session.scalar(select(PortalUser).where(PortalUser.tenant_id == tenant_id, match))


def linked_accounts(session, user):
    rows = session.execute(select(ClientAccount, PortalLink.rights)
                           .join(PortalLink, PortalLink.account_id == ClientAccount.id)
                           .where(PortalLink.portal_user_id == user.id)
                           .order_by(ClientAccount.parent_id.is_not(None), ClientAccount.name)).all()
    return [{"id": account.id, "name": account.name, "rights": rights} for account, rights in rows]


def throttle(session, keys, now):
    recent = session.scalar(select(func.count(SignInFailure.id)).where(
        SignInFailure.key.in_(keys), SignInFailure.at > now - auth.THROTTLE_WINDOW)) or 0
    if recent >= auth.THROTTLE_LIMIT:
        raise RateLimited("Too many attempts. Wait 15 minutes, then try again.")


def note_failure(session, keys, now):
    session.add_all(SignInFailure(key=key, at=now) for key in keys)


def portal_keys(tenant_id, login, address):
    return [f"portal:{tenant_id}:{login.strip().lower()}", f"address:{address or 'unknown'}"]


def require_logins(settings, method):
    if not settings["enable_logins"]:
        raise PermissionDenied(LOGINS_OFF)
    if method not in settings["login_methods"]:
        raise PermissionDenied("That way of signing in is turned off for this portal.")


# --- single-use tokens -------------------------------------------------------------------------

def issue(session, tenant_id, user, purpose, ttl, secret, attempt=None, new_email=None):
    """Store a fresh single-use secret, revoking the user's earlier ones of the same purpose."""
    now = utcnow()
    if user is not None:
        session.execute(update(SignInToken).where(
            SignInToken.portal_user_id == user.id, SignInToken.purpose == purpose,
            SignInToken.used_at.is_(None), SignInToken.revoked_at.is_(None)).values(revoked_at=now))
    row = SignInToken(tenant_id=tenant_id, portal_user_id=user.id if user else None, purpose=purpose,
                      token_hash=auth.token_hash(secret),
                      attempt_hash=auth.token_hash(attempt) if attempt else None,
                      new_email=new_email, guesses=0, created_at=now, expires_at=now + ttl)
    session.add(row)
    return row


def live_link(session, tenant_id, purpose, token):
    """The unused, unexpired link token, or NotFound with one message for every other case."""
    row = session.scalar(select(SignInToken).where(
        SignInToken.tenant_id == tenant_id, SignInToken.purpose == purpose,
        SignInToken.token_hash == auth.token_hash(token or "")))
    if row is None or row.used_at or row.revoked_at or aware(row.expires_at) <= utcnow() \
            or row.portal_user_id is None:
        raise NotFound(DEAD_LINK)
    return row


def new_code():
    return f"{secrets.randbelow(10 ** 6):06d}"


def check_code(session, row, code):
    """Spend one guess on ``row``; raise unless ``code`` is its code."""
    if row is None or row.used_at or row.revoked_at or aware(row.expires_at) <= utcnow() \
            or row.guesses >= CODE_GUESSES:
        raise Unauthenticated(SPENT_CODE)
    if not secrets.compare_digest(row.token_hash, auth.token_hash(code)):
        row.guesses += 1
        session.commit()  # the spent guess counts even though the call fails
        raise Unauthenticated(WRONG_CODE if row.guesses < CODE_GUESSES else SPENT_CODE)
    row.used_at = utcnow()


# --- sessions ----------------------------------------------------------------------------------

def start_session(session, user, account_id=None):
    accounts = linked_accounts(session, user)
    if not accounts:
        raise Unauthenticated(WRONG_CREDENTIALS)
    current = next((item for item in accounts if item["id"] == account_id), accounts[0])
    token, token_hash = auth.new_token()
    csrf_token, _ = auth.new_token()
    now = utcnow()
    session.add(ClientSession(token_hash=token_hash, csrf_token=csrf_token, portal_user_id=user.id,
                              tenant_id=user.tenant_id, account_id=current["id"], created_at=now,
                              last_seen_at=now))
    return {"token": token, **session_answer(user, csrf_token, current, accounts)}


def session_answer(user, csrf_token, current, accounts):
    return {"csrf_token": csrf_token,
            "portal_user": {"id": user.id, "email": user.email, "username": user.username,
                            "phone": user.phone},
            "account": current, "accounts": accounts}


def live_session(session, tenant_id, token):
    row = session.scalar(select(ClientSession).where(
        ClientSession.token_hash == auth.token_hash(token or ""), ClientSession.revoked_at.is_(None)))
    now = utcnow()
    if row is None or row.tenant_id != tenant_id or auth.session_expired(
            aware(row.created_at), aware(row.last_seen_at), now):
        raise Unauthenticated("Your session has ended. Please sign in again.")
    auth.mark_seen(row, now)
    return row


def resolve_session(session, tenant_id, token):
    row = live_session(session, tenant_id, token)
    user = session.get(PortalUser, row.portal_user_id)
    accounts = linked_accounts(session, user)
    current = next((item for item in accounts if item["id"] == row.account_id), None)
    if current is None:  # the link was removed since: the session no longer grants anything
        row.revoked_at = utcnow()
        raise Unauthenticated("Your session has ended. Please sign in again.")
    return session_answer(user, row.csrf_token, current, accounts)


def switch_account(session, tenant_id, token, account_id):
    row = live_session(session, tenant_id, token)
    user = session.get(PortalUser, row.portal_user_id)
    accounts = linked_accounts(session, user)
    current = next((item for item in accounts if item["id"] == account_id), None)
    if current is None:
        raise NotFound("No such account.")
    row.account_id = account_id
    return session_answer(user, row.csrf_token, current, accounts)


def sign_out(session, tenant_id, token):
    session.execute(update(ClientSession).where(
        ClientSession.token_hash == auth.token_hash(token or ""), ClientSession.tenant_id == tenant_id,
        ClientSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def end_all_sessions(session, user):
    session.execute(update(ClientSession).where(
        ClientSession.portal_user_id == user.id, ClientSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()))


# --- signing in --------------------------------------------------------------------------------

def sign_in_with_password(session, tenant_id, data, address, settings):
    values = load(PasswordSignInSchema, data)
    require_logins(settings, "password")
    now = utcnow()
    keys = portal_keys(tenant_id, values["login"], address)
    throttle(session, keys, now)
    user = find_by_login(session, tenant_id, values["login"], settings)
    hash_ = user.password_hash if user else None
    if not auth.verify_password(hash_, values["password"]) or not linked_accounts(session, user):
        note_failure(session, keys, now)
        session.commit()
        raise Unauthenticated(WRONG_CREDENTIALS)
    return start_session(session, user)


def request_login_code(session, outbox, tenant_id, data, address, settings):
    """Send a code to the login's phone (else email); the same answer whether or not it exists."""
    values = load(LoginSchema, data)
    require_logins(settings, "one_time_code")
    now = utcnow()
    keys = [f"code:{key}" for key in portal_keys(tenant_id, values["login"], address)]
    throttle(session, keys, now)
    note_failure(session, keys, now)  # every request counts: codes cost money to send
    user = find_by_login(session, tenant_id, values["login"], settings)
    if user is not None and not linked_accounts(session, user):
        user = None
    attempt, _ = auth.new_token()
    code = new_code()
    row = issue(session, tenant_id, user, "login_code", CODE_TTL, code, attempt=attempt)
    if user is not None:
        channel, to = ("sms", user.phone) if user.phone else ("email", user.email)
        outbox.add(session, LOGIN_CODE_ISSUED, {
            "portal_user_id": user.id, "channel": channel, "to": to, "code": code,
            "expires_at": row.expires_at.isoformat()}, tenant_id=tenant_id)
    return {"attempt": attempt}


def sign_in_with_code(session, tenant_id, attempt, data, settings):
    values = load(CodeSchema, data)
    require_logins(settings, "one_time_code")
    row = session.scalar(select(SignInToken).where(
        SignInToken.tenant_id == tenant_id, SignInToken.purpose == "login_code",
        SignInToken.attempt_hash == auth.token_hash(attempt or "")))
    check_code(session, row, values["code"])
    if row.portal_user_id is None:  # never sent: no code can match, but stay on the safe side
        raise Unauthenticated(SPENT_CODE)
    return start_session(session, session.get(PortalUser, row.portal_user_id))


# --- invitations and resets ----------------------------------------------------------------------

def describe_invitation(session, tenant_id, token, settings):
    row = live_link(session, tenant_id, "invitation", token)
    user = session.get(PortalUser, row.portal_user_id)
    accounts = linked_accounts(session, user)
    return {"email": user.email, "name": accounts[0]["name"] if accounts else user.email,
            "needs_username": settings["use_usernames"],
            "min_password_length": settings["min_password_length"]}


def accept_invitation(session, tenant_id, token, data, settings):
    row = live_link(session, tenant_id, "invitation", token)
    values = load(AcceptInvitationSchema, data)
    if not settings["enable_logins"]:
        raise PermissionDenied(LOGINS_OFF)
    user = session.get(PortalUser, row.portal_user_id)
    if settings["use_usernames"]:
        set_username(session, user, values.get("username"), required=True)
    user.password_hash = check_new_password(values["password"], settings)
    user.activated_at = user.activated_at or utcnow()
    row.used_at = utcnow()
    return start_session(session, user)


def request_password_reset(session, outbox, tenant_id, data, address, settings):
    values = load(LoginSchema, data)
    now = utcnow()
    keys = [f"reset:{key}" for key in portal_keys(tenant_id, values["login"], address)]
    throttle(session, keys, now)
    note_failure(session, keys, now)
    user = find_by_login(session, tenant_id, values["login"], settings)
    if user is not None and settings["enable_logins"]:
        send_reset_link(session, outbox, tenant_id, user)
    return {}


def send_reset_link(session, outbox, tenant_id, user):
    token, _ = auth.new_token()
    row = issue(session, tenant_id, user, "reset", RESET_TTL, token)
    accounts = linked_accounts(session, user)
    outbox.add(session, PASSWORD_RESET_ISSUED, {
        "portal_user_id": user.id, "email": user.email,
        "name": accounts[0]["name"] if accounts else user.email,
        "tenant_slug": session.get(Tenant, tenant_id).slug, "token": token,
        "expires_at": row.expires_at.isoformat()}, tenant_id=tenant_id)


def security_questions(user, settings):
    if not settings["security_questions_enabled"] or not user.security_answers:
        return []
    return [item["question"] for item in user.security_answers]


def describe_reset(session, tenant_id, token, settings):
    row = live_link(session, tenant_id, "reset", token)
    return {"security_questions": security_questions(session.get(PortalUser, row.portal_user_id),
                                                     settings),
            "min_password_length": settings["min_password_length"]}


def normalise_answer(answer):
    return " ".join(answer.lower().split())


def reset_password(session, tenant_id, token, data, settings):
    row = live_link(session, tenant_id, "reset", token)
    values = load(ResetPasswordSchema, data)
    user = session.get(PortalUser, row.portal_user_id)
    questions = security_questions(user, settings)
    if questions:
        answers = values["answers"]
        if len(answers) != len(questions) or not all(
                auth.verify_password(stored["answer_hash"], normalise_answer(given))
                for stored, given in zip(user.security_answers, answers)):
            raise invalid("answers", "The answers do not match the ones on file.")
    user.password_hash = check_new_password(values["password"], settings)
    user.activated_at = user.activated_at or utcnow()
    row.used_at = utcnow()
    end_all_sessions(session, user)
    return start_session(session, user)


# --- staff: inviting and linking -------------------------------------------------------------------

def invite(session, outbox, tenant_id, client_id, settings):
    """Invite one client; return a result row for the staff's bulk action."""
    try:
        client = find_client(session, tenant_id, client_id)
    except NotFound as error:
        return {"client_id": client_id, "status": "error", "message": error.message}
    if not client.email:
        return {"client_id": client_id, "status": "error", "message": "This client has no email address."}
    user = session.scalar(select(PortalUser).where(PortalUser.tenant_id == tenant_id,
                                                   func.lower(PortalUser.email) == client.email.lower()))
    if user is None:
        user = PortalUser(tenant_id=tenant_id, email=client.email.lower(),
                          phone=client.mobile_phone, created_at=utcnow())
        session.add(user)
        session.flush()
    elif user.activated_at is not None:
        return {"client_id": client_id, "status": "error",
                "message": "Already has a portal account; send a password reset instead."}
    properties = session.scalars(select(ClientAccount.id).where(ClientAccount.parent_id == client.id)).all()
    for account_id in (client.id, *properties):
        if session.get(PortalLink, (user.id, account_id)) is None:
            session.add(PortalLink(portal_user_id=user.id, account_id=account_id, rights="manage"))
    earlier = session.scalar(select(func.count(SignInToken.id)).where(
        SignInToken.portal_user_id == user.id, SignInToken.purpose == "invitation"))
    token, _ = auth.new_token()
    row = issue(session, tenant_id, user, "invitation", INVITATION_TTL, token)
    outbox.add(session, PORTAL_INVITATION_ISSUED, {
        "portal_user_id": user.id, "email": user.email, "name": client.name,
        "tenant_slug": session.get(Tenant, tenant_id).slug, "token": token,
        "expires_at": row.expires_at.isoformat()}, tenant_id=tenant_id)
    return {"client_id": client_id, "status": "resent" if earlier else "invited",
            "message": f"Invitation sent to {user.email}."}


def reset_for_client(session, outbox, tenant_id, client_id):
    try:
        client = find_client(session, tenant_id, client_id)
    except NotFound as error:
        return {"client_id": client_id, "status": "error", "message": error.message}
    user = session.scalar(select(PortalUser).join(PortalLink, PortalLink.portal_user_id == PortalUser.id)
                          .where(PortalLink.account_id == client.id).order_by(PortalUser.id))
    if user is None:
        return {"client_id": client_id, "status": "error", "message": "This client has no portal account."}
    send_reset_link(session, outbox, tenant_id, user)
    return {"client_id": client_id, "status": "sent", "message": f"Reset link sent to {user.email}."}


def link_user(session, tenant_id, data):
    values = load(LinkSchema, data)
    user = session.get(PortalUser, values["portal_user_id"])
    if user is None or user.tenant_id != tenant_id:
        raise NotFound("No such portal user.")
    find_client(session, tenant_id, values["account_id"])
    link = session.get(PortalLink, (user.id, values["account_id"]))
    if link is None:
        session.add(PortalLink(portal_user_id=user.id, account_id=values["account_id"],
                               rights=values["rights"]))
    else:
        link.rights = values["rights"]
    return {"portal_user_id": user.id, "account_id": values["account_id"], "rights": values["rights"]}


def list_portal_users(session, tenant_id, without_portal=False, query=None):
    statement = select(ClientAccount).where(ClientAccount.tenant_id == tenant_id,
                                            ClientAccount.parent_id.is_(None))
    if query:
        pattern = f"%{str(query).lower()[:100]}%"
        statement = statement.where(or_(func.lower(ClientAccount.name).like(pattern),
                                        func.lower(ClientAccount.email).like(pattern)))
    rows = []
    for client in session.scalars(statement.order_by(ClientAccount.name, ClientAccount.id)):
        user = session.scalar(select(PortalUser).join(PortalLink, PortalLink.portal_user_id == PortalUser.id)
                              .where(PortalLink.account_id == client.id).order_by(PortalUser.id))
        activated = bool(user and user.activated_at)
        if without_portal and activated:
            continue
        invited_at = user and session.scalar(select(func.max(SignInToken.created_at)).where(
            SignInToken.portal_user_id == user.id, SignInToken.purpose == "invitation"))
        rows.append({"client_id": client.id, "client_name": client.name,
                     "email": client.email, "portal_user_id": user.id if user else None,
                     "has_account": activated, "activated": activated,
                     "invited_at": aware(invited_at).isoformat() if invited_at else None})
    return rows


# --- the client's own Account tab ----------------------------------------------------------------

def set_username(session, user, username, required=False):
    if not username:
        if required:
            raise invalid("username", "Choose a username.")
        user.username = None
        return
    taken = session.scalar(select(PortalUser.id).where(
        PortalUser.tenant_id == user.tenant_id, func.lower(PortalUser.username) == username.lower(),
        PortalUser.id != user.id))
    if taken:
        raise invalid("username", "That username is taken. Choose another.")
    user.username = username


def change_password(session, user, data, settings):
    values = load(ChangePasswordSchema, data)
    if not auth.verify_password(user.password_hash, values["current_password"]):
        raise invalid("current_password", "That is not your current password.")
    user.password_hash = check_new_password(values["new_password"], settings, "new_password")


def request_email_change(session, outbox, user, data):
    values = load(EmailChangeSchema, data)
    new_email = values["new_email"].lower()
    taken = session.scalar(select(PortalUser.id).where(
        PortalUser.tenant_id == user.tenant_id, func.lower(PortalUser.email) == new_email,
        PortalUser.id != user.id))
    code = new_code()
    row = issue(session, user.tenant_id, user, "email_change", CODE_TTL, code, new_email=new_email)
    if not taken:  # the answer is the same either way; only a free address gets a code
        outbox.add(session, EMAIL_CHANGE_CODE_ISSUED, {
            "portal_user_id": user.id, "channel": "email", "to": new_email, "code": code,
            "expires_at": row.expires_at.isoformat()}, tenant_id=user.tenant_id)
    return {}


def confirm_email_change(session, user, data):
    values = load(CodeSchema, data)
    row = session.scalar(select(SignInToken).where(
        SignInToken.portal_user_id == user.id, SignInToken.purpose == "email_change",
        SignInToken.used_at.is_(None), SignInToken.revoked_at.is_(None))
        .order_by(SignInToken.id.desc()))
    try:
        check_code(session, row, values["code"])
    except Unauthenticated as error:  # the client is signed in: this is a form error, not a 401
        raise invalid("code", error.message) from None
    user.email = row.new_email
    return {"email": user.email}


def set_security_answers(user, data, settings):
    if not settings["security_questions_enabled"]:
        raise PermissionDenied("Security questions are not used by this portal.")
    values = load(SecurityAnswersSchema, data)
    questions = [item["question"] for item in values["answers"]]
    if len(set(questions)) != len(questions):
        raise invalid("answers", "Choose a different question for each answer.")
    user.security_answers = [{"question": item["question"],
                              "answer_hash": auth.hash_password(normalise_answer(item["answer"]))}
                             for item in values["answers"]]


def check_rights(rights, needed):
    """True when ``rights`` include ``needed`` (manage > pay > view)."""
    order = ("view", "pay", "manage")
    return order.index(rights) >= order.index(needed)

