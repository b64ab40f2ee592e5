"""Error classes that keep their type when they cross an RPC boundary.

nameko serialises an exception as its module path and args; classes registered with
``deserialize_to_instance`` are rebuilt on the calling side, so a service raising
``NotFound`` makes the caller (another service or the gateway) catch ``NotFound``.
The gateway maps each class to an HTTP status in one table (gateway/errors.py).
"""
from nameko.exceptions import deserialize_to_instance


class PorticoError(Exception):
    """Base of every error the platform raises on purpose."""

    code = "error"

    def __init__(self, message="", fields=None):
        super().__init__(message, fields or {})
        self.message = message
        self.fields = fields or {}

    def __str__(self):
        return self.message

    def to_dict(self):
        return {"code": self.code, "message": self.message, "fields": self.fields}


@deserialize_to_instance
class NotFound(PorticoError):
    code = "not_found"


@deserialize_to_instance
class InvalidInput(PorticoError):
    """Input failed validation; ``fields`` maps each field to its messages."""

    code = "invalid_input"


@deserialize_to_instance
class PermissionDenied(PorticoError):
    code = "permission_denied"


@deserialize_to_instance
class Unauthenticated(PorticoError):
    code = "unauthenticated"


@deserialize_to_instance
class Conflict(PorticoError):
    code = "conflict"


@deserialize_to_instance
class RequestInProgress(Conflict):
    """A request with the same Idempotency-Key is still being processed: ask again after ``retry_after`` seconds.

    Not an answer of its own: asked again once the first request is done, the key replays its answer.
    """

    code = "request_in_progress"
    retry_after = 1


@deserialize_to_instance
class PaymentDeclined(PorticoError):
    """The payment processor refused the charge; nothing was taken."""

    code = "payment_declined"


@deserialize_to_instance
class IdempotencyMismatch(PorticoError):
    """An Idempotency-Key was reused with a different request."""

    code = "idempotency_key_reused"


@deserialize_to_instance
class RateLimited(PorticoError):
    """Too many requests of a kind; ``retry_after`` is the number of seconds until another is taken."""

    code = "rate_limited"

    def __init__(self, message="", fields=None, retry_after=None):
        super().__init__(message, fields)
        # nameko sends the number as text: keep it a number whichever side this is
        self.retry_after = int(retry_after) if retry_after not in (None, "") else None
        self.args = (message, self.fields, self.retry_after)  # what crosses the RPC boundary


@deserialize_to_instance
class ServiceUnavailable(PorticoError):
    code = "service_unavailable"


@deserialize_to_instance
class ServiceTimeout(PorticoError):
    code = "service_timeout"


@deserialize_to_instance
class CallExpired(ServiceTimeout):
    """The caller's deadline passed before the call ran, so nothing was done."""

    code = "call_expired"


@deserialize_to_instance
class MessageTooLarge(PorticoError):
    """A request or event would be a message over the limit (shared.message_size): its sender refused to publish it."""

    code = "message_too_large"


@deserialize_to_instance
class AnswerTooLarge(MessageTooLarge):
    """A service's answer would be a message over the limit: the service, not the caller, must page or shrink it."""

    code = "answer_too_large"


@deserialize_to_instance
class NotBatched(PorticoError):
    """A call in a batch (shared.batch) was not run there: the service does not batch it, or its answer did not fit
    beside the others'. Asked on its own, it is answered as usual."""

    code = "not_batched"


ALL = {cls.__name__: cls for cls in (
    NotFound, InvalidInput, PermissionDenied, Unauthenticated, Conflict, RequestInProgress, PaymentDeclined,
    IdempotencyMismatch, RateLimited, ServiceUnavailable, ServiceTimeout, CallExpired, MessageTooLarge,
    AnswerTooLarge, NotBatched,
)}


def from_remote(error):
    """Rebuild an error from nameko's serialised form (``exc_type``, ``exc_args``)."""
    cls = ALL.get(error.get("exc_type"))
    if cls is None or not str(error.get("exc_path", "")).startswith("shared.errors."):
        return None
    args = list(error.get("exc_args") or [])
    message = args[0] if args else error.get("value", "")
    fields = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    return cls(message, fields, *args[2:3]) if cls is RateLimited else cls(message, fields)


def invalid(field, message):
    """Return an InvalidInput about one field."""
    return InvalidInput(f"{field}: {message}", {field: [message]})
