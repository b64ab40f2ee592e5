"""Run the processor on a free port in a background thread, for tests that need real HTTP."""
import contextlib
import threading

from werkzeug.serving import make_server

from sandbox_processor.__main__ import PathOnlyRequestLog


@contextlib.contextmanager
def serving(app, host="127.0.0.1"):
    """Serve ``app`` threaded on a free port and yield its base URL; stop it afterwards."""
    server = make_server(host, 0, app, threaded=True, request_handler=PathOnlyRequestLog)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
