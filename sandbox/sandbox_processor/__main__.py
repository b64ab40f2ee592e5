"""Run the sandbox processor: ``python -m sandbox_processor`` (threaded, one thread per request)."""
import os

from werkzeug.serving import WSGIRequestHandler, make_server

from sandbox_processor.app import create_app
from sandbox_processor.serving import serve_until_stopped


class PathOnlyRequestLog(WSGIRequestHandler):
    """Log method, path and status only: a query string must never put card data in a log.

    HTTP/1.1 keeps a caller's connection open between requests, as a real processor's API does; werkzeug's
    default (HTTP/1.0) closed it after every answer, so billing connected anew for each charge.
    """

    protocol_version = "HTTP/1.1"

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
