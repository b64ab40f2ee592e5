"""Structured JSON logs tagged with the request id, for services and the gateway alike."""
import logging
import os

from pythonjsonlogger.json import JsonFormatter

from shared.call_headers import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


def logging_config(service):
    """Return a dictConfig for ``service`` (used by nameko's LOGGING key and the gateway)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {
            "()": JsonFormatter,
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "static_fields": {"service": service},
        }},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "filters": ["request_id"]}},
        "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["stderr"]},
        # pika reports each refused publish (an unknown service) itself; the caller says it better.
        "loggers": {"amqp": {"level": "WARNING"}, "kombu": {"level": "WARNING"}, "pika": {"level": "ERROR"}},
    }
