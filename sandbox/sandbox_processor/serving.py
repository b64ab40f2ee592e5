"""Serve a stand-in until it is stopped: Ctrl-C, or SIGTERM, which a container's PID 1 otherwise ignores."""
import signal
import sys


def serve_until_stopped(server, banner, on_stop=None):
    """Print ``banner``, serve ``server`` until Ctrl-C or SIGTERM, then close it and call ``on_stop``."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(banner, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if on_stop is not None:
            on_stop()
