"""A local stand-in for Twilio's Messages API, written from Twilio's API reference, for tests: no network.

``POST /2010-04-01/Accounts/<SID>/Messages.json`` with form fields (``To``, ``From`` or ``MessagingServiceSid``,
``Body``) and HTTP basic auth (account SID, auth token) answers 201 with a message (``sid``, ``status``); a wrong
path 404, wrong credentials 401, each with Twilio's error body (``code``, ``message``, ``more_info``, ``status``).
``server.script`` holds answers (status, body, delay in seconds) to give first, one per request; ``server.requests``
records what arrived.
"""
import base64
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from portico_testing.http_stand_in import serving

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "auth-token-that-must-stay-secret"


class FakeTwilio(BaseHTTPRequestHandler):
    """One endpoint, Messages.json; answers from ``server.script`` first, then accepts the text."""

    def do_POST(self):  # noqa: N802 (the name http.server calls)
        body = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
        self.server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                     "type": self.headers.get("Content-Type"),
                                     "form": {key: values[0] for key, values in body.items()}})
        if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return self.answer(404, error(20404, "The requested resource was not found", 404))
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.answer(401, error(20003, "Authenticate", 401))
        if self.server.script:
            status, payload, delay = self.server.script.pop(0)
            time.sleep(delay)
            return self.answer(status, payload)
        form = self.server.requests[-1]["form"]
        self.answer(201, {"sid": f"SM{len(self.server.requests):032x}", "status": "queued", "account_sid": SID,
                          "to": form.get("To"), "from": form.get("From"), "body": form.get("Body"),
                          "messaging_service_sid": form.get("MessagingServiceSid"), "error_code": None,
                          "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
                          "date_created": "Thu, 03 Dec 2026 01:00:00 +0000"})

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (the timeout test)
            pass

    def log_message(self, *args):
        pass


def error(code, text, status):
    return {"code": code, "message": text, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def fake_twilio():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    server.requests, server.script = [], []
    return serving(server)
