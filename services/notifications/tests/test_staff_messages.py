"""A staff member's password reset link: queued by email, to the staff pages, branded as the business,
the link hidden in every copy staff can see and sealed until it is sent."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from notifications.mailbox import secret_binding
from notifications.messages import HIDDEN_RESET_LINK
from notifications.models import Message
from portico_testing.inprocess import SECRET_BOX
from shared.events import STAFF_PASSWORD_RESET_ISSUED, TENANT_PROFILE_UPDATED


def test_a_staff_reset_link_goes_to_the_staff_pages_hidden_from_staff(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, {"tenant_id": 1, "slug": "green", "display_name": "Green Acres"})
    notifications.deliver(STAFF_PASSWORD_RESET_ISSUED, {
        "staff_user_id": 3, "email": "sam@green.example", "name": "Sam Staff", "token": "tok-9",
        "expires_at": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()})
    [message] = notifications.messages()
    assert (message["kind"], message["channel"], message["to"]) == ("staff_password_reset", "email",
                                                                   "sam@green.example")
    assert message["subject"] == "Reset your Green Acres staff password"
    assert HIDDEN_RESET_LINK in message["text"] and "tok-9" not in message["text"] + message["html"]
    assert "Hello Sam Staff," in message["text"] and "expires in 1 hour" in message["text"]
    row = notifications.db.scalars(select(Message)).one()
    assert SECRET_BOX.open(row.sealed_secret, secret_binding(row)) == "http://127.0.0.1:8000/staff/reset/tok-9"
