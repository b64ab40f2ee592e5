"""Demo client messages (scripts/seed_demo.py calls ``seed_messages``): the business's own receipt and visit reminder
wording, Jordan's choice of text messages for visit reminders (email stays on for everything else), and the
Billing tab's "email new invoices automatically" left off, so the demo's invoices are not mailed out."""

RECEIPT = {
    "subject": "Thanks, {client_name}: we received {amount}",
    "html": ("<p>Hi {client_name},</p><p>Thank you for your {payment_kind} of <strong>{amount}</strong> "
             "({method}, {payment_date}). It paid {invoice_numbers}.</p>"
             "<p>See you on the lawn,<br>The Green Acres crew</p>"),
}
VISIT_REMINDER = {
    "subject": "Tomorrow: {service}",
    "html": ("<p>Hi {client_name},</p><p>Our crew will be with you tomorrow, {visit_date}, {visit_time}, for "
             "<strong>{service}</strong>. Please leave the side gate unlocked.</p>"),
}


def seed_messages(client, staff, jordan_client):
    client.call("notifications", "update_message_template", "receipt", RECEIPT, context=staff)
    client.call("notifications", "update_message_template", "visit_reminder", VISIT_REMINDER, context=staff)
    client.call("notifications", "set_my_message_preferences", {
        "reminders": {"email": True, "sms": True}}, context=jordan_client)
