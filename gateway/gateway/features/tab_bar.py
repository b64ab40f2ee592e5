"""What the portal's tab bar shows of billing's tabs (the Services tab, the estimates awaiting an answer), asked
in one call, once per page."""
import logging

from flask import g

from gateway.services import rpc
from shared.errors import PorticoError

log = logging.getLogger(__name__)
NOTHING_SHOWN = {"services": False, "estimates_awaiting": None}  # billing down hides its tabs, not the page


def billing_tab_bar():
    if "billing_tab_bar" not in g:
        try:
            g.billing_tab_bar = rpc().call("billing", "my_tab_bar")
        except PorticoError as error:
            log.warning("tab bar without billing's tabs: %s", error)
            g.billing_tab_bar = NOTHING_SHOWN
    return g.billing_tab_bar
