"""The names of a call's context headers, and the request id a log line names.

Apart from shared.context so that a caller that only sends calls (the gateway) or only writes logs need not
import what a service's entrypoints need (nameko's extensions, eventlet, the RPC entrypoint): ~5 MB resident
in each gateway worker.
"""
import contextvars

PASSPORT_KEY = "passport"
DEADLINE_KEY = "deadline"
REQUEST_ID_KEY = "request_id"
# Where a person's request came from, as the gateway saw it: for audit records only, never for a decision.
ORIGIN_IP_KEY = "origin_ip"
ORIGIN_DEVICE_KEY = "origin_device"
ORIGIN_MAX = {ORIGIN_IP_KEY: 45, ORIGIN_DEVICE_KEY: 200}

# Read by the log formatter so every line a worker writes names its request.
current_request_id = contextvars.ContextVar("request_id", default=None)
