"""A development mailbox: an SMTP server and an SMS endpoint that keep what they receive, with a page to read it.

``make up`` runs it for the embedded default, so a developer reads the demo's mail and texts here
instead of anyone's inbox; production sends through a real SMTP server and SMS gateway.
"""
