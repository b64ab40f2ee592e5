"""The mailbox's pages: every email and text message received, newest first, each readable in full; the texts alone
(the development SMS inbox) on a page and as JSON."""
import re
from datetime import datetime, timezone

from flask import Flask, abort, jsonify, render_template, request

from sandbox_mailbox.store import MailboxStore

# An email's HTML is shown in a frame that may style itself but run nothing and reach nothing.
EMAIL_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
PAGE_POLICY = "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-src 'self'; frame-ancestors 'none'"
LONGEST_SMS = 1600


def digits(number):
    """A number's digits only, so ``+1 555-010-0199``, ``15550100199`` and a ``+`` a query string made a space
    all match."""
    return re.sub(r"[^0-9]", "", number or "")


def texts(store, to=None):
    """The text messages received (to ``to`` only, when given), newest first."""
    wanted = digits(to)
    return [item for item in store.items() if item.kind == "sms" and (not wanted or digits(item.to) == wanted)]


def create_app(folder):
    app = Flask(__name__)
    store = MailboxStore(folder)
    app.extensions["mailbox"] = store

    @app.template_filter("moment")
    def moment(epoch):
        return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")

    @app.after_request
    def protect(response):
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/")
    def inbox():
        return render_template("inbox.html", items=store.items())

    @app.get("/items.json")
    def listing():
        """Everything received (``?to=`` one address), newest first, as JSON: what scripts such as the demo seed read."""
        to = (request.args.get("to") or "").lower()
        return jsonify([{"id": item.id, "kind": item.kind, "to": item.to, "subject": item.subject, "text": item.text,
                         "received_at": item.received_at}
                        for item in store.items() if not to or to in item.to.lower().split(", ")])

    @app.get("/items/<item_id>")
    def item(item_id):
        found = store.get(item_id) or abort(404)
        return render_template("item.html", item=found)

    @app.get("/items/<item_id>/html")
    def item_html(item_id):
        found = store.get(item_id) or abort(404)
        return found.html, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": EMAIL_POLICY}

    add_sms_routes(app, store)

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    return app


def add_sms_routes(app, store):
    """The development SMS inbox: texts taken as an SMS gateway takes them, shown on a page and as JSON."""

    @app.get("/sms")
    def sms_inbox():
        """The development SMS inbox: every text received, newest first."""
        return render_template("sms.html", items=texts(store, request.args.get("to")))

    @app.get("/sms.json")
    def sms_listing():
        """The texts as JSON, newest first (``?to=`` one number, compared by its digits): tests read codes here."""
        return jsonify([{"id": item.id, "to": item.to, "text": item.text, "received_at": item.received_at}
                        for item in texts(store, request.args.get("to"))])

    @app.post("/sms")
    def receive_sms():
        """Take a text message as an SMS gateway would: ``{"to": "+15550100199", "text": "..."}``."""
        body = request.get_json(silent=True) or {}
        to, text = body.get("to"), body.get("text")
        if not isinstance(to, str) or not 0 < len(to) <= 32 or not isinstance(text, str) or len(text) > LONGEST_SMS:
            return jsonify({"error": "Send {\"to\": a phone number, \"text\": at most 1600 characters}."}), 400
        return jsonify({"id": store.add_sms(to, text)}), 201
