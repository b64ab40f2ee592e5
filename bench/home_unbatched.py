"""The gateway asking every question as a request of its own, as before batches (``bench/home_page.py --unbatched``).

Only ``BoundClient.call_parallel`` changes: no grouping by service, no questions riding along with a page's (the
tab bar asks its own, the Home page still asks them with its panels). Side by side with the portal, it shows what
asking each service once saves.
"""
from gateway import services
from gateway.app import create_app as gateway_app


def fan_out(self, calls, timeout=None):
    return self.client.call_parallel(calls, context=self.context, timeout=timeout)


def create_app():
    services.BoundClient.call_parallel = fan_out
    return gateway_app()
