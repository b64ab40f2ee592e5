"""Errors the API answers as ``{"error": {"code", "message", "fields"}}`` with their HTTP status."""


class ApiError(Exception):
    """An answer the API gives on purpose instead of a result."""

    status = 400
    code = "invalid_request"

    def __init__(self, message, fields=None, code=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.code = code or self.code

    def to_dict(self):
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class InvalidRequest(ApiError):
    status = 400
    code = "invalid_request"


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"
