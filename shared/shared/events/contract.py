"""The shape every event contract has: who publishes it, its payload's schema, who subscribes."""
from dataclasses import dataclass


@dataclass(frozen=True)
class EventContract:
    source: str
    name: str
    schema: type
    subscribers: tuple = ()
    secret_fields: tuple = ()
