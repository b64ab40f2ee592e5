"""Publish a batch of persistent messages and wait once for the broker's confirms of them all.

Confirming one message at a time costs a round trip, and for a persistent message a disk sync of the
broker's, per message: under load that was tens of ms each, and a relay with a backlog made the last
event of a batch wait for every confirm before it. Sent in a row, the batch shares the broker's syncs.
"""
import time

from kombu.serialization import dumps

CONFIRM_TIMEOUT_SECONDS = 10.0


class Unconfirmed(Exception):
    """The broker refused a message (nack), or did not confirm it in time."""


class ConfirmingPublisher:
    """One confirm-mode channel of ``connection``; ``publish_all`` sends messages, then awaits their confirms.

    ``confirmed`` is how many messages of the last batch, from its first, the broker confirmed: those may be
    marked sent even when the batch failed further on.
    """

    def __init__(self, connection, timeout=CONFIRM_TIMEOUT_SECONDS):
        self.connection = connection
        self.timeout = timeout
        self.channel = connection.channel()
        self.channel.confirm_select()
        self.last_tag = 0  # the broker numbers a confirm-mode channel's publishes 1, 2, ...
        self.waiting = set()
        self.refused = set()
        self.confirmed = 0
        self.channel.events["basic_ack"].add(self._acked)
        self.channel.events["basic_nack"].add(self._nacked)

    def _settle(self, tag, multiple):
        settled = {waiting for waiting in self.waiting if waiting <= tag} if multiple else {tag}
        self.waiting -= settled
        return settled

    def _acked(self, tag, multiple):
        self._settle(tag, multiple)

    def _nacked(self, tag, multiple):
        self.refused |= self._settle(tag, multiple)

    def publish_all(self, messages):
        """Publish each (body, exchange, routing_key, headers, message_id) persistently as JSON, in order;
        return once the broker confirmed them all, else raise Unconfirmed."""
        self.refused, self.confirmed = set(), 0
        tags = [self._publish(*message) for message in messages]
        try:
            self._await_confirms()
        finally:
            self.confirmed = next((index for index, tag in enumerate(tags)
                                   if tag in self.waiting or tag in self.refused), len(tags))
        if self.refused:
            raise Unconfirmed(f"the broker refused {len(self.refused)} message(s)")

    def _publish(self, body, exchange, routing_key, headers, message_id):
        content_type, content_encoding, payload = dumps(body, serializer="json")
        message = self.channel.prepare_message(payload, None, content_type, content_encoding, headers,
                                               {"delivery_mode": 2, "message_id": message_id})
        self.channel._basic_publish(message, exchange=exchange, routing_key=routing_key)  # no wait per message
        self.last_tag += 1
        self.waiting.add(self.last_tag)
        return self.last_tag

    def _await_confirms(self):
        deadline = time.monotonic() + self.timeout
        while self.waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Unconfirmed(f"{len(self.waiting)} message(s) not confirmed within {self.timeout:g} s")
            self.connection.drain_events(timeout=remaining)
