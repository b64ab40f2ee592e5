"""Alerts raised from audit facts: the Alerts-tab actions that no other event tells notifications about.

A client activating their portal account, editing their details, or adding or changing a card or bank account
is known to notifications only from the fact its service recorded (shared.audit); the staff chosen on the Alerts
tab for that action hear of it as "<client> <did what>", with the fact's staff link (else the client's page).
"""
from notifications import alerts, languages, names

# The actions alerted from their facts (the other Alerts-tab actions have events of their own).
FROM_FACTS = frozenset({"portal_account_activated", "account_details_updated", "card_added", "card_updated",
                        "bank_account_added", "bank_account_updated"})


def alert_text(client, data):
    """"Jordan Rivera added Visa ending 4242.": the client, then the fact's summary as what they did."""
    summary = data["summary"].rstrip(".")
    did = summary[:1].lower() + summary[1:] if summary else data["action"].replace("_", " ")
    return f"{client} {did}."


def raise_from_fact(session, event, data):
    """Alert the staff chosen for the fact's action when it is a client's and one alerted from facts only."""
    if data["action"] not in FROM_FACTS or (data.get("actor") or {}).get("kind") != "client":
        return 0
    link = data.get("link") or f"/staff/clients/{data['account_id']}"
    with languages.to_business(session, event["tenant_id"]):
        client = names.account_name(session, event["tenant_id"], data["account_id"])
        return alerts.raise_alerts(session, event["tenant_id"], data["action"], alert_text(client, data),
                                   data["account_id"], event["event_id"], link=link)
