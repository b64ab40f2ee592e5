"""What the Stripe stand-in's modules share: how a test method behaves, and Stripe's error shape."""
SUCCEED, AUTHENTICATE, PROCESSING = "succeed", "authenticate", "processing"


def error(kind, code, message, **more):
    return {"error": {"type": kind, "code": code, "message": message, **more}}
