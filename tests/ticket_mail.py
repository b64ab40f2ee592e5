"""A ticket's email both ways in tests: the staff reply's email the client gets, and the client's answer by email.

The staff reply arrives at the suite's SMTP server (tests/mail.py); the answer goes to its Reply-To address
through notifications' real inbound SMTP endpoint (``system.inbound_smtp_port``).
"""
import smtplib
from email.message import EmailMessage

from tests.conftest import INBOUND_DOMAIN


def staff_reply_mail(system, client_email, reply_text, ticket_id):
    """Take the email of a staff reply to ``client_email``: it quotes ``reply_text`` and links to the ticket."""
    mail = system.mail.wait_for_message(client_email, matching=lambda m: "ticket" in m.subject)
    assert reply_text in mail.text and f"/tickets/{ticket_id}" in mail.text, mail.text
    return mail


def reply_address(mail):
    """The ticket's reply address a staff reply's email carries: one that cannot be guessed, at the inbound domain."""
    address = mail.message["Reply-To"].addresses[0].addr_spec
    assert address.startswith("reply+") and address.endswith(f"@{INBOUND_DOMAIN}"), address
    return address


def answer_by_email(system, mail, sender, text, message_id):
    """Reply to ``mail`` from ``sender`` as a mail program would: ``text`` above the quoted original."""
    answer = EmailMessage()
    answer["From"], answer["To"] = sender, reply_address(mail)
    answer["Subject"], answer["Message-ID"] = f"Re: {mail.subject}", message_id
    answer.set_content(f"{text}\n\nOn Monday the business wrote:\n" + "".join(
        f"> {line}\n" for line in mail.text.splitlines()[:3]))
    with smtplib.SMTP("127.0.0.1", system.inbound_smtp_port, timeout=20) as smtp:
        smtp.send_message(answer)
