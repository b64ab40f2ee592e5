"""The mailroom: workers queue messages into it; a background loop delivers them."""
from notifications import mailbox
from notifications.delivery import Courier, DeliverySettings, email_transport, sms_provider
from shared.db import service_engine
from shared.loops import BackgroundLoop
from shared.sealing import SecretBox


class Postbox:
    """Per-worker handle: queue drafts in the worker's transaction; the courier wakes after it.

    ``box`` opens the secrets of accounts' events and seals them into the messages.
    """

    def __init__(self, settings, box):
        self.settings = settings
        self.box = box
        self.queued = False

    @property
    def base_url(self):
        return self.settings.base_url

    def queue(self, session, draft):
        message = mailbox.queue(session, draft, self.box)
        self.queued = self.queued or message is not None
        return message


class Mailroom(BackgroundLoop):
    """Deliver queued messages one at a time, woken when a worker queued one.

    It also looks every ``poll_seconds`` for retries falling due and for rows another
    instance queued. Every instance runs one; ``Courier`` keeps them off each other's rows.
    Stopping lets a send under way finish, so its outcome is recorded rather than left to the lease.
    """

    log_error_text = False  # a transport's error can name a recipient

    def __init__(self, poll_seconds=0.5):
        super().__init__(poll_seconds=poll_seconds)
        self.postboxes = {}
        self.settings = None
        self.courier = None
        self.box = None

    def setup(self):
        self.settings = DeliverySettings.from_env()
        self.box = SecretBox.from_env()  # refuse to start without the key
        self.courier = Courier(service_engine(self.container), email_transport(self.settings),
                               sms_provider(self.settings.sms_provider, self.settings.sms_url),
                               self.settings.retry_delays, self.box)

    def work_once(self):
        return self.courier.deliver_next()

    def get_dependency(self, worker_ctx):
        postbox = Postbox(self.settings, self.box)
        self.postboxes[worker_ctx] = postbox
        return postbox

    def worker_teardown(self, worker_ctx):
        # After the worker, so its transaction has committed and the courier can see the rows.
        postbox = self.postboxes.pop(worker_ctx, None)
        if postbox is not None and postbox.queued:
            self.wake()
