"""Run the development mailbox: ``python -m sandbox_mailbox`` (SMTP on 1025, its page on 8025, this machine only)."""
import os

from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

from sandbox_mailbox.app import create_app
from sandbox_mailbox.store import MailboxStore
from sandbox_processor.serving import serve_until_stopped


class Keeper:
    """aiosmtpd handler: keep every message, whoever it is for."""

    def __init__(self, store):
        self.store = store

    async def handle_DATA(self, server, session, envelope):
        self.store.add_email(envelope.rcpt_tos, envelope.original_content or envelope.content)
        return "250 Kept in the development mailbox"


def main():
    host = os.environ.get("MAILBOX_HOST") or "127.0.0.1"
    folder = os.environ.get("MAILBOX_DIR") or os.path.join(os.environ.get("PORTICO_VAR_DIR", "var"), "mailbox")
    app = create_app(folder)
    smtp = Controller(Keeper(MailboxStore(folder)), hostname=host, port=int(os.environ.get("MAILBOX_SMTP_PORT") or 1025))
    smtp.start()
    web = make_server(host, int(os.environ.get("MAILBOX_HTTP_PORT") or 8025), app, threaded=True)
    serve_until_stopped(web, f"Development mailbox: SMTP on {host}:{smtp.port}, page on http://{host}:{web.port}",
                        on_stop=smtp.stop)


if __name__ == "__main__":
    main()
