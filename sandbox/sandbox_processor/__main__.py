"""Run the sandbox processor: ``python -m sandbox_processor`` (threaded, one thread per request)."""
import io
import os

from werkzeug.serving import WSGIRequestHandler, make_server

from sandbox_processor.app import create_app
from sandbox_processor.serving import serve_until_stopped


KEPT_BODY_BYTES = 1 << 20  # a request body up to this size is read whole first, and its connection kept


class PathOnlyRequestLog(WSGIRequestHandler):
    """Log method, path and status only: a query string must never put card data in a log.

    It also keeps a caller's connection open between requests (HTTP/1.1), as a real processor's API does, so
    billing does not connect anew for each charge. werkzeug closes every connection, because an app that
    leaves part of a body unread would leave it where the next request line should be: this handler reads a
    request's whole body before the app runs, and closes only what it cannot read that way (chunked bodies,
    "Expect: 100-continue", bodies over KEPT_BODY_BYTES).
    """

    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle kept connection holds its thread before it is closed
    body_read_whole = False

    def run_wsgi(self):
        length = self.headers.get("Content-Length", "0")
        if "Transfer-Encoding" in self.headers or "Expect" in self.headers or not length.isdigit() \
                or int(length) > KEPT_BODY_BYTES:
            return super().run_wsgi()
        connection_file, self.rfile = self.rfile, io.BytesIO(self.rfile.read(int(length)))
        self.body_read_whole = True
        try:
            super().run_wsgi()
        finally:
            self.rfile, self.body_read_whole = connection_file, False

    def send_header(self, keyword, value):
        if self.body_read_whole and keyword.lower() == "connection" and value.lower() == "close":
            return  # nothing of this request is left on the connection: the next one can follow
        super().send_header(keyword, value)

    def log_request(self, code="-", size="-"):
        path = getattr(self, "path", "").split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', getattr(self, "command", "-"), path,
                 getattr(code, "value", code), size)

    def log_error(self, format, *args):
        # http.server quotes the raw request line in these messages, query string and all.
        self.log("error", "refused a request (%s)", args[0] if args else "-")


def main():
    host = os.environ.get("SANDBOX_PROCESSOR_HOST") or "127.0.0.1"
    port = int(os.environ.get("SANDBOX_PROCESSOR_PORT") or 8100)
    server = make_server(host, port, create_app(), threaded=True,
                         request_handler=PathOnlyRequestLog)
    serve_until_stopped(server, f"Sandbox payment processor (test mode) on http://{host}:{server.port}")


if __name__ == "__main__":
    main()
