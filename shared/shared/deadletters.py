"""List and replay dead-lettered events: ``python -m shared.deadletters list|replay SERVICE [EVENT_ID]``.

A dead letter keeps its body and headers, including the queue it failed on, how many times
it was tried and the last error. Replaying sends it back to that queue, through the service's
direct exchange, with a fresh count.
"""
import argparse
import json
import sys

from shared.events import dead_letter_queue
from shared.messaging import (ATTEMPTS_HEADER, ERROR_HEADER, QUEUE_HEADER, broker_connection, publish_confirmed,
                              redelivery_exchange)


def _drain(connection, service):
    """Fetch every waiting dead letter unacknowledged (closing the channel returns them)."""
    channel = connection.channel()
    messages = []
    while True:
        message = channel.basic_get(dead_letter_queue(service), no_ack=False)
        if message is None:
            return channel, messages
        messages.append(message)


def describe(message):
    headers = message.headers or {}
    body = json.loads(message.body)
    return {
        "event_id": body.get("event_id"),
        "event_type": body.get("event_type"),
        "queue": headers.get(QUEUE_HEADER),
        "attempts": headers.get(ATTEMPTS_HEADER),
        "error": headers.get(ERROR_HEADER),
        "tenant_id": body.get("tenant_id"),
    }


def list_dead_letters(service, amqp_uri=None):
    """Return a description of each dead letter of ``service``, leaving them in place."""
    with broker_connection(amqp_uri) as connection:
        channel, messages = _drain(connection, service)
        try:
            return [describe(message) for message in messages]
        finally:
            channel.close()


def replay_dead_letters(service, event_id=None, amqp_uri=None):
    """Send dead letters (all, or the one with ``event_id``) back to their queues; return the count."""
    replayed = 0
    with broker_connection(amqp_uri) as connection:
        channel, messages = _drain(connection, service)
        try:
            for message in messages:
                body = json.loads(message.body)
                if event_id and body.get("event_id") != event_id:
                    continue
                headers = {key: value for key, value in (message.headers or {}).items()
                           if key not in (ATTEMPTS_HEADER, ERROR_HEADER, "x-death")}
                publish_confirmed(connection, body, redelivery_exchange(service), message.headers[QUEUE_HEADER],
                                  headers, message_id=body.get("event_id"))
                channel.basic_ack(message.delivery_tag)
                replayed += 1
        finally:
            channel.close()
    return replayed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("service")
    parser.add_argument("event_id", nargs="?")
    args = parser.parse_args(argv)
    if args.action == "list":
        for letter in list_dead_letters(args.service):
            print(json.dumps(letter))
    else:
        print(f"replayed {replay_dead_letters(args.service, args.event_id)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
