"""Demo alerts (called by seed_demo.seed before any client acts): the owner hears of every client action on the
Alerts tab, and gets payments, money taken back (a returned bank debit, a dispute) and estimate answers by email
too. What the demo's clients then do - Sam turning on autopay, Jordan paying, chatting, uploading and answering an
estimate - lands in the owner's alerts named by the client ("Jordan Rivera paid ...") with a link to the invoice,
ticket, estimate or documents, and the emailed ones in the development mailbox."""
EMAILED = ("payment_made", "payment_returned", "payment_disputed", "estimate_decided")


def seed_alerts(client, staff, owner_id):
    actions = client.call("notifications", "describe_settings", context=staff)["alerts"]["properties"]
    chosen = {action: [owner_id] for action, prop in actions.items() if prop.get("type") == "array"}
    client.call("notifications", "update_settings", "alerts",
                {**chosen, **{f"email_{action}": True for action in EMAILED}}, context=staff)
