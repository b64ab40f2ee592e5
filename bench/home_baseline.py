"""The baseline of bench/home_page.py: the portal's Home page as one process reading every database itself.

``baseline_app()`` reads the rows the portal's Home page reads, panel by panel, straight from the four services'
databases: the client session by its token's hash (moving ``last_seen_at`` at most once a minute, as accounts
does), the portal user, the linked accounts and their rights and the portal settings (accounts); the open
invoices, the credit, the billing and services settings, the next visit and the estimates awaiting an answer
(billing); the tickets settings, the categories, the open tickets, the documents and the unread chat count
(tickets); the live announcements, the notice, the feed caught up with them and its unread count
(notifications). Where a panel's rows come from a rule of the service (a page of tickets, the next visit, the
feed), the baseline calls that same plain function on its own session: the same statements, without the RPC.
It renders the facts as a small page. No services, no broker: what the page would cost a monolith.
"""
import hashlib
import os
from datetime import date, datetime, timezone

from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

BASELINE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Home - {{ business }}</title></head>
<body><main>
<h1>Hello{% if user.username %}, {{ user.username }}{% endif %}</h1>
<nav>{% for tab, count in tabs %}<a href="#{{ tab }}">{{ tab }}{% if count %} {{ count }}{% endif %}</a>{% endfor %}</nav>
<p>You are viewing <strong>{{ current.name }}</strong>.</p>
<form method="post"><select name="account_id">
{% for linked in linked_accounts %}<option value="{{ linked.id }}"
  {%- if linked.id == current.id %} selected{% endif %}>{{ linked.name }}</option>{% endfor %}
