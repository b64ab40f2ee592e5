"""The SMTP endpoint for clients' mail to tickets: aiosmtpd in a real OS thread, mails handed to service workers.

nameko runs on eventlet, whose green threads all share one OS thread; asyncio's loop (aiosmtpd)
must not run there. ``InboundSmtpServer`` runs its own asyncio loop in an OS thread of its own
(``threading`` as it was before monkey patching) and parses each mail there (CPU work off the hub).
That thread must never touch an eventlet primitive: a green lock waited on from a second OS thread
crashes the hub ("Cannot switch to a different thread"). So its loop polls with the unpatched
``selectors``, it never logs (logging's handler locks are green; aiosmtpd's own "mail.log" is
silenced, and it would name the reply address, which holds the ticket's token), and ``HandOver``
crosses between the sides through a queue of the unpatched ``queue`` module: a green thread takes
mails through ``eventlet.tpool`` and spawns one worker per mail, whose outcome comes back to the
loop by ``call_soon_threadsafe``. Mails in flight at once each wait at most ``OUTCOME_TIMEOUT_SECONDS``.
"""
import asyncio
import logging
import os
import sys

from aiosmtpd.smtp import SMTP
from eventlet import patcher, tpool
from nameko.extensions import Entrypoint

from notifications import inbound

log = logging.getLogger(__name__)
AIOSMTPD_LOGGERS = ("mail.log", "mail.debug")  # aiosmtpd's per-command logs, written from the SMTP thread
_threading = patcher.original("threading")
_queue = patcher.original("queue")
_select = patcher.original("select")


class _UnpatchedSelector(patcher.original("selectors").SelectSelector):
    """select(2) itself: the selectors module, even as "original", carries eventlet's green select."""
    _select = staticmethod(_select.select)


OUTCOME_TIMEOUT_SECONDS = 60
START_TIMEOUT_SECONDS = 10
REFUSED = "550 5.1.1 No such mailbox here"
ONE_RECIPIENT = "452 4.5.3 One recipient per email"
ACCEPTED = "250 2.0.0 Received"
LATER = "451 4.3.0 Could not take the email now; try again later"
# A worker's outcome, as the sending server is answered (none of these is retried: the sender can use the portal).
ANSWERS = {"accepted": ACCEPTED, "duplicate": ACCEPTED, "opened": ACCEPTED, "no_business": REFUSED,
           "unknown_sender": "550 5.7.1 This address takes email from the business's clients only: write from"
                             " the address your account uses, or use the client portal",
           "not_taken": "550 5.7.1 This business does not take tickets by email now: please use the client portal"}
_STOP = object()


