"""The largest body a message may have: files travel as blob ids (shared.blobs) and long lists in pages.

A broker moves large messages slowly and holds them in memory; one oversized reply or event
stalls every call queued behind it. Each sender measures what it would publish, as it would
encode it, and refuses a body over the limit: the gateway's RPC client (a request), the outbox
(an event) and the entrypoint guard (an answer).
"""
from kombu.utils.json import dumps

from shared.errors import MessageTooLarge

MAX_MESSAGE_BYTES = 64 * 1024


def encoded_size(body):
    """Return how many bytes ``body`` takes as JSON, encoded as nameko and kombu encode it."""
    return len(dumps(body).encode("utf-8"))


def refuse_oversize(size, what, error=MessageTooLarge):
    """Raise ``error`` naming ``what`` when ``size`` bytes are more than a message may carry."""
    if size > MAX_MESSAGE_BYTES:
        raise error(f"{what} would be {size:,} bytes as a message; at most {MAX_MESSAGE_BYTES:,} may be "
                    "published (files go by reference, long lists in pages).")