</select><input type="hidden" name="csrf_token" value="{{ csrf_token }}"></form>
{% if show_invoices %}
<section><h2>Total due</h2><p><strong>{{ total_due }}</strong></p><p>{{ open_count }} unpaid invoices.</p></section>
<section><h2>Past-due invoices</h2><ul>
{% for invoice in past_due %}<li>Invoice #{{ invoice.number }}: {{ invoice.balance }}, due {{ invoice.due_date }}</li>{% endfor %}
</ul></section>
{% endif %}
<section><h2>Services</h2>{% if visit %}<p>Next visit: {{ visit.scheduled_on }}</p>{% endif %}</section>
<section><h2>Open tickets</h2><ul>{% for ticket in tickets %}<li>#{{ ticket.number }} {{ ticket.subject }}</li>
{% endfor %}</ul></section>
<section><h2>Documents</h2><ul>{% for document in documents %}<li>{{ document.title }}</li>{% endfor %}</ul></section>
<section><h2>Announcements</h2>{% for item in announcements %}<article><h3>{{ item.title }}</h3>{{ item.html|safe }}
</article>{% endfor %}</section>
<section><h2>What's new</h2><ul>{% for item in feed %}<li>{{ item.title }}</li>{% endfor %}</ul></section>
<section><h2>Your account</h2><dl><dt>Account</dt><dd>{{ current.name }}</dd><dt>Your rights</dt>
<dd>{{ rights }}</dd><dt>Signed in as</dt><dd>{{ user.email }}</dd></dl></section>
</main></body></html>
"""
RIGHTS_TEXT = {"view": "You can see this account.", "pay": "You can see this account and pay its bills.",
               "manage": "You can see this account, pay its bills and manage it."}


def baseline_app():
    """A Flask app that shows the portal Home page's facts by querying the four services' databases."""
    from flask import Flask, abort, request

    app = Flask(__name__)
    page = app.jinja_env.from_string(BASELINE_PAGE)  # compiled once, as Flask caches a template file
    # A request holds one connection at a time and a worker runs 8 threads, spread over four databases: a few
    # kept per database, up to 8 at a peak, so the bench stays well inside PostgreSQL's 100 connections.
    engines = {name: create_engine(os.environ[f"{name.upper()}_DATABASE_URL"], pool_size=4, max_overflow=4)
               for name in ("accounts", "billing", "tickets", "notifications")}

    @app.get("/p/<slug>/")
    def home(slug):
        who = signed_in(engines["accounts"], slug, request.cookies.get(f"__Host-portico_client_{slug}", ""))
        if who is None:
            abort(401)
        tenant_id, account_id = who["tenant"].id, who["current"].id
        facts = {**billing_panels(engines["billing"], tenant_id, account_id),
                 **ticket_panels(engines["tickets"], tenant_id, account_id),
                 **notification_panels(engines["notifications"], tenant_id, account_id, who["user"].id)}
        tabs = [("Home", None), ("Billing", None), ("Services", None), ("Tickets", None),
                ("Messages", facts.pop("unread_chat")), ("Documents", None),
                ("Estimates", facts.pop("estimates_awaiting")), ("Notifications", facts["unread_feed"]),
                ("Account", None)]
        return page.render(business=who["tenant"].display_name, user=who["user"], current=who["current"],
                           linked_accounts=who["linked"], csrf_token=who["session"].csrf_token,
                           rights=RIGHTS_TEXT.get(who["current"].rights, ""), tabs=tabs, **facts)

    return app


def signed_in(engine, slug, token):
    """The business, session, portal user and linked accounts of ``token``; None when it signs nobody in."""
    from accounts.models import ClientAccount, ClientSession, PortalLink, PortalUser, Tenant
    from accounts.models import platform as accounts_tables
    from accounts.sessions import LAST_SEEN_STEP as seen_step, SESSION_ABSOLUTE as absolute, SESSION_IDLE as idle

    now = datetime.now(timezone.utc)
    with engine.begin() as db:
        tenant = db.execute(select(Tenant.id, Tenant.display_name).where(Tenant.slug == slug)).first()
        client_session = db.execute(select(
            ClientSession.id, ClientSession.tenant_id, ClientSession.portal_user_id, ClientSession.account_id,
            ClientSession.csrf_token, ClientSession.created_at, ClientSession.last_seen_at).where(
            ClientSession.token_hash == hashlib.sha256(token.encode()).hexdigest(),
            ClientSession.revoked_at.is_(None))).first()
        if tenant is None or client_session is None or client_session.tenant_id != tenant.id \
                or now - client_session.last_seen_at > idle or now - client_session.created_at > absolute:
            return None
        if now - client_session.last_seen_at >= seen_step:  # accounts moves the idle timer in steps too
            db.execute(update(ClientSession).where(ClientSession.id == client_session.id).values(last_seen_at=now))
        user = db.execute(select(PortalUser.id, PortalUser.email, PortalUser.username)
                          .where(PortalUser.id == client_session.portal_user_id)).one()
        linked = db.execute(select(ClientAccount.id, ClientAccount.name, PortalLink.rights)
                            .join(PortalLink, PortalLink.account_id == ClientAccount.id)
                            .where(PortalLink.portal_user_id == client_session.portal_user_id)
                            .order_by(ClientAccount.parent_id.is_not(None), ClientAccount.name)).all()
        settings = accounts_tables.tenant_settings
        db.execute(select(settings.c["values"]).where(settings.c.tenant_id == tenant.id,
                                                      settings.c.tab == "general")).first()
    current = next(item for item in linked if item.id == client_session.account_id)
    return {"tenant": tenant, "session": client_session, "user": user, "linked": linked, "current": current}


def billing_panels(engine, tenant_id, account_id):
    """Total due, past-due invoices, credit; the next visit; how many estimates await an answer."""
    from billing import estimates, local_time, services_tab
    from billing.models import Invoice, Payment, platform
    from billing.settings import TABS
    from shared.money import format_money
    from shared.settings_store import read_settings

    with Session(engine) as db:
        settings = read_settings(db, platform.tenant_settings, tenant_id, TABS, "billing")
        services = read_settings(db, platform.tenant_settings, tenant_id, TABS, "services")
        invoices = db.execute(select(Invoice.number, Invoice.balance, Invoice.due_date).where(
            Invoice.tenant_id == tenant_id, Invoice.account_id == account_id, Invoice.status == "open")
            .order_by(Invoice.due_date)).all()
        db.execute(select(func.coalesce(func.sum(Payment.unapplied), 0)).where(
            Payment.tenant_id == tenant_id, Payment.account_id == account_id, Payment.status == "succeeded",
            Payment.unapplied > 0)).scalar()
        visit = services_tab.next_visit(db, tenant_id, account_id, services)["visit"]
        awaiting = (estimates.count_awaiting(db, tenant_id, account_id, local_time.today(services))
                    if settings["show_estimates"] else None)
    today = date.today()
    return {"show_invoices": settings["show_invoices"], "open_count": len(invoices),
            "total_due": format_money(sum(invoice.balance for invoice in invoices)),
            "past_due": [{"number": invoice.number, "balance": format_money(invoice.balance),
                          "due_date": invoice.due_date.isoformat()} for invoice in invoices if invoice.due_date < today],
            "visit": visit, "estimates_awaiting": awaiting}


def ticket_panels(engine, tenant_id, account_id):
    """The open tickets, the newest documents, the categories a ticket may be opened in, the unread chat count."""
    from shared.settings_store import read_settings
    from shared.validation import load_or_raise
    from tickets import categories, chat, documents, ticketing
    from tickets.models import platform
    from tickets.settings import TABS
    from tickets.ticket_schemas import ClientPageSchema

    with Session(engine) as db:
        settings = read_settings(db, platform.tenant_settings, tenant_id, TABS, "tickets")
        categories.ensure(db, tenant_id, settings["ticket_categories"])
        db.commit()
        categories.for_clients(db, tenant_id, settings["ticket_categories"])
        tickets = ticketing.client_list(db, tenant_id, account_id, "open",
                                        load_or_raise(ClientPageSchema, {"limit": 5}))["items"]
        listed, _ = documents.list_documents(db, tenant_id, account_id, load_or_raise(documents.PageInput,
                                                                                     {"limit": 3}))
        documents.done_state(db, tenant_id, account_id)
        unread = chat.total_unread(db, tenant_id, chat.CLIENT, account_id)
    return {"tickets": tickets, "documents": listed, "unread_chat": unread}


def notification_panels(engine, tenant_id, account_id, portal_user_id):
    """The live announcements and the notice, the feed caught up with them (5 items) and its unread count."""
    from notifications import announcements, feed

    with Session(engine, expire_on_commit=False) as db:
        day = announcements.today()
        live, _ = announcements.live_and_notice(db, tenant_id, account_id, portal_user_id, day)
        missing = feed.missing_announcements(db, tenant_id, account_id, day)
        if missing:
            feed.catch_up_announcements(db, tenant_id, account_id, missing)
            db.commit()
        found = feed.page(db, tenant_id, account_id, 5)
    return {"announcements": live, "feed": found["items"], "unread_feed": found["unread"]}
