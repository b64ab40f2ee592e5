"""Serving a local stand-in for an outside API (fake_twilio, fake_stripe) in a thread of the test's process."""
import threading
from contextlib import contextmanager


@contextmanager
def serving(server):
    """Serve ``server`` (an http.server) until the block ends, then close it."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
