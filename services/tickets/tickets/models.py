"""Tables private to the tickets service."""
from shared.tables import service_base


Base, platform = service_base()
