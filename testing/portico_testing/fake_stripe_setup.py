"""The stand-in's SetupIntents (portico_testing/fake_stripe.py): made by the server, confirmed from the browser by
the stand-in's Stripe.js (fake_stripe.js) with what the client typed, and, when the card's bank asks, confirmed again
after its check."""
import re

from portico_testing.fake_stripe_shared import AUTHENTICATE, PROCESSING, error

BROWSER_PATHS = re.compile(r"^/v1/(setup_intents/seti_[0-9a-z]+/(confirm|authenticate)|payment_intents/pi_[0-9]+/"
                           r"authenticate)$")


def browser_call(path):
    """Whether ``path`` is one Stripe.js calls with the publishable key."""
    return bool(BROWSER_PATHS.match(path))


class SetupIntents:
    def __init__(self):
        self.made = {}

    def create(self, form, number):
        setup_id = f"seti_{number:024d}"
        self.made[setup_id] = {
            "id": setup_id, "object": "setup_intent", "customer": form.get("customer"),
            "client_secret": f"{setup_id}_secret_{number:08d}", "metadata": form.get("metadata", {}),
            "payment_method_types": list((form.get("payment_method_types") or {}).values()),
            "usage": form.get("usage"), "status": "requires_payment_method", "payment_method": None,
            "mandate": None, "last_setup_error": None}
        return 200, self.made[setup_id]

    def retrieve(self, setup_id, method_details):
        found = self.made.get(setup_id)
        if found is None:
            return 404, error("invalid_request_error", "resource_missing", f"No such setupintent: '{setup_id}'")
        method = method_details.get(found["payment_method"]) if found["payment_method"] else None
        return 200, {**found, "payment_method": {**method, "customer": found["customer"]} if method else None}

    def confirm(self, setup_id, method, behaviour, number):
        found = self.made.get(setup_id)
        if found is None or found["status"] != "requires_payment_method":
            return 400, error("invalid_request_error", "setup_intent_unexpected_state",
                              "This SetupIntent cannot be confirmed now.")
        if method["type"] not in (("card",) if "card" in found["payment_method_types"] else ()) + \
                (("us_bank_account",) if "us_bank_account" in found["payment_method_types"] else ()):
            return 400, error("invalid_request_error", "payment_method_invalid", "This kind of method is not "
                                                                                 "accepted here.")
        if isinstance(behaviour, tuple):  # a card its bank refuses
            found["last_setup_error"] = {"code": behaviour[0], "decline_code": behaviour[1], "message": behaviour[2]}
            return 402, error("card_error", behaviour[0], behaviour[2], setup_intent=found)
        found["payment_method"] = method["id"]
        if behaviour == AUTHENTICATE:
            found["status"] = "requires_action"
            found["next_action"] = {"type": "use_stripe_sdk"}
        else:
            found["status"] = "succeeded"
            if behaviour == PROCESSING:  # a bank account: its debits need the client's mandate
                found["mandate"] = f"mandate_{number:024d}"
        return 200, found

    def authenticate(self, setup_id):
        """The client passed their bank's check (the stand-in's 3-D Secure window)."""
        found = self.made.get(setup_id)
        if found is None or found["status"] != "requires_action":
            return 400, error("invalid_request_error", "setup_intent_unexpected_state", "Nothing to authenticate.")
        found["status"], found["next_action"] = "succeeded", None
        return 200, found

