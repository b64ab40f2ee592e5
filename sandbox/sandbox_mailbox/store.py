"""What the mailbox received: one file per email (as sent) or text message, in a folder."""
import email
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from email import policy
from pathlib import Path

ITEM_ID = re.compile(r"[0-9]{13}-[0-9a-f]{8}")
KEPT = 500  # the newest ones; older files are removed as new ones arrive


@dataclass
class Item:
    id: str
    kind: str  # "email" or "sms"
    to: str
    subject: str
    text: str
    html: str
    received_at: float


class MailboxStore:
    _lock = threading.Lock()
    _last_stamp = 0  # shared by the process's stores, so items arriving within one millisecond keep their order

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _new_path(self, suffix):
        with MailboxStore._lock:
            stamp = MailboxStore._last_stamp = max(int(time.time() * 1000), MailboxStore._last_stamp + 1)
        return self.folder / f"{stamp:013d}-{secrets.token_hex(4)}{suffix}"

    def add_email(self, recipients, raw):
        """Keep an email as it arrived over SMTP (``raw`` bytes)."""
        path = self._new_path(".eml")
        path.with_suffix(".to").write_text(", ".join(recipients))
        self._publish(path, raw)
        self._prune()
        return path.stem

    def add_sms(self, to, text):
        path = self._new_path(".sms")
        self._publish(path, json.dumps({"to": to, "text": text}).encode())
        self._prune()
        return path.stem

    @staticmethod
    def _publish(path, data):
        """Write the file under another name, then rename it: a reader never meets half of it."""
        part = path.with_name(path.name + ".part")
        part.write_bytes(data)
        part.replace(path)

    def items(self):
        """Everything received, newest first."""
        paths = sorted((p for p in self.folder.iterdir() if p.suffix in (".eml", ".sms")), reverse=True)
        found = []
        for path in paths:
            try:
                found.append(self._read(path))
            except FileNotFoundError:  # pruned by a message arriving meanwhile
                continue
        return found

    def get(self, item_id):
        if not ITEM_ID.fullmatch(item_id or ""):
            return None
        for suffix in (".eml", ".sms"):
            try:
                return self._read(self.folder / f"{item_id}{suffix}")
            except FileNotFoundError:
                continue
        return None

    def _read(self, path):
        received_at = int(path.stem[:13]) / 1000
        if path.suffix == ".sms":
            sms = json.loads(path.read_text())
            return Item(path.stem, "sms", sms["to"], "Text message", sms["text"], "", received_at)
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        to_path = path.with_suffix(".to")
        to = to_path.read_text() if to_path.exists() else str(message["To"] or "")
        return Item(path.stem, "email", to, str(message["Subject"] or ""),
                    text.get_content() if text else "", html.get_content() if html else "", received_at)

    def _prune(self):
        paths = sorted((p for p in self.folder.iterdir() if p.suffix in (".eml", ".sms")), reverse=True)
        for path in paths[KEPT:]:
            path.unlink(missing_ok=True)
            path.with_suffix(".to").unlink(missing_ok=True)