class HandOver:
    """Mails from the SMTP thread to whoever serves them (a green thread, or a test's thread), outcomes back."""

    def __init__(self):
        self.mails = _queue.Queue()

    async def submit(self, mail):
        """Awaited in the SMTP thread's loop: hand ``mail`` over; its outcome ("accepted", "duplicate"), or None."""
        loop = asyncio.get_running_loop()
        outcome = loop.create_future()

        def settle(result):  # called on the serving side, in another thread
            loop.call_soon_threadsafe(lambda: outcome.done() or outcome.set_result(result))
        self.mails.put((mail, settle))
        try:
            return await asyncio.wait_for(outcome, OUTCOME_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            return None

    def take(self, timeout=None):
        """Return the next (mail, settle) handed over, or None when stopped (or after ``timeout``)."""
        try:
            item = self.mails.get(timeout=timeout)
        except _queue.Empty:
            return None
        return None if item is _STOP else item

    def stop(self):
        self.mails.put(_STOP)


class ReplyHandler:
    """aiosmtpd's hooks: only reply and support addresses of our domain as recipients; each mail parsed and
    handed over, and answered as its worker's outcome says."""

    def __init__(self, domain, hand_over):
        self.domain = domain
        self.hand_over = hand_over

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if inbound.recipient(address, self.domain) is None:
            return REFUSED
        if envelope.rcpt_tos:
            return ONE_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        to = inbound.recipient(envelope.rcpt_tos[0], self.domain)
        try:
            mail = inbound.parse(envelope.original_content or envelope.content, to.get("token"),
                                 to.get("support_slug"))
        except Exception:  # a mail the email package cannot read: refuse it for good (no log: see above)
            return "554 5.6.0 Could not read this email"
        outcome = await self.hand_over.submit(mail)
        return ANSWERS.get(outcome, LATER)


class InboundSmtpServer:
    """An SMTP server on ``host``:``port`` in an OS thread of its own; ``start`` returns once it listens."""

    def __init__(self, host, port, domain, hand_over, max_bytes=inbound.MAIL_MAX_BYTES):
        self.host, self.port, self.max_bytes = host, port, max_bytes
        self.handler = ReplyHandler(domain, hand_over)
        self.loop = None
        self.thread = None

    def _smtp(self):
        return SMTP(self.handler, data_size_limit=self.max_bytes, enable_SMTPUTF8=True,
                    hostname=self.host, ident="Portico inbound mail")

    def _serve(self, ready):
        loop = asyncio.SelectorEventLoop(_UnpatchedSelector())
        loop.set_exception_handler(_report_to_stderr)
        try:
            server = loop.run_until_complete(loop.create_server(self._smtp, self.host, self.port))
        except Exception as error:
            loop.close()
            ready.put(error)
            return
        self.loop = loop
        ready.put(None)
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    def start(self, wait=None):
        """Start listening; ``wait`` runs the blocking wait for the thread to be ready (tpool.execute under eventlet)."""
        for name in AIOSMTPD_LOGGERS:  # here, not at import: a logging dictConfig re-enables loggers
            logging.getLogger(name).disabled = True
        ready = _queue.Queue(maxsize=1)
        self.thread = _threading.Thread(target=self._serve, args=(ready,), name="inbound-smtp", daemon=True)
        self.thread.start()
        error = (wait or (lambda fn, *args: fn(*args)))(ready.get, True, START_TIMEOUT_SECONDS)
        if error is not None:
            raise error
        return self

    def stop(self, wait=None):
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            (wait or (lambda fn, *args: fn(*args)))(self.thread.join, START_TIMEOUT_SECONDS)
            self.loop = None


def _report_to_stderr(loop, context):
    """The loop's unexpected errors, written straight to stderr: logging's locks are green (see above)."""
    error = context.get("exception")
    sys.stderr.write(f"inbound SMTP: {context.get('message')}: {error!r}\n")


def listen_settings(config):
    """(host, port, domain, max bytes) from the config or environment; None when inbound mail is off."""
    def read(name, default=None):
        return config.get(name) or os.environ.get(name) or default

    port, domain = read("INBOUND_SMTP_PORT"), read("INBOUND_MAIL_DOMAIN")
    if not port or not domain:
        return None
    return (read("INBOUND_SMTP_HOST", "127.0.0.1"), int(port), domain,
            int(read("INBOUND_MAIL_MAX_BYTES", inbound.MAIL_MAX_BYTES)))


class InboundMailEntrypoint(Entrypoint):
    """Run the decorated method, in a worker of its own, for each mail the SMTP endpoint accepts.

    The endpoint runs when ``INBOUND_SMTP_PORT`` and ``INBOUND_MAIL_DOMAIN`` are set; else nothing listens.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hand_over = HandOver()
        self.server = None

    def start(self):
        listen = listen_settings(self.container.config)
        if listen is None:
            return
        host, port, domain, max_bytes = listen
        self.server = InboundSmtpServer(host, port, domain, self.hand_over, max_bytes).start(wait=tpool.execute)
        self.container.spawn_managed_thread(self._pump)
        log.info("inbound mail: listening on %s:%s", host, port)

    def _pump(self):
        while True:
            item = tpool.execute(self.hand_over.take)
            if item is None:
                return
            mail, settle = item
            self.container.spawn_worker(self, (mail,), {}, handle_result=self._settler(settle))

    @staticmethod
    def _settler(settle):
        def handle_result(worker_ctx, result, exc_info):
            settle(result if exc_info is None else None)
            return result, exc_info
        return handle_result

    def stop(self):
        if self.server is not None:
            self.server.stop(wait=tpool.execute)
            self.hand_over.stop()
            self.server = None

    def kill(self):
        self.stop()


inbound_mail = InboundMailEntrypoint.decorator
